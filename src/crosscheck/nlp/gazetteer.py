"""The offline gazetteer: GeoNames places, admin areas and countries, looked up by name.

The data file ``data/gazetteer.bin.gz`` is built by ``scripts/build_gazetteer.py``. It holds
three sections, each an offset table over a UTF-8 blob, so loading is one decompression and no
per-entry parsing:

- entries: one tab-separated line per place, sorted by id (id, name, country, admin1, admin2, lat, lon,
  feature, population, alternate names joined by ``|``);
- keys: the sorted *match keys* (see :func:`match_key`) of every name and alternate name;
- postings: for each key, the entry numbers that carry it.

``data/gazetteer_aliases.tsv`` adds user-editable names (``alias<TAB>id``) at load time.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import unicodedata
from array import array
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

__all__ = ["GazEntry", "Gazetteer", "match_key", "normalize_name"]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DATA_FILE = DATA_DIR / "gazetteer.bin.gz"
ALIASES_FILE = DATA_DIR / "gazetteer_aliases.tsv"
EXTRA_FILE = DATA_DIR / "gazetteer_extra.tsv"
REGIONS_FILE = DATA_DIR / "gazetteer_regions.tsv"
SUBDIVISIONS_FILE = DATA_DIR / "gazetteer_subdivisions.tsv"  # ISO 3166-2 names, aliases format
MAGIC = b"CCGAZ1\n"
# Category words of ISO 3166-2 first-level subdivisions (pycountry's ``type``: State, Province,
# Region, Governorate, Division, Oblast, Prefecture, Department), before or after the name.
_SUBDIVISION = re.compile(
    r"^(?:the\s+)?(?:state|province|region|governorate|division|oblast|prefecture|department)\s+of\s+"
    r"|\s+(?:state|province|region|governorate|division|oblast|prefecture|department)$",
    re.IGNORECASE,
)
_AREAS = frozenset({"admin1", "admin2", "region"})


@dataclass(frozen=True, slots=True, kw_only=True)
class GazEntry:
    """One gazetteer place. ``feature`` is city, admin1, admin2, country or continent."""

    id: str
    name: str
    country: str | None
    admin1: str | None
    lat: float
    lon: float
    feature: str
    population: int = 0
    admin2: str | None = None
    alt_names: tuple[str, ...] = ()


# Letters that NFKD does not take apart into a base letter and a mark.
_FOLD = str.maketrans(
    {
        "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ß": "ss", "æ": "ae", "œ": "oe",
        "þ": "th", "ŧ": "t", "ħ": "h", "ŋ": "n",
        # Arabic and Persian letter variants: one form each.
        "ي": "ی", "ى": "ی", "ئ": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "ؤ": "و",
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ـ": "",
    }
)  # fmt: skip
_DROP = re.compile(r"['’‘`ʼʻʿʾ\u02bc\u02bb´\u200c\u200d]")
_SEP = re.compile(r"[\s\-‐‑–—_.,/()\"“”]+")
_ARTICLE = re.compile(r"^(?:al|el|ul|the) (?=\S{2})")
_SUN = re.compile(r"^(?:a[dnrstz]|ash|adh|ath|az) (?=\S{3})")
_SKELETON_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"ph", "f"), (r"ck", "k"), (r"q", "k"), (r"w", "v"), (r"(?<=[a-z])y", "i"),
        (r"ou|oo", "u"), (r"ee", "i"), (r"([a-z])\1+", r"\1"), (r"(?<=[aeiou])h\b", ""),
        (r"kh", "k"), (r"gh", "g"), (r"dh", "d"),
    )
)  # fmt: skip


@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """Case, accents, apostrophes and separators folded; Arabic-script letters unified.

    A leading article (al-, el-, the; as-, ad-, ... when hyphenated) is removed, so
    "Al-Anbar", "al Anbar" and "Anbar" agree. Script is kept: nothing is transliterated.
    """
    text = unicodedata.normalize("NFKC", name).casefold().translate(_FOLD)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    hyphenated = re.match(r"^\s*a[a-z]{1,2}\s*[-‐‑]", text) is not None
    text = _DROP.sub("", text).replace("&", " and ")
    text = _SEP.sub(" ", text).strip()
    text = _ARTICLE.sub("", text)
    if hyphenated:
        text = _SUN.sub("", text)
    if text.startswith("ال") and len(text) > 4:  # Arabic definite article
        text = text[2:]
    return text


@lru_cache(maxsize=65536)
def match_key(name: str) -> str:
    """The lookup key: :func:`normalize_name` plus transliteration folding for Latin text.

    Zawiya/Zaviya, Saadah/Sa'ada, Hudaydah/Hudaida share a key; ranking later prefers
    candidates whose normalised name matches exactly.
    """
    key = normalize_name(name)
    if key.isascii():
        for pattern, repl in _SKELETON_RULES:
            key = pattern.sub(repl, key)
    return key


def _entry_from_line(line: str) -> GazEntry:
    f = line.rstrip("\n").split("\t")
    return GazEntry(
        id=f[0],
        name=f[1],
        country=f[2] or None,
        admin1=f[3] or None,
        admin2=f[4] or None,
        lat=float(f[5]),
        lon=float(f[6]),
        feature=f[7],
        population=int(f[8] or 0),
        alt_names=tuple(a for a in f[9].split("|") if a) if len(f) > 9 else (),
    )


class Gazetteer:
    """Name lookup over the shipped gazetteer. Use :meth:`load`; it is cached per process."""

    _cached: ClassVar[dict[str, Gazetteer]] = {}

    def __init__(self, blob: bytes, aliases: Path | None = None, extra: Path | None = None) -> None:
        if not blob.startswith(MAGIC):
            raise ValueError("not a crosscheck gazetteer file")
        end = blob.index(b"\n", len(MAGIC))
        header = json.loads(blob[len(MAGIC) : end])
        pos = end + 1
        sections: dict[str, memoryview] = {}
        view = memoryview(blob)
        for name, size in header["sections"]:
            sections[name] = view[pos : pos + size]
            pos += size
        self.meta: dict[str, object] = header.get("meta", {})
        self._entries = bytes(sections["entries"])
        self._entry_off = _ints(sections["entry_off"])
        self._keys = bytes(sections["keys"])
        self._key_off = _ints(sections["key_off"])
        self._post_off = _ints(sections["post_off"])
        self._post = _ints(sections["post"])
        self._extra: dict[str, list[int]] = {}
        self._cache: dict[int, GazEntry] = {}
        self._size = len(self._entry_off) - 1
        if extra is not None and extra.exists():
            self._load_extra(extra)
            if REGIONS_FILE.exists() and extra == EXTRA_FILE:
                self._load_regions(REGIONS_FILE)
        if aliases is not None and aliases.exists():
            self._load_aliases(aliases)
            if aliases == ALIASES_FILE and SUBDIVISIONS_FILE.exists():
                self._load_aliases(SUBDIVISIONS_FILE)

    @classmethod
    def load(cls, path: Path | str | None = None) -> Gazetteer:
        """Load (once per process) the shipped gazetteer or the file at ``path``."""
        target = Path(path) if path is not None else DATA_FILE
        key = str(target)
        if key not in cls._cached:
            with gzip.open(target, "rb") as fh:
                blob = fh.read()
            default = path is None
            cls._cached[key] = cls(blob, ALIASES_FILE if default else None, EXTRA_FILE if default else None)
        return cls._cached[key]

    def __len__(self) -> int:
        return self._size

    def entry(self, index: int) -> GazEntry:
        """The entry at position ``index`` of the file."""
        hit = self._cache.get(index)
        if hit is None:
            raw = self._entries[self._entry_off[index] : self._entry_off[index + 1]]
            hit = _entry_from_line(raw.decode("utf-8"))
            self._cache[index] = hit
        return hit

    def find_id(self, place_id: str) -> GazEntry | None:
        """The entry with this id ("geonames:...", "iso3166-1:..", ...), or None."""
        idx = self._index_of(place_id)
        return None if idx < 0 else self.entry(idx)

    def _index_of(self, place_id: str) -> int:
        for idx in range(len(self._entry_off) - 1, self._size):
            if self._cache[idx].id == place_id:
                return idx
        want = place_id.encode("utf-8")
        lo, hi = 0, len(self._entry_off) - 1
        while lo < hi:  # entries are sorted by id
            mid = (lo + hi) // 2
            start = self._entry_off[mid]
            if self._entries[start : self._entries.index(b"\t", start)] < want:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(self._entry_off) - 1:
            start = self._entry_off[lo]
            if self._entries[start : self._entries.index(b"\t", start)] == want:
                return lo
        return -1

    def _postings(self, key: str) -> list[int]:
        k = key.encode("utf-8")
        lo, hi = 0, len(self._key_off) - 1
        while lo < hi:  # binary search over the sorted key blob
            mid = (lo + hi) // 2
            if self._keys[self._key_off[mid] : self._key_off[mid + 1]] < k:
                lo = mid + 1
            else:
                hi = mid
        found: list[int] = []
        if lo < len(self._key_off) - 1 and self._keys[self._key_off[lo] : self._key_off[lo + 1]] == k:
            found = list(self._post[self._post_off[lo] : self._post_off[lo + 1]])
        return found + self._extra.get(key, [])

    def candidates(self, name: str, *, limit: int = 60) -> list[GazEntry]:
        """Places that ``name`` can denote, exact-name matches first, then by population.

        A name unknown as written is tried without a subdivision word ("Borno State",
        "Khuzestan Province", "the Province of Anbar"), keeping only areas.
        """
        found = self._candidates(name, limit)
        if found:
            return found
        bare = _SUBDIVISION.sub("", name.strip())
        if not bare or bare == name.strip():
            return []
        return [e for e in self._candidates(bare, limit) if e.feature in _AREAS]

    def _candidates(self, name: str, limit: int) -> list[GazEntry]:
        key = match_key(name)
        if not key:
            return []
        norm = normalize_name(name)
        seen: set[int] = set()
        scored: list[tuple[int, int, GazEntry]] = []
        for idx in self._postings(key):
            if idx in seen:
                continue
            seen.add(idx)
            e = self.entry(idx)
            exact = normalize_name(e.name) == norm or any(normalize_name(a) == norm for a in e.alt_names)
            scored.append((0 if exact else 1, -e.population, e))
        scored.sort(key=lambda t: (t[0], t[1]))
        return [e for _, _, e in scored[:limit]]

    def is_exact(self, entry: GazEntry, name: str) -> int:
        """2 when ``name`` is the entry's main name, 1 an alternate name, 0 only a variant."""
        norm = normalize_name(name)
        if normalize_name(entry.name) == norm:
            return 2
        return 1 if any(normalize_name(a) == norm for a in entry.alt_names) else 0

    def _load_aliases(self, path: Path) -> None:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            alias, _, place_id = line.partition("\t")
            idx = self._index_of(place_id.strip())
            if idx < 0:
                continue
            base = self.entry(idx)
            self._cache[idx] = GazEntry(
                id=base.id, name=base.name, country=base.country, admin1=base.admin1,
                admin2=base.admin2, lat=base.lat, lon=base.lon, feature=base.feature,
                population=base.population, alt_names=(*base.alt_names, alias.strip()),
            )  # fmt: skip
            self._extra.setdefault(match_key(alias.strip()), []).append(idx)

    def _load_regions(self, path: Path) -> None:
        """Regions made of gazetteer areas: the median of their points, the sum of their people."""
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            f = line.split("\t")
            members = [e for e in (self.find_id(m.strip()) for m in f[3].split(",")) if e is not None]
            if len(f) < 4 or not members:
                continue
            codes = {e.country for e in members}
            e = GazEntry(
                id=f[0], name=f[1], country=codes.pop() if len(codes) == 1 else None, admin1=None,
                lat=statistics.median(m.lat for m in members), lon=statistics.median(m.lon for m in members),
                feature="region", population=sum(m.population for m in members),
                alt_names=tuple(a for a in f[2].split("|") if a),
            )  # fmt: skip
            self._add(e)

    def _add(self, e: GazEntry) -> None:
        idx = self._size
        self._size += 1
        self._cache[idx] = e
        for name in (e.name, *e.alt_names):
            self._extra.setdefault(match_key(name), []).append(idx)

    def _load_extra(self, path: Path) -> None:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            self._add(_entry_from_line(line))


def _ints(view: memoryview) -> array[int]:
    out = array("I")
    out.frombytes(view)
    return out
