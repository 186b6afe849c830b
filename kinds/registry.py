"""Every kind of homework Hearth knows, in the order they appear on a partner's week.

Adding a kind is one line here (and its folder, its templates and a migration); the
assign form, the week page, the counselor's grid and dashboard, summaries, exports,
erasure, the audit trail and the privacy walk all iterate this list.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kinds.appreciation.kind import AppreciationKind
from kinds.base import Kind, PrivateText
from kinds.checkin.kind import CheckInKind
from kinds.inventory.kind import InventoryKind
from kinds.journal.kind import JournalKind
from kinds.needs.kind import NeedsKind
from kinds.pause.kind import PauseKind
from kinds.plan.kind import PlanKind
from kinds.questionnaire.kind import QuestionnaireKind
from kinds.rhythm.kind import RhythmKind

# A list, so a test can register a throwaway kind for its duration.
REGISTRY: list[Kind] = [
    RhythmKind(),
    NeedsKind(),
    CheckInKind(),
    PauseKind(),
    JournalKind(),
    AppreciationKind(),
    InventoryKind(),
    QuestionnaireKind(),
    PlanKind(),
]


def keys() -> tuple[str, ...]:
    return tuple(k.key for k in REGISTRY)


def get(key: str | None) -> Kind | None:
    """The registered kind stored as ``key``, or None."""
    return next((k for k in REGISTRY if k.key == key), None)


def named(key: str) -> Kind:
    """The registered kind ``key``; a KeyError for anything else."""
    kind = get(key)
    if kind is None:
        raise KeyError(key)
    return kind


def private_texts() -> list[PrivateText]:
    """Every column of every kind that holds words a partner wrote."""
    return [p for k in REGISTRY for p in k.private]


def pinnable(source: str):
    """(kind, Pinnable) for a ``PinnedMoment.source``, or (None, None)."""
    for kind in REGISTRY:
        for p in kind.pinnable:
            if p.source == source:
                return kind, p
    return None, None


def assignment_loads() -> list:
    """Loader options for what each kind keeps on its assignments (rhythm items...)."""
    return [option for kind in REGISTRY for option in kind.assignment_loads()]


class _Names(Mapping):
    """Each kind's name by key, read from the registry on every lookup (for templates)."""

    def __getitem__(self, key: str) -> str:
        return named(key).name

    def __iter__(self) -> Iterator[str]:
        return iter(keys())

    def __len__(self) -> int:
        return len(REGISTRY)


NAMES: Mapping[str, str] = _Names()
