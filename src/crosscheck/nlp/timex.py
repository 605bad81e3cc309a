"""Time expressions in news text, resolved against the publication date.

`find_times(text, published)` finds dates ("6 January 2026", "Jan. 6", ISO dates), ranges
("from 14 to 16 March", "January 30 to February 2", "2011-2015"), parts of months and years
("late January", "mid-2025"), months and years ("January 2026", "in 2025"), deictic
expressions ("yesterday", "on Sunday", "last week", "three days ago", "the past 24 hours") and
durations ("within two weeks", "72 hours"). Pure regular expressions, compiled once.

Choices (documented here because they are judgement calls):
- A day or month without a year takes the latest year that does not put it more than
  `FUTURE_DAYS` (62) after publication: "28 December" in a report of 27 January is last
  year's, "5 January" in a report of 20 December is next year's.
- A bare weekday ("on Sunday", "Sunday's attack") is the most recent such day on or before
  publication: the publication day itself when it is that weekday (wire style uses the weekday
  for today's events). "last Sunday" is strictly before publication; "next Sunday" strictly
  after.
- Weeks run Monday to Sunday; "last week" is the previous calendar week, "this week" the
  publication's week, "the past week" the seven days up to publication. Weeks and other spans
  that are neither a day, a month nor a year have precision "approximate".
- Parts of months and years come from data/timex.yaml: "early/mid/late January" are the thirds
  1-10, 11-20, 21-end; "early/mid/late 2025" are Jan-Apr, May-Aug, Sep-Dec.
- Expressions that need the publication date (deictic ones, and a day or month without a
  year) get `DateRange(start=None, end=None, relative=True)` when it is unknown; `relative` is
  True for every deictic expression, resolved or not.
- Durations have `duration=True` and no range; ages ("37-year-old") are not durations.
- Prepositions are outside spans ("on January 6, and" -> "January 6"), except for durations,
  whose preposition carries meaning ("within two weeks", "for three days").
Not handled: numeric day/month dates ("06/01/2026", ambiguous), "the 6th" without a month,
times of day, holidays and named seasons of an unknown year, tense (a bare weekday in a
future-tense sentence is still read as past).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from crosscheck.records import DateRange, Precision

__all__ = ["FUTURE_DAYS", "TimeExpr", "find_times", "is_background", "story_window"]

FUTURE_DAYS = 62
# The story's window: first to last publication date, this many days earlier and later. Reports
# recall the days before they appear ("last month's raid"); a date further back ("since 1979",
# "in 2015") is background, not an event of the story.
WINDOW_BEFORE_DAYS = 30
WINDOW_AFTER_DAYS = 7
_DATA = Path(__file__).resolve().parent.parent / "data" / "timex.yaml"


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeExpr:
    """A time expression at characters `start:end` of the text, with its resolved range."""

    start: int
    end: int
    text: str
    range: DateRange | None
    duration: bool = False


@lru_cache(maxsize=1)
def _vocab() -> dict[str, Any]:
    with _DATA.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def _alt(words: Any) -> str:
    """A regex alternation of words, longest first, inner spaces matching any whitespace."""
    items = sorted({str(w) for w in words}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in items)


_V = _vocab()
_MONTHS: dict[str, int] = {}
for _mname, _mnum in (*_V["months"].items(), *_V["month_abbreviations"].items()):
    _MONTHS[_mname.lower()] = int(_mnum)
_WEEKDAYS: dict[str, int] = {k.lower(): int(v) for k, v in _V["weekdays"].items()}
_NUMBERS: dict[str, int] = {" ".join(k.split()): int(v) for k, v in _V["number_words"].items()}
_PART_MONTH = {k: (int(v[0]), int(v[1])) for k, v in _V["part_of_month"].items()}
_PART_YEAR = {k: (int(v[0]), int(v[1])) for k, v in _V["part_of_year"].items()}
_YEAR_PREPS = frozenset(str(w).lower() for w in _V["year_prepositions"])
_YEAR_FOLLOWERS = frozenset(str(w).lower() for w in _V["year_followers"])
_DEIXIS = {k: (int(v[0]), int(v[1])) for k, v in _V["deixis"].items()}


def _cases(words: Any) -> list[str]:
    """Each word lower-case, Capitalised and UPPER CASE (literal alternatives scan fastest)."""
    return [v for w in words for v in (w, w[:1].upper() + w[1:], w.upper())]


_FULL = _alt(_cases(_V["months"]))
# Flat alternatives, each starting with a letter: "Jan", "Jan.", "JAN." ...
_ABBR = "|".join(re.escape(a) + r"\.?" for a in _cases(_V["month_abbreviations"]))
_WD = _alt(_cases(_V["weekdays"]))
_UNITS = _alt(_V["duration_units"])
_DIGITS = r"\d{1,3}(?:,\d{3})+(?![\d,])|\d+(?:\.\d+)?(?![\w.,]?\d)"
_NINE = "one|two|three|four|five|six|seven|eight|nine"
_NUMW = rf"(?:{_alt(_cases(_NUMBERS))})(?:-(?:{_NINE}))?\b"


def _mon(g: str, abbr: bool = True) -> str:
    names = _FULL + ("|" + _ABBR if abbr else "")
    return rf"(?P<{g}>{names})(?![A-Za-z])"


def _day(g: str) -> str:
    return rf"(?P<{g}>\d\d?)(?:st|nd|rd|th)?(?![\w:]|[.,]\d)"


def _year(g: str, dash: bool = False) -> str:
    """A year 1800-2099; `dash` lets a hyphen and digit follow ("2015-2018")."""
    tail = r"(?!\w|[.,:]\d)" if dash else r"(?!\w|[.,:]\d|-\d)"
    return rf"(?P<{g}>(?:1[89]|20)\d\d){tail}"


# Every pattern starts with a required literal or digit, so the regex engine can skip ahead;
# words before an expression ("from", "last", "for", "early") are read by a `before` pattern
# anchored at the expression's start, and group `x` of it, when present, joins the span.
_CONN = r"(?:\s*(?P<c>[-–—])\s*|\s+(?P<cw>to|until|till|through|thru|and)\s+)"
_OF = r"\s+(?:of\s+)?"
_Y1 = rf"(?:,?\s+{_year('y1')})?"
_Y2 = rf"(?:,?\s+{_year('y2')})?"
_C = re.compile

_P_ISO = _C(r"(?P<y1>\d{4})-(?P<o1>\d\d)-(?P<d1>\d\d)(?![\d-])")
_P_D_D_M = _C(rf"{_day('d1')}{_CONN}{_day('d2')}{_OF}{_mon('m2')}{_Y2}")
_P_DM_DM = _C(rf"{_day('d1')}{_OF}{_mon('m1')}{_Y1}{_CONN}{_day('d2')}{_OF}{_mon('m2')}{_Y2}")
_P_MD_D = _C(rf"{_mon('m1')}\s+{_day('d1')}{_CONN}{_day('d2')}{_Y2}")
_P_MD_MD = _C(rf"{_mon('m1')}\s+{_day('d1')}{_Y1}{_CONN}{_mon('m2')}\s+{_day('d2')}{_Y2}")
_P_MD = _C(rf"{_mon('m1')}\s+{_day('d1')}{_Y1}")
_P_DM = _C(rf"{_day('d1')}{_OF}{_mon('m1')}{_Y1}")
_P_MONTH_Y = _C(rf"{_mon('m1', False)}{_Y1}")
_P_YEAR1 = _C(_year("y1"))
_P_M_M = _C(rf"{_mon('m1', False)}(?:\s+{_year('y1')})?{_CONN}{_mon('m2', False)}{_Y2}")
_P_MY = _C(rf"{_mon('m1')},?\s+(?:of\s+)?{_year('y1')}")
_P_M = _C(_mon("m1", False))
_P_Y_Y = _C(rf"{_year('y1', True)}{_CONN}{_year('y2')}")
_P_DECADE = _C(r"(?P<y1>(?:1[89]|20)\d)0s\b")
_P_YEAR = _C(rf"{_year('y1')}(?![-–]?\w|[\s.]\d)")
_P_WEEKDAY = _C(rf"(?P<wd>{_WD})\b")
_P_DEIXIS = _C(rf"(?P<w>{_alt(_cases(_DEIXIS))})\b")
_PERIOD_MODS = ("last", "this", "next", "past", "previous", "coming", "earlier this", "later this")
_P_PERIOD = _C(
    rf"(?P<mod>{_alt(_cases(_PERIOD_MODS))})\s+"
    rf"(?P<unit>{_alt(_cases(['week', 'weekend', 'month', 'year']))})\b"
)


def _unit_tail(sep: str) -> str:
    """A unit after a number: "72 hours", "48-hour", "three days ago"; not an age."""
    return (
        rf"(?P<sep>{sep})(?P<unit>{_UNITS})(?P<pl>s)?\b(?!-|\s+old\b|\s+of\s+age\b)"
        r"(?:\s+(?P<ago>ago)\b)?"
    )


_P_NUM_UNIT = _C(rf"(?P<n>{_DIGITS})" + _unit_tail(r"\s+|-"))
# Anchored on the unit: the number word is read by _B_WORD before it.
_P_WORD_UNIT = _C(_unit_tail(r"[\s-]"))
_P_DUR_VAGUE = _C(
    rf"(?:{_alt(_cases(['for', 'within', 'over', 'after']))})\s+(?:many\s+)?"
    r"(?:hours|days|weeks|months|years|decades)\b(?!\s+ago)"
)

_B_PRE = _C(r"\b(?P<pre>[Ff]rom|[Bb]etween|FROM|BETWEEN)\s+\Z")
_B_WD = _C(rf"(?:\b(?P<pre>[Ff]rom|[Bb]etween)\s+)?(?:\b(?P<x>{_WD}),?\s+)?(?:the\s+)?\Z")
_B_PART_M = _C(rf"\b(?P<x>(?P<part>(?i:{_alt(_PART_MONTH)})))(?:-|\s+)\Z")
_B_PART_Y = _C(rf"\b(?P<x>(?P<part>(?i:{_alt(_PART_YEAR)})))(?:-|\s+)\Z")
_B_MPREP = _C(r"\b(?i:in|since|by|until|till|during|through|before|after|from|throughout)\s+\Z")
_B_WDMOD = _C(r"\b(?P<x>(?P<mod>(?i:last|this|next|past|previous|coming)))\s+\Z")
_B_PERIOD = _C(rf"(?:\b(?P<the>(?i:the))\s+)?(?:\b(?P<x>(?P<part>(?i:{_alt(_PART_YEAR)})))(?:-|\s+))?\Z")
_NUM_BEFORE = (
    r"(?:\b(?P<x>(?P<prep>(?i:for|within|over|lasting|after|in))\s+(?i:(?:about|around|nearly"
    r"|almost|more\s+than|less\s+than|at\s+least|up\s+to|some|another|just)\s+)?)"
    r"|\b(?P<x2>(?P<mod>(?i:past|last|previous|next|coming)))\s+)"
)
_B_NUM = _C(rf"{_NUM_BEFORE}\Z")
_B_WORD = _C(rf"{_NUM_BEFORE}?\b(?P<x3>(?P<n>{_NUMW}))\Z")


def _num(s: str) -> float | None:
    s = " ".join(s.lower().split())
    if s in _NUMBERS:
        return float(_NUMBERS[s])
    if "-" in s:
        a, _, b = s.partition("-")
        return float(_NUMBERS.get(a, 0) + _NUMBERS.get(b, 0)) or None
    try:
        return float(s.replace(",", ""))
    except ValueError:
        return None


def _last_day(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def _infer_year(month: int, day: int, pub: date) -> int:
    """The latest year that puts month/day no more than FUTURE_DAYS after publication."""
    limit = pub + timedelta(days=FUTURE_DAYS)
    for y in (pub.year + 1, pub.year, pub.year - 1):
        if date(y, month, min(day, _last_day(y, month))) <= limit:
            return y
    return pub.year - 1


def _dr(start: date | None, end: date | None, prec: Precision, text: str, rel: bool) -> DateRange:
    return DateRange(
        start=start.isoformat() if start else None,
        end=end.isoformat() if end else None,
        precision=prec,
        text=text,
        relative=rel,
    )


def _unresolved(prec: Precision, text: str) -> DateRange:
    return DateRange(start=None, end=None, precision=prec, text=text, relative=True)


def _g(m: _Hit, name: str) -> str | None:
    return m.g.get(name)


def _month(m: _Hit, name: str) -> int | None:
    s = _g(m, name)
    return _MONTHS.get(s.rstrip(".").lower()) if s else None


def _and_ok(m: _Hit) -> bool:
    """A range joined by "and" needs "between" before it ("between 6 and 8 January")."""
    cw = _g(m, "cw")
    return cw is None or cw.lower() != "and" or (_g(m, "pre") or "").lower() == "between"


# Handlers: (match, text of the span, publication date) -> (range, duration) or None to drop.
_Out = tuple[DateRange | None, bool] | None
_Cand = tuple[int, int, int, DateRange | None, bool]
_NEXT_WORD = re.compile(r"\s+([a-z]+)")


def _h_iso(m: _Hit, t: str, pub: date | None) -> _Out:
    try:
        d = date(int(m["y1"]), int(m["o1"]), int(m["d1"]))
    except ValueError:
        return None
    return _dr(d, d, "day", t, False), False


def _year_pair(m: _Hit, back: bool, infer: tuple[int, int], pub: date | None) -> tuple[int, int]:
    """Years of a range's ends: as written, else one from the other, else inferred."""
    y1s, y2s = _g(m, "y1"), _g(m, "y2")
    y1 = int(y1s) if y1s else None
    y2 = int(y2s) if y2s else None
    if y1 is None and y2 is not None:
        y1 = y2 - 1 if back else y2
    if y1 is None:
        assert pub is not None
        y1 = _infer_year(*infer, pub)
    return y1, (y2 if y2 is not None else y1 + 1 if back else y1)


