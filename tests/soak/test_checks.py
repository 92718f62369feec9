"""The soak's checks catch what they are there for: each broken promise, fabricated, is reported."""

from __future__ import annotations

from dataclasses import replace

from bench.soak import (
    SKIP,
    AlertRow,
    AnswerRow,
    Due,
    Given,
    MessageRow,
    Observation,
    SessionRow,
    check,
)
from bot.levels import RiskLevel

CHILD, OTHER = 11, 12
URGENT = "我不想活了"


def clean() -> Observation:
    """A small week in which every promise was kept: two children, two check-ins, one alert."""
    return Observation(
        due=[Due(CHILD, "2026-W02", 1_000), Due(OTHER, "2026-W02", 2_000)],
        sessions=[
            SessionRow(1, CHILD, "2026-W02", "done", 1_000),
            SessionRow(2, OTHER, "2026-W02", "closed", 2_000),
        ],
        intros={1: 1, 2: 1},
        reminders={2: 1},
        given=[
            Given("button", CHILD, 1, "mood", "4"),
            Given("button", CHILD, 1, "anything", SKIP),
            Given("text", OTHER, text=URGENT),
        ],
        answers=[
            AnswerRow(1, "mood", "4", None, False),
            AnswerRow(1, "anything", None, None, True),
        ],
        messages=[MessageRow(7, OTHER, URGENT)],
        alerts=[AlertRow(3, OTHER, "message:7", int(RiskLevel.URGENT), "open")],
        group_texts=["<b>紧急</b> · 自杀 · A-3 孩子 C-SK0001"],
        group_posts={3: 1},
        private_words=["林子涵", URGENT],
    )


def test_a_clean_week_passes() -> None:
    """The fabricated clean week has no problems (so each failure below is the mutation's)."""
    report = check(clean())
    assert report.problems == []
    assert (report.sent, report.answered, report.urgent, report.alerts) == (2, 3, 1, 1)


def test_a_duplicate_session_row_is_reported() -> None:
    """A second session for the same child and period counts as a duplicate."""
    obs = clean()
    obs.sessions.append(SessionRow(9, CHILD, "2026-W02", "sent", 1_000))
    obs.intros[9] = 1
    report = check(obs)
    assert report.duplicates == 2  # the extra row, and the check-in sent twice
    assert any("duplicate sessions for child 11 in 2026-W02" in p for p in report.problems)


def test_a_check_in_sent_twice_is_reported() -> None:
    """Two first messages for one session in Telegram's record count as a duplicate."""
    obs = clean()
    obs.intros[1] = 2
    report = check(obs)
    assert report.duplicates == 1
    assert any("sent 2 times" in p for p in report.problems)


def test_a_due_check_in_never_written_is_lost() -> None:
    """A due moment without a session is a lost check-in."""
    obs = clean()
    obs.sessions = obs.sessions[1:]
    obs.given = obs.given[2:]
    obs.answers = []
    report = check(obs)
    assert report.lost == 1
    assert any("no check-in was written" in p for p in report.problems)


def test_a_missed_check_in_without_a_block_is_lost() -> None:
    """Missed is only allowed for a child who blocked the bot."""
    obs = clean()
    obs.sessions[1] = replace(obs.sessions[1], status="missed")
    obs.intros.pop(2)
    assert any("missed without a reason" in p for p in check(obs).problems)
    obs.blocked[OTHER] = 1_500
    obs.unreachable.add(OTHER)
    assert check(obs).problems == []


def test_a_pressed_answer_missing_from_the_database_is_lost() -> None:
    """A press the driver made that is not stored counts as lost."""
    obs = clean()
    obs.answers = [a for a in obs.answers if a.question_id != "mood"]
    report = check(obs)
    assert report.lost == 1
    assert any("answer lost: session 1 mood=4" in p for p in report.problems)


def test_an_urgent_text_without_an_alert_is_lost() -> None:
    """An urgent message stored without its alert is reported."""
    obs = clean()
    obs.alerts = []
    report = check(obs)
    assert report.lost == 1
    assert any("urgent answer without an alert" in p for p in report.problems)


def test_an_alert_that_never_reached_the_group_is_lost() -> None:
    """A posted alert with no card in the volunteer chat is reported."""
    obs = clean()
    obs.group_posts = {}
    report = check(obs)
    assert report.reached == 0
    assert any("never reached the group" in p for p in report.problems)


def test_a_childs_name_in_the_group_is_a_leak() -> None:
    """A child's name in any group message is reported."""
    obs = clean()
    obs.group_texts.append("A-3 林子涵")
    report = check(obs)
    assert report.leaks == 1
    assert any("林子涵" in p for p in report.problems)


def test_a_blocked_child_with_a_live_check_in_is_reported() -> None:
    """A child who blocked the bot before the moment must not have a sent check-in."""
    obs = clean()
    obs.blocked[CHILD] = 500
    report = check(obs)
    assert any("blocked child has a live check-in" in p for p in report.problems)
    assert any("not marked unreachable" in p for p in report.problems)
