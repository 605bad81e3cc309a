"""Write src/crosscheck/data/gazetteer_subdivisions.tsv: ISO 3166-2 names for the gazetteer's
first-level areas that the gazetteer build did not join to ISO 3166-2.

Source: ISO 3166-2 first-level subdivisions (those without a parent) and their English names,
from the PyPI package ``pycountry`` (a run-time dependency). Each one missing from the gazetteer
is matched to a first-level area of the same country, built from GeoNames (its point is the
median of its GeoNames places, see build_gazetteer.py), by the same name folding as lookups
(``match_key`` without category words) or a fuzzy ratio of at least 85 (rapidfuzz, the
threshold the gazetteer build uses). The file is in the aliases format (NAME<TAB>ID).
Usage: python scripts/build_subdivisions.py
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from crosscheck.nlp.gazetteer import GazEntry, Gazetteer, match_key, normalize_name  # noqa: E402

OUT = ROOT / "src/crosscheck/data/gazetteer_subdivisions.tsv"
GENERIC = re.compile(
    r"\b(?:governorate|province|provincia|region|state|district|oblast|prefecture|department|"
    r"muhafazat|ostan|municipality|autonomous|territory|division|of)\b"
)


ARTICLE = re.compile(r"^(?:al|el|ar|as|an|ad|at|az|ash|ad) ")


def short(name: str) -> str:
    """The name without category words or a leading Arabic article, in the lookup folding."""
    bare = re.sub(r"\s+", " ", GENERIC.sub(" ", normalize_name(name))).strip()
    return match_key(ARTICLE.sub("", bare))


def main() -> int:
    import gettext

    import pycountry
    from rapidfuzz import fuzz

    english = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["en"], fallback=True)
    gaz = Gazetteer.load()
    free: dict[str, list[GazEntry]] = defaultdict(list)  # admin1 areas not joined to ISO 3166-2
    for i in range(len(gaz)):
        e = gaz.entry(i)
        if e.feature == "admin1" and e.id.startswith("admin1:") and e.country:
            free[e.country].append(e)
    lines = [
        "# ISO 3166-2 first-level subdivision names (pycountry, English locale) for gazetteer areas",
        "# built from GeoNames that the gazetteer build did not join to ISO. Written by",
        "# scripts/build_subdivisions.py; format of gazetteer_aliases.tsv (NAME<TAB>ID).",
    ]
    unmatched = []
    taken: set[str] = set()
    for sub in sorted(pycountry.subdivisions, key=lambda s: s.code):
        if sub.parent_code is not None or gaz.find_id(f"iso3166-2:{sub.code}") is not None:
            continue
        names = list(dict.fromkeys([sub.name, english.gettext(sub.name)]))
        want = short(sub.name)
        best, best_score = None, 0.0
        for e in free.get(sub.country_code, []):
            if e.id in taken:
                continue
            got = short(e.name)
            score = 100.0 if got == want else fuzz.ratio(got, want)
            if score > best_score:
                best, best_score = e, score
        if best is None or best_score < 85:
            unmatched.append(sub.code)
            continue
        taken.add(best.id)
        lines.extend(f"{n}\t{best.id}" for n in names if normalize_name(n) != normalize_name(best.name))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines) - 3} names; {len(unmatched)} ISO subdivisions without a GeoNames area")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
