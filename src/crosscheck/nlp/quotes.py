"""Quotation marks and sentence units: where direct speech is, and what counts as a sentence.

`quote_regions` finds double-quoted passages (curly or straight quotes; a quote left open runs
to the end of its paragraph, and a paragraph that opens with a quote mark continues it, as news
style does for quotes spanning paragraphs). Single quotes inside are left alone, so a quote
inside a quote stays part of the outer one. `sentence_units` refines spaCy's sentences by
cutting at line breaks that start a new line of text (headlines, section titles), but not at a
line break inside a sentence ("fuelled\\n\\nby economic collapse"). `quote_beside` and `quote_before_unit`
find the quote a cue reports when the parse gave it no clause ('"Okay," I said').
"""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.tokens import Doc, Span, Token

__all__ = ["QuoteIndex", "quote_before_unit", "quote_beside", "quote_regions", "sentence_units"]

_OPEN = "\u201c\u201e"
_CLOSE = "\u201d"
_PARA = re.compile(r"\n\s*\n")


def quote_regions(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of double-quoted passages, quote marks included."""
    regions: list[tuple[int, int]] = []
    start: int | None = None
    skip = -1
    breaks = [(m.start(), m.end()) for m in _PARA.finditer(text)]
    bi = 0
    for i, ch in enumerate(text):
        while bi < len(breaks) and breaks[bi][1] <= i:
            # a paragraph ended: an open quote closes there unless the next one reopens it
            b_start, b_end = breaks[bi]
            if start is not None:
                if b_end < len(text) and text[b_end] in _OPEN + '"':
                    skip = b_end
                else:
                    regions.append((start, b_start))
                    start = None
            bi += 1
        if i == skip:
            continue
        if ch in _OPEN or (ch == '"' and start is None):
            if start is None:
                start = i
        elif (ch in _CLOSE or ch == '"') and start is not None:
            regions.append((start, i + 1))
            start = None
    n = len(text)
    if start is not None:
        regions.append((start, n))
    return regions


class QuoteIndex:
    """Fast look-ups over the quote regions of one text."""

    __slots__ = ("regions", "text", "_starts")

    def __init__(self, text: str) -> None:
        self.text = text
        self.regions = quote_regions(text)
        self._starts = [s for s, _ in self.regions]

    def region_at(self, pos: int) -> tuple[int, int] | None:
        """The quote region containing character `pos`, if any."""
        k = bisect_right(self._starts, pos) - 1
        if k >= 0:
            s, e = self.regions[k]
            if s <= pos < e:
                return self.regions[k]
        return None

    def quoted_chars(self, start: int, end: int) -> int:
        """How many characters of start:end lie inside quotes."""
        total = 0
        k = max(bisect_right(self._starts, start) - 1, 0)
        while k < len(self.regions) and self.regions[k][0] < end:
            s, e = self.regions[k]
            total += max(0, min(e, end) - max(s, start))
            k += 1
        return total


def sentence_units(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges (start, end) of sentences, also cut at line breaks before a new line."""
    units: list[tuple[int, int]] = []
    for sent in doc.sents:
        start = sent.start
        for tok in sent[:-1]:
            if "\n" not in tok.text and "\n" not in tok.whitespace_:
                continue
            nxt = doc[tok.i + 1] if tok.i + 1 < sent.end else None
            if nxt is None:
                continue
            if nxt.is_space:
                continue
            first = nxt.text[0]
            if first.islower():
                continue
            end = tok.i + 1
            if any(not t.is_space for t in doc[start:end]):
                units.append((start, end))
            start = end
        if any(not t.is_space for t in doc[start : sent.end]):
            units.append((start, sent.end))
    return [_strip_space(doc, s, e) for s, e in units]


def _strip_space(doc: Doc, start: int, end: int) -> tuple[int, int]:
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    return start, end


def quote_beside(verb: Token, subj: Token, unit: Span, quotes: QuoteIndex) -> tuple[set[int], tuple[int, int] | None]:
    """The quoted words right before the speaker and cue ('"Okay," I said') or right after the
    cue and a comma ('Ryan said, "Sure."') when the parse gave the cue no clause, and their
    quote region."""
    doc = verb.doc
    skip = {",", ":", "\u201d", "\u201c", '"'}
    j = verb.i + 1
    while j < unit.end and doc[j].text in {",", ":"}:
        j += 1
    k = min(verb.i, subj.left_edge.i) - 1
    while k >= unit.start and doc[k].text in skip:
        k -= 1
    for pos, after in ((j, True), (k, False)):
        if not unit.start <= pos < unit.end:
            continue
        region = quotes.region_at(doc[pos].idx)
        if region is None or (after and region[0] < verb.idx) or (not after and region[1] > subj.left_edge.idx):
            continue
        toks = {t.i for t in unit if region[0] <= t.idx < region[1] and not t.is_punct}
        if toks:
            return toks, region
    return set(), None


def quote_before_unit(verb: Token, subj: Token, unit: Span, quotes: QuoteIndex) -> tuple[int, int] | None:
    """The quote region that ends just before a sentence made of speaker and cue alone
    ('"Why are you still endorsing him?" Obama asked.'): the quote is its content."""
    doc = verb.doc
    first = min(verb.i, subj.left_edge.i)
    if first != unit.start or any(t.i > verb.i and t.dep_ in {"ccomp", "xcomp"} for t in verb.children):
        return None
    k = first - 1
    while k >= 0 and (doc[k].is_space or doc[k].text in {",", "\u201d", '"'}):
        k -= 1
    if k < 0 or "\n" in doc.text[doc[k].idx : unit.start_char]:
        return None
    region = quotes.region_at(doc[k].idx)
    return region if region is not None and region[1] <= unit.start_char else None
