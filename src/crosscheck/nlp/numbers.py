"""Numbers in running text: digits, words, vague amounts, ranges, and their qualifiers.

No spaCy here: `find_numbers` scans a string with precompiled regexes and returns every
number phrase with its character offsets, value, range, qualifier and a `note` saying when
it is probably not a count (a percentage, an age, a year, a decade, a day of a month).
`parse_number` reads one phrase that is nothing but a number.

Word lists (qualifiers, vague amounts, currencies) live in `data/figure_qualifiers.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml

__all__ = ["NumberMatch", "detect_style", "find_numbers", "parse_digits", "parse_number"]

Kind = Literal["digits", "words", "vague", "range"]
Style = Literal["en", "eu"]
QUALIFIERS = frozenset({"exactly", "at_least", "more_than", "at_most", "less_than", "about", "between"})


@dataclass(frozen=True, slots=True, kw_only=True)
class NumberMatch:
    """One number phrase: `start:end` includes qualifiers, `num_start:num_end` does not.

    `value` is the number; for ranges and vague amounts it is the low end, with `low` and
    `high` set. `note` is "percent", "age", "year", "decade" or "date" when the phrase is probably
    not a count, else None. `qualifier_text` is the qualifier as written, if any.
    """

    start: int
    end: int
    num_start: int
    num_end: int
    text: str
    value: float
    low: float | None = None
    high: float | None = None
    qualifier: str | None = None
    qualifier_text: str | None = None
    kind: Kind = "digits"
    currency: str | None = None
    note: str | None = None


# --------------------------------------------------------------------------- word lists

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SHORT_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "b": 1e9, "bn": 1e9,
                 "bln": 1e9, "tn": 1e12, "dozen": 12}  # fmt: skip
_ORDINAL_WORDS = (
    "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    "thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|"
    "twentieth|thirtieth|fortieth|fiftieth|sixtieth|seventieth|eightieth|ninetieth"
)
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    text = resources.files("crosscheck.data").joinpath("figure_qualifiers.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    for table in ("before", "after"):
        bad = set(data[table].values()) - QUALIFIERS
        if bad:
            raise ValueError(f"figure_qualifiers.yaml: unknown qualifiers {sorted(bad)}")
    return data


def _alt(words: list[str]) -> str:
    """A regex alternation of phrases, longest first, spaces matching any whitespace."""
    parts = sorted({w.lower() for w in words}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in parts)


_D = _data()
_QUAL_BEFORE: dict[str, str] = {" ".join(k.lower().split()): v for k, v in _D["before"].items()}
_QUAL_AFTER: dict[str, str] = {" ".join(k.lower().split()): v for k, v in _D["after"].items()}
_VAGUE: dict[str, tuple[float, float]] = {k: (float(v[0]), float(v[1])) for k, v in _D["vague"].items()}
_MULT: dict[str, tuple[float, float]] = {
    " ".join(k.split()): (float(v[0]), float(v[1])) for k, v in _D["multipliers"].items()
}
_CUR_BEFORE: list[str] = list(_D["currency_before"])
_CUR_AFTER: list[str] = list(_D["currency_after"])

_SMALL = "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True))
_WORD = rf"(?:{_SMALL}|hundred|thousand|million|billion|trillion|dozen)"
_VAGUE_HEADS = sorted({k.split()[0] for k in _VAGUE}, key=len, reverse=True)

# One regex for every atom; ranges and qualifiers are found around atoms afterwards.
_ATOM = re.compile(
    rf"""
    (?P<vague>\b(?:{"|".join(_VAGUE_HEADS)})(?:\s+of\s+(?:thousands|millions|billions))?\b)
  | (?P<mult>\b(?:{_alt(list(_MULT))})\s+(?P<munit>dozen|hundred|thousand|million|billion)\b)
  | (?P<dignum>
        (?P<cur>(?<![\w$])(?:{_alt(_CUR_BEFORE)})\s?)?
        (?<![\w.,:/])(?P<dig>\d[\d,.]*\d|\d)
        (?:\s?(?P<scale>hundred|thousand|million|billion|trillion|dozen|mn|mln|bn|bln|tn)\b
          |(?P<short>[kmb])\b)?
        (?P<cursuf>\s(?:{_alt(_CUR_AFTER)})\b)?
    )
  | (?P<words>\b(?:(?:an?|half\s+a)\s+(?=(?:hundred|thousand|million|billion|dozen)\b))?
        {_WORD}(?:(?:\s+and\s+|\s+|-){_WORD})*\b)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_QUAL_BEFORE_RE = re.compile(rf"(?:^|(?<=[^\w]))(?P<q>{_alt(list(_QUAL_BEFORE))})\s+$", re.I)
