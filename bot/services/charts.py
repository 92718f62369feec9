"""Small PNG charts for the alert desk: a child's mood weeks and WHO-5 scores, the
coordinators' weekly numbers.

Charts carry numbers and week dates only: no name, no pseudonym, no words, so a forwarded
image identifies nobody. Labels are ASCII because the bundled font has no Chinese glyphs;
the chat message around the picture explains it in the reader's language. Matplotlib is
imported lazily (it is slow to import) and used without pyplot, whose global state is not
safe to share between concurrent jobs; render in a worker thread (`asyncio.to_thread`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_SIZE = (6.0, 2.8)
_DPI = 100
_MOOD_COLOUR = "#3b7dd8"
_URGENT_COLOUR = "#d64541"
_CONCERN_COLOUR = "#f39c12"
_ANSWERED_COLOUR = "#2e8b57"
_SENT_COLOUR = "#b0c4b1"
_WELLBEING_COLOUR = "#7b4fb0"


@dataclass(frozen=True)
class MoodWeek:
    """One ISO week of a child's check-ins: `label` like `01-05`, mood 1–5 or None (no answer)."""

    label: str
    mood: int | None


@dataclass(frozen=True)
class WellbeingWeek:
    """One ISO week's WHO-5 raw score (0–25, None when none that week) and the cut-off."""

    label: str
    raw: int | None
    cutoff: int


@dataclass(frozen=True)
class DigestWeek:
    """One ISO week of the programme's numbers."""

    label: str
    checkins_sent: int
    checkins_answered: int
    urgent: int
    concern: int


def _figure() -> tuple[Any, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=_SIZE, dpi=_DPI)
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot(1, 1, 1)


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def mood_chart(weeks: Sequence[MoodWeek]) -> bytes:
    """Moods over the given weeks as a line with gaps for unanswered weeks (PNG bytes)."""
    figure, axes = _figure()
    xs = list(range(len(weeks)))
    ys = [float("nan") if w.mood is None else float(w.mood) for w in weeks]
    axes.plot(xs, ys, marker="o", color=_MOOD_COLOUR, linewidth=2)
    for x, week in zip(xs, weeks, strict=True):
        if week.mood is None:
            axes.plot([x], [0.6], marker="x", color="#999999", linestyle="none")
    axes.set_ylim(0.4, 5.4)
    axes.set_yticks([1, 2, 3, 4, 5])
    axes.set_yticklabels(["1 :(", "2", "3", "4", "5 :)"])
    axes.set_xticks(xs)
    axes.set_xticklabels([w.label for w in weeks], rotation=45, fontsize=7)
    axes.set_title("Mood per week (x = no answer)", fontsize=9)
    axes.grid(axis="y", alpha=0.3)
    return _png(figure)


def wellbeing_chart(weeks: Sequence[WellbeingWeek]) -> bytes:
    """WHO-5 raw scores (0–25) as points joined across the weeks between them, with the
    low-score cut-off as a dashed line (PNG bytes)."""
    figure, axes = _figure()
    xs = list(range(len(weeks)))
    scored = [(x, w.raw) for x, w in zip(xs, weeks, strict=True) if w.raw is not None]
    if scored:
        axes.plot(
            [x for x, _ in scored],
            [float(raw) for _, raw in scored],
            marker="o",
            color=_WELLBEING_COLOUR,
            linewidth=2,
        )
    cutoff = weeks[-1].cutoff if weeks else 0
    axes.axhline(cutoff, color=_CONCERN_COLOUR, linestyle="--", linewidth=1)
    axes.set_ylim(-1, 26)
    axes.set_yticks([0, 5, 10, 15, 20, 25])
    axes.set_xticks(xs)
    axes.set_xticklabels([w.label for w in weeks], rotation=45, fontsize=7)
    axes.set_title(f"WHO-5 well-being, raw 0-25 (dashed: cut-off {cutoff})", fontsize=9)
    axes.grid(axis="y", alpha=0.3)
    return _png(figure)


def digest_chart(weeks: Sequence[DigestWeek]) -> bytes:
    """Check-ins sent and answered, and alerts by level, per week (PNG bytes)."""
    figure, axes = _figure()
    xs = list(range(len(weeks)))
    width = 0.4
    left = [x - width / 2 for x in xs]
    right = [x + width / 2 for x in xs]
    axes.bar(left, [w.checkins_sent for w in weeks], width, color=_SENT_COLOUR, label="sent")
    axes.bar(
        left, [w.checkins_answered for w in weeks], width, color=_ANSWERED_COLOUR, label="answered"
    )
    concern = [w.concern for w in weeks]
    axes.bar(right, concern, width, color=_CONCERN_COLOUR, label="concern")
    axes.bar(
        right,
        [w.urgent for w in weeks],
        width,
        bottom=concern,
        color=_URGENT_COLOUR,
        label="urgent",
    )
    axes.set_xticks(xs)
    axes.set_xticklabels([w.label for w in weeks], rotation=45, fontsize=7)
    axes.set_title("Check-ins (left) and alerts (right) per week", fontsize=9)
    axes.legend(fontsize=7, loc="upper left", ncols=4, frameon=False)
    top = max([1, *(w.checkins_sent for w in weeks), *(w.urgent + w.concern for w in weeks)])
    axes.set_ylim(0, top * 1.35)
    axes.grid(axis="y", alpha=0.3)
    return _png(figure)


@dataclass(frozen=True)
class ResponseWeek:
    """One ISO week of the monthly report: check-ins that reached a child and those answered."""

    label: str
    sent: int
    answered: int


def response_chart(weeks: Sequence[ResponseWeek]) -> bytes:
    """The check-in response rate per week, as bars from 0 to 100 % (PNG bytes)."""
    figure, axes = _figure()
    xs = list(range(len(weeks)))
    rates = [100.0 * w.answered / w.sent if w.sent else 0.0 for w in weeks]
    axes.bar(xs, rates, 0.6, color=_ANSWERED_COLOUR)
    for x, week, rate in zip(xs, weeks, rates, strict=True):
        axes.text(x, rate + 2, f"{week.answered}/{week.sent}", ha="center", fontsize=7)
    axes.set_ylim(0, 110)
    axes.set_xticks(xs)
    axes.set_xticklabels([w.label for w in weeks], fontsize=7)
    axes.set_title("Check-in response rate per week (%)", fontsize=9)
    axes.grid(axis="y", alpha=0.3)
    return _png(figure)


def alerts_chart(rows: Sequence[tuple[str, int, int]]) -> bytes:
    """Alerts per category, urgent stacked on concern: rows of (label, urgent, concern) (PNG)."""
    figure, axes = _figure()
    xs = list(range(len(rows)))
    concern = [r[2] for r in rows]
    axes.bar(xs, concern, 0.6, color=_CONCERN_COLOUR, label="concern")
    axes.bar(xs, [r[1] for r in rows], 0.6, bottom=concern, color=_URGENT_COLOUR, label="urgent")
    axes.set_xticks(xs)
    axes.set_xticklabels([r[0] for r in rows], rotation=30, ha="right", fontsize=7)
    axes.set_title("Alerts per category", fontsize=9)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(fontsize=7, loc="upper right", frameon=False)
    axes.set_ylim(0, max([1, *(r[1] + r[2] for r in rows)]) * 1.3)
    axes.grid(axis="y", alpha=0.3)
    return _png(figure)
