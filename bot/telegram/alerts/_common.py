"""Who is acting on the desk, how a refusal reads, and where the claimer's private chat is."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Bot, CallbackQuery
from telegram.constants import ChatType

from bot.runtime import Runtime
from bot.services import alerts as svc
from bot.services.alerts import Actor, Edit
from bot.telegram.command import Commanded
from bot.telegram.context import Caller
from bot.telegram.outbox_sender import edit_card
from storage import people


@dataclass(frozen=True)
class Who:
    """The acting volunteer (None for anyone else) and the language to answer in."""

    actor: Actor | None
    lang: str


async def who_acts(runtime: Runtime, caller: Caller) -> Who:
    """Look the caller up as a volunteer (a config admin gets their people row here)."""
    user_id = caller.user_id
    if user_id is None:
        return Who(None, "zh")
    now = runtime.ts()
    actor = await runtime.db.tx(
        lambda c: svc.actor_tx(
            c, telegram_user_id=user_id, is_config_admin=caller.is_admin, now=now
        )
    )
    if actor is not None:
        return Who(actor, runtime.content.language(actor.lang))
    return Who(None, runtime.content.language(caller.lang))


async def volunteer(c: Commanded) -> Who | None:
    """The volunteer behind a command, or None after telling a stranger in private (a group
    stays quiet: the desk's commands are not for the other people in it)."""
    who = await who_acts(c.runtime, c.caller)
    if who.actor is not None:
        return who
    if c.private:
        await c.reply("alerts.volunteers_only")  # c.lang: the caller's, as who.lang
    return None


async def say(c: Commanded, who: Who, key: str, **values: object) -> None:
    """Answer a command with an interface text in the volunteer's language."""
    await c.reply_html(c.runtime.content.ui(key, who.lang, **values))


def refusal(runtime: Runtime, result: svc.ResolveResult, lang: str, alert_id: int) -> str:
    """Why an alert cannot be closed by this volunteer, as plain text (a pop-up's, a reply's;
    escaped where it goes into HTML)."""
    ui = runtime.content.ui_label
    code = result.alert.code if result.alert else f"A-{alert_id}"
    if result.status == "closed":
        return ui("alerts.resolve.already", lang, code=code)
    if result.status == "not_yours":
        return ui("alerts.resolve.not_yours", lang, code=code, volunteer=result.holder or "-")
    return ui("alerts.unknown", lang, code=code)


async def private_chat(runtime: Runtime, actor: Actor) -> int:
    """A private chat's id is the user's id; the people row knows it."""
    person = await runtime.db.run(lambda c: people.by_id(c, actor.person_id))
    if person is None or person.telegram_user_id is None:
        raise LookupError("acting volunteer has no Telegram account")
    return person.telegram_user_id


def group_message(query: CallbackQuery) -> tuple[int, int] | None:
    """The pressed message's chat and id, when it is in a group or channel (a card copy)."""
    message = query.message
    if message is None or message.chat.type == ChatType.PRIVATE:
        return None
    return message.chat.id, message.message_id


async def apply_edits(bot: Bot, edits: list[Edit], query: CallbackQuery | None = None) -> None:
    """Edit every sent copy of a card; the pressed message too if it was not one of them."""
    targets = [(e.chat_id, e.message_id, e.card) for e in edits]
    if query is not None and query.message is not None and edits:
        pressed = (query.message.chat.id, query.message.message_id)
        if all((chat_id, message_id) != pressed for chat_id, message_id, _ in targets):
            targets.append((*pressed, edits[0].card))
    for chat_id, message_id, card in targets:
        await edit_card(bot, chat_id, message_id, card)
