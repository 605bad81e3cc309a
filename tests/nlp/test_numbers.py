"""Tests for crosscheck.nlp.numbers: digits, words, vague amounts, ranges, qualifiers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crosscheck.nlp.numbers import detect_style, find_numbers, parse_digits, parse_number


def one(text: str):
    found = find_numbers(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3,847", 3847), ("1.2 million", 1_200_000), ("$450", 450), ("3bn", 3e9),
        ("nearly five thousand", 5000), ("two dozen", 24), ("a hundred", 100),
        ("twenty-four", 24), ("two hundred and fifty", 250), ("half a million", 500_000),
        ("1.234.567", 1_234_567), ("10k", 10_000),
    ],
)  # fmt: skip
def test_numbers_parse_values(text: str, value: float) -> None:
    m = parse_number(text)
    assert m is not None and m.value == value


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("at least 40", "at_least"), ("more than 40", "more_than"), ("over 40", "more_than"),
        ("upwards of 40", "more_than"), ("roughly 40", "about"), ("some 40", "about"),
        ("an estimated 40", "about"), ("nearly 40", "about"), ("up to 40", "at_most"),
        ("as many as 40", "at_most"), ("fewer than 40", "less_than"), ("40 or more", "at_least"),
        ("exactly 40", "exactly"), ("40", None), ("between 30 and 40", "between"),
    ],
)  # fmt: skip
def test_numbers_qualifiers(text: str, qualifier: str | None) -> None:
    m = one(f"The floods left {text} houses under water.")
    assert m.qualifier == qualifier
    assert m.text == text


def test_numbers_vague_amounts_have_ranges() -> None:
    found = find_numbers("Dozens of villages flooded, hundreds were hurt and tens of thousands fled.")
    assert [(m.low, m.high, m.kind) for m in found] == [
        (24, 99, "vague"),
        (200, 999, "vague"),
        (20_000, 99_999, "vague"),
    ]
    assert find_numbers("several hundred volunteers")[0].low == 300
    assert find_numbers("The scores were level at half time.") == []


def test_numbers_ranges() -> None:
    for text in ("between 700 and 1,000", "700-1,000", "700 to 1,000"):
        m = one(f"Officials said {text} ballots were spoiled.")
        assert (m.value, m.low, m.high, m.qualifier) == (700, 700, 1000, "between")
    m = one("Losses of 2-3 million dollars")
    assert (m.low, m.high, m.currency) == (2e6, 3e6, "dollars")
    assert [m.value for m in find_numbers("five and six")] == [5, 6]


def test_numbers_notes_mark_non_counts() -> None:
    text = "A 41-year-old voter, aged 23, gave 45 percent and 12% in 2017 on 29 December and March 3 and 5."
    notes = [(m.value, m.note) for m in find_numbers(text)]
    assert notes == [
        (41, "age"),
        (23, "age"),
        (45, "percent"),
        (12, "percent"),
        (2017, "year"),
        (29, "date"),
        (3, "date"),
        (5, "date"),
    ]


def test_numbers_ordinals_times_phones_urls_are_not_found() -> None:
    text = (
        "On the 19th day, the twenty-third hour, at 08:00 GMT on 2024-03-02, call "
        "+44 20 7946 0958 or 555-123-4567, see https://example.org/day-19 ."
    )
    assert find_numbers(text) == []


def test_numbers_european_style_only_when_unambiguous() -> None:
    assert parse_digits("12.500") == 12.5
    assert parse_digits("12.500", "eu") == 12500
    assert detect_style("Es gab 1.234.567 Stimmen und 2,5 Millionen") == "eu"
    assert detect_style("There were 1,234 votes and 12.500 abstentions") == "en"
    assert parse_digits("1,2,3") is None


def test_numbers_money() -> None:
    m = one("They paid $1.5bn in damages.")
    assert (m.value, m.currency) == (1.5e9, "$")
    assert one("a fine of 3,000 euros").currency == "euros"
    assert find_numbers("It rose 5m in height.") == []  # metres, not millions


@given(st.integers(min_value=0, max_value=10**12))
def test_numbers_digits_roundtrip(n: int) -> None:
    m = parse_number(f"{n:,}")
    assert m is not None and m.value == n
