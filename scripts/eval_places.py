"""Evaluate place resolution on the geoparsing gold sets (LGL, GeoWebNews, TR-News).

Each gold toponym (its gold span) is resolved with the document's other gold toponyms as
context. Accuracy@161 km counts every gold toponym with coordinates; unresolved ones are wrong.

Usage: python scripts/eval_places.py [--shared PATH] [--write EVALUATION-places.md]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

try:
    from defusedxml import ElementTree as ET  # noqa: N817
except ImportError:  # the corpora are local, trusted files
    import xml.etree.ElementTree as ET  # noqa: N817

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from crosscheck.nlp.geocode import resolve_places  # noqa: E402

Gold = tuple[int, int, float, float]
# Published Acc@161 (CamCoder paper, Table 1; GWN from Mordecai 3's README, not comparable).
PUBLISHED = {
    "LGL": "CamCoder 76, Edinburgh 76, Yahoo 72, population heuristic 70, CLAVIN 71, GeoTxt 68",
    "GeoWebNews": "no whole-corpus figure recovered (Mordecai 3: 94.1 on its own held-out part)",
    "TR-News": "no whole-corpus figure recovered (Mordecai 3: 87.3 on its own held-out part)",
}


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def read_gaztag_xml(path: Path) -> list[tuple[str, list[Gold]]]:
    """LGL and TR-News: <article><text/><toponyms><toponym><start/><end/><gaztag>..."""
    docs = []
    for art in ET.parse(path).getroot().iter("article"):
        text = art.findtext("text") or ""
        gold: list[Gold] = []
        for top in art.iter("toponym"):
            tag = top.find("gaztag")
            if tag is None or tag.findtext("lat") is None:
                continue
            gold.append(
                (int(top.findtext("start") or 0), int(top.findtext("end") or 0),
                 float(tag.findtext("lat") or 0), float(tag.findtext("lon") or 0))
            )  # fmt: skip
        docs.append((text, gold))
    return docs


def read_gwn(folder: Path) -> list[tuple[str, list[Gold]]]:
    """GeoWebNews: texts from GWN.xml, gold from gwn_full_geocoding_gold.txt (same order)."""
    texts = [a.findtext("text") or "" for a in ET.parse(folder / "GWN.xml").getroot().iter("article")]
    lines = (folder / "gwn_full_geocoding_gold.txt").read_text(encoding="utf-8").splitlines()
    docs = []
    for text, line in zip(texts, lines, strict=False):
        gold: list[Gold] = []
        for item in filter(None, line.split("||")):
            f = item.split(",,")
            gold.append((int(f[4]), int(f[5]), float(f[2]), float(f[3])))
        docs.append((text, gold))
    return docs


def evaluate(docs: list[tuple[str, list[Gold]]], *, demonyms: bool = False) -> dict[str, float]:
    errors: list[float] = []
    unresolved = 0
    for text, gold in docs:
        if not gold:
            continue
        picks = resolve_places(text, [(s, e) for s, e, _, _ in gold], resolve_demonyms=demonyms)
        for (_, _, lat, lon), pick in zip(gold, picks, strict=True):
            if pick is None:
                unresolved += 1
            else:
                errors.append(km(lat, lon, pick.lat, pick.lon))
    n = len(errors) + unresolved
    hits = sum(1 for e in errors if e <= 161.0)
    return {
        "n": n,
        "acc161": 100.0 * hits / n if n else 0.0,
        "acc161_resolved": 100.0 * hits / len(errors) if errors else 0.0,
        "mean_km": statistics.fmean(errors) if errors else 0.0,
        "median_km": statistics.median(errors) if errors else 0.0,
        "unresolved": unresolved,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--write", type=Path, default=None, help="write a Markdown table here")
    args = ap.parse_args()
    base = args.shared / "datasets" / "geoparsing"
    if not base.is_dir():
        print(f"skipped: no geoparsing datasets at {base}")
        return 0
    sets = {
        "LGL": lambda: read_gaztag_xml(base / "lgl" / "lgl.xml"),
        "GeoWebNews": lambda: read_gwn(base / "geowebnews"),
        "TR-News": lambda: read_gaztag_xml(base / "tr_news" / "TR-News.xml"),
    }
    rows = []
    for name, reader in sets.items():
        try:
            docs = reader()
        except FileNotFoundError as exc:
            print(f"{name}: skipped ({exc.filename} missing)")
            continue
        for demonyms in (False, True):
            t0 = time.perf_counter()
            r = evaluate(docs, demonyms=demonyms)
            secs = time.perf_counter() - t0
            label = name + (" (demonyms as countries)" if demonyms else "")
            rows.append((label, r, secs))
            print(
                f"{label:34} n={r['n']:5d}  Acc@161 {r['acc161']:5.1f}  (of resolved {r['acc161_resolved']:5.1f})"
                f"  mean {r['mean_km']:7.0f} km  median {r['median_km']:5.0f} km"
                f"  unresolved {r['unresolved']:4d}  {secs:4.1f}s"
            )
        print(f"{'':34} published Acc@161: {PUBLISHED[name]}")
    if args.write is not None and rows:
        lines = [
            "| corpus | gold toponyms | Acc@161 | Acc@161 of resolved | mean km | median km | unresolved | published |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for name, r, _ in rows:
            lines.append(
                f"| {name} | {r['n']} | {r['acc161']:.1f} | {r['acc161_resolved']:.1f} | {r['mean_km']:.0f} "
                f"| {r['median_km']:.0f} | {r['unresolved']} | {PUBLISHED[name.split(' (')[0]]} |"
            )
        args.write.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