def _h_days(m: _Hit, t: str, pub: date | None) -> _Out:
    """Single dates and day ranges, with year inference."""
    if not _and_ok(m):
        return None
    m2 = _month(m, "m2")
    m1 = _month(m, "m1") or m2
    assert m1 is not None
    m2 = m2 or m1
    d1 = int(m["d1"])
    d2 = int(_g(m, "d2") or d1)
    if pub is None and not (_g(m, "y1") or _g(m, "y2")):
        return _unresolved("day", t), False
    y1, y2 = _year_pair(m, (m2, d2) < (m1, d1), (m1, d1), pub)
    try:
        start, end = date(y1, m1, d1), date(y2, m2, d2)
    except ValueError:
        return None
    return (_dr(start, end, "day", t, False), False) if start <= end else None


def _h_months(m: _Hit, t: str, pub: date | None) -> _Out:
    """Months and month ranges ("January 2026", "in March", "January to March 2026")."""
    if not _and_ok(m):
        return None
    m1 = _month(m, "m1")
    assert m1 is not None
    m2 = _month(m, "m2") or m1
    written = bool(_g(m, "y1") or _g(m, "y2"))
    if "m2" in m.g and not (written or _g(m, "pre")):
        return None  # "January to March" alone is too weak a signal
    if pub is None and not written:
        return _unresolved("month", t), False
    y1, y2 = _year_pair(m, m2 < m1, (m1, 1), pub)
    start, end = date(y1, m1, 1), date(y2, m2, _last_day(y2, m2))
    return (_dr(start, end, "month", t, False), False) if start <= end else None


