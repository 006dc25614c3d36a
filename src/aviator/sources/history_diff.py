"""Which results of a game's visible history are new since the last look.

A game page shows its last results newest first; each new round shifts in at the front and the oldest
falls off the end. Two looks at that list are compared *as sequences*, never value by value, so two
identical results in a row (1.00, 1.00) are two rounds.

The rule: the new rounds are the first ``k`` values of the current list, for the smallest shift ``k``
at which the rest of the current list matches the start of the previous one over at least
``min(min_overlap, len(previous), len(current))`` values (the *overlap*). The smallest shift is the
cautious reading: an unchanged list means no new round, whatever its values.

Ambiguity: a list that repeats itself (1.00 1.00 1.00 ..., or 2 5 2 5 2 ...) can match at more than
one shift, and only the smallest is taken. A true shift ``s`` is misread as a smaller ``k`` only when
the overlap at ``k`` matches too, that is when the results repeat with period ``s - k`` over the
overlap plus ``s - k`` values: at least ``min_overlap + s - k`` of them, and ``len + s - 2k`` for
full lists of ``len`` values. Polling far faster than rounds end keeps ``s`` at 0 or 1, where that
takes the whole visible list and the round before it being one repeated value; runs of equal results
shorter than that are always counted right. When no shift leaves the required overlap, more rounds
ended than the page shows: every visible value is new and ``gap`` says rounds may be missing before
them. A jump leaving fewer than ``min_overlap`` values in common cannot be told from such a gap and is
reported as one (the values it has in common are then returned again).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Values two looks must have in common (fewer when a list is shorter) to be aligned.
DEFAULT_MIN_OVERLAP = 3


@dataclass(frozen=True, slots=True)
class HistoryDiff:
    """What changed between two looks at a newest-first history."""

    #: The new results, oldest first (the order they happened in).
    new: tuple[float, ...]
    #: How many values the two looks were aligned on (0 when there was no overlap).
    overlap: int
    #: No alignment: rounds may have ended unseen before ``new``.
    gap: bool


def required_overlap(previous_length: int, current_length: int, min_overlap: int) -> int:
    """The overlap needed to align two lists of these lengths (never more than either holds)."""
    return min(min_overlap, previous_length, current_length)


def diff_history(
    previous: Sequence[float], current: Sequence[float], min_overlap: int = DEFAULT_MIN_OVERLAP
) -> HistoryDiff:
    """The rounds that ended between two looks at a newest-first history (see the module's rule).

    >>> diff_history([1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 2.0, 3.0])
    HistoryDiff(new=(1.0,), overlap=3, gap=False)
    >>> diff_history([1.0, 1.0, 2.0], [1.0, 1.0, 2.0])
    HistoryDiff(new=(), overlap=3, gap=False)
    """
    if min_overlap < 1:
        raise ValueError(f"min_overlap must be at least 1, got {min_overlap}")
    if not current:
        return HistoryDiff(new=(), overlap=0, gap=False)
    if not previous:
        return HistoryDiff(new=tuple(reversed(current)), overlap=0, gap=False)
    need = required_overlap(len(previous), len(current), min_overlap)
    for shift in range(len(current) - need + 1):
        overlap = min(len(current) - shift, len(previous))
        if all(current[shift + i] == previous[i] for i in range(overlap)):
            return HistoryDiff(new=tuple(reversed(current[:shift])), overlap=overlap, gap=False)
    return HistoryDiff(new=tuple(reversed(current)), overlap=0, gap=True)


class HistoryTracker:
    """Remembers the last history seen and turns each new look into the rounds that ended since.

    The first non-empty look is the baseline: those results ended before the tracker started (when,
    is unknown) so they are not returned as new. An empty look (page loading, frame gone) changes
    nothing: the next non-empty one is compared with the last non-empty one.
    """

    def __init__(self, min_overlap: int = DEFAULT_MIN_OVERLAP) -> None:
        if min_overlap < 1:
            raise ValueError(f"min_overlap must be at least 1, got {min_overlap}")
        self.min_overlap = min_overlap
        self.last: tuple[float, ...] = ()

    @property
    def started(self) -> bool:
        return bool(self.last)

    def update(self, visible: Sequence[float]) -> HistoryDiff:
        """The rounds new in ``visible`` (newest first) since the last non-empty look."""
        if not visible:
            return HistoryDiff(new=(), overlap=0, gap=False)
        current = tuple(visible)
        if not self.last:
            self.last = current
            return HistoryDiff(new=(), overlap=len(current), gap=False)
        diff = diff_history(self.last, current, self.min_overlap)
        self.last = current
        return diff
