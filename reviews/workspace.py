"""The review's workspace: one page per region and cycle where its task team, focal points and the secretariat
see where the Regional Review stands.

The page is an engine with a small registry. Each app contributes its tiles from a ``tiles`` module (found by
``ReviewsConfig.ready()``): the calendar's rules and deadlines here, meetings from consultations, the discussion
space from discussions, funding from funding. A tile's ``build`` runs a fixed number of queries whatever the
number of rows, and returns None when it has nothing to show to this person.

What a tile shows that is the same for everyone who may open the dashboard (figures, names, addresses, in the
language of the page) it computes in ``keep``: the engine keeps every tile's in one value of the shared cache
until any row changes (portal.cache.by_data), so a page reads them all at once, and gives each ``build`` its own
as ``kept``; ``build`` then adds what depends on the person (which links they may follow) and on the day. A tile
that lists what grows with the review (its meetings) shows one page of it: it is registered ``paginated``, its
``keep`` and ``build`` take the page number asked for (``?page=``), and ``build`` returns the page as
``context["page"]``, which the dashboard links through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import get_language

from portal.cache import by_data

# "Open deadlines in the next four weeks".
DEADLINE_WINDOW = timedelta(weeks=4)

_TILES: dict[str, Tile] = {}


@dataclass(frozen=True)
class Tile:
    key: str
    order: int
    template: str
    # build(region=..., cycle=..., user=...) -> the template's context, or None; with kept=... when the tile
    # keeps, page=... when it is paginated.
    build: Callable[..., dict | None]
    # keep(region=..., cycle=..., today=...) -> what is the same for everyone who may open the dashboard, in the
    # active language; with page=... when the tile is paginated.
    keep: Callable[..., object] | None = None
    paginated: bool = False


def register(tile: Tile) -> Tile:
    if tile.key in _TILES and _TILES[tile.key] != tile:
        raise ValueError(f"Two workspace tiles are called {tile.key!r}.")
    # The page's one ?page= parameter pages one tile.
    if tile.paginated and any(other.paginated and other.key != tile.key for other in _TILES.values()):
        raise ValueError(f"Only one workspace tile may be paginated, not {tile.key!r} as well.")
    _TILES[tile.key] = tile
    return tile


def tiles() -> list[Tile]:
    return sorted(_TILES.values(), key=lambda tile: (tile.order, tile.key))


def page_number(page) -> int:
    """The page asked for (``?page=``) as a number from 1; anything else asks for the first."""
    try:
        return max(int(page or 1), 1)
    except (TypeError, ValueError):
        return 1


def _kept(*, region, cycle, today, page: int) -> dict:
    """What every tile keeps, by tile key, for the page in the active language: one read of the shared cache,
    computed when missing. Kept by region, cycle, language, day and page until any row changes."""

    def keep() -> dict:
        return {
            tile.key: _keep(tile, region=region, cycle=cycle, today=today, page=page) for tile in tiles() if tile.keep
        }

    return by_data(f"workspace:{region.pk}:{cycle.pk}:{get_language()}:{today}:{page}", keep)


def _keep(tile: Tile, *, region, cycle, today, page: int):
    paging = {"page": page} if tile.paginated else {}
    return tile.keep(region=region, cycle=cycle, today=today, **paging)


def rendered(*, region, cycle, user, page=None) -> tuple[list[tuple[Tile, dict]], list[tuple]]:
    """Each tile with its context, in order (tiles with nothing for ``user`` are left out), and the deadlines
    of the next four weeks every tile named, soonest first.

    A tile names deadlines as ``context["deadlines"]``: (day, what, link) triples; the engine keeps those from
    today to four weeks ahead. ``page`` is the page number asked for, given to the paginated tile.
    """
    today = timezone.localdate()
    number = page_number(page)
    kept = _kept(region=region, cycle=cycle, today=today, page=number)
    out, deadlines = [], []
    for tile in tiles():
        extra = {"page": number} if tile.paginated else {}
        if tile.keep:
            # A tile registered since the value was kept keeps its part now.
            extra["kept"] = (
                kept[tile.key]
                if tile.key in kept
                else _keep(tile, region=region, cycle=cycle, today=today, page=number)
            )
        context = tile.build(region=region, cycle=cycle, user=user, **extra)
        if context is None:
            continue
        for day, what, link in context.pop("deadlines", []):
            if today <= day <= today + DEADLINE_WINDOW:
                deadlines.append((day, str(what), link))
        out.append((tile, context))
    return out, sorted(deadlines, key=lambda row: (row[0], row[1]))
