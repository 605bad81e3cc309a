"""How alike two claims are: shared terms, actors and places weighted by their rarity in
general English, blended with the cosine of their sentence embeddings, then adjusted by what
they share or contradict (figures, dates, subjects, a denier the other names), with a score
per feature so that every judgement explains itself."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from math import fsum

import numpy as np
import numpy.typing as npt
from wordfreq import zipf_frequency

__all__ = ["ClaimFeatures", "Signature", "Similarity", "THRESHOLD", "general_weight", "similarity"]

# The bar for two claims to assert one proposition, and the blend of word overlap and sentence
# embedding (WordLlama l2_supercat) it applies to, chosen on the Emergent dataset's TRAIN split
# (average-linkage clustering of its article headlines into its claims; scripts/eval_emergent.py,
# results and the F0.5 of each bar in EVALUATION.md, "Emergent: claim clustering"). The blend
# (half and half, cosines at or below COSINE_FLOOR counting as no shared meaning) maximises
# B-cubed F1 there; the bar maximises B-cubed F0.5, which weighs
# precision twice as much as recall, since a wrong "corroborated" does more harm than a missed
# one (0.28; F1 alone would pick 0.18, which joins whole topics on real coverage).
THRESHOLD = 0.28
EMBEDDING_SHARE = 0.5
COSINE_FLOOR = 0.2
# A denial reuses fewer of the words of what it denies: it joins the proposition it answers
# best at this lower bar (chosen on Emergent TRAIN as well: "against" headlines and the
# "for" headlines of their own claim).
REFUTE_THRESHOLD = 0.14
# Figure categories that do not set a claim apart when only one side has them ("rigged in 14
# districts" is the same accusation as "the count was rigged").
UNCOUNTED = frozenset({"other", "locations", "duration"})
# A claim with fewer keys than this is too thin to count as contained in a longer one.
MIN_CONTAINED = 3
MIN_WEIGHT = 0.1  # the weight of the commonest words, so that they never count for nothing


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimFeatures:
    """What a claim asserts, reduced to comparable keys."""

    id: str
    doc: str
    terms: frozenset[str]
    actors: frozenset[str]
    places: frozenset[str]
    figures: frozenset[tuple[str, float]] = field(default_factory=frozenset)
    dates: frozenset[str] = field(default_factory=frozenset)
    subjects: frozenset[str] = field(default_factory=frozenset)
    source_actor: str | None = None
    polarity: str = "positive"
    kind: str = "assertion"
    vector: npt.NDArray[np.float32] | None = field(default=None, compare=False)
    _profile: _Profile | None = field(default=None, compare=False, repr=False, init=False)
    _signature: Signature | None = field(default=None, compare=False, repr=False, init=False)

    def signature(self) -> Signature:
        """Everything but its id and report: two claims with one signature score alike against
        any third (syndicated copies of one sentence do), so a pair's score can be reused."""
        if self._signature is None:
            # the vector by a 128-bit digest: remembered pairs keep signatures alive
            vector = None if self.vector is None else hashlib.blake2b(self.vector.tobytes(), digest_size=16).digest()
            signature = (self.terms, self.actors, self.places, self.figures, self.dates, self.subjects)
            object.__setattr__(self, "_signature", (*signature, self.source_actor, self.polarity, self.kind, vector))
        assert self._signature is not None
        return self._signature

    def profile(self) -> _Profile:
        """Its comparison keys with their general weights, their total and its word count,
        worked out once per claim (a claim is compared with many others)."""
        if self._profile is None:
            keys = _comparison_keys(self.terms, self.actors, self.places)
            weights = {k: _cached_weight(k) for k in keys}
            object.__setattr__(self, "_profile", (weights, fsum(weights.values()), len(self.terms)))
        assert self._profile is not None
        return self._profile

    def keys(self) -> set[str]:
        """Blocking keys for the candidate index."""
        out = {f"w:{t}" for t in self.terms} | {f"a:{a}" for a in self.actors} | {f"p:{p}" for p in self.places}
        out |= {f"f:{cat}:{int(v)}" for cat, v in self.figures}
        out |= {f"d:{d}" for d in self.dates}
        if self.polarity == "negative" and self.source_actor:
            out.add(f"a:{self.source_actor}")  # a denial is looked for among claims naming its author
        return out


@dataclass(frozen=True, slots=True)
class Similarity:
    score: float
    features: dict[str, float]


Weight = Callable[[str], float]
# A claim's features without its id and report (ClaimFeatures.signature).
Signature = tuple[object, ...]
# A claim's comparison keys with their weight, the sum of those weights and its word count.
_Profile = tuple[dict[str, float], float, int]


# Endings that turn a Snowball stem back into the words it stands for ("villag" -> "village",
# "militari" -> "military"), so that its frequency can be looked up.
_ENDINGS = ("", "e", "s", "y", "ed", "ing", "ion", "ment", "al")


@lru_cache(maxsize=65536)
def _word_weight(term: str) -> float:
    """How much a shared word says: rarer words in general English say more. The weight is
    8 minus the Zipf frequency (wordfreq: log10 of uses per billion words, from Wikipedia,
    subtitles, news, books and the web) of the commonest word the stem stands for, so "the"
    (7.7) weighs almost nothing and a word met once in ten million (Zipf 2) weighs 6. It depends
    on the word alone, never on what the ledger holds, so a pair's score does not depend on
    the order reports arrive in."""
    roots = (term, term[:-1] + "y") if term.endswith("i") else (term,)
    zipf = max(zipf_frequency(root + end, "en") for root in roots for end in _ENDINGS)
    return max(8.0 - zipf, MIN_WEIGHT)


