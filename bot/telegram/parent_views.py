"""What parents and volunteers see of the parents' feature: reminders, the family section,
the "ask the parent to call" offer. Rendering only: no handler, no transaction of its own."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from markupsafe import Markup
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.content import ContentBundle
from bot.content import starters as starters_content
from bot.services import parents as svc
from bot.services.parent_calls import Reminder, WeekContact
from bot.telegram.callbacks import pack
from storage.families import Family
from storage.people import Person

PREFIX = "pa"
_STARTERS: dict[str, starters_content.Starters] = {}


def starters(content: ContentBundle) -> starters_content.Starters:
    """The starters of this content folder, read once (checked by `qiao content check`)."""
    key = str(Path(content.root).resolve())
    if key not in _STARTERS:
        _STARTERS[key] = starters_content.load(Path(content.root))[0]
    return _STARTERS[key]


def button(
    content: ContentBundle, key: str, lang: str, *parts: object, **values: object
) -> list[str]:
    """A stored [label, callback data] pair (outbox payloads keep buttons this way)."""
    return [content.ui_label(key, lang, **values), pack(PREFIX, *parts)]


def markup(rows: list[list[list[str]]]) -> InlineKeyboardMarkup:
    """Stored pairs as a Telegram keyboard."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def reminder(
    content: ContentBundle, parent: Person, item: Reminder, now: int
) -> tuple[str, list[list[list[str]]]]:
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
    rows = [
        [
            button(
                content, "parents.button.talked", lang, "talk", item.family_id, f"y.{item.period}"
            ),
            button(
                content,
                "parents.button.not_talked",
                lang,
                "talk",
                item.family_id,
                f"n.{item.period}",
            ),
        ]
    ]
    return text, rows


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


def invite_button(content: ContentBundle, lang: str, family: Family) -> InlineKeyboardButton:
    """The button that makes a parent link for a family."""
    label, data = button(content, "parents.invite_button", lang, "inv", family.id, "go")
    return InlineKeyboardButton(label, callback_data=data)


def call_offer(
    content: ContentBundle, lang: str, alert_id: int, members: list[tuple[Person, str]]
) -> tuple[str, InlineKeyboardMarkup] | None:
    """For the claimer: one button per active parent of the alert's family (none: no offer)."""
    rows: list[list[list[str]]] = []
    for person, relation in members:
        if not svc.active_parent(person):
            continue
        label = content.ui_label(f"parents.relation.{relation}", lang)
        rows.append(
            [
                button(
                    content,
                    "parents.ask.button",
                    lang,
                    "ask",
                    alert_id,
                    person.id,
                    relation=label,
                    pseudonym=person.pseudonym,
                )
            ]
        )
    if not rows:
        return None
    return content.ui("parents.ask.prompt", lang), markup(rows)


def status_text(content: ContentBundle, lang: str, parent: Person, status: str | None) -> str:
    """The delivery status of a call request, as the volunteer reads it."""
    shown = content.ui_label(f"parents.ask.status.{status or 'pending'}", lang)
    return content.ui("parents.ask.status", lang, pseudonym=parent.pseudonym, status=shown)


def status_markup(
    content: ContentBundle, lang: str, alert_id: int, parent_id: int
) -> InlineKeyboardMarkup:
    """The "delivered?" button under a call request."""
    return markup([[button(content, "parents.ask.status_button", lang, "st", alert_id, parent_id)]])
