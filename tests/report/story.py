"""A generated story of many short reports (a made-up crisis in real places), for tests of
the brief at scale: outlets, origins, tolls that move, statements repeated and denied, places
across a region and one far away, and a background date from decades before."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

OUTLETS = [
    f"{a} {b}" for a in ("Gulf", "River", "Desert", "Northern", "Capital") for b in ("Times", "Wire", "Post", "Herald")
]
ORIGINS = [
    "the Red Crescent",
    "the Interior Ministry",
    "Amnesty International",
    "the Health Ministry",
    "local officials",
    "the United Nations",
    "witnesses",
    "the Defence Ministry",
]
CITIES = ["Baghdad", "Basra", "Mosul", "Karbala", "Najaf", "Kirkuk", "Erbil", "Tehran", "Damascus", "Amman", "Beirut"]
EVENTS = [
    "protesters blocked the main bridge in {city}",
    "security forces fired tear gas at crowds in {city}",
    "the electricity grid failed in {city}",
    "a curfew was imposed in {city}",
    "schools were closed in {city}",
    "the governor of {city} resigned",
]


def write_story(folder: Path, count: int = 200, seed: int = 7) -> Path:
    """`count` Markdown reports in `folder`, published over five weeks in a shuffled order."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    start = date(2031, 5, 1)
    toll = {o: 10 for o in ORIGINS}
    for n in range(count):
        day = start + timedelta(days=n * 35 // count)
        origin, other = rng.sample(ORIGINS, 2)
        city = rng.choice(CITIES)
        toll[origin] += rng.randint(1, 9)
        event = rng.choice(EVENTS).format(city=city)
        lines = [
            f"At least {toll[origin]} people have been killed in the unrest, {origin} said on {day:%A}.",
            f"{other[0].upper() + other[1:]} said {event}.",
        ]
        if rng.random() < 0.15:
            lines.append(f"The Interior Ministry denied that {event}.")
        if rng.random() < 0.1:
            lines.append("The movement has opposed the government since 1979.")
        if n % 50 == 0:
            lines.append("Officials in Washington said they were following events closely.")
        outlet = rng.choice(OUTLETS)
        (folder / f"r{n:03d}.md").write_text(
            f"---\noutlet: {outlet}\ntitle: Unrest in {city}, report {n}\npublished: {day.isoformat()}\n"
            f"url: https://{outlet.lower().replace(' ', '')}.example/{n}\nlanguage: en\n---\n\n"
            + " ".join(lines)
            + "\n",
            encoding="utf-8",
        )
    return folder
