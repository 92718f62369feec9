"""Lessons for grandparents on Telegram: /lessons, /next, the lesson buttons and reminders.

Thin on purpose: bot.services.lessons decides where a grandparent is and what a press may
change; this module checks who pressed, turns positions into messages with big buttons
(one per row, "ask a volunteer" on its own row under every lesson message) and sends them.
Callback data (`ls:…`) is untrusted: it is decoded strictly, checked against the presser and
the stored progress, and a stale, foreign or forged press gets a short answer and changes
nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from markupsafe import Markup
from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, CommandHandler, filters

from bot.content import ContentBundle, Lesson, Localized
from bot.runtime import Runtime
from bot.services import lessons as svc
from bot.services.follow_through import PLANS
from bot.services.lessons import Learner, Position, Screen
from bot.telegram import voice
from bot.telegram.callbacks import CallbackDataError, pack, pattern, unpack
from bot.telegram.context import RUNTIME_KEY, App, Caller, Ctx, caller_of, runtime_of
from bot.telegram.delivery import send_each, send_one, sent_count
from bot.telegram.jobs import PeriodicJob
from bot.telegram.outbox_sender import wake
from storage.people import Person

log = logging.getLogger(__name__)

PREFIX = "ls"
_ARITY = {"next": 3, "ans": 3, "fu": 3, "go": 1, "help": 1, "say": 3}
HELP_DATA = pack(PREFIX, "help")
THROUGH_PREFIX = "ft"
"""Follow-through buttons (the day to try, how it went): bot.telegram.follow_through."""
NUDGE_INTERVAL = timedelta(minutes=15)

Buttons = list[list[tuple[str, str]]]


@dataclass(frozen=True)
class Reply:
    """One message to send: HTML text, buttons as (label, callback data), maybe a voice file.

    With `voice`, the message goes out as that voice note with the text as its caption
    ("read it to me"); see bot.telegram.voice for long texts and failures.
    """

    text: str
    buttons: Buttons
    voice: Path | None = None


@dataclass(frozen=True)
class Press:
    """A decoded lesson button press (not yet checked against the database)."""

    action: str
    lesson_id: str = ""
    step: int = 0
    value: str = ""


def decode(data: str | None, content: ContentBundle) -> Press | None:
    """Read `ls:…` callback data; None for anything this module would never have produced."""
    if not data:
        return None
    parts = data.split(":")
    arity = _ARITY.get(parts[1]) if len(parts) > 1 else None
    if arity is None:
        return None
    try:
        callback = unpack(data, PREFIX, arity)
        action = callback.parts[0]
        if arity == 1:
            return Press(action)
        lesson_id = callback.parts[1]
        content.lesson(lesson_id)
        if action in ("next", "say"):
            return Press(action, lesson_id, step=callback.int_part(2))
        value = callback.parts[2] if arity == 3 else ""
    except (CallbackDataError, KeyError):
        return None
    if action == "fu" and value not in svc.FOLLOW_UP_ANSWERS:
        return None
    return Press(action, lesson_id, value=value)


# --- rendering ------------------------------------------------------------------------------


class Frame:
    """Renders lesson texts for one caregiver: their language and the names lessons use."""

    def __init__(self, content: ContentBundle, who: Learner) -> None:
        self.content = content
        self.lang = content.language(who.person.lang)
        self.voice = who.voice
        self.values = {
            "name": who.name or content.ui_label("lessons.default_name", self.lang),
            "child": who.child or content.ui_label("lessons.default_child", self.lang),
        }

    def ui(self, key: str, **values: object) -> str:
        """A UI string as message text."""
        return self.content.ui(key, self.lang, **values)

    def label(self, key: str) -> str:
        """A UI string as a button label or a short answer."""
        return self.content.ui_label(key, self.lang)

    def html(self, text: Localized) -> Markup:
        """A lesson text rendered (values escaped), ready to go into a UI string as it is."""
        # Safe: ContentBundle.render escapes every value and content is checked Telegram HTML.
        return Markup(self.content.render(text, self.lang, **self.values))  # noqa: S704

    def plain(self, text: Localized) -> str:
        """A lesson text as a button label."""
        return self.content.render_label(text, self.lang, **self.values)

    def help_row(self) -> list[tuple[str, str]]:
        """The "ask a volunteer" button, on its own row."""
        return [(self.label("lessons.button.help"), HELP_DATA)]

    def continue_row(self, key: str = "lessons.button.continue") -> list[tuple[str, str]]:
        """The big button that resumes lessons where they stopped."""
        return [(self.label(key), pack(PREFIX, "go"))]


def screen(frame: Frame, position: Position) -> list[Reply]:
    """The message(s) that show a position."""
    lesson = position.lesson
    if position.screen is Screen.ALL_DONE or lesson is None:
        return [Reply(frame.ui("lessons.all_done"), [frame.help_row()])]
    if position.screen is Screen.FOLLOW_UP and position.follow_up_of is not None:
        about = position.follow_up_of
        rows: Buttons = [
            [
                (
                    frame.label(f"lessons.button.follow_up.{answer}"),
                    pack(PREFIX, "fu", about.id, answer),
                )
            ]
            for answer in svc.FOLLOW_UP_ANSWERS
        ]
        text = frame.ui("lessons.follow_up", text=frame.html(about.follow_up))
        return [Reply(text, [*rows, frame.help_row()])]
    if position.screen is Screen.STEP:
        step = lesson.steps[position.step]
        text = frame.ui(
            "lessons.step",
            title=frame.html(lesson.title),
            n=position.step + 1,
            total=len(lesson.steps),
            text=frame.html(step.text),
        )
        next_row = [
            (frame.label("lessons.button.next"), pack(PREFIX, "next", lesson.id, position.step))
        ]
        if step.audio is not None and frame.voice:  # the voice note itself carries the text
            return [Reply(text, [next_row, frame.help_row()], voice=step.audio)]
        step_rows: Buttons = [next_row]
        if step.audio is not None:
            listen = pack(PREFIX, "say", lesson.id, position.step)
            step_rows.append([(frame.label("lessons.button.listen"), listen)])
        return [Reply(text, [*step_rows, frame.help_row()])]
    if position.screen is Screen.QUESTION:
        question = lesson.question
        rows = [
            [(frame.plain(option.label), pack(PREFIX, "ans", lesson.id, option.id))]
            for option in question.options
        ]
        text = frame.ui("lessons.question", text=frame.html(question.text))
        return [Reply(text, [*rows, frame.help_row()])]
    return [practice(frame, lesson)]


def practice(frame: Frame, lesson: Lesson) -> Reply:
    """The week's small task, and when to try it: today, tomorrow or this weekend.

    The day picked finishes the lesson (bot.telegram.follow_through asks later how it went).
    """
    text = frame.ui("lessons.practice", text=frame.html(lesson.practice))
    text += "\n\n" + frame.ui("lessons.plan.prompt")
    rows: Buttons = [
        [
            (
                frame.label(f"lessons.button.plan.{plan}"),
                pack(THROUGH_PREFIX, "plan", lesson.id, plan),
            )
        ]
        for plan in PLANS
    ]
    return Reply(text, [*rows, frame.help_row()])


def finished(frame: Frame, done: svc.Finished) -> Reply:
    """The end of a lesson: an encouraging line, the track's progress, the next lesson."""
    text = frame.ui(
        "lessons.done",
        title=frame.html(done.lesson.title),
        cheer=frame.label(f"lessons.cheer.{done.finished_count % 3}"),
        track=frame.label(f"lessons.track.{done.track.track}"),
        done=done.track.done,
        total=done.track.total,
    )
    if not done.more:
        return Reply(text + "\n\n" + frame.ui("lessons.done_last"), [frame.help_row()])
    return Reply(text, [frame.continue_row("lessons.button.next_lesson"), frame.help_row()])


