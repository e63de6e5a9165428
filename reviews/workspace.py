"""The review's workspace: one page per region and cycle where its task team, focal points and the secretariat
see where the Regional Review stands.

The page is an engine with a small registry. Each app contributes its tiles from a ``tiles`` module (found by
``ReviewsConfig.ready()``): the calendar's rules and deadlines here, meetings from consultations, the discussion
space from discussions, funding from funding. A tile's ``build`` runs a fixed number of queries whatever the
number of rows, and returns None when it has nothing to show to this person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

# "Open deadlines in the next four weeks".
DEADLINE_WINDOW = timedelta(weeks=4)

_TILES: dict[str, Tile] = {}


@dataclass(frozen=True)
class Tile:
    key: str
    order: int
    template: str
    # build(region=..., cycle=..., user=...) -> the template's context, or None.
    build: Callable[..., dict | None]


def register(tile: Tile) -> Tile:
    if tile.key in _TILES and _TILES[tile.key] != tile:
        raise ValueError(f"Two workspace tiles are called {tile.key!r}.")
    _TILES[tile.key] = tile
    return tile


def tiles() -> list[Tile]:
    return sorted(_TILES.values(), key=lambda tile: (tile.order, tile.key))


def rendered(*, region, cycle, user) -> tuple[list[tuple[Tile, dict]], list[tuple]]:
    """Each tile with its context, in order (tiles with nothing for ``user`` are left out), and the deadlines
    of the next four weeks every tile named, soonest first.

    A tile names deadlines as ``context["deadlines"]``: (day, what, link) triples; the engine keeps those from
    today to four weeks ahead.
    """
    today = timezone.localdate()
    out, deadlines = [], []
    for tile in tiles():
        context = tile.build(region=region, cycle=cycle, user=user)
        if context is None:
            continue
        for day, what, link in context.pop("deadlines", []):
            if today <= day <= today + DEADLINE_WINDOW:
                deadlines.append((day, str(what), link))
        out.append((tile, context))
    return out, sorted(deadlines, key=lambda row: (row[0], row[1]))
