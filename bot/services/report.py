"""The monthly report for coordinators and funders: one month of the programme in numbers.

Transport-free: `collect_tx` reads the figures (SQL in storage/report.py), `render_html` and
`to_csv` write them out. The report holds counts, delays, family pseudonyms and village labels:
never a name, a nickname, a chat id or a child's words, so it can be forwarded to a funder.
A month is the programme's local calendar month; a week belongs to the month holding its
Thursday (the ISO rule), so every week is counted in exactly one report.
"""

from __future__ import annotations

import base64
import csv
import io
import math
import re
import sqlite3
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2

from bot.levels import RiskLevel
from bot.risk.categories import category_label
from bot.services import charts
from bot.services.charts import ResponseWeek
from bot.services.parent_calls import contact_by_village
from storage import alerts
from storage import report as store

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_TEMPLATES = Path(__file__).with_name("templates")
SEND_DAY = 1
SEND_TIME = time(9, 0)
"""The monthly job sends last month's report on the 1st at 09:00 in the admins' time zone."""


class MonthError(ValueError):
    """A --month value that is not YYYY-MM."""


@dataclass(frozen=True)
class Month:
    """A local calendar month as UTC bounds [start, end)."""

    label: str
    first_day: date
    start: int
    end: int

    @property
    def next_first_day(self) -> date:
        """The first day of the following month."""
        return (self.first_day + timedelta(days=32)).replace(day=1)


def parse_month(text: str, zone: ZoneInfo) -> Month:
    """`2026-11` → that month in `zone`; MonthError with one line otherwise."""
    found = _MONTH.match(text.strip())
    if found is None or not 1 <= int(found.group(2)) <= 12:
        raise MonthError(f"--month must look like 2026-11, got {text!r}")
    return month_of(date(int(found.group(1)), int(found.group(2)), 1), zone)


def month_of(day: date, zone: ZoneInfo) -> Month:
    """The month containing `day`."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    start = datetime.combine(first, time(0, 0), zone)
    end = datetime.combine(following, time(0, 0), zone)
    return Month(first.strftime("%Y-%m"), first, int(start.timestamp()), int(end.timestamp()))


def due_month(now: datetime, zone: ZoneInfo) -> Month:
    """The month whose report is due: last month, once this month's 1st 09:00 has passed."""
    local = now.astimezone(zone)
    first = local.date().replace(day=1)
    if local < datetime.combine(first.replace(day=SEND_DAY), SEND_TIME, zone):
        first = (first - timedelta(days=1)).replace(day=1)
    return month_of(first - timedelta(days=1), zone)


def weeks_of(month: Month) -> list[tuple[str, date]]:
    """The ISO weeks (period, Monday) whose Thursday falls in the month."""
    monday = month.first_day - timedelta(days=month.first_day.weekday())
    weeks: list[tuple[str, date]] = []
    while monday < month.next_first_day:
        thursday = monday + timedelta(days=3)
        if thursday.month == month.first_day.month:
            year, week, _ = thursday.isocalendar()
            weeks.append((f"{year}-W{week:02d}", monday))
        monday += timedelta(days=7)
    return weeks


@dataclass(frozen=True)
class Delays:
    """Minutes to claim or resolve: how many alerts, median and 90th percentile (None if none)."""

    count: int
    median: float | None
    p90: float | None


def delays_of(seconds: Sequence[int]) -> Delays:
    """Median and nearest-rank 90th percentile, in minutes rounded to 0.1."""
    if not seconds:
        return Delays(0, None, None)
    ordered = sorted(seconds)
    p90 = ordered[math.ceil(0.9 * len(ordered)) - 1]
    return Delays(len(ordered), round(statistics.median(ordered) / 60, 1), round(p90 / 60, 1))


@dataclass(frozen=True)
class AlertRow:
    """Alerts of one level and category raised in the month."""

    level: str
    category: str
    label: str
    count: int


@dataclass(frozen=True)
class MonthReport:
    """Every figure of one month."""

    month: Month
    enrolment: store.Enrolment
    lessons_completed: int
    weeks: list[ResponseWeek]
    alerts: list[AlertRow]
    claim: Delays
    resolve: Delays
    unreachable: list[tuple[str, str]]
    parents_contact: tuple[int, int] | None
    """(family-weeks with contact, family-weeks) over the month's weeks, as the digest counts
    them (either side said they talked); None while no parent has joined."""

    @property
    def alerts_total(self) -> int:
        """All alerts raised in the month."""
        return sum(row.count for row in self.alerts)

    @property
    def response_rate(self) -> int | None:
        """Answered check-ins over those that reached a child, whole month, in percent."""
        sent = sum(w.sent for w in self.weeks)
        return round(100 * sum(w.answered for w in self.weeks) / sent) if sent else None