def _h_part_month(m: _Hit, t: str, pub: date | None) -> _Out:
    mon = _month(m, "m1")
    assert mon is not None
    lo, hi = _PART_MONTH[" ".join(m["part"].lower().split())]
    y1s = _g(m, "y1")
    if y1s:
        y = int(y1s)
    elif pub is None:
        return _unresolved("approximate", t), False
    else:
        y = _infer_year(mon, max(lo, 1), pub)
    last = _last_day(y, mon)
    lo = last + lo + 1 if lo < 0 else lo
    hi = last + hi + 1 if hi < 0 else min(hi, last)
    return _dr(date(y, mon, lo), date(y, mon, hi), "approximate", t, False), False


def _h_part_year(m: _Hit, t: str, pub: date | None) -> _Out:
    lo, hi = _PART_YEAR[" ".join(m["part"].lower().split())]
    y = int(m["y1"])
    return _dr(date(y, lo, 1), date(y, hi, _last_day(y, hi)), "approximate", t, False), False


def _h_years(m: _Hit, t: str, pub: date | None) -> _Out:
    if not _and_ok(m):
        return None
    y1 = int(m["y1"])
    y2 = int(_g(m, "y2") or y1)
    if y2 < y1:
        return None
    return _dr(date(y1, 1, 1), date(y2, 12, 31), "year", t, False), False


