"""Tests for crosscheck.nlp.timex: time expressions resolved against the publication date."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crosscheck.nlp.timex import TimeExpr, find_times

PUB = date(2026, 1, 27)  # a Tuesday


def one(text: str, pub: date | None = PUB) -> TimeExpr:
    found = find_times(text, pub)
    assert len(found) == 1, found
    return found[0]


def dates(text: str, pub: date | None = PUB) -> tuple[str | None, str | None]:
    rng = one(text, pub).range
    assert rng is not None
    return rng.start, rng.end


@pytest.mark.parametrize(
    ("text", "span", "start", "end"),
    [
        ("The minister arrived on January 6.", "January 6", "2026-01-06", "2026-01-06"),
        ("Talks resumed on 6 January in Oslo.", "6 January", "2026-01-06", "2026-01-06"),
        ("It was signed on Jan. 6, 2026, in Lima.", "Jan. 6, 2026", "2026-01-06", "2026-01-06"),
        ("Floods hit the valley on 6 January 2026.", "6 January 2026", "2026-01-06", "2026-01-06"),
        ("Dated 2024-11-05T09:00 by the agency.", "2024-11-05", "2024-11-05", "2024-11-05"),
        ("the 6th of January was calm", "6th of January", "2026-01-06", "2026-01-06"),
        ("SEPT. 11, 2001 changed it", "SEPT. 11, 2001", "2001-09-11", "2001-09-11"),
        ("On Tuesday, January 6 the vote", "Tuesday, January 6", "2026-01-06", "2026-01-06"),
    ],
)
def test_timex_single_dates(text: str, span: str, start: str, end: str) -> None:
    t = one(text)
    assert t.text == span and text[t.start : t.end] == span
    assert t.range is not None and (t.range.start, t.range.end) == (start, end)
    assert t.range.precision == "day" and not t.range.relative and not t.duration


@pytest.mark.parametrize(
    ("text", "span", "start", "end"),
    [
        ("The envoy toured from 12 to 14 January.", "12 to 14 January", "2026-01-12", "2026-01-14"),
        ("between January 12 and 14, 2026", "January 12 and 14, 2026", "2026-01-12", "2026-01-14"),
        ("Strikes on 6-8 January closed ports", "6-8 January", "2026-01-06", "2026-01-08"),
        ("Polls open January 6 to 8 nationwide", "January 6 to 8", "2026-01-06", "2026-01-08"),
        ("from January 10 to February 2", "January 10 to February 2", "2026-01-10", "2026-02-02"),
        ("30 Dec to 2 January 2026", "30 Dec to 2 January 2026", "2025-12-30", "2026-01-02"),
        ("between 2011 and 2017", "2011 and 2017", "2011-01-01", "2017-12-31"),
        ("the 2015-2018 drought", "2015-2018", "2015-01-01", "2018-12-31"),
        ("January to March 2026 figures", "January to March 2026", "2026-01-01", "2026-03-31"),
    ],
)
def test_timex_ranges(text: str, span: str, start: str, end: str) -> None:
    t = one(text)
    assert t.text == span and text[t.start : t.end] == span
    assert t.range is not None and (t.range.start, t.range.end) == (start, end)


def test_timex_range_crossing_new_year_without_year() -> None:
    assert dates("from December 30 to January 2", date(2026, 1, 10)) == ("2025-12-30", "2026-01-02")


def test_timex_and_is_a_range_only_after_between() -> None:
    found = find_times("Rallies on 6 and 8 January", PUB)
    assert [t.text for t in found] == ["8 January"]


@pytest.mark.parametrize(
    ("text", "span", "start", "end", "precision"),
    [
        ("in early February 2026", "early February 2026", "2026-02-01", "2026-02-10", "approximate"),
        ("by mid-January 2026", "mid-January 2026", "2026-01-11", "2026-01-20", "approximate"),
        ("in late February 2024", "late February 2024", "2024-02-21", "2024-02-29", "approximate"),
        ("at the end of January", "end of January", "2026-01-21", "2026-01-31", "approximate"),
        (
            "the first week of March 2025",
            "first week of March 2025",
            "2025-03-01",
            "2025-03-07",
            "approximate",
        ),
        ("Since late 2025, prices rose", "late 2025", "2025-09-01", "2025-12-31", "approximate"),
        ("until mid-2024", "mid-2024", "2024-05-01", "2024-08-31", "approximate"),
        ("The census of January 2026 shows", "January 2026", "2026-01-01", "2026-01-31", "month"),
        ("Elections were held in 2025.", "2025", "2025-01-01", "2025-12-31", "year"),
        ("the reforms of the 1990s", "1990s", "1990-01-01", "1999-12-31", "approximate"),
        ("late last year", "late last year", "2025-09-01", "2025-12-31", "approximate"),
    ],
)
def test_timex_parts_months_years(text: str, span: str, start: str, end: str, precision: str) -> None:
    t = one(text)
    assert t.text == span
    assert t.range is not None and (t.range.start, t.range.end) == (start, end)
    assert t.range.precision == precision


@pytest.mark.parametrize(
    ("text", "span", "start", "end", "precision"),
    [
        ("Police said on Sunday that", "Sunday", "2026-01-25", "2026-01-25", "day"),
        ("Sunday's march drew crowds", "Sunday", "2026-01-25", "2026-01-25", "day"),
        ("It opened last Friday.", "last Friday", "2026-01-23", "2026-01-23", "day"),
        ("Talks resume next Monday.", "next Monday", "2026-02-02", "2026-02-02", "day"),
        ("Yesterday the dam broke", "Yesterday", "2026-01-26", "2026-01-26", "day"),
        ("the vote is today", "today", "2026-01-27", "2026-01-27", "day"),
        ("clashes last week left", "last week", "2026-01-19", "2026-01-25", "approximate"),
        ("later this week", "later this week", "2026-01-28", "2026-02-01", "approximate"),
        ("talks this week", "this week", "2026-01-26", "2026-02-01", "approximate"),
        ("prices last month rose", "last month", "2025-12-01", "2025-12-31", "month"),
        ("a record this year", "this year", "2026-01-01", "2026-12-31", "year"),
        ("the strike three days ago", "three days ago", "2026-01-24", "2026-01-24", "day"),
        ("in the past 48 hours", "past 48 hours", "2026-01-25", "2026-01-27", "approximate"),
        ("over the past week", "past week", "2026-01-20", "2026-01-27", "approximate"),
    ],
)
def test_timex_relative_to_publication(text: str, span: str, start: str, end: str, precision: str) -> None:
    t = one(text)
    assert t.text == span
    assert t.range is not None and (t.range.start, t.range.end) == (start, end)
    assert t.range.precision == precision and t.range.relative


def test_timex_weekday_on_publication_day_is_that_day() -> None:
    sunday = date(2026, 1, 25)
    assert dates("The ministry said on Sunday", sunday) == ("2026-01-25", "2026-01-25")
    assert dates("It began last Sunday", sunday) == ("2026-01-18", "2026-01-18")


def test_timex_datetime_publication_is_accepted() -> None:
    assert dates("yesterday", datetime(2026, 3, 1, 23, 59)) == ("2026-02-28", "2026-02-28")


@pytest.mark.parametrize(
    ("text", "pub", "expected"),
    [
        ("The strike began on 29 December.", date(2026, 1, 27), "2025-12-29"),
        ("Polls close on 15 March.", date(2026, 1, 27), "2026-03-15"),  # within ~2 months ahead
        ("The quake struck on 3 November.", date(2026, 1, 27), "2025-11-03"),
        ("The summit opens on 5 January.", date(2025, 12, 20), "2026-01-05"),
        ("It happened on Dec. 6.", date(2026, 1, 27), "2025-12-06"),
    ],
)
def test_timex_year_inference(text: str, pub: date, expected: str) -> None:
    assert dates(text, pub) == (expected, expected)


def test_timex_month_without_year_inferred() -> None:
    assert dates("Talks began in November", PUB) == ("2025-11-01", "2025-11-30")
    assert dates("Talks begin in March", PUB) == ("2026-03-01", "2026-03-31")


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("aid arrives within two weeks", "within two weeks"),
        ("the siege lasted for three days", "for three days"),
        ("the blackout had lasted 131 hours.", "131 hours"),
        ("a 48-hour truce", "48-hour"),
        ("sentenced to 10 years in prison", "10 years"),
        ("fighting went on for weeks", "for weeks"),
    ],
)
def test_timex_durations_have_no_range(text: str, span: str) -> None:
    t = one(text)
    assert t.text == span and t.duration and t.range is None


def test_timex_without_publication_date() -> None:
    found = find_times("On Sunday, yesterday, on 6 January and on 6 January 2026", None)
    by_text = {t.text: t.range for t in found}
    for rel in ("Sunday", "yesterday", "6 January"):
        rng = by_text[rel]
        assert rng is not None and rng.relative and rng.start is None and rng.end is None
    full = by_text["6 January 2026"]
    assert full is not None and (full.start, full.end) == ("2026-01-06", "2026-01-06")
    assert not full.relative


@pytest.mark.parametrize(
    "text",
    [
        "A 41-year-old nurse and a 5-month-old baby were hurt.",
        "He was 52 years old.",
        "It was the 19th day of the strike.",
        "They met at 10:30 a.m. and again at 6 pm.",
        "Call +44 20 2019 4455 for details.",
        "Under Section 5 of the act",
        "Police counted 412 people and 1,200 cars.",
        "Flight 2019 and Vision 2030 were cited.",
        "killed 2000 people",
        "They may 6 times march.",
        "On February 30 nothing happened.",
        "One day he left.",
        "",
    ],
)
def test_timex_negatives(text: str) -> None:
    assert find_times(text, PUB) == []


def test_timex_span_does_not_run_over() -> None:
    text = "The convoy left on January 6, and returned on 9 January, 2026 officials said."
    found = find_times(text, PUB)
    assert [t.text for t in found] == ["January 6", "9 January, 2026"]
    assert all(text[t.start : t.end] == t.text for t in found)


def test_timex_years_in_passing() -> None:
    found = find_times("Earlier waves came in 2011 and 2017, and the 1989 revolution.", PUB)
    assert [(t.text, t.range and t.range.precision) for t in found] == [
        ("2011", "year"),
        ("2017", "year"),
        ("1989", "year"),
    ]


def test_timex_results_ordered_and_disjoint() -> None:
    text = "Since late 2025, and from 12 to 14 January, within two weeks, yesterday."
    found = find_times(text, PUB)
    expected = ["late 2025", "12 to 14 January", "within two weeks", "yesterday"]
    assert [t.text for t in found] == expected
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 -,.JanuryDecweekdayago")), max_size=60))
def test_timex_spans_exact_on_any_text(text: str) -> None:
    for t in find_times(text, PUB):
        assert text[t.start : t.end] == t.text
        if t.range is not None and t.range.start and t.range.end:
            assert t.range.start <= t.range.end


@pytest.mark.parametrize(
    ("text", "span", "start", "end"),
    [
        ("Last week, crowds grew.", "Last week", "2026-01-19", "2026-01-25"),
        ("Five years ago, the dam", "Five years ago", "2021-01-27", "2021-01-27"),
        ("over the past two decades", "past two decades", "2006-01-27", "2026-01-27"),
        ("within the next 48 hours", "next 48 hours", "2026-01-27", "2026-01-29"),
        ("the end of last month", "end of last month", "2025-12-21", "2025-12-31"),
    ],
)
def test_timex_calendar_arithmetic(text: str, span: str, start: str, end: str) -> None:
    t = one(text)
    assert t.text == span
    assert t.range is not None and (t.range.start, t.range.end) == (start, end)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("a two-week curfew", "two-week"),
        ("Twenty-four hours later", "Twenty-four hours"),
        ("in the space of a few days", "a few days"),
        ("for a day", "for a day"),
    ],
)
def test_timex_word_number_durations(text: str, span: str) -> None:
    t = one(text)
    assert t.text == span and t.duration and t.range is None
