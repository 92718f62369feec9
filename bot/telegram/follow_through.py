"""Follow-through on Telegram: the day to try a lesson's practice, and "how did it go?".

The practice message (bot.views.lessons.practice) carries `ft:plan:<lesson>:<day>`; a
press finishes the lesson and stores when to ask. A periodic job asks the due questions with
`ft:ans:<lesson>:<answer>` buttons, and each answer gets the lesson's tip. Presses are
untrusted: decoded strictly, checked against the presser and the stored plan; a stale,
foreign or forged one gets a calm pop-up and changes nothing.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram.ext import CallbackQueryHandler

from bot.callbacks import Callback
from bot.content import ContentBundle
from bot.services import follow_through as svc
from bot.services import lessons as lesson_service
from bot.telegram.callbacks import CallbackDataError, pattern, unpack
from bot.telegram.context import App, Ctx, app_runtime
from bot.telegram.delivery import send_each, send_one, sent_count
from bot.telegram.jobs import PeriodicJob
from bot.telegram.outgoing import send
from bot.telegram.press import Pressed, press
from bot.views import lessons as views
from bot.views.lessons import THROUGH_PREFIX, Frame
from storage.people import Person

log = logging.getLogger(__name__)

PREFIX = THROUGH_PREFIX
ASK_INTERVAL = timedelta(minutes=5)


@dataclass(frozen=True)
class Press:
    """A decoded follow-through press (not yet checked against the database)."""

    action: str  # "plan" or "ans"
    lesson_id: str
    value: str


def decode(data: str | None) -> Press | None:
    """Read `ft:…` data; None for anything this module would never have produced."""
    try:
        callback = unpack(data, PREFIX, 3)
    except CallbackDataError:
        return None
    return decode_parts(callback.parts)


def decode_parts(parts: tuple[str, ...]) -> Press | None:
    """The parts of `ft:…` data as a press; None for a plan or answer we never offer."""
    action, lesson_id, value = parts
    if action == "plan" and value in svc.PLANS:
        return Press(action, lesson_id, value)
    if action == "ans" and value in svc.ANSWERS:
        return Press(action, lesson_id, value)
    return None


def _shaped(data: Callback) -> bool:
    """`ft:plan:<lesson>:<plan>` or `ft:ans:<lesson>:<answer>` with a known plan or answer."""
    return decode_parts(data.parts) is not None


@press(PREFIX, 3, valid=_shaped, stale="lessons.press.stale")
async def on_press(p: Pressed, context: Ctx) -> None:
    """Every `ft:` button: the service decides who may press and what changes, then show."""
    pressed = decode_parts(p.data.parts)
    if pressed is None:  # pragma: no cover - `_shaped` let only decodable data through
        return
    handler = _plan if pressed.action == "plan" else _answer
    shown = await handler(context, p, pressed)
    if shown is lesson_service.NOT_YOURS:
        log.info("follow-through button pressed by someone else", extra={"update_id": p.update_id})
        await p.answer("lessons.press.not_yours")
    elif not shown:
        log.info("stale follow-through button", extra={"update_id": p.update_id})
        await p.answer("lessons.press.stale")


async def _plan(context: Ctx, p: Pressed, press: Press) -> bool | lesson_service.NotYours:
    """A day picked under the practice task: the lesson is done, Qiao will ask then."""
    runtime = p.runtime
    content, now, config = runtime.content, runtime.ts(), runtime.config
    user_id, chat_id = p.user_id, p.chat_id

    def plan(c: sqlite3.Connection, person: Person) -> svc.Planned | None:
        return svc.plan_practice(
            c,
            content,
            person.id,
            press.lesson_id,
            press.value,
            now=now,
            ask_time=config.lessons.follow_through_time,
            default_timezone=config.locale.timezone,
        )

    done_by = await runtime.db.tx(lambda c: lesson_service.as_taker(c, user_id, chat_id, plan))
    if done_by is None:
        return False
    if isinstance(done_by, lesson_service.NotYours):
        return done_by
    planned, who = done_by
    await p.answer()
    frame = Frame(content, who)
    lesson = planned.finished.lesson
    await p.edit_text(views.planned_text(frame, lesson, planned.plan))  # its buttons go
    log.info("practice planned", extra={"person": who.person.pseudonym, "lesson": lesson.id})
    await send(context.application, chat_id, views.planned(frame, planned, now))
    return True


async def _answer(context: Ctx, p: Pressed, press: Press) -> bool | lesson_service.NotYours:
    """How the practice went: recorded once, answered with the lesson's tip."""
    runtime = p.runtime
    content, now = runtime.content, runtime.ts()
    user_id, chat_id = p.user_id, p.chat_id

    def answer(c: sqlite3.Connection, person: Person) -> svc.Answered | None:
        return svc.answer(c, content, person.id, press.lesson_id, press.value, now)

    done_by = await runtime.db.tx(lambda c: lesson_service.as_taker(c, user_id, chat_id, answer))
    if done_by is None:
        return False
    if isinstance(done_by, lesson_service.NotYours):
        return done_by
    answered, who = done_by
    await p.answer()
    frame = Frame(content, who)
    await p.edit_text(views.asked_text(frame, answered))  # its buttons go
    log.info(
        "practice follow-through answered",
        extra={"person": who.person.pseudonym, "answer": answered.answer},
    )
    await send(context.application, chat_id, views.through_reply(frame, answered))
    return True


# --- the job --------------------------------------------------------------------------------


async def send_asks(app: App, now: datetime) -> int:
    """Ask the questions that are due; return how many arrived."""
    runtime = app_runtime(app)
    content, config = runtime.content, runtime.config
    asks = await runtime.db.tx(
        lambda c: svc.claim_due(
            c,
            content,
            now=now,
            quiet=config.quiet_hours,
            default_timezone=config.locale.timezone,
        )
    )
    outcomes = await send_each(asks, lambda ask: _send_ask(app, content, ask))
    ts = int(now.timestamp())
    await runtime.db.tx(lambda c: svc.settle(c, outcomes, ts))
    sent = sent_count(outcomes)
    if sent:
        log.info("practice questions sent", extra={"count": sent})
    return sent


async def _send_ask(app: App, content: ContentBundle, ask: svc.Ask) -> svc.AskOutcome:
    """Send one question; say how it went."""
    question = views.ask(Frame(content, ask.who), ask)
    return await send_one(
        app.bot, ask.chat_id, question, what="practice question", person=ask.pseudonym
    )


JOBS: list[PeriodicJob] = [PeriodicJob("practice-follow-through", ASK_INTERVAL, send_asks)]


def register(app: App) -> None:
    """Add the follow-through buttons."""
    app.add_handler(CallbackQueryHandler(on_press, pattern=pattern(PREFIX)))