_QUAL_AFTER_RE = re.compile(rf"^(?:\s+(?P<q>{_alt(list(_QUAL_AFTER))})\b|(?P<plus>\+|-plus\b))", re.I)
_RANGE_SEP = re.compile(r"^\s*(?:-|–|—|to|and)\s*$", re.I)
_BETWEEN = re.compile(r"\b(?:between|from)\s+$", re.I)
_PERCENT = re.compile(r"^\s?(?:%|percent\b|per\s?cent\b|percentage\s+points?\b|pc\b)", re.I)
_AGE_AFTER = re.compile(r"^(?:\s|-)*(?:years?|yrs?|months?)(?:\s|-)*old\b|^\s+years?\s+of\s+age\b", re.I)
_AGE_BEFORE = re.compile(r"\b(?:aged|ages|age\s+of|age)\s+$", re.I)
_DECADE_AFTER = re.compile(r"^'?s\b")  # "the 1990s", "in their 20s": a decade or an age band
_ORDINAL_AFTER = re.compile(rf"^(?:st|nd|rd|th)\b|^-(?:{_ORDINAL_WORDS})\b", re.I)
_MONTH_BEFORE = re.compile(rf"\b{_MONTHS}\s+$|\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?\s*(?:,|and|or|-|–|to)\s*$", re.I)
_MONTH_AFTER = re.compile(rf"^(?:st|nd|rd|th)?\s*(?:of\s+)?{_MONTHS}(?![a-z])", re.I)
_MASKS = re.compile(
    r"""(?:https?://|www\.)\S+ | [\w.+-]+@[\w-]+\.[\w.]+
      | \b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?
      | \b\d{1,2}\s?(?:[ap]\.m\.|[ap]m\b)
      | \b\d{4}-\d{1,2}-\d{1,2}\b | \b\d{1,4}[/.]\d{1,2}[/.]\d{2,4}\b | \b\d{1,2}/\d{1,2}\b
      | \+\d{1,3}(?:[\s.-]?\(?\d{1,5}\)?){2,}
      | \(\d{2,4}\)\s?\d{3,4}[\s.-]\d{3,4} | \b\d{3}[.-]\d{3}[.-]\d{4}\b""",
    re.VERBOSE,
)
_EN_GROUPS = re.compile(r"\d,\d{3}(?!\d)")
_EU_STRONG = re.compile(r"\b\d{1,3}(?:\.\d{3}){2,}(?![\d.])|\b\d{1,3}\.\d{3},\d|\b\d+,\d{1,2}\s?(?:million|milliard|%)")
_EN_NUM = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")
_EU_NUM = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$|^\d+(?:,\d+)?$")
_DOT_GROUPS = re.compile(r"^\d{1,3}(?:\.\d{3}){2,}$")


def detect_style(text: str) -> Style:
    """'eu' when the text writes 1.234.567 or 2,5 million and never 1,234; else 'en'."""
    if _EU_STRONG.search(text) and not _EN_GROUPS.search(text):
        return "eu"
    return "en"


def parse_digits(s: str, style: Style = "en") -> float | None:
    """Read "3,847", "1.2", "12.500.000" ("12.500", "2,5" only in 'eu' style); else None."""
    if style == "en":
        if _EN_NUM.match(s):
            return float(s.replace(",", ""))
        if _DOT_GROUPS.match(s):  # 1.234.567 cannot be a decimal
            return float(s.replace(".", ""))
        return None
    if _EU_NUM.match(s):
        return float(s.replace(".", "").replace(",", "."))
    return None


def _parse_words(text: str) -> tuple[float, int] | None:
    """Value of a run of number words and how many characters of it form one number."""
    total = 0.0
    current = 0.0
    last = ""  # what the previous word was: lead, unit, tens, hundred, big, and
    end = 0
    got = False
    for m in re.finditer(r"[a-z]+", text.lower()):
        w = m.group()
        if w in ("a", "an", "half"):
            if got:
                break
            if w == "half":
                current, last = 0.5, "lead"
            elif last != "lead":
                current, last = 1.0, "lead"
            continue
        if w == "and":
            if last not in ("hundred", "big"):
                break
            last = "and"
            continue
        if w in _UNITS:
            if last == "unit" or (last == "tens" and not 0 < _UNITS[w] < 10) or last == "lead":
                break
            current += _UNITS[w]
            last = "unit"
        elif w in _TENS:
            if last in ("unit", "tens", "lead"):
                break
            current += _TENS[w]
            last = "tens"
        elif w in ("hundred", "dozen"):
            if last in ("hundred", "and"):
                break
            current = (current or 1.0) * (100 if w == "hundred" else 12)
            last = "hundred"
        elif w in _SCALES:
            if last == "and":
                break
            total += (current or 1.0) * _SCALES[w]
            current = 0.0
            last = "big"
        else:
            break
        got = True
        end = m.end()
    if not got:
        return None
    return total + current, end


_Atom = tuple[int, int, float, float | None, float | None, Kind, str | None, float]