def overview(frame: Frame, view: svc.Overview) -> Reply:
    """/lessons: every track with its progress, what comes next, and the continue button."""
    lines = [frame.ui("lessons.overview.header"), ""]
    for track in view.tracks:
        key = (
            "lessons.overview.track_complete"
            if track.done == track.total
            else "lessons.overview.track"
        )
        title = frame.label(f"lessons.track.{track.track}")
        lines.append(frame.ui(key, title=title, done=track.done, total=track.total))
    lines.append("")
    if view.current is not None:
        lines.append(frame.ui("lessons.overview.current", title=frame.html(view.current.title)))
    elif view.upcoming is not None:
        lines.append(frame.ui("lessons.overview.upcoming", title=frame.html(view.upcoming.title)))
    else:
        lines.append(frame.ui("lessons.overview.all_done"))
        return Reply("\n".join(lines), [frame.help_row()])
    key = "lessons.button.continue" if view.started_any else "lessons.button.start"
    return Reply("\n".join(lines), [frame.continue_row(key), frame.help_row()])


def keyboard(buttons: Buttons) -> InlineKeyboardMarkup | None:
    """Inline buttons, one row each as given."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in buttons
        ]
    )


# --- sending --------------------------------------------------------------------------------


async def send(app: App, bot: Bot, chat_id: int, replies: list[Reply]) -> None:
    """Send messages in order; a reply with a voice file goes as that voice note if it can."""
    for reply in replies:
        markup = keyboard(reply.buttons)
        if reply.voice is not None and await voice.send_step(
            app, bot, chat_id, reply.voice, reply.text, markup
        ):
            continue
        await bot.send_message(chat_id, reply.text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def _drop_buttons(message: object, bot: Bot) -> None:
    """Take the buttons off a message that has been answered (already gone is fine)."""
    if not isinstance(message, Message):
        return
    try:
        await bot.edit_message_reply_markup(message.chat_id, message.message_id, reply_markup=None)
    except BadRequest as exc:  # "message is not modified" or no longer editable: nothing to do
        log.debug("buttons not removed", extra={"reason": exc.message})


async def _edit_text(message: object, bot: Bot, text: str) -> None:
    """Replace an answered message's text (and drop its buttons)."""
    if not isinstance(message, Message):
        return
    try:
        await bot.edit_message_text(
            text, chat_id=message.chat_id, message_id=message.message_id, parse_mode=ParseMode.HTML
        )
    except BadRequest as exc:  # "message is not modified" or no longer editable: nothing to do
        log.debug("answered message not edited", extra={"reason": exc.message})


