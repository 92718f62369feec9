"""The `ls:` lesson buttons: decoded by `@press`, decided (who pressed included) by the service."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from bot.callbacks import Callback, CallbackDataError
from bot.outgoing import Outgoing
from bot.services import lessons as svc
from bot.services.lessons import Learner, NotYours, Position
from bot.telegram import voice
from bot.telegram.context import Ctx
from bot.telegram.outbox_sender import wake
from bot.telegram.outgoing import send_all
from bot.telegram.press import Pressed, press
from bot.views import lessons as views
from bot.views.lessons import PREFIX, Frame
from storage.people import Person

log = logging.getLogger(__name__)
T = TypeVar("T")

ARITY = {"next": 3, "ans": 3, "fu": 3, "go": 1, "help": 1, "say": 3}
"""Each lesson button action and its number of parts (the action included)."""
STALE = "lessons.press.stale"
Refused = NotYours | None
"""A press that changed nothing: by someone else (NotYours) or stale (None)."""
Shown = Literal[True]
"""A press that was taken and its result shown."""


@dataclass(frozen=True)
class Press:
    """A decoded lesson button press (not yet checked against the database)."""

    action: str
    lesson_id: str = ""
    step: int = 0
    value: str = ""

    @classmethod
    def of(cls, data: Callback) -> Press:
        """The press in data that `shaped` accepted."""
        action, *rest = data.parts
        if not rest:
            return cls(action)
        if action in ("next", "say"):
            return cls(action, rest[0], step=data.int_part(2))
        return cls(action, rest[0], value=rest[1])


def shaped(data: Callback) -> bool:
    """A known action with its number of parts, a step number, a known follow-up answer."""
    action = data.parts[0]
    if ARITY.get(action) != len(data.parts):
        return False
    try:
        Press.of(data)
    except CallbackDataError:
        return False
    return action != "fu" or data.parts[2] in svc.FOLLOW_UP_ANSWERS


@press(PREFIX, (1, 3), valid=shaped, stale=STALE)
async def on_press(p: Pressed, context: Ctx) -> None:
    """Every `ls:` button: the service checks the presser and decides, then the chat shows it."""
    pressed = Press.of(p.data)
    if pressed.lesson_id and svc.known_lesson(p.runtime.content, pressed.lesson_id) is None:
        log.info("lesson button with unknown data", extra={"update_id": p.update_id})
        await p.answer(STALE)
        return
    done = await _ACTIONS[pressed.action](p, context, pressed)
    if isinstance(done, NotYours):
        log.info("lesson button pressed by someone else", extra={"update_id": p.update_id})
        await p.answer("lessons.press.not_yours")
    elif done is None:
        log.info("stale lesson button", extra={"update_id": p.update_id})
        await p.answer(STALE)


async def _as_taker(
    p: Pressed, act: Callable[[sqlite3.Connection, Person], T | None]
) -> tuple[T, Learner] | Refused:
    """Run `act` in one transaction that first checks the presser may take lessons here."""
    return await p.runtime.db.tx(lambda c: svc.as_taker(c, p.user_id, p.chat_id, act))


async def _show(p: Pressed, context: Ctx, messages: list[Outgoing]) -> None:
    """Send into the chat the press came from."""
    await send_all(context.application, p.chat_id, messages)


async def _moved(
    p: Pressed, context: Ctx, done: tuple[Position, Learner] | Refused
) -> Refused | Shown:
    """A press that moved the caregiver on: its buttons go, the new position is shown."""
    if not isinstance(done, tuple):
        return done
    position, who = done
    await p.answer()
    await p.edit_markup(None)
    await _show(p, context, views.screen(Frame(p.runtime.content, who), position))
    return True


async def _on_next(p: Pressed, context: Ctx, press: Press) -> Refused | Shown:
    """Next on a step: the following step, or the question after the last one."""
    content, now = p.runtime.content, p.runtime.ts()
    done = await _as_taker(
        p, lambda c, me: svc.advance(c, content, me.id, press.lesson_id, press.step, now)
    )
    return await _moved(p, context, done)


async def _on_answer(p: Pressed, context: Ctx, press: Press) -> Refused | Shown:
    """An answer to the question: mark it, give its feedback, then the practice task."""
    content, now = p.runtime.content, p.runtime.ts()
    done = await _as_taker(
        p, lambda c, me: svc.choose(c, content, me.id, press.lesson_id, press.value, now)
    )
    if not isinstance(done, tuple):
        return done
    chosen, who = done
    await p.answer()
    frame = Frame(content, who)
    await p.edit_text(views.answered(frame, chosen))
    await _show(p, context, views.feedback(frame, chosen))
    return True


async def _on_follow_up(p: Pressed, context: Ctx, press: Press) -> Refused | Shown:
    """How last lesson's practice went: record it, reply warmly, start the new lesson."""
    content, now = p.runtime.content, p.runtime.ts()
    done = await _as_taker(
        p,
        lambda c, me: svc.answer_follow_up(c, content, me.id, press.lesson_id, press.value, now),
    )
    if not isinstance(done, tuple):
        return done
    followed, who = done
    await p.answer()
    frame = Frame(content, who)
    await p.edit_text(views.followed_up(frame, followed))
    await _show(p, context, views.follow_up_reply(frame, followed))
    return True


async def _on_say(p: Pressed, context: Ctx, press: Press) -> Refused | Shown:
    """🔊 on a step: send that step's recording (a step the caregiver has reached)."""
    content = p.runtime.content
    done = await _as_taker(
        p, lambda c, me: svc.recording(c, content, me.id, press.lesson_id, press.step)
    )
    if not isinstance(done, tuple):
        return done
    path, who = done
    await p.answer()
    sent = await voice.send_recording(context.application, context.bot, p.chat_id, path)
    if sent is None:
        lang = content.language(who.person.lang)
        await context.bot.send_message(p.chat_id, content.ui("lessons.voice.unavailable", lang))
    return True


async def _on_go(p: Pressed, context: Ctx, press: Press) -> Refused | Shown:
    """The continue button: wherever /next would go."""
    content, now = p.runtime.content, p.runtime.ts()
    done = await _as_taker(p, lambda c, me: svc.resume(c, content, me.id, now))
    return await _moved(p, context, done)


async def _on_help(p: Pressed, context: Ctx, press: Press) -> Refused | Shown:
    """Ask a volunteer: one open help request at a time, posted to the group at once."""
    content, now = p.runtime.content, p.runtime.ts()
    done = await _as_taker(p, lambda c, me: svc.request_help(c, content, me.id, now))
    if not isinstance(done, tuple):
        return done
    outcome, who = done
    await p.answer()
    if outcome is svc.HelpOutcome.RAISED:
        log.info("help request raised", extra={"person": who.person.pseudonym})
        wake(context.application)  # the background sender posts the card
    await _show(p, context, [views.help_reply(Frame(content, who), outcome)])
    return True


_ACTIONS: dict[str, Callable[[Pressed, Ctx, Press], Awaitable[Refused | Shown]]] = {
    "next": _on_next,
    "ans": _on_answer,
    "fu": _on_follow_up,
    "go": _on_go,
    "help": _on_help,
    "say": _on_say,
}
