"""Drawn pieces of pages kept in this process's memory, each under a key that names
everything the piece shows, so that a piece found is the piece that would be drawn now;
and whole pages kept for one person, each showing with its own tokens (``kept_page``).

What the key cannot name is the clock: a piece may say "link expired" or "no homework for
two weeks" from one minute to the next. So every piece belongs to a period of the clock
(``PERIOD`` seconds) and the whole store is emptied when the period ends: a piece is never
more than one period old, and nothing drawn stays in memory longer than that. The store
is per process and per app; nothing in it is written anywhere.

With ``FRAGMENT_CHECK`` set (the test suite sets it), every piece found is drawn again and
compared: a key that misses something a piece shows fails the test that showed it.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from flask import Response, current_app, g, request, session

if TYPE_CHECKING:
    from markupsafe import Markup

#: How long, in seconds, a drawn piece may be shown for the clock's sake.
PERIOD = 300
#: Characters kept per process, all pieces together: a dashboard row is about a thousand,
#: a couple page's review fifty to a hundred thousand (a kept page counts its bytes).
BUDGET = 16 * 1024 * 1024

#: What the store keeps: a drawn piece, or a whole page kept for one person.
Piece: TypeAlias = "Markup | KeptPage"


class StaleFragment(AssertionError):
    """A piece found under its key differs from the one drawn now (``FRAGMENT_CHECK``)."""


class Fragments:
    """A store of drawn pieces for the current clock period, within a budget of
    characters, least recently used first out."""

    def __init__(self, budget: int = BUDGET, period: int = PERIOD) -> None:
        self.budget = budget
        self.period = period
        self._pieces: OrderedDict[Hashable, Piece] = OrderedDict()
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

    def get_many(self, keys: Sequence[Hashable], period: int) -> list[Piece | None]:
        with self._lock:
            self._turn(period)
            found = []
            for key in keys:
                piece = self._pieces.get(key)
                if piece is not None:
                    self._pieces.move_to_end(key)
                found.append(piece)
            return found

    def put(self, key: Hashable, piece: Piece, period: int) -> None:
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
    draw: Callable[[list[int]], list[Piece]],
) -> list[Piece]:
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


# --- A whole page kept for one person --------------------------------------------------------

#: Drawn, in a page kept for one person, where each showing must put something of its own:
#: the sign-in's CSRF token, and each form's one-time key (``forms.base.form_key``). Made
#: anew by each process, so nobody can type it into something a page shows.
STAND_IN = "kept-" + secrets.token_hex(16)
_TOKEN = STAND_IN + "-csrf"
_SLOTS = re.compile(re.escape(STAND_IN) + r"-(?:csrf|key(\d+))")


@dataclass(frozen=True, slots=True)
class KeptPage:
    """A page kept for one person, cut where each showing puts its own token or keys:
    ``layout`` is the page's bytes with an empty part at each stand-in, and ``slots`` says
    which part holds what (0: the CSRF token; 1, 2…: each form's one-time key, as
    numbered when drawn). Cut once, when drawn, so that a showing only fills in the parts
    and joins the bytes: no search through the page, no encoding."""

    layout: tuple[bytes, ...]
    slots: tuple[tuple[int, int], ...]  # (part, what: 0 the token, n the n-th form's key)

    @classmethod
    def cut(cls, page: str) -> KeptPage:
        layout: list[bytes] = []
        slots: list[tuple[int, int]] = []
        at = 0
        for found in _SLOTS.finditer(page):
            layout.append(page[at : found.start()].encode())
            slots.append((len(layout), int(found.group(1) or 0)))
            layout.append(b"")
            at = found.end()
        layout.append(page[at:].encode())
        return cls(tuple(layout), tuple(slots))

    @property
    def keys(self) -> int:
        """How many forms' one-time keys a showing fills in."""
        return max((what for _, what in self.slots), default=0)

    def __len__(self) -> int:  # what it takes of the store's budget
        return sum(map(len, self.layout))

    def __str__(self) -> str:  # as drawn, with the stand-ins (a stale piece's message)
        stand_ins = [_TOKEN, *(f"{STAND_IN}-key{n}" for n in range(1, self.keys + 1))]
        return self.showing(stand_ins[0], stand_ins[1:]).decode()

    def showing(self, token: str, keys: Sequence[str]) -> bytes:
        """The page with this sign-in's CSRF ``token`` and ``keys``, one per form."""
        fills = [token.encode(), *(key.encode() for key in keys)]
        body = list(self.layout)
        for part, what in self.slots:
            body[part] = fills[what]
        return b"".join(body)


def key_stand_in() -> str | None:
    """While a page is drawn to be kept: a numbered stand-in for a form's one-time key."""
    drawing = g.get("kept_drawing")
    if drawing is None:
        return None
    drawing.append(len(drawing))
    return f"{STAND_IN}-key{len(drawing)}"


def _drawn_to_keep(draw: Callable[[], Response]) -> KeptPage:
    """The page ``draw`` makes, with stand-ins for the CSRF token (Flask-WTF draws it once
    per request and keeps it in ``g``) and for every form's one-time key, cut at them."""
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    real = g.pop(name, None)
    setattr(g, name, _TOKEN)
    g.kept_drawing = []
    try:
        response = draw()
    finally:
        g.pop(name, None)
        g.pop("kept_drawing", None)
        if real is not None:
            setattr(g, name, real)
    if response.status_code != 200:
        raise RuntimeError(f"A kept page must be a plain 200, not {response.status_code}")
    return KeptPage.cut(response.get_data(as_text=True))


def kept_page(key: tuple, draw: Callable[[], Response]) -> Response:
    """The page ``draw`` makes for the signed-in person, kept under ``key`` for this clock
    period; ``key`` names that person and everything the page shows, as for any piece.

    The page is kept with stand-ins where each showing needs its own: this sign-in's CSRF
    token, and a new one-time key for each form, so that two tabs never share one and a
    form sent from one is never taken for a repeat of the other's. Nothing of a sign-in is
    kept. Drawn as usual, and not kept: a page with a message to show (flashed before a
    redirect here) and a request for a piece of the page.
    """
    from flask_wtf.csrf import generate_csrf

    from forms.base import form_keys
    from web.rendering import wants_fragment

    if request.method not in ("GET", "HEAD") or wants_fragment() or session.get("_flashes"):
        return draw()
    # The page's address and view are part of what it shows ("you are here" in the menu).
    key = (request.endpoint, request.path, *key)
    page = drawn([key], lambda _positions: [_drawn_to_keep(draw)])[0]
    body = page.showing(generate_csrf(), form_keys(page.keys))
    response = Response(body, mimetype="text/html")
    response.vary.add("HX-Request")
    return response
