"""The contract every kind of homework fulfils, and the small types it speaks in.

A kind is one folder under ``kinds/`` (its models, forms, routes, what it shows on the
partner's week, the counselor's review, the summary and the export, its demo data and its
templates) and one ``Kind`` subclass in it, listed once in ``kinds.registry.REGISTRY``.
The rest of Hearth never names a kind: it asks each registered kind, in order.

Most of the contract is abstract, so a kind that leaves a part out cannot even be made;
``tests/test_kinds.py`` walks the registry and checks what Python cannot (that every
table is described in the audit trail, that every private field is planted and erased).

The privacy part is data, not code: ``private`` lists every column that holds words a
partner wrote, with the column that says who may read them and the SQL that finds the
rows a partner wrote. Erasure, the privacy walk and the contract test read that list, so a
kind's words are covered the moment the kind is registered.
"""

from __future__ import annotations

import functools
import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:
    from flask import Blueprint
    from sqlalchemy import ColumnElement, Select
    from sqlalchemy.orm import Session

    from domain.homework import CoupleHomework
    from domain.visibility import Audience, Viewer
    from domain.weeks import Week
    from models import Assignment, Couple, Partner


@dataclass(frozen=True)
class PrivateText:
    """Columns of one model that hold words a partner wrote, and who may read them.

    ``visibility`` names the attribute (a column or a property) that holds "shared" or
    "counselor" for a row; ``private_sql`` is the same question asked in SQL (the rows
    whose words are for the counselor only); ``written_by`` finds the rows a partner place
    wrote. ``on_leave`` says what happens to those private rows when the writer leaves the
    couple: their columns are emptied, or the whole row goes (because what is left would
    still say something, or cannot be emptied, like a number).

    ``choices`` are the values ``visibility`` can hold. Most words are "shared" with the
    partner or "counselor" only; words a partner writes *to* the other (an appreciation
    note) are "shared" (the counselor reads them too) or "partners" (between the two of
    them: the counselor may not read them). The privacy walk plants a marker for each.
    """

    model: type
    columns: tuple[str, ...]
    visibility: str
    private_sql: Callable[[], ColumnElement[bool]]
    written_by: Callable[[int], ColumnElement[bool]]
    on_leave: Literal["empty", "delete"] = "empty"
    choices: tuple[str, ...] = ("shared", "counselor")

    @property
    def name(self) -> str:
        return f"{self.model.__tablename__}.{'/'.join(self.columns)}"


@dataclass(frozen=True)
class Pinnable:
    """A kind of row whose words the counselor may quote in a summary (``PinnedMoment``).

    ``source`` is stored with each pin; ``fields`` maps the ``PinnedMoment.field`` stored
    with a pin to the column it quotes ("" for a row with a single quotable column).
    """

    source: str
    model: type
    fields: dict[str, str]

    def column(self, field_name: str) -> str | None:
        return self.fields.get(field_name)


@dataclass(frozen=True)
class Place:
    """Where a row belongs, for the audit trail: its couple, and its writer when a partner."""

    couple_id: int | None
    partner_id: int | None = None


@dataclass
class GridRow:
    """One row of the counselor's week grid: a label and one cell per week.

    ``anchor`` ties the row to the ``Entry`` rows with the same anchor: a tap on a cell
    opens that week's entries in "Since the last session".
    """

    label: str
    cells: list[str]  # per week: a partner's initial, "both", "none" or "" (not assigned)
    detail: str = ""
    anchor: str = ""


@dataclass
class Entry:
    """One thing a partner did or wrote in one week, as the counselor reads it in "Since
    the last session": what it was, who, when, and only the words ``Audience`` allowed.

    ``private`` says whether the words were kept for the counselor (True), shared with the
    partner (False), or there are no words to tag (None: a tick without a note).
    """

    anchor: str  # the GridRow it belongs to
    week: date
    what: str  # "One real conversation", "What went well", a need's wording
    writer_id: int | None
    at: datetime | None
    outcome: str = ""  # "done", "Partly", "connected 7 · heard 6 · outside stress 3"
    words: list[tuple[str, str]] = field(default_factory=list)  # (label or "", text)
    private: bool | None = None
    policy: Any = None  # the confidentiality policy the words were written under


