"""Print the PolNeAR train counts behind data/entity_kinds.yaml's [polnear] entries.

For every word of every list: how often it occurs as a token in PolNeAR v1.0 train Source spans,
and how many distinct capitalised names (of two words or more) in those spans it ends. Usage:
    python scripts/kind_word_sources.py [POLNEAR_DIR]   (default /work/shared/datasets/polnear)
Entries with no count must name another source in the YAML file.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

_NAME = re.compile(r"(?:[A-Z][\w.&'-]*\s+(?:(?:of|for|on|and|the)\s+)?){1,5}[A-Z][\w&'-]*")
_YAML = Path(__file__).resolve().parent.parent / "src" / "crosscheck" / "data" / "entity_kinds.yaml"


def _sources(root: Path) -> list[str]:
    out = []
    for ann in sorted((root / "data" / "train" / "attributions").glob("*.ann")):
        for line in ann.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and parts[1].startswith("Source"):
                out.append(parts[2])
    return out


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/datasets/polnear")
    tokens: Counter[str] = Counter()
    ends: dict[str, set[str]] = defaultdict(set)
    for text in _sources(root):
        toks = re.findall(r"[\w'-]+", text.lower())
        tokens.update(toks)
        tokens.update(" ".join(toks[i : i + 2]) for i in range(len(toks) - 1))
        for m in _NAME.finditer(text):
            words = re.sub(r"^The\s+", "", m.group(0)).split()
            if len(words) >= 2:
                ends[words[-1].lower().removesuffix("'s")].add(" ".join(words))
    raw = yaml.safe_load(_YAML.read_text(encoding="utf-8"))
    lists: dict[str, list[str]] = {}
    for kind, v in raw["kinds"].items():
        lists[f"kinds.{kind}.name_words"] = v["name_words"]
        lists[f"kinds.{kind}.context_words"] = v["context_words"]
    for key in ("org_designators_lead", "org_designators_tail", "titles", "particles", "person_roles", "place_nouns"):
        lists[key] = raw[key]
    for key, words in raw["relations"].items():
        lists[f"relations.{key}"] = words
    for key, words in lists.items():
        print(key + ": " + ", ".join(f"{w} {tokens[w]}/{len(ends.get(w, ()))}" for w in words))


if __name__ == "__main__":
    main()