def general_weight(key: str) -> float:
    """The weight of a comparison key: words by their general frequency, actors and places as
    a rare word (Zipf 2), country-wide places as a common one (Zipf 5): a whole country is
    named in most claims of a story about it."""
    if key.startswith("w:"):
        return _word_weight(key[2:])
    if key.startswith("p:iso3166-1:"):
        return 3.0
    return 6.0


@lru_cache(maxsize=262144)
def _cached_weight(key: str) -> float:
    return general_weight(key)


def _comparison_keys(terms: frozenset[str], actors: frozenset[str], places: frozenset[str]) -> set[str]:
    return {f"w:{t}" for t in terms} | {f"a:{x}" for x in actors} | {f"p:{x}" for x in places}


def _profiled_overlap(a: _Profile, b: _Profile) -> float:
    """`_weighted_overlap` with the general weights, from two claims' profiles: the shared
    weight is summed over the smaller side, the union's is the two totals less the shared."""
    (wa, total_a, terms_a), (wb, total_b, terms_b) = a, b
    if not wa or not wb:
        return 0.0
    small, large = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    # exactly rounded sums: a pair scores the same to the last bit whichever claim came first
    shared = fsum(w for k, w in small.items() if k in large)
    union = fsum((total_a, total_b, -shared))
    smaller = min(total_a, total_b)
    if min(terms_a, terms_b) < MIN_CONTAINED:
        return shared / union if union else 0.0
    return 0.75 * shared / union + 0.25 * shared / smaller if union and smaller else 0.0


def _terms(keys: set[str]) -> int:
    return sum(k.startswith("w:") for k in keys)


def _weighted_overlap(a: set[str], b: set[str], weight: Weight) -> float:
    """Weighted Jaccard, blended with the weighted share of the smaller side that is shared:
    a short claim fully inside a longer one about the same thing still scores well."""
    if not a or not b:
        return 0.0
    shared = fsum(weight(k) for k in a & b)
    union = fsum(weight(k) for k in a | b)
    smaller = min(fsum(weight(k) for k in a), fsum(weight(k) for k in b))
    if min(_terms(a), _terms(b)) < MIN_CONTAINED:
        return shared / union if union else 0.0
    return 0.75 * shared / union + 0.25 * shared / smaller if union and smaller else 0.0


def _figures_conflict(a: ClaimFeatures, b: ClaimFeatures) -> tuple[bool, bool]:
    """(conflict, agree): same category with values apart by more than 5%, or matching."""
    conflict = agree = False
    for cat, value in a.figures:
        for cat2, value2 in b.figures:
            if cat != cat2:
                continue
            if abs(value - value2) <= 0.05 * max(value, value2):
                agree = True
            elif cat != "other":  # counts of unlike things ("other") never conflict
                conflict = True
    return conflict and not agree, agree


def similarity(a: ClaimFeatures, b: ClaimFeatures, weight: Weight = general_weight) -> Similarity:
    """A score in [0, 1] and the features that made it."""
    if weight is general_weight:
        lexical = _profiled_overlap(a.profile(), b.profile())
    else:
        ka = _comparison_keys(a.terms, a.actors, a.places)
        kb = _comparison_keys(b.terms, b.actors, b.places)
        lexical = _weighted_overlap(ka, kb, weight)
    features = {"overlap": round(lexical, 3)}
    base = lexical
    if a.vector is not None and b.vector is not None:
        meaning = max(0.0, (float(np.dot(a.vector, b.vector)) - COSINE_FLOOR) / (1.0 - COSINE_FLOOR))
        features["meaning"] = round(meaning, 3)
        base = (1.0 - EMBEDDING_SHARE) * lexical + EMBEDDING_SHARE * meaning
    score = base
    conflict, agree = _figures_conflict(a, b)
    counted_a = {c for c, _ in a.figures if c not in UNCOUNTED}
    counted_b = {c for c, _ in b.figures if c not in UNCOUNTED}
    if conflict:
        features["figures_conflict"] = -1.0
        score = 0.0
    elif agree:
        features["figures_agree"] = 0.25
        score += 0.25
    elif counted_a and counted_b and not (counted_a & counted_b):
        features["counts_differ"] = -1.0  # killed and injured are different figures
        score = 0.0
    elif counted_a != counted_b and (counted_a or counted_b):
        features["figure_on_one_side"] = -0.5
        score *= 0.5
    local_a = {p for p in a.places if not p.startswith("iso3166-1:")}
    local_b = {p for p in b.places if not p.startswith("iso3166-1:")}
    if local_a and local_b and not (local_a & local_b):
        features["places_differ"] = -0.3
        score *= 0.7
    if a.subjects and b.subjects and not (a.subjects & b.subjects):
        features["subjects_differ"] = -0.4
        score *= 0.6
    if a.dates and b.dates:
        if a.dates & b.dates:
            features["dates_agree"] = 0.1
            score += 0.1
        elif counted_a or counted_b:
            features["event_dates_differ"] = -1.0  # one count for two days is two events' figures
            score = 0.0
        else:
            features["dates_differ"] = -0.2
            score *= 0.8
    features["score"] = round(min(score, 1.0), 3)
    return Similarity(min(score, 1.0), features)
