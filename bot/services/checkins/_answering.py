"""One answer in one transaction: checked, stored, assessed, alert raised, reply made."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.content import AnswerOption, CheckinQuestion, QuestionType
from bot.domain import Refusal
from bot.levels import RiskLevel
from bot.risk import NO_RISK, Assessment, assess_answer, assess_trend, combine
from bot.services import crisis as crisis_svc
from bot.services import measures
from bot.services.alerts import Signal, signal_tx
from bot.services.checkins._base import (
    SKIP,
    TREND_WEEKS,
    answering_here,
    may_act,
    refuse,
)
from bot.services.checkins._messages import (
    check_set,
)
from bot.services.checkins._replay import delivered_after_all, pressed_again
from bot.services.checkins._reply import AnswerFollowUp, Given, build_reply
from bot.services.child_messages import MAX_TEXT
from bot.services.crisis_text import crisis_text
from storage import checkins as repo

if TYPE_CHECKING:
    from bot.content import ContentBundle
    from bot.risk import RiskRules


def answer_button_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    rules: RiskRules,
    *,
    user_id: int,
    chat_id: int,
    session_id: int,
    question_id: str,
    option_id: str,
    now: int,
    pressed_message: int | None = None,
    duty_phone: str = "",
    holder: str | None = None,
    crisis_message_id: int | None = None,
) -> AnswerFollowUp | Refusal:
    """A button answer (or a skip), checked against presser, session and current question.

    `pressed_message` is the message the button was on: the reply is edited into it.
    `duty_phone` ([safety] duty_phone) comes first in a crisis message.
    `holder`: the running bot, which sends a crisis message at once (`bot.services.crisis`).
    `crisis_message_id`: the crisis message went out already (an answer stored late).
    """
    given = Given(skipped=True) if option_id == SKIP else Given(option_id=option_id)
    return answer_tx(
        conn,
        content,
        rules,
        user_id,
        chat_id,
        session_id,
        question_id,
        given,
        now,
        pressed_message=pressed_message,
        duty_phone=duty_phone,
        holder=holder,
        crisis_message_id=crisis_message_id,
    )


def answer_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    rules: RiskRules,
    user_id: int,
    chat_id: int,
    session_id: int,
    question_id: str,
    given: Given,
    now: int,
    *,
    pressed_message: int | None = None,
    text_message_id: int | None = None,
    known: repo.Answering | None = None,
    duty_phone: str = "",
    holder: str | None = None,
    crisis_message_id: int | None = None,
) -> AnswerFollowUp | Refusal:
    """Check, store and assess one answer (a press, or typed text with `text_message_id`),
    raise the alert and queue the crisis message it calls for, and say what follows; `known`
    is the session as the caller already read it."""
    a = known or repo.answering(conn, session_id)
    if a is None or not may_act(a.child_chat_id, a.child_user_id, a.child_status, user_id, chat_id):
        return refuse("basics.stale_button")
    lang = a.lang
    if a.shared_phone and not answering_here(conn, chat_id, a.child_id, a.session_id):
        return Refusal("checkins.press_handover", lang)
    if a.status == "pending" and not a.shared_phone and pressed_message is not None:
        a = delivered_after_all(conn, a, chat_id, pressed_message, now)
    cset = check_set(content, a.set_id)
    try:
        question = cset.question(question_id)
    except KeyError:
        return Refusal("basics.stale_button", lang)
    if a.current_question != question_id or not a.is_open:
        pressed = pressed_message
        again = pressed_again(conn, content, a, cset, question, given, pressed, now, holder)
        if again is not None:
            return again
    if not a.is_open:
        key = "checkins.already_finished" if a.status == "done" else "checkins.closed"
        return Refusal(key, lang)
    if a.current_question != question_id:
        return Refusal("checkins.already_answered", lang)
    option = None
    if given.option_id is not None:
        if question.type == QuestionType.FREE_TEXT:
            return Refusal("basics.stale_button", lang)
        try:
            option = question.option(given.option_id)
        except KeyError:
            return Refusal("basics.stale_button", lang)
    elif question.type != QuestionType.FREE_TEXT:
        return Refusal("basics.stale_button", lang)
    mood = int(option.id) if option is not None and question.type == QuestionType.MOOD else None
    assessment = _assess(conn, rules, a, question, option, given, mood, lang, now)
    reasons = [r.to_json() for r in assessment.reasons]
    index = cset.questions.index(question)
    stored = repo.insert_answer(
        conn,
        session_id=a.session_id,
        question_id=question.id,
        option_id=option.id if option else None,
        mood=mood,
        text=given.text[:MAX_TEXT] if given.text is not None else None,
        skipped=given.skipped,
        level=int(assessment.level),
        reasons=reasons,
        now=now,
        position=index,
    )
    if not stored:
        return Refusal("checkins.already_answered", lang)
    following = cset.questions[index + 1] if index + 1 < len(cset.questions) else None
    urgent = assessment.level >= RiskLevel.URGENT
    edit = pressed_message if not urgent else None
    repo.advance(
        conn,
        a.session_id,
        expected_question=question.id,
        next_question=following.id if following else None,
        now=now,
        question_message=edit,
        answering=a.status == "answering",
    )
    if text_message_id is not None:
        repo.record_message(
            conn,
            session_id=a.session_id,
            chat_id=chat_id,
            message_id=text_message_id,
            kind="child",
            now=now,
        )
    alert_id = None
    change = None
    if assessment.level > RiskLevel.NONE:
        repo.raise_level(conn, a.session_id, int(assessment.level), reasons)
        change = signal_tx(
            conn,
            content,
            Signal(
                kind="risk",
                person_id=a.child_id,
                level=assessment.level,
                category=assessment.primary_category or "answer",
                reasons=reasons,
                source=f"checkin:{a.session_id}:{question.id}",
                now=now,
            ),
        )
        alert_id = change.alert_id
    crisis = None
    if change is not None and change.crisis_due:  # one crisis reply per open alert
        crisis = crisis_svc.queue_tx(
            conn,
            child_id=a.child_id,
            signal=f"checkin:{a.session_id}:{question.id}",
            chat_id=chat_id,
            text=crisis_text(
                content,
                lang,
                category=assessment.primary_category,
                duty_phone=duty_phone,
                checkin_set=cset.id,
            ),
            now=now,
            holder=holder,
            exchange=a.session_id,
            sent_message_id=crisis_message_id,
        )
    return build_reply(
        conn,
        content,
        a,
        cset,
        question,
        option,
        given,
        chat_id=chat_id,
        edit=edit,
        pressed_message=pressed_message,
        crisis=crisis,
        alert_id=alert_id,
        post_alert=change is not None and change.posted,
    )


def _assess(
    conn: sqlite3.Connection,
    rules: RiskRules,
    a: repo.Answering,
    question: CheckinQuestion,
    option: AnswerOption | None,
    given: Given,
    mood: int | None,
    lang: str,
    now: int,
) -> Assessment:
    """The answer's level: the option's own level, the mood trend, the WHO-5 score its answer
    completes (stored here, in the answer's transaction), or the text's rules."""
    if option is not None:
        found = assess_answer(option.risk, question.id, option.id, category=option.category)
        if mood is not None:
            history = repo.moods_before(conn, a.child_id, a.period, TREND_WEEKS)
            found = combine(found, assess_trend(history, current=mood))
        score = measures.assess_item_tx(
            conn,
            session_id=a.session_id,
            child_id=a.child_id,
            period=a.period,
            question_id=question.id,
            option_id=option.id,
            now=now,
        )
        return combine(found, score) if score.reasons else found
    if given.text is not None:
        return rules.assess_text(given.text, lang)
    return NO_RISK


def record_sent_tx(
    conn: sqlite3.Connection,
    session_id: int,
    chat_id: int,
    message_ids: Sequence[int],
    question_message: int | None,
    now: int,
) -> None:
    """Remember the bot's messages of an exchange and which one asks the current question."""
    for message_id in message_ids:
        repo.record_message(
            conn, session_id=session_id, chat_id=chat_id, message_id=message_id, kind="bot", now=now
        )
    if question_message is not None:
        repo.set_question_message(conn, session_id, question_message, now)
