"""The alert desk's rules, free of Telegram: raising, claiming, resolving, notes, escalation.

A risk signal is never lost: the alert row and the group message that announces it are
committed together with the answer that caused them; the outbox sends it afterwards. Every
state change is one conditional UPDATE in storage, so racing presses cannot both win, and
every function here that changes state runs inside the caller's transaction (`*_tx`).

What the volunteer group sees is built only from pseudonyms, labels and categories: the
child's name and words are read in `details_tx`, which only the private chat uses.

The rules live in private modules by job (raising, the card, its copies, acting, details,
escalation); this package is the one name the rest of the code imports.
"""

from bot.services.alerts._acting import (
    NOTE_MAX,
    Actor,
    ClaimOutcome,
    ClaimResult,
    Listed,
    ResolveResult,
    ResolveStatus,
    actor_tx,
    add_note_tx,
    claim_tx,
    list_open_tx,
    may_resolve_tx,
    resolve_tx,
)
from bot.services.alerts._card import (
    SHARED_MAX,
    Card,
    buttons_for,
    card_tx,
    outcome_question,
    render_card_tx,
    shared_card_tx,
)
from bot.services.alerts._common import (
    CLAIM,
    COORDINATORS,
    OUTCOME,
    OUTCOMES,
    POSTED_LEVEL,
    PRIORITY_STEP,
    REPOST,
    RESOLVE,
    SIGNAL_PRIORITY,
    card_priority,
    category_label,
    level_label,
    local_time,
    outcome_label,
    parse_code,
)
from bot.services.alerts._copies import (
    Edit,
    StaleCard,
    learn_copy_tx,
    queue_card_tx,
    refresh_tx,
    stale_cards_tx,
)
from bot.services.alerts._details import (
    MOOD_WEEKS,
    Details,
    details_tx,
    may_view,
    mood_weeks_tx,
    period_of,
    record_view_tx,
    wellbeing_weeks_tx,
)
from bot.services.alerts._escalation import EscalationReport, escalate_tx
from bot.services.alerts._raising import (
    AlertChange,
    ChangeKind,
    Signal,
    raise_alert_tx,
    signal_tx,
)

__all__ = [
    "CLAIM",
    "COORDINATORS",
    "MOOD_WEEKS",
    "NOTE_MAX",
    "OUTCOME",
    "OUTCOMES",
    "POSTED_LEVEL",
    "PRIORITY_STEP",
    "REPOST",
    "RESOLVE",
    "SHARED_MAX",
    "SIGNAL_PRIORITY",
    "Actor",
    "AlertChange",
    "Card",
    "ChangeKind",
    "ClaimOutcome",
    "ClaimResult",
    "Details",
    "Edit",
    "EscalationReport",
    "Listed",
    "ResolveResult",
    "ResolveStatus",
    "Signal",
    "StaleCard",
    "actor_tx",
    "add_note_tx",
    "buttons_for",
    "card_priority",
    "card_tx",
    "category_label",
    "claim_tx",
    "details_tx",
    "escalate_tx",
    "learn_copy_tx",
    "level_label",
    "list_open_tx",
    "local_time",
    "may_resolve_tx",
    "may_view",
    "mood_weeks_tx",
    "outcome_label",
    "outcome_question",
    "parse_code",
    "period_of",
    "queue_card_tx",
    "raise_alert_tx",
    "record_view_tx",
    "refresh_tx",
    "render_card_tx",
    "resolve_tx",
    "shared_card_tx",
    "signal_tx",
    "stale_cards_tx",
    "wellbeing_weeks_tx",
]
