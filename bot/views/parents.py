"""What parents and volunteers see of the parents' feature, in their words, with buttons.

The join flow's questions, the weekly reminder, /calltime, a child's /sharing, the family
section and its "invite a parent" button, and the claimer's "ask the parent to call" offer.
Every press is `pa:<action>:<id>:<value>` (bot.telegram.parents decodes and checks it). The
weekly reminder's buttons are stored in the outbox as they are, so their shape is JSON-safe.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from markupsafe import Markup

from bot.callbacks import pack
from bot.content import ContentBundle
from bot.content import starters as starters_content
from bot.outgoing import Button, Buttons, Outgoing, column, grid
from bot.services import onboarding as onboarding_service
from bot.services import parents as svc
from bot.services.onboarding import Link, ScreenName
from bot.services.parent_calls import Reminder, WeekContact
from storage import parents as repo
from storage.families import Family
from storage.people import Person

PREFIX = "pa"
JOIN = 0
"""The id part of a join-flow press: the flow is the chat's own, so it names nothing."""
_STARTERS: dict[str, starters_content.Starters] = {}


def starters(content: ContentBundle) -> starters_content.Starters:
    """The starters of this content folder, read once (checked by `qiao content check`)."""
    key = str(Path(content.root).resolve())
    if key not in _STARTERS:
        _STARTERS[key] = starters_content.load(Path(content.root))[0]
    return _STARTERS[key]


def button(content: ContentBundle, key: str, lang: str, *parts: object, **values: object) -> Button:
    """One `pa:` button labelled from the content."""
    return content.ui_label(key, lang, **values), pack(PREFIX, *parts)


def clock(minute: int) -> str:
    """Minutes after midnight as HH:MM."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def slot_text(content: ContentBundle, lang: str, weekday: int, minute: int) -> dict[str, str]:
    """A weekly slot as the texts name it: weekday and HH:MM."""
    return {
        "weekday": content.ui_label(f"onboarding.weekday.{weekday}", lang),
        "time": clock(minute),
    }


# --- joining ------------------------------------------------------------------------------


def choices(
    content: ContentBundle, lang: str, action: str, pairs: list[tuple[str, str]], width: int = 2
) -> Buttons:
    """Join-flow buttons `pa:<action>:0:<value>` for (label key, value) pairs, `width` a row."""
    return grid((button(content, key, lang, action, JOIN, value) for key, value in pairs), width)


def day_prompt(content: ContentBundle, lang: str, action: str) -> Outgoing:
    """The weekly call day: seven weekday buttons, four to a row."""
    days = [(f"onboarding.weekday.{d}", str(d)) for d in range(7)]
    return Outgoing(
        content.ui("parents.day.prompt", lang), choices(content, lang, action, days, width=4)
    )


def time_prompt(
    content: ContentBundle, lang: str, setting: repo.Settings, action: str, target: object
) -> Outgoing:
    """The call times outside the parent's quiet hours, four to a row."""
    times = [(clock(m), pack(PREFIX, action, target, m)) for m in svc.allowed_minutes(setting)]
    return Outgoing(content.ui("parents.time.prompt", lang), grid(times, 4))


def link_screen(content: ContentBundle, name: str, person: Person | None) -> Outgoing | None:
    """A parent screen that onboarding's link handler returned (None: not a parent screen)."""
    if name == ScreenName.PARENT_ADDED and person is not None:
        return Outgoing(content.ui("parents.added", person.lang))
    if name == ScreenName.PARENT_LANG and person is not None:
        text = "\n\n".join(content.ui("onboarding.lang.prompt", code) for code in ("zh", "en"))
        pairs = [(f"onboarding.lang.{code}", code) for code in onboarding_service.LANGUAGES]
        return Outgoing(text, choices(content, "zh", "lang", pairs))
    return None


_CHOICES: dict[str, tuple[str, str, list[tuple[str, str]], int]] = {
    "parent_consent": (
        "parents.consent",
        "ok",
        [("onboarding.button.agree", "y"), ("onboarding.button.decline", "n")],
        2,
    ),
    "parent_relation": (
        "parents.relation.prompt",
        "rel",
        [(f"parents.relation.{r}", r) for r in svc.RELATIONS],
        2,
    ),
    "parent_zone": (
        "parents.zone.prompt",
        "tz",
        [(f"parents.zone.{i}", str(i)) for i in range(len(svc.ZONES))],
        2,
    ),
    "parent_quiet": (
        "parents.quiet.prompt",
        "qt",
        [(f"parents.quiet.{i}", str(i)) for i in range(len(svc.QUIET))],
        1,
    ),
}
"""Join screens that are one question with fixed choices: prompt, press action, (label key,
value) pairs, buttons per row."""


def join_screen(content: ContentBundle, step: svc.Step) -> Outgoing | None:
    """The screen a join press led to (None: nothing to show)."""
    lang = step.person.lang
    name = step.screen
    choice = _CHOICES.get(name)
    if choice is not None:
        prompt, action, pairs, width = choice
        return Outgoing(content.ui(prompt, lang), choices(content, lang, action, pairs, width))
    if name == ScreenName.PARENT_DECLINED:
        return Outgoing(content.ui("parents.declined", lang))
    if name == ScreenName.PARENT_DAY:
        return day_prompt(content, lang, "day")
    if name == ScreenName.PARENT_TIME and step.setting is not None:
        return time_prompt(content, lang, step.setting, "time", JOIN)
    if name == ScreenName.PARENT_DONE and step.setting is not None:
        setting = step.setting
        slot = slot_text(content, lang, setting.call_weekday or 0, setting.call_minute or 0)
        return Outgoing(content.ui("parents.done", lang, **slot))
    if name == ScreenName.REGISTERED:
        return Outgoing(content.ui("onboarding.link.registered", lang))
    return None


