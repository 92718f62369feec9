"""The lesson service decides who may act on a press inside the press's own transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.content import ContentBundle, load_content
from bot.services import lessons as svc
from storage import lessons as store
from storage import people
from storage.db import apply_migrations, bundled_migrations, transaction
from storage.people import Person

CONTENT = Path(__file__).resolve().parents[2] / "content"
NOW = 1_780_000_000
GRANDMA, GRANDMA_CHAT = 501, 501


@pytest.fixture(scope="module")
def content() -> ContentBundle:
    """The repository's content, loaded once."""
    return load_content(CONTENT)


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A migrated SQLite file in a temp folder, with one active grandmother."""
    db = sqlite3.connect(tmp_path / "qiao.sqlite3", isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA foreign_keys=ON")
    apply_migrations(db, bundled_migrations())
    people.insert(
        db,
        pseudonym="F-GMA1",
        role="caregiver",
        now=NOW,
        telegram_user_id=GRANDMA,
        chat_id=GRANDMA_CHAT,
        status="active",
    )
    try:
        yield db
    finally:
        db.close()


def _add(conn: sqlite3.Connection, uid: int, role: str, status: str = "active") -> None:
    """Another person with their own private chat."""
    people.insert(
        conn,
        pseudonym=f"X-{uid}",
        role=role,
        now=NOW,
        telegram_user_id=uid,
        chat_id=uid,
        status=status,
    )


def _resume(
    conn: sqlite3.Connection, content: ContentBundle, uid: int, chat: int
) -> tuple[svc.Position, svc.Learner] | svc.NotYours | None:
    """The continue button as one transaction, the way the adapter runs it."""

    def act(c: sqlite3.Connection, me: Person) -> svc.Position:
        return svc.resume(c, content, me.id, NOW)

    return transaction(conn, lambda c: svc.as_taker(c, uid, chat, act))


def _rows(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM lesson_progress").fetchone()[0])


def test_the_caregiver_in_her_own_chat_may_act(
    conn: sqlite3.Connection, content: ContentBundle
) -> None:
    """An active caregiver pressing in her own chat gets the result and her names."""
    done = _resume(conn, content, GRANDMA, GRANDMA_CHAT)
    assert isinstance(done, tuple)
    position, who = done
    assert position.screen is svc.LessonScreen.STEP
    assert who.person.telegram_user_id == GRANDMA
    assert _rows(conn) == 1


@pytest.mark.parametrize(
    ("uid", "role", "status"),
    [(601, "child", "active"), (602, "volunteer", "active"), (603, "caregiver", "pending")],
)
def test_someone_else_is_refused_and_nothing_is_written(
    conn: sqlite3.Connection, content: ContentBundle, uid: int, role: str, status: str
) -> None:
    """A child, a volunteer or a not yet active caregiver is refused before anything changes."""
    _add(conn, uid, role, status)
    assert _resume(conn, content, uid, uid) is svc.NOT_YOURS
    assert _rows(conn) == 0


def test_a_stranger_is_refused(conn: sqlite3.Connection, content: ContentBundle) -> None:
    """A Telegram account Qiao does not know is refused."""
    assert _resume(conn, content, 999, 999) is svc.NOT_YOURS
    assert _rows(conn) == 0


def test_her_account_in_another_chat_is_refused(
    conn: sqlite3.Connection, content: ContentBundle
) -> None:
    """The caregiver's own account pressing in a chat that is not hers changes nothing."""
    assert _resume(conn, content, GRANDMA, 777) is svc.NOT_YOURS
    assert _rows(conn) == 0


def test_a_stale_press_by_her_is_none(conn: sqlite3.Connection, content: ContentBundle) -> None:
    """The presser may act but the press is stale: None, and the step does not move."""
    first = _resume(conn, content, GRANDMA, GRANDMA_CHAT)
    assert isinstance(first, tuple)
    lesson = first[0].lesson
    assert lesson is not None

    def late_next(c: sqlite3.Connection, me: Person) -> svc.Position | None:
        return svc.advance(c, content, me.id, lesson.id, 5, NOW)

    assert transaction(conn, lambda c: svc.as_taker(c, GRANDMA, GRANDMA_CHAT, late_next)) is None
    current = store.current(conn, people_id(conn))
    assert current is not None
    assert current.step == 0


def test_the_check_sees_a_change_made_before_the_transaction(
    conn: sqlite3.Connection, content: ContentBundle
) -> None:
    """Declined just before her press: the check reads the row as it is in this transaction."""
    people.set_status(conn, people_id(conn), "declined")
    assert _resume(conn, content, GRANDMA, GRANDMA_CHAT) is svc.NOT_YOURS
    assert _rows(conn) == 0


def people_id(conn: sqlite3.Connection) -> int:
    """The grandmother's person id."""
    person = people.by_telegram_user(conn, GRANDMA)
    assert person is not None
    return person.id
