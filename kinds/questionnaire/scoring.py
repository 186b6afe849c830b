"""The one place a questionnaire's score is computed, from its definition.

A reversed item counts the other way: its points become (lowest + highest - points), over
the points the answer options offer. A take with an item left unanswered has no score: it
is shown as incomplete, never as a lower number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import ngettext


@dataclass(frozen=True)
class Score:
    value: float | None  # None when any item is unanswered
    missing: list = field(default_factory=list)  # the unanswered items, in order
    score_as: str = "sum"

    @property
    def complete(self) -> bool:
        return self.value is not None

    @property
    def shown(self) -> str:
        """The score in words: "12", "2.4", or what is missing."""
        if self.value is None:
            n = len(self.missing)
            return ngettext(
                "incomplete (%(num)d item unanswered)", "incomplete (%(num)d items unanswered)", n
            )
        return number(self.value)


def number(value: float) -> str:
    """A score as people read it: whole numbers without a point, others to one place, in
    the reader's language ("2.4", "2,4")."""
    if float(value).is_integer():
        return str(int(value))
    from babel.numbers import format_decimal
    from flask import has_app_context
    from flask_babel import get_locale

    locale = (get_locale() if has_app_context() else None) or "en"
    return format_decimal(round(value, 1), format="0.0", locale=locale)


def score(definition, answers: dict[int, int]) -> Score:
    """The score of ``answers`` (item id -> points chosen) under ``definition``."""
    low, high = definition.low, definition.high
    counted, missing = [], []
    for item in definition.items:
        points = answers.get(item.id)
        if points is None:
            missing.append(item)
            continue
        counted.append(low + high - points if item.reversed else points)
    if missing or not counted:
        return Score(None, missing, definition.score_as)
    total = sum(counted)
    value = total / len(counted) if definition.score_as == "mean" else total
    return Score(round(value, 2), [], definition.score_as)


def past_cutoff(definition, value: float | None) -> bool:
    """Is ``value`` on the side of the cut-off its meaning is about?"""
    if value is None or definition.cutoff is None:
        return False
    if definition.cutoff_side == "above":
        return value >= definition.cutoff
    return value <= definition.cutoff


def reliable(definition, before: float | None, now: float | None) -> bool:
    """Did the score change by at least the reliable-change difference?"""
    if before is None or now is None or not definition.reliable_change:
        return False
    return abs(now - before) >= definition.reliable_change - 1e-9
