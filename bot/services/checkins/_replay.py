"""A press handled again (a replayed update, a quick second tap, an unconfirmed send)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.content import CheckinQuestion, CheckinSet
from bot.levels import RiskLevel
from bot.services import crisis as crisis_svc
from bot.services.checkins._reply import AnswerFollowUp, Given, build_reply
from storage import checkins as repo

if TYPE_CHECKING:
    from bot.content import ContentBundle


def delivered_after_all(
    conn: sqlite3.Connection, a: repo.Answering, chat_id: int, pressed: int, now: int
) -> repo.Answering:
    """A press on a first message whose send was not confirmed (it timed out, yet reached the
    child): the session counts as sent with that message, so the copy works like any other."""
    if not repo.mark_sent(
        conn, a.session_id, now=now, chat_id=chat_id, message_id=pressed, question_message=pressed
    ):
        return a
    repo.record_message(
        conn, session_id=a.session_id, chat_id=chat_id, message_id=pressed, kind="bot", now=now
    )
    repo.set_checkin_state(
        conn, chat_id=chat_id, child_id=a.child_id, session_id=a.session_id, now=now
    )
    return replace(a, status="sent", question_message=pressed)


def pressed_again(
    conn: sqlite3.Connection,
    content: ContentBundle,
    a: repo.Answering,
    cset: CheckinSet,
    question: CheckinQuestion,
    given: Given,
    pressed: int | None,
    now: int,
    holder: str | None,
) -> AnswerFollowUp | None:
    """The press that stored the answer, handled again (its update replayed after a crash, or
    a quick second tap): what followed it is done again rather than refused, as long as the
    session has not moved on — the edit (Telegram: "not modified" if it was made) and a crisis
    message that is still unsent. None: an ordinary stale press, refused by the caller.

    Only the message the answer was given on qualifies (the session's question message), so a
    second copy of a question still says "already answered".
    """
    if pressed is None or pressed != a.question_message or given.text is not None:
        return None
    stored = repo.answer_to(conn, a.session_id, question.id)
    if stored is None or stored.option_id != given.option_id or stored.skipped != given.skipped:
        return None
    index = cset.questions.index(question)
    following = cset.questions[index + 1] if index + 1 < len(cset.questions) else None
    if a.current_question != (following.id if following else None):
        return None
    if following is None and a.status != "done":
        return None
    option = question.option(stored.option_id) if stored.option_id is not None else None
    urgent = stored.level >= RiskLevel.URGENT
    crisis = None
    if urgent:  # the crisis message went first: sent means everything after it was tried
        crisis = crisis_svc.queue_tx(
            conn,
            child_id=a.child_id,
            signal=f"checkin:{a.session_id}:{question.id}",
            chat_id=pressed_chat(a),
            text=content.render(cset.crisis, a.lang),
            now=now,
            holder=holder,
            exchange=a.session_id,
        )
        if crisis is None:
            return None
    return build_reply(
        conn,
        content,
        a,
        cset,
        question,
        option,
        given,
        chat_id=pressed_chat(a),
        edit=None if urgent else pressed,
        pressed_message=pressed,
        crisis=crisis,
        alert_id=None,
        post_alert=False,
    )


def pressed_chat(a: repo.Answering) -> int:
    """The chat a check-in's presses come from (the child's, or on a shared phone the
    caregiver's, which is the child's chat too)."""
    if a.child_chat_id is None:  # pragma: no cover - `may_act` refused such a press
        raise ValueError("child without a chat")
    return a.child_chat_id
