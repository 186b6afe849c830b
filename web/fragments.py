"""Drawn pieces of pages kept in this process's memory, each under a key that names
everything the piece shows, so that a piece found is the piece that would be drawn now.

What the key cannot name is the clock: a piece may say "link expired" or "no homework for
two weeks" from one minute to the next. So every piece belongs to a period of the clock
(``PERIOD`` seconds) and the whole store is emptied when the period ends: a piece is never
more than one period old, and nothing drawn stays in memory longer than that. The store
is per process and per app; nothing in it is written anywhere.

With ``FRAGMENT_CHECK`` set (the test suite sets it), every piece found is drawn again and
compared: a key that misses something a piece shows fails the test that showed it.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence

from flask import current_app
from markupsafe import Markup

#: How long, in seconds, a drawn piece may be shown for the clock's sake.
PERIOD = 300
#: Characters kept per process, all pieces together: a dashboard row is about a thousand,
#: a couple page's review fifty to a hundred thousand.
BUDGET = 16 * 1024 * 1024


class StaleFragment(AssertionError):
    """A piece found under its key differs from the one drawn now (``FRAGMENT_CHECK``)."""


class Fragments:
    """A store of drawn pieces for the current clock period, within a budget of
    characters, least recently used first out."""

    def __init__(self, budget: int = BUDGET, period: int = PERIOD) -> None:
        self.budget = budget
        self.period = period
        self._pieces: OrderedDict[Hashable, Markup] = OrderedDict()
        self._used = 0
        self._current: int | None = None
        self._lock = threading.Lock()

    def now_period(self) -> int:
        return int(time.time()) // self.period

    def _turn(self, period: int) -> None:
        if period != self._current:
            self._pieces.clear()
            self._used = 0
            self._current = period

    def get_many(self, keys: Sequence[Hashable], period: int) -> list[Markup | None]:
        with self._lock:
            self._turn(period)
            found = []
            for key in keys:
                piece = self._pieces.get(key)
                if piece is not None:
                    self._pieces.move_to_end(key)
                found.append(piece)
            return found

    def put(self, key: Hashable, piece: Markup, period: int) -> None:
        with self._lock:
            self._turn(period)
            if len(piece) > self.budget:
                return
            old = self._pieces.pop(key, None)
            self._used += len(piece) - (len(old) if old is not None else 0)
            self._pieces[key] = piece
            while self._used > self.budget:
                _, gone = self._pieces.popitem(last=False)
                self._used -= len(gone)

    def __len__(self) -> int:
        return len(self._pieces)


def store() -> Fragments:
    """This app's store (one per app, so that two apps in one process never share)."""
    found = current_app.extensions.get("hearth_fragments")
    if found is None:
        found = current_app.extensions["hearth_fragments"] = Fragments()
    return found


def drawn(
    keys: Sequence[Hashable],
    draw: Callable[[list[int]], list[Markup]],
) -> list[Markup]:
    """The pieces for ``keys``, in their order: those kept from this period as they are,
    the others drawn by ``draw`` (given their positions, it returns their pieces in that
    order) and kept."""
    pieces = store()
    period = pieces.now_period()
    found = pieces.get_many(keys, period)
    missing = [i for i, piece in enumerate(found) if piece is None]
    checking = current_app.config.get("FRAGMENT_CHECK", False)
    redraw = list(range(len(keys))) if checking and len(missing) < len(keys) else missing
    if redraw:
        for i, piece in zip(redraw, draw(redraw), strict=True):
            if found[i] is None:
                found[i] = piece
                if piece:  # nothing drawn (what it showed is gone): nothing kept
                    pieces.put(keys[i], piece, period)
            elif found[i] != piece:
                raise StaleFragment(
                    f"The piece kept under {keys[i]!r} is not what is drawn now:\n"
                    f"kept:\n{found[i]}\ndrawn now:\n{piece}"
                )
    return found
