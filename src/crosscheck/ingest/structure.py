"""Structure lines: headings, captions, datelines and credits, marked so they never become claims.

A report's text carries lines that are not statements: sub-headings ("World is watching"),
photo captions and credits ("Photo: J. Doe/AFP"), bylines ("By Ana Ruiz"), end credits
("(Reporting by X; Editing by Y)", "X contributed reporting") and the dateline that opens the
first paragraph ("KYIV, March 3 (Reuters) -"). `mark_structure` finds them in the normalised
text, from two kinds of evidence:

- hints from the input's own structure, given as (kind, line text): HTML h1-h6, figcaption and
  byline/credit/caption classes (`ingest.html`), Markdown `#` and setext headings and image
  alt text (`ingest.text`);
- the shape of a line in plain text (rules below, each named after the style rule it follows).

The first line is the report's title and is never marked a heading: it is read as the headline
claim (it may still open with a dateline).
A dateline marks only its own characters; the sentence after it is a claim like any other, and
the dateline's place is still read as a place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from crosscheck.nlp.invisible import INVISIBLE
from crosscheck.records import StructureMark

__all__ = ["StructureMark", "mark_structure", "structure_lines"]

KINDS = ("heading", "caption", "dateline", "credit")

# Wire-service datelines (AP Stylebook, "datelines"; Reuters Handbook of Journalism): a city in
# capitals, optionally a date, the agency in brackets, then a dash: "KYIV, March 3 (Reuters) -",
# "BEIRUT (AP) --". Without an agency, a capitalised city and a dash: "KYIV, Ukraine — ".
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_CITY = r"[A-Z][A-Z'.\-]+(?: [A-Z][A-Z'.\-]+){0,3}"
_DATELINE = re.compile(
    rf"^{_CITY}(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+){{0,2}})?(?:, {_MONTH} \d{{1,2}})?"
    rf"(?: \([A-Z][\w .&/-]{{0,40}}\))? ?(?:--|[-\u2013\u2014])\s+"
)
_DATELINE_AGENCY = re.compile(
    rf"^[A-Z][\w'.\-]+(?: [A-Z][\w'.\-]+){{0,3}}(?:, [A-Z][\w.]+(?: [A-Z][\w.]+){{0,2}})?(?:, {_MONTH} \d{{1,2}})?"
    rf" \([A-Z][\w .&/-]{{0,40}}\) ?(?:--|[-\u2013\u2014])\s+"
)
# Credit lines (Reuters and AP house style for end credits; bylines as newspapers print them).
_CREDIT = re.compile(
    r"^\(?(?:(?:additional )?reporting|writing|editing|compiled|written|produced|translated|"
    r"graphics?|research) by\b"
    r"|^by [A-Z][\w.'\-]+(?: [A-Z][\w.'\-]+){0,3}(?:(?:,| and) [A-Z][\w.'\-]+(?: [A-Z][\w.'\-]+){0,3})*"
    r"(?:[,;|] .{0,60})?$"
    r"|\bcontributed (?:reporting|to this (?:report|story|article))\.?\)?$"
    # republication notices (data/origins.yaml): "This report was first published by X."
    r"|^(?:this (?:report|article|story|piece) (?:was|is|has been) )?(?:first|originally) (?:published|appeared)\b"
    r"|^(?:this (?:report|article|story|piece) (?:was|is|has been) )?re(?:published|printed) (?:from|with)\b",
    re.I,
)
# Captions and picture credits: "Photo: X/AFP", "Image by X", "(AP Photo/X)", "X/Getty Images".
_CAPTION = re.compile(
    r"^\(?(?:photo(?:graph)?s?|image|picture|pictured|illustration|video|caption|file photo|credit)"
    r"\s*(?::|by\b)"
    r"|\((?:[A-Z]{2,6} )?photo\s*/\s*[^)]{1,60}\)\s*$"
    r"|(?:^|[\s(])[A-Z][\w.'\-]+(?: [A-Z][\w.'\-]+){0,3}\s*/\s*[A-Z][\w.&\-]+(?: [A-Z][\w.&\-]+){0,3}"
    r"(?: via [A-Z][\w ]{1,30})?\)?\s*$",
    re.I,
)
# A sub-heading by shape: a line standing alone without final punctuation (no sentence ends
# without one in edited prose), short (news style guides keep section heads to a few words),
# or in Title Case (most words capitalised, as headline style does).
_FINAL = ".!?:;,\"'\u201d\u2019)\u2026"
SHORT_HEADING_WORDS = 8
TITLE_CASE_WORDS = 14
# Words Title Case leaves in lower case (Chicago Manual of Style 8.159: articles, coordinating
# conjunctions, prepositions; AP style adds short forms of "to be").
_SMALL = frozenset(
    {"a", "an", "the", "and", "or", "but", "nor", "of", "in", "on", "at", "to", "for", "by", "with", "from"}
    | {"as", "is", "are", "was", "be", "vs", "via", "into", "over", "under", "after"}
)
_WORD = re.compile(r"[^\W\d_][\w'\u2019\-]*")


def structure_lines(text: str) -> Iterable[tuple[int, int]]:
    """(start, end) of each non-empty line of `text`, spaces at its ends left out."""
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            yield pos + lead, pos + lead + len(stripped)
        pos += len(line) + 1


def _norm(line: str) -> str:
    return " ".join(line.split()).strip()


def _shape_heading(line: str, alone: bool) -> bool:
    if not line or line[-1] in _FINAL or line[0] in "\"'\u201c\u2018(-\u2022*":
        return False
    words = _WORD.findall(line)
    if not words or any(ch.isdigit() for ch in line[:1]):
        return False
    if alone and len(line.split()) <= SHORT_HEADING_WORDS:
        return True
    big = [w for w in words if w.lower() not in _SMALL]
    capital = sum(1 for w in big if w[0].isupper())
    return len(line.split()) <= TITLE_CASE_WORDS and len(big) >= 2 and capital == len(big)


def _line_kind(line: str, alone: bool, hinted: str | None) -> str | None:
    if hinted is not None:
        return hinted
    if _CREDIT.search(line):
        return "credit"
    if _CAPTION.search(line) and len(line.split()) <= 40:
        return "caption"
    if _shape_heading(line, alone):
        return "heading"
    return None


def mark_structure(text: str, hints: Iterable[tuple[str, str]] = ()) -> tuple[StructureMark, ...]:
    """The structure marks of a normalised text, in text order, each pointing at its characters."""
    hinted: dict[str, str] = {}
    for hint_kind, words in hints:
        key = _norm(INVISIBLE.sub("", words))
        if key and hint_kind in KINDS:
            hinted.setdefault(key, hint_kind)
    lines = list(structure_lines(text))
    marks: list[StructureMark] = []
    for n, (start, end) in enumerate(lines):
        line = text[start:end]
        # "standing alone": a paragraph of its own that more text follows (a heading leads
        # into a section; a last line without a full stop is more often a cut-off sentence)
        alone = text.startswith("\n\n", end) and (start < 2 or text[start - 2 : start] == "\n\n")
        seen = INVISIBLE.sub("", line)  # a soft hyphen or bidi mark does not change what a line is
        kind: str | None = None if n == 0 else _line_kind(seen, alone, hinted.get(_norm(seen)))  # 0: the title
        if kind is not None:
            marks.append(StructureMark(start=start, end=end, kind=kind))
            continue
        found = _DATELINE_AGENCY.match(line) or _DATELINE.match(line)
        if found is not None and found.end() < len(line):
            cut = len(found.group().rstrip())
            marks.append(StructureMark(start=start, end=start + cut, kind="dateline"))
    return tuple(marks)
