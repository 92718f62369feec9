"""Alerts, their notes, and the read-only queries the alert desk and the digest need.

State changes are single conditional UPDATEs (`… WHERE id = ? AND status = 'open'`), so two
volunteers pressing at the same moment cannot both win: the row decides, not the handler.
The statements live in private modules by job (rows, the desk, the claimer's reading, the
digest's counts); this package is the one name the rest of the code imports.
"""

from storage.alerts._claimer import (
    WORDS_WINDOW,
    Written,
    help_lesson,
    moods_by_period,
    words_behind,
)
from storage.alerts._desk import (
    Coordinator,
    add_note,
    add_signal,
    claim,
    coordinators,
    count_signal,
    get,
    insert,
    mark_card_shown,
    note_count,
    notes,
    open_alerts,
    open_risk_alert,
    posted_copies,
    raise_escalation,
    resolve,
    source_seen,
    stale_cards,
    unclaimed,
)
from storage.alerts._digest import (
    checkins_in_period,
    claim_delays,
    created_by_level,
    first_person_at,
    lessons_finished,
    resolved_by_outcome,
    watch_level_children,
)
from storage.alerts._rows import (
    ACTIVE_STATUSES,
    CLAIMED,
    OPEN,
    RESOLVED,
    WATCH,
    Alert,
    Note,
    PostedCopy,
)

__all__ = [
    "ACTIVE_STATUSES",
    "CLAIMED",
    "OPEN",
    "RESOLVED",
    "WATCH",
    "WORDS_WINDOW",
    "Alert",
    "Coordinator",
    "Note",
    "PostedCopy",
    "Written",
    "add_note",
    "add_signal",
    "checkins_in_period",
    "claim",
    "claim_delays",
    "coordinators",
    "count_signal",
    "created_by_level",
    "first_person_at",
    "get",
    "help_lesson",
    "insert",
    "lessons_finished",
    "mark_card_shown",
    "moods_by_period",
    "note_count",
    "notes",
    "open_alerts",
    "open_risk_alert",
    "posted_copies",
    "raise_escalation",
    "resolve",
    "resolved_by_outcome",
    "source_seen",
    "stale_cards",
    "unclaimed",
    "watch_level_children",
    "words_behind",
]
