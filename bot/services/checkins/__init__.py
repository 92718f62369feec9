"""Weekly check-ins, free of Telegram: scheduling, sessions, answers, risk, reminders, closing.

One module per job: `_base` (constants, the household, who may act), `_messages` (rendering),
`_slots` (a child's weekday and time), `_dispatch` (the dispatcher's steps), `_answering`,
`_reply` and `_replay` (an answer, what follows it, a press handled again), `_text` (typed
answers and free messages), `_early` (hand-over, /checkin, tidy-up press), `_sweep`
(resends, reminders, closing) and `_tidy` (deleting exchanges). Callers import this package.

Every `*_tx` function runs inside the caller's transaction (`db.tx`) and returns what the
Telegram layer must send; the Telegram layer sends it and records the result.

Order of writes for one scheduled check-in (the dispatcher) — why a crash never makes a
second session for a period:

1. One transaction creates the session row (`pending`, unique per child and ISO week; a
   conflict means the period already has one) and moves `children.next_due_at` to the
   next week. A crash before it commits leaves the child due: the next run does it again.
2. The first message is sent (the intro with the first question, or on a shared phone the
   "hand the phone to …" message). A crash here leaves a `pending` session, which the next
   run sends if it is still within `window_hours` of its due time, else marks `missed`.
3. One transaction marks the session `sent` with the message id. A crash between 2 and 3
   sends the first message once more after the restart (at most one duplicate message,
   never a second session: both copies carry the same session's buttons).

The dispatcher takes due children a page (`PAGE`) at a time: steps 1–3 for one page before
the next is read, so no transaction holds the database for long and memory holds one page.

An answer is one transaction (checked against presser, session and current question, stored,
assessed, alert raised, crisis message queued when urgent, next message rendered) committed
before anything is sent; the pressed message is then edited in place into the choice, the
reply and the next question (two Bot API calls, and no second write: the message id does not
change). Messages sent anew (after a typed answer or the crisis message) are recorded for
deleting the exchange in a second transaction, except an own phone's closing, which the
tidy-up press on it records.

Faults after the commit (see docs/operations.md, "A crash at the wrong moment" and "A check-in
that stalls"): the crisis message is an outbox row held for the handler (`bot.services.crisis`);
the same press handled again after a crash does what followed it again instead of answering
"already answered" (`_replay.pressed_again`); a failed edit or send after an answer sets `resend_at`
and the sweep sends the current question again; a press on a first message whose send was
never confirmed makes the session `sent` (`_replay.delivered_after_all`).

Which set: after a period whose answers reached `concern` the next check-in uses the
`followup` set (content/checkins/followup.yaml); otherwise every second week the WHO-5 set
(`who5`) and else `weekly`, each with the week's rotating question. The session's `set_id`
holds that plan (`bot.services.checkin_plan`); a WHO-5 score is computed, stored and
assessed in the answer's transaction (`bot.services.measures`).

Risk: every answer is assessed as it is stored, in the same transaction: the option's level
from the content (`assess_answer`), the mood trend over earlier weeks (`assess_trend`, a
missed week counts as None) and free text (`RiskRules.assess_text`). From `watch` up an
alert row is written there too (`signal_tx`; watch rows wait for the digest, concern
and urgent are posted through the outbox), so a risk signal is never lost.
"""

from __future__ import annotations

from bot.domain import Refusal
from bot.services.checkins._answering import answer_button_tx, record_sent_tx
from bot.services.checkins._base import (
    ANSWER,
    DAY,
    FOLLOWUP,
    GO,
    SHARED_FINISHED_SECONDS,
    SHARED_IDLE_SECONDS,
    SKIP,
    TALK,
    TIDY,
    TIDY_WINDOW_SECONDS,
    TIME,
    TIME_CHOICES,
    TREND_WEEKS,
    WEEKLY,
    Household,
    household,
    may_act_for,
    pressed_session,
)
from bot.services.checkins._dispatch import (
    PAGE,
    UNCONFIRMED_RESEND,
    DispatchCount,
    SendPage,
    SendPlan,
    choose_set,
    mark_sent_tx,
    open_session_tx,
    schedule_due_tx,
    sendable_tx,
    sent_unconfirmed_tx,
    unreachable_tx,
)
from bot.services.checkins._early import Early, Resume, Tidy, start_early_tx, take_phone_tx, tidy_tx
from bot.services.checkins._messages import (
    answered_line,
    check_set,
    closing_message,
    current_question_message,
    first_message,
    handover_message,
    nickname,
    question_message,
    weekday_name,
)
from bot.services.checkins._replay import pressed_chat
from bot.services.checkins._reply import AnswerFollowUp
from bot.services.checkins._slots import (
    SPREAD_STEP,
    slot_press_tx,
    slot_targets,
    spread_minute,
    time_keyboard,
    weekday_keyboard,
)
from bot.services.checkins._sweep import (
    Closed,
    Reminder,
    ReminderPage,
    Resend,
    close_due_tx,
    record_resent_tx,
    release_reminder_tx,
    reminder_sent_tx,
    reminders_tx,
    resends_tx,
    resent_tx,
    stranded_tx,
)
from bot.services.checkins._text import Again, text_tx
from bot.services.checkins._tidy import Deletion, deletions_tx, exchange_tx, mark_deleted_tx

__all__ = [
    "ANSWER",
    "DAY",
    "FOLLOWUP",
    "GO",
    "PAGE",
    "SHARED_FINISHED_SECONDS",
    "SHARED_IDLE_SECONDS",
    "SKIP",
    "SPREAD_STEP",
    "TALK",
    "TIDY",
    "TIDY_WINDOW_SECONDS",
    "TIME",
    "TIME_CHOICES",
    "TREND_WEEKS",
    "UNCONFIRMED_RESEND",
    "WEEKLY",
    "Again",
    "AnswerFollowUp",
    "Closed",
    "Deletion",
    "DispatchCount",
    "Early",
    "Household",
    "Refusal",
    "Reminder",
    "ReminderPage",
    "Resend",
    "Resume",
    "SendPage",
    "SendPlan",
    "Tidy",
    "answer_button_tx",
    "answered_line",
    "check_set",
    "choose_set",
    "close_due_tx",
    "closing_message",
    "current_question_message",
    "deletions_tx",
    "exchange_tx",
    "first_message",
    "handover_message",
    "household",
    "mark_deleted_tx",
    "mark_sent_tx",
    "may_act_for",
    "nickname",
    "open_session_tx",
    "pressed_chat",
    "pressed_session",
    "question_message",
    "record_resent_tx",
    "record_sent_tx",
    "release_reminder_tx",
    "reminder_sent_tx",
    "reminders_tx",
    "resends_tx",
    "resent_tx",
    "schedule_due_tx",
    "sendable_tx",
    "sent_unconfirmed_tx",
    "slot_press_tx",
    "slot_targets",
    "spread_minute",
    "start_early_tx",
    "stranded_tx",
    "take_phone_tx",
    "text_tx",
    "tidy_tx",
    "time_keyboard",
    "unreachable_tx",
    "weekday_keyboard",
    "weekday_name",
]
