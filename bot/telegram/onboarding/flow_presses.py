"""Presses inside a caregiver's or child's flow (language, consents, address, voice, the
shared phone's hand-over): one entry per button kind, the service checks the press."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.services import onboarding as service
from bot.services.onboarding import Decision, Screen
from bot.telegram.context import Ctx, caller_of
from bot.telegram.onboarding._ui import log, retire, say, stale
from bot.telegram.onboarding.screens import show
from bot.telegram.press import Pressed
from bot.views import onboarding as views


@dataclass(frozen=True)
class StepPress:
    """One flow press being handled: the press, what it names, and the language shown."""

    p: Pressed
    target: int
    value: str
    lang: str


Outcome = tuple[Screen | None, str | None]
"""What the service returned (None: refused) and the mark the pressed message keeps."""


async def _lang(s: StepPress) -> Outcome:
    runtime = s.p.runtime
    if s.value not in service.LANGUAGES:
        return None, None
    mark = views.chosen(runtime.content.ui(f"onboarding.lang.{s.value}", "zh"))
    now, chat_id, user_id = runtime.ts(), s.p.chat_id, s.p.user_id
    result = await runtime.db.tx(
        lambda c: service.choose_language(
            c, chat_id=chat_id, user_id=user_id, person_id=s.target, lang=s.value, now=now
        )
    )
    return result, mark


def _consent(kind: str) -> Callable[[StepPress], Awaitable[Outcome]]:
    async def run(s: StepPress) -> Outcome:
        if s.value not in ("y", "n"):
            return None, None
        content = s.p.runtime.content
        agree = s.value == "y"
        decided = "agreed" if agree else "declined"
        mark = content.ui(
            f"onboarding.decision.{'child_' if kind == 'ch' else ''}{decided}", s.lang
        )
        decision = Decision(
            chat_id=s.p.chat_id,
            user_id=s.p.user_id,
            target=s.target,
            agree=agree,
            version=int(content.ui_label("onboarding.consent.version", s.lang)),
            now=s.p.runtime.ts(),
            first_name=s.p.query.from_user.first_name,
        )
        return await s.p.runtime.db.tx(lambda c: service.decide(c, kind, decision)), mark

    return run


async def _address(s: StepPress) -> Outcome:
    if s.value not in views.ADDRESSES:
        return None, None
    content = s.p.runtime.content
    key = f"onboarding.address.{s.value}"
    label = None if s.value == "other" else content.ui_label(key, s.lang)
    now, chat_id, user_id = s.p.runtime.ts(), s.p.chat_id, s.p.user_id
    result = await s.p.runtime.db.tx(
        lambda c: service.choose_address(
            c, chat_id=chat_id, user_id=user_id, person_id=s.target, name=label, now=now
        )
    )
    return result, views.chosen(content.ui(key, s.lang))


async def _voice(s: StepPress) -> Outcome:
    if s.value not in ("on", "off"):
        return None, None
    now, chat_id, user_id = s.p.runtime.ts(), s.p.chat_id, s.p.user_id
    result = await s.p.runtime.db.tx(
        lambda c: service.choose_voice(
            c, chat_id=chat_id, user_id=user_id, person_id=s.target, on=s.value == "on", now=now
        )
    )
    return result, views.chosen(
        s.p.runtime.content.ui_label(f"lessons.voice.button.{s.value}", s.lang)
    )


async def _handover(s: StepPress) -> Outcome:
    if s.value != "go":
        return None, None
    chat_id, user_id = s.p.chat_id, s.p.user_id
    result = await s.p.runtime.db.run(
        lambda c: service.handover(c, chat_id=chat_id, user_id=user_id, child_id=s.target)
    )
    return result, None


STEPS: dict[str, Callable[[StepPress], Awaitable[Outcome]]] = {
    "lang": _lang,
    "cg": _consent("cg"),
    "gd": _consent("gd"),
    "ch": _consent("ch"),
    "adr": _address,
    "vc": _voice,
    "hand": _handover,
}
"""The flow's button kinds (the first part of `ob:<kind>:<id>:<value>`)."""


async def on_step(p: Pressed, context: Ctx, action: str, target: int, value: str) -> None:
    """Run one flow press; a refused one gets the pop-up in the language it was shown in."""
    runtime = p.runtime
    if action == "gd":
        lang = p.caller.lang
    else:
        shown = await runtime.db.run(lambda c: service.shown_lang(c, target))
        lang = shown or p.caller.lang
    result, mark = await STEPS[action](StepPress(p, target, value, lang))
    if result is None:
        await stale(p, lang)
        return
    await p.answer()
    await retire(p, mark)
    if action == "gd" and value == "n":
        await say(context, p.chat_id, runtime.content.ui("onboarding.guardian.declined", lang))
    log.info("onboarding step", extra={"action": action, "screen": result.name})
    await show(context, p.chat_id, result, caller=await caller_of(p.update, context))
