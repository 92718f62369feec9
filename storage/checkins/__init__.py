"""Check-in sessions, answers, the messages of each exchange, and children's free messages.

One module per job: `_sessions` (a session's life), `_answers`, `_exchange` (messages to
delete later), `_sweep` (what the sweep reads and claims), `_children` (a child's household,
who is due), `_child_messages`, and `_state` (the check-in's use of `conversation_state`,
whose owner is `storage.conversation`). Callers import this package, not the modules.
"""

from __future__ import annotations

from storage.checkins._answers import Answer, answer_to, answers, insert_answer, moods_before
from storage.checkins._child_messages import (
    ChildMessage,
    child_message_by_chat,
    child_messages,
    insert_child_message,
    recent_child_messages,
)
from storage.checkins._children import (
    DueChild,
    due_children,
    household,
    households,
    unscheduled_children,
)
from storage.checkins._exchange import (
    ExchangeMessage,
    exchange_session,
    mark_message_deleted,
    record_message,
    undeleted_messages,
)
from storage.checkins._sessions import (
    FINISHED,
    OPEN,
    Answering,
    Session,
    advance,
    answering,
    before_period,
    create_session,
    for_period,
    get,
    mark_missed,
    mark_sent,
    of_child,
    pending,
    raise_level,
    set_question_message,
    touch,
)
from storage.checkins._state import STATE, chat_state, clear_checkin_state, set_checkin_state
from storage.checkins._sweep import (
    SENT_BEFORE_FINISHED,
    awaiting_tidy,
    close,
    due_for_close,
    due_for_reminder,
    due_for_resend,
    finished_shared_untidied,
    idle_shared_sessions,
    request_tidy,
    set_reminder,
    set_resend,
)
from storage.conversation import ChatState

__all__ = [
    "FINISHED",
    "OPEN",
    "SENT_BEFORE_FINISHED",
    "STATE",
    "Answer",
    "Answering",
    "ChatState",
    "ChildMessage",
    "DueChild",
    "ExchangeMessage",
    "Session",
    "advance",
    "answer_to",
    "answering",
    "answers",
    "awaiting_tidy",
    "before_period",
    "chat_state",
    "child_message_by_chat",
    "child_messages",
    "clear_checkin_state",
    "close",
    "create_session",
    "due_children",
    "due_for_close",
    "due_for_reminder",
    "due_for_resend",
    "exchange_session",
    "finished_shared_untidied",
    "for_period",
    "get",
    "household",
    "households",
    "idle_shared_sessions",
    "insert_answer",
    "insert_child_message",
    "mark_message_deleted",
    "mark_missed",
    "mark_sent",
    "moods_before",
    "of_child",
    "pending",
    "raise_level",
    "recent_child_messages",
    "record_message",
    "request_tidy",
    "set_checkin_state",
    "set_question_message",
    "set_reminder",
    "set_resend",
    "touch",
    "undeleted_messages",
    "unscheduled_children",
]
