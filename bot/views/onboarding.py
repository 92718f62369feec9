"""Onboarding messages: the flow's screens (language, consents, address, voice, welcomes),
invitation links, and a volunteer's family messages (/newfamily, /family, /erase, /deleteme).

Every button carries `ob:<kind>:<id>:<value>` (bot.telegram.onboarding routes it by kind).
What a screen does besides its message (the command menu, the emergency card, the parents'
screens) stays with the adapter; these functions only word the messages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.callbacks import pack
from bot.content import ContentBundle
from bot.outgoing import Button, Outgoing, Row, column
from bot.services import onboarding as service
from bot.services.onboarding import Created, Link, Member, Screen, ScreenName, Summary
from storage.families import Family
from storage.people import Person

PREFIX = "ob"
ADDRESSES = ("grandma", "grandpa", "waipo", "waigong", "laolao", "laoye", "other")
"""Forms of address offered at onboarding: maternal grandparents are 外婆/外公 in the south
and 姥姥/姥爷 in the north (Shandong, Henan); "other" stores no name (texts use a neutral one)."""
LINK_SCREENS = ("unknown", "expired", "used", "registered", "not_ready", "done")
"""What opening a link can end in, shown without a person (strangers read both languages)."""
PHONES = {"own": "onboarding.newfamily.own_phone", "shared": "onboarding.newfamily.shared_phone"}
"""/newfamily's phone answers and their labels."""
AGE_BUTTONS = {"young": "10-12", "older": "13-16"}
"""/newfamily's age answers and the age band each stores."""
CHILD_FINISHED = ("child_finished", "child_finished_shared")


def both(content: ContentBundle, key: str, **values: object) -> str:
    """Chinese, then English: for people whose language we do not know yet."""
    return f"{content.ui(key, 'zh', **values)}\n\n{content.ui(key, 'en', **values)}"


def button(content: ContentBundle, key: str, lang: str, *parts: object, **values: object) -> Button:
    """One `ob:` button labelled from the content."""
    return (content.ui_label(key, lang, **values), pack(PREFIX, *parts))


def chosen(label: str) -> str:
    """The mark a pressed question keeps once answered: the choice, ticked."""
    return "✅ " + label


@dataclass(frozen=True)
class Viewer:
    """Who sees a screen: its language, the sender's own, whether they have a role yet (else
    texts come in both languages), and how long a child's words are kept (consents say it)."""

    content: ContentBundle
    lang: str
    caller_lang: str
    known: bool
    days: int

    def ui(self, key: str, **values: object) -> str:
        """A text in the screen's language."""
        return self.content.ui(key, self.lang, **values)

    def button(self, key: str, *parts: object, **values: object) -> Button:
        """An `ob:` button in the screen's language."""
        return button(self.content, key, self.lang, *parts, **values)

    def yes_no(self, kind: str, target: int, agree: str, decline: str) -> Row:
        """One row: agree (`y`) and decline (`n`) for a consent."""
        return (self.button(agree, kind, target, "y"), self.button(decline, kind, target, "n"))


def screen(v: Viewer, shown: Screen, slot: tuple[int, int] | None = None) -> list[Outgoing] | None:
    """The message(s) of one screen a service returned; None when it lacks what it needs.

    `slot` is a finished child's (weekday, minute) of check-in, read by the adapter.
    """
    name = shown.name
    if name in LINK_SCREENS:
        return [link_outcome(v, name)]
    if name in _PLAIN:
        return [Outgoing(v.ui(_PLAIN[name]))]
    person = shown.person
    if person is None:
        return None
    if name in CHILD_FINISHED:
        return (
            None
            if slot is None
            else [child_welcome(v, slot, shared=name != ScreenName.CHILD_FINISHED)]
        )
    render = _FOR_PERSON.get(name)
    return None if render is None else render(v, shown, person)


def link_outcome(v: Viewer, name: str) -> Outgoing:
    """What opening a link ended in, for someone who may have no role yet."""
    if name == ScreenName.UNKNOWN and not v.known:
        return Outgoing(both(v.content, "basics.start_stranger"))
    key = f"onboarding.link.{name}"
    return Outgoing(v.content.ui(key, v.caller_lang) if v.known else both(v.content, key))


def _volunteer_welcome(v: Viewer, shown: Screen, person: Person) -> list[Outgoing]:
    return [Outgoing(v.ui("onboarding.volunteer.welcome", pseudonym=person.pseudonym))]


def _lang(v: Viewer, shown: Screen, person: Person) -> list[Outgoing]:
    row = tuple(
        button(v.content, f"onboarding.lang.{code}", code, "lang", person.id, code)
        for code in service.LANGUAGES
    )
    return [Outgoing(both(v.content, "onboarding.lang.prompt"), (row,))]


def _caregiver_consent(v: Viewer, shown: Screen, person: Person) -> list[Outgoing]:
    row = v.yes_no("cg", person.id, "onboarding.button.agree", "onboarding.button.decline")
    return [Outgoing(v.ui("onboarding.consent.caregiver", days=v.days), (row,))]