# --- commands -------------------------------------------------------------------------------


async def _caregiver(update: Update, caller: Caller, runtime: Runtime) -> Person | None:
    """The caregiver asking; children and volunteers get a calm word and the update stops.

    Strangers (None) are left to the fallbacks, which tell them Qiao works by invitation.
    """
    message = update.effective_message
    if message is None:
        raise ApplicationHandlerStop
    person = caller.person
    if caller.role == "stranger":
        return None
    if person is not None and svc.can_take_lessons(person):
        return person
    key = "lessons.not_for_you.child" if caller.role == "child" else "lessons.not_for_you.volunteer"
    await message.reply_text(runtime.content.ui(key, caller.lang), parse_mode=ParseMode.HTML)
    raise ApplicationHandlerStop


async def lessons_command(update: Update, context: Ctx) -> None:
    """/lessons: the tracks with progress and a continue button."""
    runtime = runtime_of(context)
    person = await _caregiver(update, await caller_of(update, context), runtime)
    chat = update.effective_chat
    if person is None or chat is None:
        return
    content, now = runtime.content, runtime.ts()
    view, who = await runtime.db.tx(
        lambda c: (svc.overview(c, content, person.id, now), svc.learner(c, person))
    )
    await send(context.application, context.bot, chat.id, [overview(Frame(content, who), view)])
    raise ApplicationHandlerStop


async def next_command(update: Update, context: Ctx) -> None:
    """/next: exactly where the grandparent stopped, or the next lesson."""
    runtime = runtime_of(context)
    person = await _caregiver(update, await caller_of(update, context), runtime)
    chat = update.effective_chat
    if person is None or chat is None:
        return
    content, now = runtime.content, runtime.ts()
    position, who = await runtime.db.tx(
        lambda c: (svc.resume(c, content, person.id, now), svc.learner(c, person))
    )
    await send(context.application, context.bot, chat.id, screen(Frame(content, who), position))
    raise ApplicationHandlerStop


# --- button presses -------------------------------------------------------------------------