@dataclass
class Progress:
    """A kind's part of one couple's row on the dashboard: this week's count (how much of
    what can be done is done), and lines and flags worth a look before a session."""

    done: int = 0
    total: int = 0
    facts: list[str] = field(default_factory=list)  # "Last check-in: week of 3 Nov"
    flags: list[str] = field(default_factory=list)  # "Sam's connection dropped from 8 to 5"


@dataclass
class Quotable:
    """Words a counselor may pin (or did pin), with what the rule needs to ask about them."""

    source: str  # PinnedMoment.source
    row_id: int
    field: str  # PinnedMoment.field
    writer_id: int
    text: str
    visibility: str
    where: str  # "What went well, week of 3 Nov"
    week: date
    assignment_id: int | None  # for reveal-after-both


@dataclass(frozen=True)
class CalendarEntry:
    """One event a kind puts in both partners' calendar feeds (``domain.calendar_feed``).

    ``title`` is generic ("Date (planned together)"): a feed never carries anyone's words.
    With ``at`` it is a timed event on the couple's clock, otherwise a whole-day one of
    ``days`` days.
    """

    uid: str
    day: date
    title: str
    at: time | None = None
    days: int = 1
    stamp: datetime | None = None


@dataclass
class BenchCouple:
    """One benchmark couple, as ``bench/seed.py`` hands it to each kind."""

    batch: Any  # .add(table, row)
    ids: Any  # .take(table) -> the next id
    rng: Any  # random.Random: the seed's, so a run is repeatable
    assignment_id: int
    partners: list[int]  # partner place ids, place 1 then 2
    created: datetime  # when the couple and its homework were made
    weeks: list[date]  # the weeks the couple did anything, oldest first
    keen: float  # 0..1: how much of the homework this couple tends to do
    at: Callable[[date, int], datetime]  # (day, hour) -> a moment in the couple's zone