def _h_year(m: _Hit, t: str, pub: date | None) -> _Out:
    """A bare four-digit year: kept after a year preposition, or when no count noun follows."""
    text = m.string
    if m.start >= 2 and text[m.start - 1] in " ." and text[m.start - 2].isdigit():
        return None  # inside a run of numbers: "+44 20 2019 4455"
    before = text[max(0, m.start - 24) : m.start].split()
    prev = before[-1].lower().rstrip("-") if before else ""
    if prev not in _YEAR_PREPS and prev not in ("the", "a", "an"):
        if prev[:1].isalpha() and before[-1][:1].isupper() and not before[-1].endswith("."):
            return None  # a label: "Section 2025", "Vision 2030"
        nxt = _NEXT_WORD.match(text, m.start + len(t))
        if nxt and nxt.group(1) not in _YEAR_FOLLOWERS:
            return None  # a count: "2000 people"
    return _h_years(m, t, pub)


def _h_decade(m: _Hit, t: str, pub: date | None) -> _Out:
    y = int(m["y1"]) * 10
    return _dr(date(y, 1, 1), date(y + 9, 12, 31), "approximate", t, False), False


def _h_weekday(m: _Hit, t: str, pub: date | None) -> _Out:
    if pub is None:
        return _unresolved("day", t), False
    wd = _WEEKDAYS[m["wd"].lower()]
    mod = (_g(m, "mod") or "").lower()
    if mod in ("next", "coming"):
        d = pub + timedelta(days=(wd - pub.weekday() - 1) % 7 + 1)
    elif mod in ("last", "past", "previous"):
        d = pub - timedelta(days=(pub.weekday() - wd - 1) % 7 + 1)
    else:
        d = pub - timedelta(days=(pub.weekday() - wd) % 7)
    return _dr(d, d, "day", t, True), False


