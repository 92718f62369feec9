"""Thousands of random and malformed updates: no handler crashes, strangers leave no trace."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update
from telegram.error import TelegramError

from bot.simtelegram.harness import UNKNOWN_GROUP_ID, VOLUNTEER_CHAT_ID, Harness
from tests.factories import make_family

pytestmark = pytest.mark.slow  # hundreds of random updates through the whole bot

STRANGERS = range(5000, 5050)
KNOWN = (1001, 1002, 1003, 1004)
COMMANDS = (
    "/start",
    "/help",
    "/next",
    "/lessons",
    "/stop",
    "/resume",
    "/deleteme",
    "/checkin",
    "/checkin_time",
    "/invite",
    "/invite volunteer",
    "/newfamily",
    "/newfamily 西村",
    "/family",
    "/family F-ZZZZ",
    "/erase F-TST",
    "/alerts",
    "/note A-1 hi",
    "/resolve A-1",
    "/nickname C-TST 小明",
    "/start AAAA",
    "/start " + "x" * 80,
)
PREFIXES = ("ob", "ls", "ci", "al", "zz", "")
MEDIA = ("sticker", "photo", "voice", "document", "location", "video", "animation", "contact")

odd_text = st.one_of(
    st.text(min_size=1, max_size=60),
    st.text(alphabet="我想死累笑了\u200b\u202e🙂 \n\t<>&", min_size=1, max_size=40),
    st.integers(1, 12_000).map(lambda n: "长" * n),
    st.sampled_from(COMMANDS),
)
callback_data = st.one_of(
    st.text(max_size=70),
    st.tuples(st.sampled_from(PREFIXES), st.lists(st.text("ab12:-_", max_size=12), max_size=5)).map(
        lambda t: ":".join([t[0], *t[1]])
    ),
)
chat_choice = st.sampled_from([None, None, None, VOLUNTEER_CHAT_ID, UNKNOWN_GROUP_ID])
user_choice = st.one_of(st.sampled_from(KNOWN), st.sampled_from(list(STRANGERS)))


@st.composite
def update(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """One update description: what kind, and its arguments."""
    kind = draw(st.sampled_from(["text", "text", "press", "media", "raw"]))
    user = draw(user_choice)
    chat = draw(chat_choice)
    if kind == "text":
        return kind, {"user": user, "text": draw(odd_text), "chat": chat}
    if kind == "press":
        return kind, {
            "user": user,
            "data": draw(callback_data),
            "chat": chat,
            "message_id": draw(st.integers(1, 40)),
        }
    if kind == "media":
        return kind, {"user": user, "media": draw(st.sampled_from(MEDIA)), "chat": chat}
    raw = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "message": st.fixed_dictionaries(
                    {"message_id": st.integers(-5, 10**12), "date": st.integers(0, 2**31)},
                    optional={
                        "chat": st.fixed_dictionaries(
                            {
                                "id": st.integers(-(10**13), 10**13),
                                "type": st.sampled_from(
                                    ["private", "group", "supergroup", "channel", "x"]
                                ),
                            }
                        ),
                        "text": st.text(max_size=30),
                    },
                ),
                "edited_message": st.just({"message_id": 1, "date": 0}),
                "my_chat_member": st.just({}),
            },
        )
    )
    return "raw", {"payload": raw}


def build(h: Harness, kind: str, args: dict[str, Any]) -> dict[str, Any] | None:
    """Turn a description into Update JSON (None when there is nothing on screen to press)."""
    sim = h.sim
    if kind == "text":
        return sim.user_sends(args["user"], args["text"], chat_id=args["chat"])
    if kind == "press":
        chat = args["user"] if args["chat"] is None else args["chat"]
        mine = sim.bot_messages(chat)
        if not mine:
            return None
        target = mine[args["message_id"] % len(mine)].message_id
        return sim.user_presses(args["user"], target, args["data"], chat_id=args["chat"])
    if kind == "media":
        return sim.user_sends_media(args["user"], args["media"], chat_id=args["chat"])
    return sim.raw_update(args["payload"])


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[asyncio.AbstractEventLoop, Harness]]:
    """One simulated world for every example, so thousands of updates stay cheap."""
    loop = asyncio.new_event_loop()
    h = Harness(Path(tmp_path_factory.mktemp("fuzz")))
    for uid in STRANGERS:
        h.sim.add_user(uid, f"S{uid}")
    loop.run_until_complete(h.start())
    loop.run_until_complete(make_family(h))
    yield loop, h
    loop.run_until_complete(h.stop())
    loop.close()


class _Failures(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "handler failed":
            self.records.append(record)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(update(), min_size=5, max_size=30))
def test_random_updates_never_crash_a_handler(
    world: tuple[asyncio.AbstractEventLoop, Harness], updates: list[tuple[str, dict[str, Any]]]
) -> None:
    """Random texts, presses, media and malformed payloads are all handled without an error."""
    loop, h = world
    failures = _Failures()
    logging.getLogger().addHandler(failures)
    try:
        for kind, args in updates:
            payload = build(h, kind, args)
            if payload is None:
                continue
            try:
                parsed = Update.de_json(payload, h.app.bot)
            except (TypeError, KeyError, ValueError, AttributeError):
                continue  # PTB itself rejects it before any handler could see it
            loop.run_until_complete(h.app.process_update(parsed))
    finally:
        logging.getLogger().removeHandler(failures)
    # Telegram refusing a reply to a made-up chat is the world's answer, not our bug; anything
    # else that reached the error handler is.
    ours = [
        r.exc_info[1] if r.exc_info else r.getMessage()
        for r in failures.records
        if not (r.exc_info and isinstance(r.exc_info[1], TelegramError))
    ]
    assert ours == []

    def check(conn: Any) -> tuple[int, list[Any], list[Any]]:
        strangers = conn.execute(
            "SELECT COUNT(*) FROM people WHERE telegram_user_id BETWEEN ? AND ?",
            (STRANGERS.start, STRANGERS.stop),
        ).fetchone()[0]
        integrity = [tuple(r) for r in conn.execute("PRAGMA integrity_check")]
        fk = [tuple(r) for r in conn.execute("PRAGMA foreign_key_check")]
        return strangers, integrity, fk

    strangers, integrity, fk = loop.run_until_complete(h.runtime.db.run(check))
    assert strangers == 0
    assert integrity == [("ok",)]
    assert fk == []
