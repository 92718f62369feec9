"""What follows an accepted answer: the chosen label, the option's reply, what comes next."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.content import AnswerOption, CheckinQuestion, CheckinSet
from bot.outgoing import Outgoing
from bot.services import addressing
from bot.services.checkins._base import (
    SKIP,
)
from bot.services.checkins._messages import (
    answered_line,
    asked_in,
    closing_message,
    question_message,
)
from bot.services.crisis import Crisis
from storage import checkins as repo
from storage import families

if TYPE_CHECKING:
    from bot.content import ContentBundle


@dataclass(frozen=True)
class AnswerFollowUp:
    """What follows an accepted answer.

    Usually the pressed message is edited in place (`edit`): the choice, the option's reply
    and the next question (or the closing) replace the question just answered, so an answer
    costs two Bot API calls and no second write (the message id does not change). After a
    typed answer, or with the crisis message (which must come first, on its own), the
    answered question's buttons are settled (`settle`) and the next message is sent new.
    """

    session_id: int
    chat_id: int
    shared_phone: bool
    chosen: str
    edit: int | None
    """The message to edit into `follow` (None: send `follow` as a new message)."""
    settle: int | None
    """When sending new: the message whose answer buttons are settled first."""
    crisis: Crisis | None
    """The crisis message this handler must send first (queued with the answer)."""
    follow: Outgoing
    finished: bool
    alert_id: int | None
    post_alert: bool
    """An alert was queued for the volunteer group: post it at once."""

    @property
    def record_new(self) -> bool:
        """Whether messages sent anew must be recorded in a second transaction: always but
        for an own phone's bare closing, which the tidy-up press on it records itself (a
        shared phone's exchange is deleted without any press, so every id must be known)."""
        return self.shared_phone or not self.finished or self.crisis is not None


@dataclass(frozen=True)
class Given:
    """An answer as the child gave it."""

    option_id: str | None = None
    text: str | None = None
    skipped: bool = False


def build_reply(
    conn: sqlite3.Connection,
    content: ContentBundle,
    a: repo.Answering,
    cset: CheckinSet,
    question: CheckinQuestion,
    option: AnswerOption | None,
    given: Given,
    *,
    chat_id: int,
    edit: int | None,
    pressed_message: int | None,
    crisis: Crisis | None,
    alert_id: int | None,
    post_alert: bool,
) -> AnswerFollowUp:
    """What follows a stored answer: the chosen label, the option's reply, the next question
    (or the closing, when the chat's check-in state is cleared)."""
    lang = a.lang
    index = cset.questions.index(question)
    following = cset.questions[index + 1] if index + 1 < len(cset.questions) else None
    asked = asked_in(content, question, lang)
    if option is not None:
        chosen = asked.labels[option.id]
    elif given.skipped:
        chosen = asked.labels[SKIP]
    else:
        chosen = "✍️"
    before = [answered_line(chosen)] if edit is not None else []
    reply_text = asked.replies.get(option.id) if option is not None else None
    if reply_text:
        before.append(reply_text)
    if following is not None:
        follow = question_message(content, following, a.session_id, lang, before=before)
    else:
        repo.clear_checkin_state(conn, chat_id, a.session_id)
        follow = closing_message(
            content,
            cset,
            a.session_id,
            before,
            name=_closing_name(conn, content, a),
            lang=lang,
            weekday=a.checkin_weekday,
            shared_phone=a.shared_phone,
        )
    return AnswerFollowUp(
        session_id=a.session_id,
        chat_id=chat_id,
        shared_phone=a.shared_phone,
        chosen=chosen,
        edit=edit,
        settle=pressed_message if edit is None else None,
        crisis=crisis,
        follow=follow,
        finished=following is None,
        alert_id=alert_id,
        post_alert=post_alert,
    )


def _closing_name(conn: sqlite3.Connection, content: ContentBundle, a: repo.Answering) -> str:
    """The closing's form of address (the age band is read only when there is no nickname)."""
    if a.display_name:
        return a.display_name
    child = families.child(conn, a.child_id)
    return addressing.child_address(content, None, child.age_band if child else None, a.lang)