def _h_deixis(m: _Hit, t: str, pub: date | None) -> _Out:
    lo, hi = _DEIXIS[" ".join(t.lower().split())]
    prec: Precision = "day" if lo == hi else "approximate"
    if pub is None:
        return _unresolved(prec, t), False
    return _dr(pub + timedelta(days=lo), pub + timedelta(days=hi), prec, t, True), False


def _h_period(m: _Hit, t: str, pub: date | None) -> _Out:
    mod = " ".join(m["mod"].lower().split())
    unit = m["unit"].lower()
    part = " ".join((_g(m, "part") or "").lower().split())
    rolling = bool(_g(m, "the")) and mod in ("last", "past") and not part
    prec: Precision = "month" if unit == "month" else "year" if unit == "year" else "approximate"
    if rolling or unit.startswith("week") or (mod.endswith("this") and mod != "this"):
        prec = "approximate"
    if pub is None:
        return _unresolved(prec, t), False
    step = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(mod, 0)
    if rolling or (mod == "past" and unit != "weekend"):
        days = {"week": 7, "month": 30, "year": 365}.get(unit, 2)
        return _dr(pub - timedelta(days=days), pub, "approximate", t, True), False
    if unit in ("week", "weekend"):
        monday = pub - timedelta(days=pub.weekday()) + timedelta(weeks=step)
        start, end = monday, monday + timedelta(days=6)
        if unit == "weekend":
            start = monday + timedelta(days=5)
    elif unit == "month":
        y, mo = divmod(pub.year * 12 + pub.month - 1 + step, 12)
        start, end = date(y, mo + 1, 1), date(y, mo + 1, _last_day(y, mo + 1))
    else:
        start, end = date(pub.year + step, 1, 1), date(pub.year + step, 12, 31)
    if part and unit in ("month", "year") and not rolling and mod != "past":
        lo, hi = _PART_MONTH.get(part, (1, 31)) if unit == "month" else _PART_YEAR[part]
        if unit == "year":
            start, end = date(start.year, lo, 1), date(start.year, hi, _last_day(start.year, hi))
        else:
            last = end.day
            lo = last + lo + 1 if lo < 0 else lo
            hi = last + hi + 1 if hi < 0 else min(hi, last)
            start, end = start.replace(day=lo), start.replace(day=hi)
        prec = "approximate"
    if mod == "earlier this":
        end = max(start, pub - timedelta(days=1))
    elif mod == "later this":
        start = min(end, pub + timedelta(days=1))
    return _dr(start, end, prec, t, True), False


