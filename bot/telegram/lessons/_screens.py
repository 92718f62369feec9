"""Lesson screens as messages: texts in the caregiver's words, big buttons, and sending them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.content import ContentBundle, Lesson, Localized
from bot.services import lessons as svc
from bot.services.follow_through import PLANS
from bot.services.lessons import Learner, LessonScreen, Position
from bot.telegram import voice
from bot.telegram.callbacks import pack
from bot.telegram.context import App

PREFIX = "ls"
HELP_DATA = pack(PREFIX, "help")
THROUGH_PREFIX = "ft"
"""Follow-through buttons (the day to try, how it went): bot.telegram.follow_through."""

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
    if position.screen is LessonScreen.ALL_DONE or lesson is None:
        return [Reply(frame.ui("lessons.all_done"), [frame.help_row()])]
    if position.screen is LessonScreen.FOLLOW_UP and position.follow_up_of is not None:
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
    if position.screen is LessonScreen.STEP:
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
    if position.screen is LessonScreen.QUESTION:
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


async def send(app: App, bot: Bot, chat_id: int, replies: list[Reply]) -> None:
    """Send messages in order; a reply with a voice file goes as that voice note if it can."""
    for reply in replies:
        markup = keyboard(reply.buttons)
        if reply.voice is not None and await voice.send_step(
            app, bot, chat_id, reply.voice, reply.text, markup
        ):
            continue
        await bot.send_message(chat_id, reply.text, reply_markup=markup)