def collect_tx(conn: sqlite3.Connection, month: Month) -> MonthReport:
    """Read one month's figures (run inside `storage.report.snapshot` or a transaction)."""
    weeks: list[ResponseWeek] = []
    for period, _monday in weeks_of(month):
        sent, answered = alerts.checkins_in_period(conn, period)
        weeks.append(ResponseWeek(period, sent, answered))
    rows = [
        AlertRow(_level_name(level), category, category_label(category), count)
        for level, category, count in store.alerts_by_level_category(conn, month.start, month.end)
    ]
    contact = None
    if store.parents_joined(conn):
        villages = [v for period, _ in weeks_of(month) for v in contact_by_village(conn, period)]
        contact = (sum(v.contacted for v in villages), sum(v.families for v in villages))
    return MonthReport(
        month=month,
        enrolment=store.enrolment(conn, month.start, month.end),
        lessons_completed=alerts.lessons_finished(conn, month.start, month.end),
        weeks=weeks,
        alerts=rows,
        claim=delays_of(store.claim_seconds(conn, month.start, month.end)),
        resolve=delays_of(store.resolve_seconds(conn, month.start, month.end)),
        unreachable=store.unreachable_families(conn, month.end),
        parents_contact=contact,
    )


def _level_name(level: int) -> str:
    try:
        return RiskLevel(level).label
    except ValueError:
        return str(level)


# --- output ------------------------------------------------------------------------------


def chart_images(report: MonthReport) -> dict[str, bytes]:
    """The report's charts as PNG bytes (slow: call in a worker thread from the bot)."""
    by_category: dict[str, list[int]] = {}
    for row in report.alerts:
        counts = by_category.setdefault(row.label, [0, 0])
        counts[0 if row.level == RiskLevel.URGENT.label else 1] += row.count
    return {
        "response": charts.response_chart(report.weeks),
        "alerts": charts.alerts_chart([(k, v[0], v[1]) for k, v in by_category.items()]),
    }


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: MonthReport, images: dict[str, bytes], *, generated: datetime) -> str:
    """One self-contained HTML page: figures, tables and the charts as inline PNG images."""
    inline = {name: base64.b64encode(png).decode("ascii") for name, png in images.items()}
    template = _environment().get_template("report.html.j2")
    return template.render(
        r=report,
        images=inline,
        generated=generated.strftime("%Y-%m-%d %H:%M"),
        minutes=_minutes,
    )


def _minutes(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def to_csv(report: MonthReport) -> str:
    """The same figures as CSV rows (section, item, value) for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "item", "value"])
    e = report.enrolment
    writer.writerows(
        [
            ["month", "month", report.month.label],
            ["enrolment", "families", e.families],
            ["enrolment", "children", e.children],
            ["enrolment", "new_families", e.new_families],
            ["enrolment", "new_children", e.new_children],
            ["lessons", "completed", report.lessons_completed],
        ]
    )
    for week in report.weeks:
        writer.writerow(["checkins", f"{week.label} sent", week.sent])
        writer.writerow(["checkins", f"{week.label} answered", week.answered])
    for row in report.alerts:
        writer.writerow(["alerts", f"{row.level} {row.category}", row.count])
    for name, delays in (("claim", report.claim), ("resolve", report.resolve)):
        writer.writerow([f"minutes_to_{name}", "alerts", delays.count])
        writer.writerow([f"minutes_to_{name}", "median", _minutes(delays.median)])
        writer.writerow([f"minutes_to_{name}", "p90", _minutes(delays.p90)])
    writer.writerow(["unreachable", "families", len(report.unreachable)])
    for pseudonym, label in report.unreachable:
        writer.writerow(["unreachable", pseudonym, label])
    if report.parents_contact is None:
        writer.writerow(["parents_contact", "rate", "no parent has joined"])
    else:
        talked, asked = report.parents_contact
        writer.writerow(["parents_contact", "family_weeks_in_contact", talked])
        writer.writerow(["parents_contact", "family_weeks", asked])
    return out.getvalue()


def file_names(month: Month) -> tuple[str, str]:
    """The HTML and CSV file names of a month's report."""
    return f"qiao-report-{month.label}.html", f"qiao-report-{month.label}.csv"
