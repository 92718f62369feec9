"""Rendering the screens the onboarding services return: one renderer per screen name."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot.content import ContentBundle
from bot.services import onboarding as service
from bot.services.onboarding import Screen
from bot.telegram import emergency, parents
from bot.telegram.context import Caller, Ctx
from bot.telegram.onboarding._ui import both, button, keyboard, log, send
from bot.telegram.onboarding.menus import set_chat_commands
from storage.people import Person

ADDRESSES = ("grandma", "grandpa", "waipo", "waigong", "laolao", "laoye", "other")
"""Forms of address offered at onboarding: maternal grandparents are 外婆/外公 in the south
and 姥姥/姥爷 in the north (Shandong, Henan); "other" stores no name (texts use a neutral one)."""
LINK_SCREENS = ("unknown", "expired", "used", "registered", "not_ready", "done")


@dataclass(frozen=True)
class View:
    """One screen about to be shown: where, in which language, to whom."""

    context: Ctx
    chat_id: int
    screen: Screen
    lang: str
    known: bool  # the caller has a role (else texts come in both languages)

    @property
    def content(self) -> ContentBundle:
        """The content bundle."""
        return self.context.runtime.content

    async def send(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Send a message in the screen's chat."""
        await send(self.context, self.chat_id, text, markup)

    def text(self, key: str, **values: object) -> str:
        """A text in the screen's language."""
        return self.content.ui(key, self.lang, **values)

    @property
    def days(self) -> int:
        """How long a child's words are kept (the consent texts say it)."""
        return self.context.runtime.config.retention.child_text_days


async def show(context: Ctx, chat_id: int, screen: Screen, *, caller: Caller) -> None:
    """Render one screen a service returned."""
    person = screen.person
    lang = person.lang if person is not None else caller.lang
    view = View(context, chat_id, screen, lang, caller.role != "stranger")
    name = screen.name
    if name.startswith("parent_"):
        await parents.show(context, chat_id, screen)
    elif name in LINK_SCREENS:
        await _link_screen(view, caller.lang)
    elif name in _PLAIN:
        await _PLAIN[name](view)
    elif name in _FOR_PERSON and person is not None:
        await _FOR_PERSON[name](view, person)
    else:  # a screen without the person it needs: nothing sensible to show
        log.warning("onboarding screen not shown", extra={"screen": name})


async def _link_screen(v: View, caller_lang: str) -> None:
    name = v.screen.name
    if name == "unknown" and not v.known:
        await v.send(both(v.content, "basics.start_stranger"))
        return
    key = f"onboarding.link.{name}"
    await v.send(v.content.ui(key, caller_lang) if v.known else both(v.content, key))


def _two(v: View, first: tuple[object, ...], second: tuple[object, ...]) -> InlineKeyboardMarkup:
    """A keyboard of one row with two `ob:` buttons (label key first, then the parts)."""
    row = [button(v.content, str(key), v.lang, *parts) for key, *parts in (first, second)]
    return keyboard([row])


async def _volunteer_welcome(v: View, person: Person) -> None:
    await v.send(v.text("onboarding.volunteer.welcome", pseudonym=person.pseudonym))
    await set_chat_commands(v.context.bot, v.content, v.chat_id, "volunteer", v.lang)


async def _lang(v: View, person: Person) -> None:
    buttons = [
        button(v.content, f"onboarding.lang.{code}", code, "lang", person.id, code)
        for code in service.LANGUAGES
    ]
    await v.send(both(v.content, "onboarding.lang.prompt"), keyboard([buttons]))


async def _caregiver_consent(v: View, person: Person) -> None:
    markup = _two(
        v,
        ("onboarding.button.agree", "cg", person.id, "y"),
        ("onboarding.button.decline", "cg", person.id, "n"),
    )
    await v.send(v.text("onboarding.consent.caregiver", days=v.days), markup)