_UNIT_DAYS = {"second": 0.0, "minute": 1 / 1440, "hour": 1 / 24, "day": 1.0, "week": 7.0}
_UNIT_MONTHS = {"month": 1, "year": 12, "decade": 120}


def _shift(pub: date, n: float, unit: str) -> date:
    """`pub` moved by n units (negative: back); months and years move on the calendar."""
    if unit in _UNIT_MONTHS:
        y, mo = divmod(pub.year * 12 + pub.month - 1 + round(n * _UNIT_MONTHS[unit]), 12)
        return date(y, mo + 1, min(pub.day, _last_day(y, mo + 1)))
    return pub + timedelta(days=round(n * _UNIT_DAYS.get(unit, 1.0)))


class _Hit:
    """The groups of a rule's match and of the words before it, read by one handler."""

    __slots__ = ("g", "start", "string")

    def __init__(self, m: re.Match[str], pre: re.Match[str] | None, start: int) -> None:
        self.g = m.groupdict()
        if pre is not None:
            self.g.update((k, v) for k, v in pre.groupdict().items() if v is not None)
        self.string = m.string
        self.start = start

    def __getitem__(self, name: str) -> str:
        value = self.g[name]
        assert value is not None
        return value


def _num_unit(h: _Hit, t: str, pub: date | None) -> _Out:
    """ "72 hours", "for three days", "a 48-hour truce", "three days ago", "the past 24 hours"."""
    unit, n = h["unit"].lower(), _num(h["n"])
    if n is None:
        return None
    if h.g.get("sep") == "-":
        return (None, True) if not (h.g.get("pl") or h.g.get("ago")) else None
    if h.g.get("ago"):
        prec: Precision = "day" if _UNIT_DAYS.get(unit, 7.0) <= 1 else "approximate"
        if pub is None:
            return _unresolved(prec, t), False
        d = _shift(pub, -n, unit)
        return _dr(d, d, prec, t, True), False
    mod = (h.g.get("mod") or "").lower()
    if mod:
        if pub is None:
            return _unresolved("approximate", t), False
        ahead = mod in ("next", "coming")
        other = _shift(pub, n if ahead else -n, unit)
        if other == pub:  # "the past 12 hours": at least the day before
            other = pub + timedelta(days=1 if ahead else -1)
        start, end = (pub, other) if ahead else (other, pub)
        return _dr(start, end, "approximate", t, True), False
    if h["n"].lower() in ("a", "an", "one") and not h.g.get("prep"):
        return None  # "one day he ..." / "a day after": not a measured span
    return None, True


def _vague(h: _Hit, t: str, pub: date | None) -> _Out:
    return None, True


_Handler = Callable[[_Hit, str, date | None], _Out]


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: re.Pattern[str]
    handler: _Handler
    gates: tuple[str, ...]
    before: re.Pattern[str] | None = None
    required: bool = False  # the `before` words must be there
    numeric: bool = False  # starts with a digit: no digit, sign or point right before it


