"""Follow-through on Telegram: the day to try a lesson's practice, and "how did it go?".

The practice message (bot.telegram.lessons.practice) carries `ft:plan:<lesson>:<day>`; a
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

from markupsafe import Markup
from telegram import Bot, Message
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler

from bot.callbacks import Callback
from bot.content import ContentBundle
from bot.services import follow_through as svc
from bot.services import lessons as lesson_service
from bot.services.schedule import local_time
from bot.telegram.callbacks import CallbackDataError, pack, pattern, unpack
from bot.telegram.context import App, Ctx, app_runtime
from bot.telegram.delivery import send_each, send_one, sent_count
from bot.telegram.jobs import PeriodicJob
from bot.telegram.lessons import THROUGH_PREFIX, Buttons, Frame, Reply, finished, keyboard, send
from bot.telegram.press import Pressed, press
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


def ask_reply(frame: Frame, ask: svc.Ask) -> Reply:
    """The question at the chosen time: the task again, and three big answer buttons."""
    text = frame.ui("lessons.through.ask", task=frame.html(ask.lesson.practice))
    rows: Buttons = [
        [
            (
                frame.label(f"lessons.button.through.{answer}"),
                pack(PREFIX, "ans", ask.lesson.id, answer),
            )
        ]
        for answer in svc.ANSWERS
    ]
    return Reply(text, [*rows, frame.help_row()])


def _day_words(frame: Frame, planned: svc.Planned, now: int) -> dict[str, str]:
    """When Qiao will ask, in words: today / tomorrow / the weekday, and the local time."""
    where = planned.zone
    due_at = planned.due_at
    due, today = local_time(due_at, where), local_time(now, where).date()
    days = (due.date() - today).days
    if days == 0:
        day = frame.label("lessons.plan.day.today")
    elif days == 1:
        day = frame.label("lessons.plan.day.tomorrow")
    else:
        day = frame.label(f"onboarding.weekday.{due.weekday()}")
    return {"day": day, "time": f"{due:%H:%M}"}


async def _edit(message: object, bot: Bot, text: str) -> None:
    """Replace an answered message's text and drop its buttons (cosmetic: never fatal)."""
    if not isinstance(message, Message):
        return
    try:
        await bot.edit_message_text(text, chat_id=message.chat_id, message_id=message.message_id)
    except BadRequest as exc:  # "message is not modified" or no longer editable
        log.debug("answered message not edited", extra={"reason": exc.message})


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
    choice = frame.label(f"lessons.button.plan.{planned.plan}")
    marked = frame.ui("lessons.practice", text=frame.html(lesson.practice))
    marked += "\n\n" + frame.ui("lessons.plan.chosen", choice=choice)
    await _edit(p.query.message, context.bot, marked)
    words = _day_words(frame, planned, now)
    done = finished(frame, planned.finished)
    confirm = frame.ui("lessons.plan.confirm", **words)
    log.info("practice planned", extra={"person": who.person.pseudonym, "lesson": lesson.id})
    reply = Reply(f"{confirm}\n\n{done.text}", done.buttons)
    await send(context.application, context.bot, chat_id, [reply])
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
    asked = frame.ui("lessons.through.ask", task=frame.html(answered.lesson.practice))
    choice = frame.label(f"lessons.button.through.{answered.answer}")
    await _edit(
        p.query.message,
        context.bot,
        asked + "\n\n" + frame.ui("lessons.plan.chosen", choice=choice),
    )
    tip = svc.practice_tip(answered.lesson, answered.answer)
    # Safe: a UI text is rendered by ContentBundle.ui, which escapes every value it fills in.
    general = Markup(frame.ui(f"lessons.through.tip.{answered.answer}"))  # noqa: S704
    text = frame.ui("lessons.through.reply", tip=frame.html(tip) if tip is not None else general)
    log.info(
        "practice follow-through answered",
        extra={"person": who.person.pseudonym, "answer": answered.answer},
    )
    reply = Reply(text, [frame.continue_row(), frame.help_row()])
    await send(context.application, context.bot, chat_id, [reply])
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
    reply = ask_reply(Frame(content, ask.who), ask)
    return await send_one(
        app.bot,
        ask.chat_id,
        reply.text,
        keyboard(reply.buttons),
        what="practice question",
        person=ask.pseudonym,
    )


JOBS: list[PeriodicJob] = [PeriodicJob("practice-follow-through", ASK_INTERVAL, send_asks)]


def register(app: App) -> None:
    """Add the follow-through buttons."""
    app.add_handler(CallbackQueryHandler(on_press, pattern=pattern(PREFIX)))