def _atom(m: re.Match[str], style: Style) -> _Atom | None:
    """(start, end, value, low, high, kind, currency, multiplier) of one atom, or None."""
    g = m.group
    s, e = m.span()
    if g("vague"):
        key = " ".join(g("vague").lower().split())
        if key not in _VAGUE or (key == "scores" and not re.match(r"\s+of\b", m.string[e : e + 5])):
            return None
        low, high = _VAGUE[key]
        return s, e, low, low, high, "vague", None, 1.0
    if g("mult"):
        lo, hi = _MULT[" ".join(g("mult").lower().split()[:-1])]
        unit = 12.0 if g("munit").lower() == "dozen" else _SCALES[g("munit").lower()]
        return s, e, lo * unit, lo * unit, hi * unit, "vague", None, 1.0
    if g("words"):
        parsed = _parse_words(g("words"))
        if parsed is None or parsed[0] in (0.5, 1.0) and re.match(r"(?i)an?\b|half\b", g("words")):
            return None
        return s, s + parsed[1], parsed[0], None, None, "words", None, 1.0
    value = parse_digits(g("dig"), style)
    if value is None:
        return None
    cur = (g("cur") or "").strip() or (g("cursuf") or "").strip() or None
    scale = (g("scale") or g("short") or "").lower()
    if scale in ("m", "b") and not cur:
        return None  # "5m" without a currency is more likely metres than millions
    mult = _SCALES.get(scale) or _SHORT_SCALES.get(scale) or 1.0
    return s, e, value * mult, None, None, "digits", cur, mult


def find_numbers(text: str, style: Style | None = None) -> list[NumberMatch]:
    """Every number phrase in `text`, in order, with qualifiers and ranges folded in."""
    style = style or detect_style(text)
    masked = [(m.start(), m.end()) for m in _MASKS.finditer(text)]
    atoms: list[_Atom] = []
    pos = 0
    while (m := _ATOM.search(text, pos)) is not None:
        pos = m.end()
        if any(a <= m.start() < b for a, b in masked):
            continue
        got = _atom(m, style)
        if got is not None:
            atoms.append(got)
            pos = got[1]  # a run of words may hold more than one number ("five and six")
    out: list[NumberMatch] = []
    i = 0
    while i < len(atoms):
        s, e, value, low, high, kind, cur, mult = atoms[i]
        if i + 1 < len(atoms) and kind in ("digits", "words") and atoms[i + 1][5] == kind:
            s2, e2, v2, _, _, _, cur2, mult2 = atoms[i + 1]
            sep = text[e:s2]
            between = _BETWEEN.search(text, max(0, s - 12), s)
            if _RANGE_SEP.match(sep) and (sep.strip().lower() != "and" or between):
                v1 = value * mult2 if mult == 1.0 and mult2 > 1.0 else value  # "2-3 million"
                if v1 < v2:
                    start = between.start() if between else s
                    out.append(_finish(text, start, s, e2, v1, v1, v2, "range", cur or cur2, "between"))
                    i += 2
                    continue
        out.append(_finish(text, s, s, e, value, low, high, kind, cur, None))
        i += 1
    return [m for m in out if m.note != "ordinal"]


def _finish(
    text: str,
    start: int,
    s: int,
    e: int,
    value: float,
    low: float | None,
    high: float | None,
    kind: Kind,
    cur: str | None,
    qualifier: str | None,
) -> NumberMatch:
    """Attach qualifiers before/after the number core `s:e` and a note on what it is."""
    qual_text = None
    before = _QUAL_BEFORE_RE.search(text, max(0, start - 30), start)
    if before and qualifier is None:
        qual_text = before.group("q")
        qualifier = _QUAL_BEFORE[" ".join(qual_text.lower().split())]
        start = before.start("q")
    end = e
    after = _QUAL_AFTER_RE.match(text[e : e + 20])
    if after and qualifier is None:
        if after.group("plus"):
            qualifier, qual_text = "more_than", after.group("plus")
        else:
            qual_text = after.group("q")
            qualifier = _QUAL_AFTER[" ".join(qual_text.lower().split())]
        end = e + after.end()
    rest = text[e : e + 40]
    head = text[max(0, s - 40) : s]
    note: str | None = None
    if _ORDINAL_AFTER.match(rest):
        note = "ordinal"
    elif kind == "digits" and cur is None and _DECADE_AFTER.match(rest):
        note = "decade"
    elif _PERCENT.match(rest):
        note = "percent"
    elif _AGE_AFTER.match(rest) or _AGE_BEFORE.search(head):
        note = "age"
    elif kind in ("digits", "words", "range") and (_MONTH_AFTER.match(rest) or _MONTH_BEFORE.search(head)):
        note = "date"
    elif kind in ("digits", "range") and cur is None and _is_year(text[s:e]):
        note = "year"
    return NumberMatch(
        start=start, end=end, num_start=s, num_end=e, text=text[start:end], value=value,
        low=low, high=high, qualifier=qualifier, qualifier_text=qual_text, kind=kind,
        currency=cur, note=note,
    )  # fmt: skip


def _is_year(core: str) -> bool:
    years = re.findall(r"\d+", core)
    return bool(years) and all(len(y) == 4 and 1000 <= int(y) <= 2100 for y in years) and "," not in core


def parse_number(text: str) -> NumberMatch | None:
    """Read a phrase that is only a number ("nearly five thousand", "700-900"), else None."""
    found = find_numbers(text.strip())
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(text.strip()):
        return found[0]
    return None