# Order is the tie-break between candidates of equal length; longer candidates win first.
_RULES: tuple[_Rule, ...] = (
    _Rule(_P_ISO, _h_iso, ("digit",), numeric=True),
    _Rule(_P_DM_DM, _h_days, ("digit", "month"), _B_PRE, numeric=True),
    _Rule(_P_MD_MD, _h_days, ("digit", "month"), _B_WD),
    _Rule(_P_D_D_M, _h_days, ("digit", "month"), _B_PRE, numeric=True),
    _Rule(_P_MD_D, _h_days, ("digit", "month"), _B_WD),
    _Rule(_P_MD, _h_days, ("digit", "month"), _B_WD),
    _Rule(_P_DM, _h_days, ("digit", "month"), _B_WD, numeric=True),
    _Rule(_P_MONTH_Y, _h_part_month, ("month",), _B_PART_M, required=True),
    _Rule(_P_YEAR1, _h_part_year, ("digit",), _B_PART_Y, required=True),
    _Rule(_P_M_M, _h_months, ("month",), _B_PRE),
    _Rule(_P_MY, _h_months, ("digit", "month")),
    _Rule(_P_M, _h_months, ("month",), _B_MPREP, required=True),
    _Rule(_P_Y_Y, _h_years, ("digit",), _B_PRE, numeric=True),
    _Rule(_P_DECADE, _h_decade, ("digit",), numeric=True),
    _Rule(_P_YEAR, _h_year, ("digit",), numeric=True),
    _Rule(_P_NUM_UNIT, _num_unit, ("digit", "unit"), _B_NUM, numeric=True),
    _Rule(_P_WORD_UNIT, _num_unit, ("unit",), _B_WORD, required=True),
    _Rule(_P_PERIOD, _h_period, ("period",), _B_PERIOD),
    _Rule(_P_DEIXIS, _h_deixis, ("deixis",)),
    _Rule(_P_WEEKDAY, _h_weekday, ("weekday",), _B_WDMOD),
    _Rule(_P_DUR_VAGUE, _vague, ("unit",)),
)
# Cheap gates, tested on the lower-cased text before any rule that needs them runs.
_GATES: dict[str, tuple[str, ...]] = {
    "month": tuple(sorted({k[:3].lower() for k in _MONTHS})),
    "weekday": tuple(_WEEKDAYS),
    "unit": tuple(str(u) for u in _V["duration_units"]),
    "period": ("week", "month", "year"),
    "deixis": tuple({w.split()[-1] for w in _DEIXIS}),
}
_DIGIT = re.compile(r"\d")
_NUMERIC_LEFT = frozenset(".,/$€£#+-_")


def _candidates(text: str, pub: date | None, have: dict[str, bool]) -> list[_Cand]:
    found: list[_Cand] = []
    for rank, rule in enumerate(_RULES):
        if not all(have[n] for n in rule.gates):
            continue
        for m in rule.pattern.finditer(text):
            s, e = m.span()
            pre = rule.before.search(text, max(0, s - 40), s) if rule.before else None
            if rule.required and pre is None:
                continue
            if pre is not None:
                s = min([s] + [pre.start(x) for x in ("x", "x2", "x3") if pre.groupdict().get(x)])
            left = text[s - 1] if s else " "
            if left.isalnum() or left == "_" or (rule.numeric and left in _NUMERIC_LEFT):
                continue
            out = rule.handler(_Hit(m, pre, s), text[s:e], pub)
            if out is not None:
                found.append((s, e, rank, out[0], out[1]))
    return found


def find_times(text: str, published: date | None) -> list[TimeExpr]:
    """Time expressions of `text` in order, resolved against the publication date."""
    low = text.lower()
    have = {name: any(w in low for w in words) for name, words in _GATES.items()}
    have["digit"] = _DIGIT.search(text) is not None
    if not any(have.values()):
        return []
    pub = published.date() if isinstance(published, datetime) else published
    found = _candidates(text, pub, have)
    found.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
    taken: list[tuple[int, int]] = []
    result: list[TimeExpr] = []
    for s, e, _, rng, dur in found:
        if any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        result.append(TimeExpr(start=s, end=e, text=text[s:e], range=rng, duration=dur))
    result.sort(key=lambda x: x.start)
    return result


def story_window(published: Iterable[str | None]) -> tuple[str, str] | None:
    """The story's window as ISO dates: first to last publication date with the margins above
    (None when no report is dated)."""
    days = sorted(d for p in published if p and (d := _iso_day(str(p)[:10])) is not None)
    if not days:
        return None
    return (
        (days[0] - timedelta(days=WINDOW_BEFORE_DAYS)).isoformat(),
        (days[-1] + timedelta(days=WINDOW_AFTER_DAYS)).isoformat(),
    )


def is_background(start: str | None, window: tuple[str, str] | None) -> bool:
    """True when a date starting at `start` lies outside the story's window: background."""
    if not start or window is None:
        return False
    return not window[0] <= start[:10] <= window[1]


def _iso_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