async def on_press(update: Update, context: Ctx) -> None:
    """Every `ls:` button: decode, check the presser, let the service decide, then show."""
    query = update.callback_query
    if query is None:
        return
    runtime = runtime_of(context)
    content = runtime.content
    caller = await caller_of(update, context)
    lang = content.language(caller.lang)
    press = decode(query.data, content)
    if press is None:
        log.info("lesson button with unknown data", extra={"update_id": update.update_id})
        await query.answer(content.ui_label("lessons.press.stale", lang))
        raise ApplicationHandlerStop
    person = caller.person
    chat = query.message.chat if query.message is not None else None
    if (
        person is None
        or not svc.can_take_lessons(person)
        or chat is None
        or chat.id != person.chat_id
    ):
        log.info("lesson button pressed by someone else", extra={"update_id": update.update_id})
        await query.answer(content.ui_label("lessons.press.not_yours", lang))
        raise ApplicationHandlerStop
    pressed = _Pressed(context, runtime, person, press, query, chat.id)
    if not await _ACTIONS[press.action](pressed):
        log.info("stale lesson button", extra={"update_id": update.update_id})
        await query.answer(content.ui_label("lessons.press.stale", lang))
    raise ApplicationHandlerStop


@dataclass(frozen=True)
class _Pressed:
    """Everything an accepted-so-far press needs."""

    context: Ctx
    runtime: Runtime
    person: Person
    press: Press
    query: CallbackQuery
    chat_id: int

    @property
    def content(self) -> ContentBundle:
        """The loaded content."""
        return self.runtime.content

    @property
    def bot(self) -> Bot:
        """The bot to send with."""
        return self.context.bot

    async def show(self, replies: list[Reply]) -> None:
        """Send into the chat the press came from."""
        await send(self.context.application, self.bot, self.chat_id, replies)


async def _on_next(p: _Pressed) -> bool:
    """Next on a step: the following step, or the question after the last one."""
    content, person, press, now = p.content, p.person, p.press, p.runtime.ts()
    position, who = await p.runtime.db.tx(
        lambda c: (
            svc.advance(c, content, person.id, press.lesson_id, press.step, now),
            svc.learner(c, person),
        )
    )
    if position is None:
        return False
    await p.query.answer()
    await _drop_buttons(p.query.message, p.bot)
    await p.show(screen(Frame(content, who), position))
    return True


async def _on_answer(p: _Pressed) -> bool:
    """An answer to the question: mark it, give its feedback, then the practice task."""
    content, person, press, now = p.content, p.person, p.press, p.runtime.ts()
    chosen, who = await p.runtime.db.tx(
        lambda c: (
            svc.choose(c, content, person.id, press.lesson_id, press.value, now),
            svc.learner(c, person),
        )
    )
    if chosen is None:
        return False
    await p.query.answer()
    frame = Frame(content, who)
    marked = frame.ui(
        "lessons.question_answered",
        text=frame.html(chosen.lesson.question.text),
        choice=frame.plain(chosen.option.label),
    )
    await _edit_text(p.query.message, p.bot, marked)
    feedback = Reply(
        frame.ui("lessons.feedback", text=frame.html(chosen.option.feedback)), [frame.help_row()]
    )
    await p.show([feedback, practice(frame, chosen.lesson)])
    return True


async def _on_follow_up(p: _Pressed) -> bool:
    """How last lesson's practice went: record it, reply warmly, start the new lesson."""
    content, person, press, now = p.content, p.person, p.press, p.runtime.ts()
    followed, who = await p.runtime.db.tx(
        lambda c: (
            svc.answer_follow_up(c, content, person.id, press.lesson_id, press.value, now),
            svc.learner(c, person),
        )
    )
    if followed is None:
        return False
    await p.query.answer()
    frame = Frame(content, who)
    marked = frame.ui(
        "lessons.follow_up_answered",
        text=frame.html(followed.about.follow_up),
        choice=frame.label(f"lessons.button.follow_up.{followed.answer}"),
    )
    await _edit_text(p.query.message, p.bot, marked)
    reply = Reply(frame.ui(f"lessons.follow_up_reply.{followed.answer}"), [frame.help_row()])
    await p.show([reply, *screen(frame, followed.position)])
    return True