def _guardian_consent(v: Viewer, shown: Screen, person: Person) -> list[Outgoing] | None:
    child = shown.child
    if child is None:
        return None
    row = v.yes_no("gd", child.id, "onboarding.button.agree", "onboarding.button.decline")
    return [Outgoing(v.ui("onboarding.consent.guardian", days=v.days), (row,))]


def _address(v: Viewer, shown: Screen, person: Person) -> list[Outgoing]:
    buttons = [
        v.button(f"onboarding.address.{choice}", "adr", person.id, choice) for choice in ADDRESSES
    ]
    rows = (tuple(buttons[0:2]), tuple(buttons[2:4]), tuple(buttons[4:6]), tuple(buttons[6:]))
    return [Outgoing(v.ui("onboarding.address.prompt"), rows)]


def _voice(v: Viewer, shown: Screen, person: Person) -> list[Outgoing]:
    rows = column(
        v.button(f"lessons.voice.button.{value}", "vc", person.id, value) for value in ("on", "off")
    )
    return [Outgoing(v.ui("onboarding.voice.prompt"), rows)]


def _caregiver_finished(v: Viewer, shown: Screen, caregiver: Person) -> list[Outgoing]:
    """The welcome, then one "hand the phone over" prompt per shared-phone child."""
    name = caregiver.display_name or v.content.ui_label("lessons.default_name", v.lang)
    text = v.ui("onboarding.welcome.caregiver", name=name)
    if shown.children_ready:
        text += "\n\n" + v.ui("onboarding.welcome.children_ready")
    return [Outgoing(text), *handovers(v, shown.handover)]


def handovers(v: Viewer, children: Sequence[Person]) -> list[Outgoing]:
    """For each shared-phone child: hand the phone over so they can agree themselves."""
    placeholder = v.content.ui_label("onboarding.child.placeholder", v.lang)
    messages = []
    for child in children:
        nickname = child.display_name or placeholder
        hand = v.button("onboarding.handover.button", "hand", child.id, "go", nickname=nickname)
        messages.append(Outgoing(v.ui("onboarding.handover.prompt", nickname=nickname), ((hand,),)))
    return messages


def _child_consent(v: Viewer, shown: Screen, person: Person) -> list[Outgoing]:
    row = v.yes_no(
        "ch", person.id, "onboarding.button.child_agree", "onboarding.button.child_decline"
    )
    return [Outgoing(v.ui("onboarding.consent.child", days=v.days), (row,))]


def child_welcome(v: Viewer, slot: tuple[int, int], *, shared: bool) -> Outgoing:
    """A child's welcome, with the day and time of their weekly check-in."""
    weekday, minute = slot
    values = {
        "weekday": v.content.ui_label(f"onboarding.weekday.{weekday}", v.lang),
        "time": f"{minute // 60:02d}:{minute % 60:02d}",
    }
    key = "onboarding.child.welcome_shared" if shared else "onboarding.child.welcome"
    return Outgoing(v.ui(key, **values))


_PLAIN = {
    "caregiver_declined": "onboarding.caregiver.declined",
    "child_declined": "onboarding.child.declined",
}
"""Screens that are one text in the screen's language."""
_FOR_PERSON: dict[str, Callable[[Viewer, Screen, Person], list[Outgoing] | None]] = {
    "volunteer_welcome": _volunteer_welcome,
    "lang": _lang,
    "caregiver_consent": _caregiver_consent,
    "guardian_consent": _guardian_consent,
    "address": _address,
    "voice": _voice,
    "caregiver_finished": _caregiver_finished,
    "child_consent": _child_consent,
}
"""Which renderer words each screen that names a person."""


# --- links ------------------------------------------------------------------------------------


def last_day(at: int, zone: ZoneInfo) -> str:
    """A link's last day, in the deployment's zone."""
    return f"{datetime.fromtimestamp(at, zone):%Y-%m-%d}"


def family_link(
    content: ContentBundle, lang: str, link: Link, url: str, zone: ZoneInfo
) -> Outgoing:
    """One caregiver's or child's link, alone in its message so it can be forwarded."""
    key = "onboarding.link.child" if link.role == "child" else "onboarding.link.caregiver"
    text = content.ui(
        key, lang, pseudonym=link.pseudonym or "", link=url, until=last_day(link.expires_at, zone)
    )
    return Outgoing(text)


def volunteer_link(
    content: ContentBundle, lang: str, link: Link, url: str, zone: ZoneInfo
) -> Outgoing:
    """An admin's one-time link that registers a volunteer."""
    until = last_day(link.expires_at, zone)
    return Outgoing(content.ui("onboarding.invite.link", lang, link=url, until=until))


# --- a volunteer's families -------------------------------------------------------------------


