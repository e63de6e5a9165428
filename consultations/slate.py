"""The suggested speaker slate (001 Annex 2: "diversity and balance in terms of expertise, sector, country,
sub-region and gender").

The rule, shown on the page as well:

1. Take the offers to speak in order of arrival (first come, first served).
2. Add a candidate unless that would give one value of a dimension more than its
   maximum share of the slate, counted against the slate's target size
   (expertise ≤ 40 %, sector ≤ 40 %, country ≤ 25 %, sub-region ≤ 50 %, gender ≤ 60 %
   by default; each consultation's task team sets its own; "prefer not to say" and
   empty values are never limited).
3. If the slate is not full after that pass, the limits are let go one at a time,
   starting with the last in the consultation's order of preference, and the
   skipped candidates are taken again in order of arrival; once no limit is left,
   the slate is completed in order of arrival.

The same offers always give the same slate.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

DIMENSIONS = ("expertise", "constituency", "country", "subregion", "gender")
DEFAULT_MAX_SHARES = {"expertise": 0.40, "constituency": 0.40, "country": 0.25, "subregion": 0.50, "gender": 0.60}
UNLIMITED_VALUES = {"", None, "undisclosed"}


@dataclass(frozen=True)
class Candidate:
    id: int
    arrival: int
    constituency: str
    country: str
    subregion: str
    gender: str
    expertise: str = ""


def suggest(
    candidates: list[Candidate],
    *,
    size: int,
    max_shares: dict[str, float] | None = None,
    preference: tuple[str, ...] = DIMENSIONS,
) -> list[int]:
    """Ids of the suggested slate, in the order they were chosen.

    ``preference``: the dimensions, most important first; when the slate cannot be filled within every limit,
    the limits are let go from the end of it.
    """
    shares = {**DEFAULT_MAX_SHARES, **(max_shares or {})}
    limits = {dim: max(1, math.floor(shares[dim] * size)) for dim in DIMENSIONS}
    counts = {dim: Counter() for dim in DIMENSIONS}
    chosen: list[Candidate] = []
    waiting = sorted(candidates, key=lambda c: (c.arrival, c.id))
    held = [dim for dim in preference if dim in DIMENSIONS]

    def fits(candidate: Candidate) -> bool:
        return not any(
            getattr(candidate, dim) not in UNLIMITED_VALUES and counts[dim][getattr(candidate, dim)] + 1 > limits[dim]
            for dim in held
        )

    while waiting and len(chosen) < size:
        skipped = []
        for candidate in waiting:
            if len(chosen) < size and fits(candidate):
                chosen.append(candidate)
                for dim in DIMENSIONS:
                    counts[dim][getattr(candidate, dim)] += 1
            else:
                skipped.append(candidate)
        waiting = skipped
        if not held:
            break
        held.pop()
    return [c.id for c in chosen]


def balance(groups: dict[str, list[Candidate]]) -> dict[str, list[dict]]:
    """Counts and shares of each value of each dimension, for each named group (slate, pool, registrants)."""
    table: dict[str, list[dict]] = {}
    for dim in DIMENSIONS:
        values = sorted({getattr(c, dim) or "" for people in groups.values() for c in people})
        rows = []
        for value in values:
            row = {"value": value}
            for name, people in groups.items():
                n = sum(1 for c in people if (getattr(c, dim) or "") == value)
                row[name] = (n, round(100 * n / len(people)) if people else 0)
            rows.append(row)
        table[dim] = rows
    return table