async def _on_say(p: _Pressed) -> bool:
    """🔊 on a step: send that step's recording (a step the caregiver has reached)."""
    content, person, press = p.content, p.person, p.press
    path = await p.runtime.db.run(
        lambda c: svc.recording(c, content, person.id, press.lesson_id, press.step)
    )
    if path is None:
        return False
    await p.query.answer()
    sent = await voice.send_recording(p.context.application, p.bot, p.chat_id, path)
    if sent is None:
        lang = content.language(person.lang)
        await p.bot.send_message(
            p.chat_id, content.ui("lessons.voice.unavailable", lang), parse_mode=ParseMode.HTML
        )
    return True


async def _on_go(p: _Pressed) -> bool:
    """The continue button: wherever /next would go."""
    content, person, now = p.content, p.person, p.runtime.ts()
    position, who = await p.runtime.db.tx(
        lambda c: (svc.resume(c, content, person.id, now), svc.learner(c, person))
    )
    await p.query.answer()
    await _drop_buttons(p.query.message, p.bot)
    await p.show(screen(Frame(content, who), position))
    return True


async def _on_help(p: _Pressed) -> bool:
    """Ask a volunteer: one open help request at a time, posted to the group at once."""
    content, person, now = p.content, p.person, p.runtime.ts()
    outcome, who = await p.runtime.db.tx(
        lambda c: (svc.request_help(c, content, person.id, now), svc.learner(c, person))
    )
    await p.query.answer()
    frame = Frame(content, who)
    if outcome is svc.HelpOutcome.RAISED:
        log.info("help request raised", extra={"person": person.pseudonym})
        wake(p.context.application)  # the background sender posts the card
        text = frame.ui("lessons.help.sent")
    else:
        text = frame.ui("lessons.help.already")
    await p.show([Reply(text, [frame.continue_row(), frame.help_row()])])
    return True


_ACTIONS: dict[str, Callable[[_Pressed], Awaitable[bool]]] = {
    "next": _on_next,
    "ans": _on_answer,
    "fu": _on_follow_up,
    "go": _on_go,
    "help": _on_help,
    "say": _on_say,
}


# --- reminders ------------------------------------------------------------------------------


async def send_nudges(app: App, now: datetime) -> int:
    """Remind caregivers who have not opened a lesson for a while; return how many arrived."""
    runtime: Runtime = app.bot_data[RUNTIME_KEY]
    content, config = runtime.content, runtime.config
    nudges = await runtime.db.tx(
        lambda c: svc.claim_nudges(
            c,
            content,
            now=now,
            after_days=config.lessons.nudge_after_days,
            quiet=config.quiet_hours,
            default_timezone=config.locale.timezone,
        )
    )
    ts = int(now.timestamp())
    outcomes = await send_each(nudges, lambda nudge: _send_nudge(app.bot, content, nudge))
    await runtime.db.tx(lambda c: svc.settle_nudges(c, outcomes, ts))
    sent = sent_count(outcomes)
    if sent:
        log.info("lesson reminders sent", extra={"count": sent})
    return sent


async def _send_nudge(bot: Bot, content: ContentBundle, nudge: svc.Nudge) -> svc.NudgeOutcome:
    """Send one reminder with the continue button; say how it went."""
    lang = content.language(nudge.lang)
    name = nudge.name or content.ui_label("lessons.default_name", lang)
    buttons: Buttons = [
        [(content.ui_label("lessons.button.continue", lang), pack(PREFIX, "go"))],
        [(content.ui_label("lessons.button.help", lang), pack(PREFIX, "help"))],
    ]
    text = content.ui("lessons.nudge", lang, name=name)
    return await send_one(
        bot, nudge.chat_id, text, keyboard(buttons), what="lesson reminder", person=nudge.pseudonym
    )


JOBS: list[PeriodicJob] = [PeriodicJob("lesson-nudges", NUDGE_INTERVAL, send_nudges)]


def register(app: App) -> None:
    """Add /lessons, /next and the lesson buttons (group 0, tried in registration order)."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("lessons", lessons_command, filters=private))
    app.add_handler(CommandHandler("next", next_command, filters=private))
    app.add_handler(CallbackQueryHandler(on_press, pattern=pattern(PREFIX)))