# --- the weekly call and sharing ----------------------------------------------------------


def slot_changed(content: ContentBundle, lang: str, weekday: int, minute: int) -> Outgoing:
    """/calltime's confirmation: the new weekly slot."""
    return Outgoing(
        content.ui("parents.calltime.set", lang, **slot_text(content, lang, weekday, minute))
    )


def reminder(content: ContentBundle, parent: Person, item: Reminder, now: int) -> Outgoing:
    """The weekly reminder: one starter, any shared faces, and the two answer buttons."""
    lang = parent.lang
    day = datetime.fromtimestamp(now, UTC).date()
    week = int(item.period.rsplit("W", 1)[-1]) if "W" in item.period else 0
    chosen = starters(content).pick(day, item.age_band, week)
    starter = chosen.text.get(lang, chosen.text["zh"]) if chosen else ""
    text = content.ui("parents.reminder", lang, starter=starter)
    for shared in item.shared:
        nickname = shared.nickname or content.ui_label("lessons.default_child", lang)
        text += "\n" + content.ui(
            "parents.reminder.face", lang, nickname=nickname, face=shared.face
        )
    text += "\n\n" + content.ui("parents.reminder.ask", lang)
    talk = (item.family_id,)
    row = (
        button(content, "parents.button.talked", lang, "talk", *talk, f"y.{item.period}"),
        button(content, "parents.button.not_talked", lang, "talk", *talk, f"n.{item.period}"),
    )
    return Outgoing(text, (row,))


def sharing(content: ContentBundle, child: Person, on: bool) -> Outgoing:
    """A child's /sharing: what mood sharing is, whether it is on, one button to flip it."""
    lang = child.lang
    state = content.ui_label(f"parents.sharing.state.{'on' if on else 'off'}", lang)
    value = "off" if on else "on"
    flip = button(content, f"parents.sharing.button.{value}", lang, "share", child.id, value)
    return Outgoing(content.ui("parents.sharing.explain", lang, state=state), column([flip]))


# --- volunteers and caregivers ------------------------------------------------------------


def _side(content: ContentBundle, value: str | None, lang: str) -> str:
    return content.ui_label(f"parents.family.side.{value or 'none'}", lang)


def family_section(
    content: ContentBundle,
    lang: str,
    members: list[tuple[Person, str]],
    weeks: list[WeekContact],
    silent: bool,
) -> Markup:
    """The parents' lines of /family: who joined, both sides of 8 weeks, a no-contact watch."""
    lines = [content.ui("parents.family.title", lang)]
    if not members:
        lines.append(content.ui("parents.family.none", lang))
    for person, relation in members:
        lines.append(
            content.ui(
                "parents.family.parent_line",
                lang,
                pseudonym=person.pseudonym,
                relation=content.ui_label(f"parents.relation.{relation}", lang),
                status=content.ui_label(f"onboarding.status.{person.status}", lang),
            )
        )
    lines.append(content.ui("parents.family.history", lang))
    for week in weeks:
        lines.append(
            content.ui(
                "parents.family.week",
                lang,
                period=week.period,
                child=_side(content, week.child, lang),
                parent=_side(content, week.parent, lang),
            )
        )
    if silent:
        lines.append(content.ui("parents.family.silent", lang))
    return Markup("\n").join(lines)  # rendered, escaped texts: joining must not escape again


def invite_button(content: ContentBundle, lang: str, family: Family) -> Button:
    """The button that makes a parent link for a family."""
    return button(content, "parents.invite_button", lang, "inv", family.id, "go")


def parent_link(content: ContentBundle, lang: str, link: Link, url: str, until: str) -> Outgoing:
    """A fresh parent link to pass on: whom it is for, the link, its last day (`until`)."""
    text = content.ui("parents.link", lang, pseudonym=link.pseudonym or "", link=url, until=until)
    return Outgoing(text)


def caregiver_family(content: ContentBundle, lang: str, family: Family) -> Outgoing:
    """A caregiver's /family: the button that makes a link for the child's parents."""
    return Outgoing(
        content.ui("parents.caregiver_family", lang),
        column([invite_button(content, lang, family)]),
    )


def call_offer(
    content: ContentBundle, lang: str, alert_id: int, members: list[tuple[Person, str]]
) -> Outgoing | None:
    """For the claimer: one button per active parent of the alert's family (none: no offer)."""
    buttons = [
        button(
            content,
            "parents.ask.button",
            lang,
            "ask",
            alert_id,
            person.id,
            relation=content.ui_label(f"parents.relation.{relation}", lang),
            pseudonym=person.pseudonym,
        )
        for person, relation in members
        if svc.active_parent(person)
    ]
    if not buttons:
        return None
    return Outgoing(content.ui("parents.ask.prompt", lang), column(buttons))


def call_status(
    content: ContentBundle, lang: str, alert_id: int, parent: Person, status: str | None
) -> Outgoing:
    """A call request's delivery status as the volunteer reads it, with "delivered?" under it."""
    shown = content.ui_label(f"parents.ask.status.{status or 'pending'}", lang)
    text = content.ui("parents.ask.status", lang, pseudonym=parent.pseudonym, status=shown)
    again = button(content, "parents.ask.status_button", lang, "st", alert_id, parent.id)
    return Outgoing(text, column([again]))