def new_family_phone(content: ContentBundle, lang: str, volunteer_id: int, label: str) -> Outgoing:
    """/newfamily's first question: does the child have a phone of their own?"""
    row = tuple(
        button(content, key, lang, "nf", volunteer_id, value) for value, key in PHONES.items()
    )
    return Outgoing(content.ui("onboarding.newfamily.ask_phone", lang, label=label), (row,))


def new_family_age(content: ContentBundle, lang: str, volunteer_id: int) -> Outgoing:
    """/newfamily's second question: the child's age band."""
    row = tuple(
        button(content, f"onboarding.newfamily.age.{code}", lang, "age", volunteer_id, code)
        for code in AGE_BUTTONS
    )
    return Outgoing(content.ui("onboarding.newfamily.ask_age", lang), (row,))


def family_created(content: ContentBundle, lang: str, created: Created) -> Outgoing:
    """The new family's pseudonyms and how the child is reached (its links follow)."""
    phone = (
        "onboarding.newfamily.phone_shared"
        if created.shared_phone
        else "onboarding.newfamily.phone_own"
    )
    text = content.ui(
        "onboarding.newfamily.created",
        lang,
        family=created.family.pseudonym,
        label=created.family.label,
        caregiver=created.caregiver.pseudonym,
        child=created.child.pseudonym,
        phone=content.ui_label(phone, lang),
    )
    return Outgoing(text)


def family_pick(content: ContentBundle, lang: str, found: Sequence[Family]) -> Outgoing:
    """/family without a name: one button per family the volunteer can see."""
    rows = column(
        (f"{f.pseudonym} · {f.label[:24]}", pack(PREFIX, "fam", f.id, "show")) for f in found
    )
    return Outgoing(content.ui("onboarding.family.pick", lang), rows)


def family_summary(
    content: ContentBundle, lang: str, summary: Summary, parents_text: str, parents_row: Row
) -> Outgoing:
    """One family's summary with "fresh links" and, under it, the parents' section and row."""
    chosen_family = summary.family
    lines = [_member_line(content, lang, member) for member in summary.members]
    if not any(m.child is None for m in summary.members):
        lines.insert(0, content.ui("onboarding.family.no_caregiver", lang))
    text = content.ui(
        "onboarding.family.summary",
        lang,
        family=chosen_family.pseudonym,
        label=chosen_family.label,
        volunteer=summary.volunteer or "—",
        timezone=chosen_family.timezone,
    )
    text += "\n" + "\n".join(lines) + "\n\n" + content.ui("onboarding.family.nickname_hint", lang)
    text += "\n\n" + parents_text
    fresh = button(content, "onboarding.family.fresh_button", lang, "fl", chosen_family.id, "go")
    return Outgoing(text, ((fresh,), parents_row))


def _member_line(content: ContentBundle, lang: str, member: Member) -> str:
    """One member's line: a caregiver's, or a child's with their settings (never answers)."""

    def label(key: str) -> str:
        return content.ui_label(key, lang)

    def state(decision: str | None) -> str:
        return label(f"onboarding.consent_state.{decision or 'none'}")

    person = member.person
    paused = label("onboarding.family.paused") if person.paused else ""
    status = label(f"onboarding.status.{person.status}")
    if member.child is None:
        return content.ui(
            "onboarding.family.caregiver_line",
            lang,
            pseudonym=person.pseudonym,
            status=status,
            consent=state(member.own_consent),
            paused=paused,
        )
    phone = (
        "onboarding.family.phone_shared"
        if member.child.shared_phone
        else "onboarding.family.phone_own"
    )
    return content.ui(
        "onboarding.family.child_line",
        lang,
        pseudonym=person.pseudonym,
        name=person.display_name or "—",
        age=member.child.age_band or "?",
        phone=label(phone),
        status=status,
        guardian=state(member.guardian),
        consent=state(member.own_consent),
        paused=paused,
        unreachable=label("onboarding.family.unreachable") if person.unreachable_at else "",
    )


def erase_question(content: ContentBundle, lang: str, family: Family, people: int) -> Outgoing:
    """/erase's confirmation: what will be deleted, and yes / no."""
    text = content.ui(
        "onboarding.erase.confirm", lang, family=family.pseudonym, label=family.label, people=people
    )
    row = (
        button(content, "onboarding.erase.yes", lang, "era", family.id, "y"),
        button(content, "onboarding.erase.no", lang, "era", family.id, "n"),
    )
    return Outgoing(text, (row,))


def deleteme_question(content: ContentBundle, person: Person) -> Outgoing:
    """/deleteme's confirmation for a caregiver or a parent, in their language."""
    lang = person.lang
    key = "parents.deleteme.confirm" if person.role == "parent" else "onboarding.deleteme.confirm"
    row = (
        button(content, "onboarding.deleteme.yes", lang, "del", person.id, "y"),
        button(content, "onboarding.deleteme.no", lang, "del", person.id, "n"),
    )
    return Outgoing(content.ui(key, lang), (row,))
