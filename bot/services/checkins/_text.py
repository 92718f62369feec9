"""A private text: a check-in's typed answer, a child's own message, or not ours."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bot.content import QuestionType
from bot.domain import Refusal
from bot.levels import RiskLevel
from bot.services import crisis as crisis_svc
from bot.services.checkins._answering import answer_tx
from bot.services.checkins._base import (
    may_act,
)
from bot.services.checkins._messages import (
    check_set,
)
from bot.services.checkins._reply import AnswerFollowUp, Given
from bot.services.child_messages import FreeMessage, free_message_tx
from bot.services.crisis import Crisis
from bot.services.reading import Options as ReadingOptions
from bot.services.reading import add_child_words_tx
from storage import checkins as repo
from storage import people

if TYPE_CHECKING:
    from bot.content import ContentBundle
    from bot.risk import RiskRules


def text_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    rules: RiskRules,
    *,
    user_id: int,
    chat_id: int,
    message_id: int,
    text: str,
    now: int,
    options: ReadingOptions | None = None,
    holder: str | None = None,
    crisis_message_id: int | None = None,
) -> AnswerFollowUp | Refusal | FreeMessage | Again | None:
    """Route a text in a private chat: a check-in's free-text answer, a child's own message, or
    nothing of ours (None: a caregiver's text on a shared phone when no check-in awaits it).

    A typed answer that raised no posted alert goes on the reading list too (`options`);
    `holder` and `crisis_message_id` as for `answer_button_tx`.
    """
    answered_in = repo.exchange_session(conn, chat_id, message_id)
    if answered_in is not None:
        return _typed_again(conn, content, answered_in, now, holder)
    state = repo.chat_state(conn, chat_id)
    if state is not None and state.state == repo.STATE:
        a = repo.answering(conn, int(state.data.get("session", 0)))
        if a is not None and a.is_open and a.current_question is not None:
            question = check_set(content, a.set_id).question(a.current_question)
            if question.type == QuestionType.FREE_TEXT and may_act(
                a.child_chat_id, a.child_user_id, a.child_status, user_id, chat_id
            ):
                reply = answer_tx(
                    conn,
                    content,
                    rules,
                    user_id,
                    chat_id,
                    a.session_id,
                    question.id,
                    Given(text=text),
                    now,
                    text_message_id=message_id,
                    known=a,
                    duty_phone=options.duty_phone if options is not None else "",
                    holder=holder,
                    crisis_message_id=crisis_message_id,
                )
                if isinstance(
                    reply, AnswerFollowUp
                ):  # the typed answer leaves the skip button behind
                    if options is not None and options.enabled and not reply.post_alert:
                        _list_answer(conn, a.child_id, a.session_id, question.id, text, reply, now)
                    return replace(reply, settle=a.question_message)
                return reply
    child = people.by_telegram_user(conn, user_id)
    if (
        child is None
        or child.role != "child"
        or child.status != "active"
        or child.chat_id != chat_id
    ):
        return None
    return free_message_tx(
        conn,
        content,
        rules,
        child,
        text,
        now,
        options=options,
        chat_message_id=message_id,
        holder=holder,
        crisis_message_id=crisis_message_id,
    )


@dataclass(frozen=True)
class Again:
    """A typed answer handled a second time: only its unsent crisis message is left to send."""

    crisis: Crisis | None


def _typed_again(
    conn: sqlite3.Connection, content: ContentBundle, session_id: int, now: int, holder: str | None
) -> Again:
    """The text was stored as an answer before (its update replayed after a crash)."""
    a = repo.answering(conn, session_id)
    if a is None or a.child_chat_id is None:
        return Again(None)
    cset = check_set(content, a.set_id)
    for stored in repo.answers(conn, session_id):
        if stored.text is None or stored.level < RiskLevel.URGENT:
            continue
        crisis = crisis_svc.queue_tx(
            conn,
            child_id=a.child_id,
            signal=f"checkin:{session_id}:{stored.question_id}",
            chat_id=a.child_chat_id,
            text=content.render(cset.crisis, a.lang),
            now=now,
            holder=holder,
            exchange=session_id,
        )
        if crisis is not None:
            return Again(crisis)
    return Again(None)


def _list_answer(
    conn: sqlite3.Connection,
    child_id: int,
    session_id: int,
    question_id: str,
    text: str,
    reply: AnswerFollowUp,
    now: int,
) -> None:
    """A typed check-in answer on the reading list (watch level if it raised a digest row)."""
    child = people.by_id(conn, child_id)
    if child is None:
        return
    level = RiskLevel.WATCH if reply.alert_id is not None else RiskLevel.NONE
    add_child_words_tx(
        conn,
        child,
        kind="text",
        text=text,
        level=int(level),
        source=f"checkin:{session_id}:{question_id}",
        now=now,
    )