async def _guardian_consent(v: View, person: Person) -> None:
    child = v.screen.child
    if child is None:
        log.warning("onboarding screen not shown", extra={"screen": v.screen.name})
        return
    markup = _two(
        v,
        ("onboarding.button.agree", "gd", child.id, "y"),
        ("onboarding.button.decline", "gd", child.id, "n"),
    )
    await v.send(v.text("onboarding.consent.guardian", days=v.days), markup)


async def _address(v: View, person: Person) -> None:
    buttons = [
        button(v.content, f"onboarding.address.{choice}", v.lang, "adr", person.id, choice)
        for choice in ADDRESSES
    ]
    markup = keyboard([buttons[0:2], buttons[2:4], buttons[4:6], buttons[6:]])
    await v.send(v.text("onboarding.address.prompt"), markup)


async def _voice(v: View, person: Person) -> None:
    markup = keyboard(
        [
            [button(v.content, "lessons.voice.button.on", v.lang, "vc", person.id, "on")],
            [button(v.content, "lessons.voice.button.off", v.lang, "vc", person.id, "off")],
        ]
    )
    await v.send(v.text("onboarding.voice.prompt"), markup)


async def _caregiver_finished(v: View, caregiver: Person) -> None:
    content, lang, screen = v.content, v.lang, v.screen
    name = caregiver.display_name or content.ui_label("lessons.default_name", lang)
    text = content.ui("onboarding.welcome.caregiver", lang, name=name)
    if screen.children_ready:
        text += "\n\n" + content.ui("onboarding.welcome.children_ready", lang)
    await v.send(text)
    if screen.first_time:
        await emergency.send_card(v.context.bot, content, v.chat_id, lang)
    await set_chat_commands(v.context.bot, content, v.chat_id, "caregiver", lang)
    placeholder = content.ui_label("onboarding.child.placeholder", lang)
    for child in screen.handover:
        nickname = child.display_name or placeholder
        hand = button(
            content, "onboarding.handover.button", lang, "hand", child.id, "go", nickname=nickname
        )
        await v.send(v.text("onboarding.handover.prompt", nickname=nickname), keyboard([[hand]]))


async def _child_consent(v: View, person: Person) -> None:
    markup = _two(
        v,
        ("onboarding.button.child_agree", "ch", person.id, "y"),
        ("onboarding.button.child_decline", "ch", person.id, "n"),
    )
    await v.send(v.text("onboarding.consent.child", days=v.days), markup)


async def _child_finished(v: View, person: Person) -> None:
    runtime = v.context.runtime
    weekday, minute = await runtime.db.run(lambda c: service.checkin_slot(c, person.id))
    slot = {
        "weekday": v.content.ui_label(f"onboarding.weekday.{weekday}", v.lang),
        "time": f"{minute // 60:02d}:{minute % 60:02d}",
    }
    shared = v.screen.name == "child_finished_shared"
    key = "onboarding.child.welcome_shared" if shared else "onboarding.child.welcome"
    await v.send(v.text(key, **slot))
    if not shared:
        await set_chat_commands(v.context.bot, v.content, v.chat_id, "child", v.lang)


_PLAIN: dict[str, Callable[[View], Awaitable[None]]] = {
    "caregiver_declined": lambda v: v.send(v.text("onboarding.caregiver.declined")),
    "child_declined": lambda v: v.send(v.text("onboarding.child.declined")),
}
_FOR_PERSON: dict[str, Callable[[View, Person], Awaitable[None]]] = {
    "volunteer_welcome": _volunteer_welcome,
    "lang": _lang,
    "caregiver_consent": _caregiver_consent,
    "guardian_consent": _guardian_consent,
    "address": _address,
    "voice": _voice,
    "caregiver_finished": _caregiver_finished,
    "child_consent": _child_consent,
    "child_finished": _child_finished,
    "child_finished_shared": _child_finished,
}
"""Which renderer shows each screen that names a person."""
