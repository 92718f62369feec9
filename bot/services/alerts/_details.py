"""What the claimer reads in private: the details, the mood and WHO-5 weeks, the audit of a view."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.services.alerts._acting import Actor
from bot.services.alerts._card import Card, card_tx
from bot.services.alerts._common import pseudonym_of, zone_of
from bot.services.charts import MoodWeek, WellbeingWeek
from bot.services.measures import score_weeks_tx
from storage import alerts, audit, families, people
from storage.alerts import Alert, Note, Written
from storage.families import Family
from storage.people import Person

if TYPE_CHECKING:
    from bot.content import ContentBundle


@dataclass(frozen=True)
class Details:
    """What the claimer sees in private: never posted to a group."""

    alert: Alert
    card: Card
    person: Person
    family: Family | None
    age_band: str | None
    family_volunteer: str | None
    claimer: str | None
    words: list[Written]
    notes: list[Note]
    help_lesson: str | None
    moods: list[MoodWeek]
    wellbeing: list[WellbeingWeek] = field(default_factory=list)
    """WHO-5 raw scores over the same 12 weeks as `moods` (empty when the child has none)."""


def may_view(alert: Alert, actor: Actor) -> bool:
    """Details are for the volunteer who took the alert, and for coordinators."""
    return actor.is_admin or alert.claimed_by == actor.person_id


def details_tx(
    conn: sqlite3.Connection, content: ContentBundle, alert_id: int, now: int, lang: str
) -> Details | None:
    """Everything the claimer needs, read in one go; None for an unknown alert."""
    alert = alerts.get(conn, alert_id)
    if alert is None:
        return None
    person = people.by_id(conn, alert.person_id)
    if person is None:  # cascades make this impossible; a guard for mypy and for safety
        return None
    family = families.get(conn, alert.family_id) if alert.family_id else None
    child = families.child(conn, alert.person_id)
    is_child = person.role == "child"
    words = alerts.words_behind(conn, alert) if is_child else []
    moods = mood_weeks_tx(conn, person.id, now, family) if is_child else []
    wellbeing = (
        wellbeing_weeks_tx(conn, person.id, now, family, child.age_band if child else None)
        if is_child
        else []
    )
    return Details(
        alert=alert,
        card=card_tx(conn, content, alert, lang=lang),
        person=person,
        family=family,
        age_band=child.age_band if child else None,
        family_volunteer=pseudonym_of(conn, family.volunteer_id if family else None),
        claimer=pseudonym_of(conn, alert.claimed_by),
        words=words,
        notes=alerts.notes(conn, alert_id),
        help_lesson=alerts.help_lesson(conn, alert_id) if alert.kind == "help_request" else None,
        moods=moods,
        wellbeing=wellbeing if any(w.raw is not None for w in wellbeing) else [],
    )


MOOD_WEEKS = 12


def period_of(moment: datetime) -> str:
    """The check-in period (ISO week) of a local moment, e.g. `2026-W03`."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def _recent_weeks(now: int, family: Family | None) -> tuple[list[date], list[str]]:
    """The Mondays and ISO periods of the last 12 weeks (this one included), oldest first."""
    local = datetime.fromtimestamp(now, UTC).astimezone(zone_of(family))
    monday = local.date() - timedelta(days=local.weekday())
    mondays = [monday - timedelta(weeks=n) for n in range(MOOD_WEEKS - 1, -1, -1)]
    periods = [period_of(datetime.combine(day, datetime.min.time())) for day in mondays]
    return mondays, periods


def wellbeing_weeks_tx(
    conn: sqlite3.Connection, child_id: int, now: int, family: Family | None, age_band: str | None
) -> list[WellbeingWeek]:
    """The child's WHO-5 raw score in each of the last 12 ISO weeks, oldest first."""
    mondays, periods = _recent_weeks(now, family)
    labelled = [
        (day.strftime("%m-%d"), period) for day, period in zip(mondays, periods, strict=True)
    ]
    return score_weeks_tx(conn, child_id, labelled, age_band)


def mood_weeks_tx(
    conn: sqlite3.Connection, child_id: int, now: int, family: Family | None
) -> list[MoodWeek]:
    """The child's mood in each of the last 12 ISO weeks (this one included), oldest first."""
    mondays, periods = _recent_weeks(now, family)
    moods = alerts.moods_by_period(conn, child_id, periods[0])
    return [
        MoodWeek(day.strftime("%m-%d"), moods.get(period))
        for day, period in zip(mondays, periods, strict=True)
    ]


def record_view_tx(conn: sqlite3.Connection, alert: Alert, actor: Actor, now: int) -> None:
    """Audit one view of an alert's details: who and which alert, no content."""
    audit.record(
        conn, at=now, action="alert.details_viewed", actor=actor.pseudonym, subject=alert.code
    )