class Kind(ABC):
    """One kind of homework. Subclasses set the class attributes and the methods below."""

    #: Stored in ``assignments.kind``; also the name of the folder and of its blueprint.
    key: ClassVar[str]
    #: What people call it ("Weekly check-in").
    name: ClassVar[str]
    #: The instructions a counselor starts from (and may change for each couple).
    default_instructions: ClassVar[str]
    #: Every table of the kind: the audit trail must describe each (``describe``).
    models: ClassVar[tuple[type, ...]]
    #: Every column holding words a partner wrote (see ``PrivateText``).
    private: ClassVar[tuple[PrivateText, ...]]
    #: The rows a counselor may quote in a summary, by ``PinnedMoment.source``.
    pinnable: ClassVar[tuple[Pinnable, ...]] = ()
    #: The kind's own routes and its ``templates/<key>/`` folder.
    blueprint: ClassVar[Blueprint]
    #: Answers that stay hidden until both partners answered that week, when the
    #: counselor asks for it (``Assignment.reveal_after_both``).
    can_wait_for_both: ClassVar[bool] = False
    #: The kind's own pages a partner reaches from the week: (label, endpoint).
    links: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: How many weeks the demo couple's assignment runs (None: until ended).
    demo_weeks: ClassVar[int | None] = None

    # Templates, by convention in the kind's folder: ``<key>/_card.html`` (a card on the
    # partner's week), ``<key>/_review.html`` (its part of the counselor's couple page),
    # ``<key>/_summary.html`` (its section of both copies of a summary) and
    # ``<key>/_assign.html`` (its own fields on the assignment form, may be empty).

    @property
    def card_template(self) -> str:
        return f"{self.key}/_card.html"

    @property
    def review_template(self) -> str:
        return f"{self.key}/_review.html"

    @property
    def summary_template(self) -> str:
        return f"{self.key}/_summary.html"

    @property
    def assign_template(self) -> str:
        return f"{self.key}/_assign.html"

    @property
    def assignment_template(self) -> str | None:
        """``<key>/_assignment.html``, what the couple page shows of a running assignment
        beside its wording (the rhythm's items), or None for a kind that has none. Looked
        up on disk once: a missing template asked for on every page is a search through
        every folder of templates each time."""
        return _own_template(self.blueprint.root_path, self.blueprint.template_folder, self.key)

    # --- Assigning -----------------------------------------------------------------------

    def assignment_form(self):
        """The counselor's form to assign or reword this kind (``forms.homework``)."""
        from forms.couples import AssignmentForm

        return AssignmentForm

    def prefill(self, form, assignment: Assignment | None) -> None:  # noqa: B027
        """Fill the kind's own fields: its defaults, or the assignment's current values."""

    def apply(self, form, assignment: Assignment, *, new: bool) -> None:  # noqa: B027
        """Write the kind's own fields from a valid form onto ``assignment``."""

    def editing(self, form, action: str) -> bool:
        """One step of the kind's own editor on the assignment form, sent by a button named
        ``step`` (add, remove, move a row: the editor works without JavaScript). True when
        the step was taken: the form is shown again, changed, and nothing is saved."""
        return False

    def same_settings(self, form, assignment: Assignment) -> bool:
        """Does ``assignment`` already hold what ``form`` asks for (a double submission)?"""
        return True

    def assignment_loads(self) -> list:
        """Loader options (``selectinload``) for the kind's rows kept on an assignment,
        so every page that lists assignments loads them in one query."""
        return []

    def describe_assignment(self, assignment: Assignment) -> dict:
        """The kind's own settings of an assignment, for the export."""
        return {}

    # --- Templates (a counselor's reusable assignments) ----------------------------------

    def template_settings(self, assignment: Assignment) -> dict:
        """The kind's own settings of ``assignment`` to keep in a reusable template, as
        plain JSON (strings, numbers, booleans, lists, dicts), read back by
        ``prefill_template``. A kind with no settings of its own keeps none."""
        return {}

    def prefill_template(self, form, settings: dict) -> None:  # noqa: B027
        """Fill the kind's own fields of a new assignment form from a template's
        ``settings``. A key that is missing or not understood keeps the default: a
        template may come from an older Hearth or from a colleague's file."""

    # --- Reading a range of weeks --------------------------------------------------------

    @abstractmethod
    def load(self, hw: CoupleHomework) -> Any:
        """Load the kind's rows for ``hw.couple`` and weeks ``hw.first``..``hw.last`` in a
        fixed number of queries; the result is kept as ``hw.data[key]``."""

    @abstractmethod
    def answered(self, hw: CoupleHomework, assignment: Assignment, week: date) -> set[int]:
        """The partner places that did something of ``assignment`` in ``week``."""

    # --- The partner's week --------------------------------------------------------------

    @abstractmethod
    def card(
        self,
        hw: CoupleHomework,
        assignment: Assignment,
        week: Week,
        me: Partner,
        viewer: Viewer,
        now: datetime,
    ):
        """What partner ``me`` sees of ``assignment`` in ``week``, the rule applied: an
        object with ``kind``, ``assignment``, ``week``, ``open``, ``done`` and ``total``."""

    def card_forms(self, card) -> dict:
        """Empty forms for the card's actions, by key (several cards share a page).

        Asked only for an open card (a closed one is read-only and its template must not
        need a form), and after an HTMX action only for the card sent back."""
        return {}

    # --- The counselor -------------------------------------------------------------------

    @abstractmethod
    def grid_rows(
        self, hw: CoupleHomework, weeks: list[Week], who: Callable[[set[int]], str]
    ) -> list[GridRow]:
        """The kind's rows of the couple page's week grid (none when never assigned)."""

    @abstractmethod
    def review(self, hw: CoupleHomework, weeks: list[Week], chart_weeks: list[Week]) -> Any:
        """The kind's part of the couple page (``review_template``), or None."""

    @abstractmethod
    def entries(
        self, hw: CoupleHomework, weeks: list[Week], audience: Audience, names: dict[int, str]
    ) -> list[Entry]:
        """Everything done and written in ``weeks`` for the counselor's "Since the last
        session", each with the ``anchor`` of its grid row; only the words ``audience`` may
        read (``names``: partner place id -> name)."""

    @abstractmethod
    def dashboard(
        self, couples: list[Couple], week_of: dict[int, date], now: datetime
    ) -> Callable[[Couple, Assignment | None], Progress]:
        """For the dashboard, in a fixed number of queries for all ``couples``: a function
        ``(couple, assignment) -> Progress`` for the couple's week ``week_of[couple.id]``,
        where ``assignment`` is the couple's running one of this kind that covers it (or
        None: facts and flags may still be worth saying). The couples come with their
        partners and assignments only, not ``assignment_loads``: read anything else in
        the kind's own queries, by the assignments' ids (``models.among``)."""

    @abstractmethod
    def activity(self, couples: list[Couple], since: date) -> list[Select]:
        """Selects of (partner place id, moment) for everything done in weeks from
        ``since``: the dashboard's "quiet" flag and "new since you last looked"."""

    # --- Summaries -----------------------------------------------------------------------

    @abstractmethod
    def summarize(self, summary, hw: CoupleHomework, audience: Audience, names: dict) -> Any:
        """The kind's section of one copy of a summary (``summary_template``), or None
        when the kind was not assigned in the period. Only what ``audience`` may read."""

    def quotable(self, hw: CoupleHomework) -> list[Quotable]:
        """Every non-empty pinnable text in ``hw`` (the caller asks the rule)."""
        return [
            q
            for p in self.pinnable
            for rows in [self.pinnable_rows(hw, p)]
            for row in rows
            for name in p.fields
            if (q := self.pinned(p, row, name)).text
        ]

    def pinnable_rows(self, hw: CoupleHomework, pinnable: Pinnable) -> list:
        """The loaded rows of ``pinnable.model`` (for ``quotable``)."""
        return []

    def pinned(self, pinnable: Pinnable, row, field_name: str) -> Quotable:
        """What a pin of ``row``'s ``field_name`` quotes, and what the rule needs."""
        raise NotImplementedError(f"{self.key} has nothing to pin")

    # --- Export and the audit trail ------------------------------------------------------

    @abstractmethod
    def export(self, hw: CoupleHomework, lens) -> dict[str, list]:
        """The kind's part of an export (``domain.export``): lists of plain rows, by key,
        through ``lens`` (the rule for one reader)."""

    @abstractmethod
    def describe(self, session: Session, obj) -> tuple[str, Place] | None:
        """For the audit trail: what to call ``obj`` (one of ``models``) and where it
        belongs; None for any other object."""

    # --- The calendar feed ---------------------------------------------------------------

    def calendar(self, couple: Couple, first: date, last: date) -> list[CalendarEntry]:
        """Events of the kind's own for both partners' feeds, days ``first``..``last``
        (most kinds have none: the feed already has each homework week)."""
        return []

    # --- Demo, benchmark and tests -------------------------------------------------------

    @abstractmethod
    def demo(self, assignment: Assignment, weeks: list[date], at: Callable) -> None:
        """Believable answers for the demo couple over ``weeks`` (oldest first); ``at(week,
        day, hour)`` gives a moment in the couple's time zone."""

    @abstractmethod
    def bench_rows(self, seed: BenchCouple) -> None:
        """Rows for ``bench/seed.py``: plain dicts through ``seed.batch.add(table, row)``
        with ids from ``seed.ids.take(table)``, for one couple's assignment of this kind."""

    @abstractmethod
    def sample(
        self,
        assignment: Assignment,
        writer: Partner,
        week: date,
        word: Callable[[PrivateText, str], str],
        visibility: str,
    ) -> None:
        """Write answers of ``writer`` in ``week`` that fill every column of every
        ``PrivateText`` with ``word(private_text, column)``, all with ``visibility``.
        Used by the privacy walk and the contract test, so a new kind is walked as soon
        as it is registered."""


@functools.cache
def _own_template(root: str, folder: str | None, key: str) -> str | None:
    name = f"{key}/_assignment.html"
    return name if folder and os.path.isfile(os.path.join(root, folder, name)) else None
