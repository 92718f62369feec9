"""/checkin_time: choosing a child's check-in weekday, then the time, by buttons."""

from __future__ import annotations

from functools import partial

from bot.outgoing import Outgoing
from bot.services import checkins as svc
from bot.services.schedule import hhmm
from bot.telegram.command import PASS_ON, Commanded, PassOn, command
from bot.telegram.context import Ctx
from bot.telegram.keyboards import api_markup
from bot.telegram.press import Pressed, number_parts, press


@command
async def checkin_time_command(cmd: Commanded, context: Ctx) -> PassOn | None:
    """/checkin_time: choose the weekday, then the time, by buttons."""
    runtime, user_id, chat_id = cmd.runtime, cmd.caller.user_id, cmd.chat_id
    if user_id is None:  # pragma: no cover - @command only hands over updates with a sender
        return PASS_ON
    homes = await runtime.db.run(lambda c: svc.slot_targets(c, user_id=user_id, chat_id=chat_id))
    if homes is None:
        return PASS_ON
    for home in homes:
        out = svc.weekday_keyboard(runtime.content, home)
        await cmd.reply_html(out.text, api_kwargs=api_markup(out.buttons))
    return None


@press(svc.DAY, 2, valid=number_parts(0, 1))
async def on_day(p: Pressed, context: Ctx) -> None:
    """A weekday press: offer the times."""
    await _slot_press(p, None)


@press(svc.TIME, 3, valid=number_parts(0, 1, 2))
async def on_time(p: Pressed, context: Ctx) -> None:
    """A time press: store the new slot and the next due moment."""
    await _slot_press(p, p.data.int_part(2))


async def _slot_press(p: Pressed, minute: int | None) -> None:
    """Check and store the press, then show the times (a weekday) or the new slot (a time)."""
    runtime = p.runtime
    child_id, weekday = p.data.int_part(0), p.data.int_part(1)
    result = await runtime.db.tx(
        partial(
            svc.slot_press_tx,
            user_id=p.user_id,
            chat_id=p.chat_id,
            child_id=child_id,
            weekday=weekday,
            minute=minute,
            now=runtime.ts(),
        )
    )
    if isinstance(result, svc.Refusal):
        await p.answer(result.key, result.lang)
        return
    await p.answer()
    content = runtime.content
    if minute is None:
        out = svc.time_keyboard(content, result, weekday)
    else:
        lang = result.child.lang
        out = Outgoing(
            content.ui(
                "checkins.time_set",
                lang,
                weekday=svc.weekday_name(content, weekday, lang),
                time=hhmm(minute),
            )
        )
    await p.edit_text(
        out.text, api_kwargs=api_markup(out.buttons)
    )  # a double press: "not modified"
