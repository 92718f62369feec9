"""First run: no network means one line per retry, the volunteer chat is checked at start and
by `qiao health`, and network errors mid-run are one log line, never a traceback."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.simtelegram import Fault
from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness, sim_config
from bot.simtelegram.http import StandIn
from bot.telegram.context import App
from bot.telegram.jobs import PeriodicJob, run_job
from tests.inbox.support import polling_bot
from tests.ops.test_startup import REPO, SAFETY_NET_S, TOKEN

WAIT = 30.0
STRANGER = 1005


def lines(caplog: pytest.LogCaptureFixture, words: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if words in r.getMessage()]


async def test_no_network_at_start_is_retried_one_line_each(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """getMe failing twice gives two one-line warnings with the attempt, then the bot runs."""
    harness.sim.fail_next("getMe", Fault.network_error(), times=2)
    with caplog.at_level(logging.INFO):
        async with polling_bot(harness, backoff=lambda _: 0.01):
            pass
    retries = lines(caplog, "cannot reach Telegram")
    assert [("retry 1" in r.getMessage(), "retry 2" in r.getMessage()) for r in retries] == [
        (True, False),
        (False, True),
    ]
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in retries)
    assert lines(caplog, "reached Telegram")


def closed_port() -> int:
    """A loopback port nobody listens on (connections are refused: no network)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow  # the real `qiao run` retrying an unreachable Telegram
def test_qiao_run_offline_prints_one_line_per_retry_and_stops_cleanly(tmp_path: Path) -> None:
    """The real `qiao run` with no network: one line per retry, no traceback, SIGTERM ends it."""
    port = closed_port()
    config = tmp_path / "config.toml"
    content = REPO / "content"
    config.write_text(
        f'content_dir = "{content}"\n[telegram]\ntoken = "{TOKEN}"\n'
        f'base_url = "http://127.0.0.1:{port}/bot"\n'
        "[people]\nadmins = [11]\nvolunteer_chat_id = -100200\n"
        f'[storage]\ndatabase = "{tmp_path / "qiao.sqlite3"}"\n[logging]\nformat = "text"\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k != "QIAO_BOT_TOKEN"}
    process = subprocess.Popen(  # noqa: S603 - our own CLI with test arguments
        [sys.executable, "-m", "bot", "--config", str(config), "run"],
        cwd=REPO,
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    seen: list[str] = []
    two_retries = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            seen.append(line.rstrip("\n"))
            if sum("cannot reach Telegram" in s for s in seen) >= 2:
                two_retries.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert two_retries.wait(SAFETY_NET_S), seen
        process.send_signal(signal.SIGTERM)
        assert process.wait(SAFETY_NET_S) == 0
    finally:
        if process.poll() is None:
            process.kill()
    reader.join(SAFETY_NET_S)
    assert not any("Traceback" in line for line in seen), seen
    retries = [line for line in seen if "cannot reach Telegram" in line]
    assert "retry 1 in 2 s" in retries[0]
    assert "retry 2 in 4 s" in retries[1]
    assert TOKEN not in "\n".join(seen)


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        ("removed", "the bot is not a member of the volunteer chat"),
        ("muted", "the bot may not post in the volunteer chat"),
        ("missing", "the volunteer chat does not exist"),
    ],
)
async def test_start_names_a_volunteer_chat_alerts_cannot_reach(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, setup: str, words: str
) -> None:
    """At start a volunteer chat the bot cannot post in is named in one error line."""
    chat_id = -4888 if setup == "missing" else VOLUNTEER_CHAT_ID
    config = sim_config(tmp_path / "qiao.sqlite3", people={"volunteer_chat_id": chat_id})
    h = Harness(tmp_path, config=config)
    await h.start()
    group = h.sim.chat(VOLUNTEER_CHAT_ID)
    group.bot_is_member = setup != "removed"
    group.bot_muted = setup == "muted"
    with caplog.at_level(logging.INFO):
        async with polling_bot(h, backoff=lambda _: 0.01):
            pass
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert words in errors[0].getMessage()
    assert str(chat_id) in errors[0].getMessage()


async def test_start_is_quiet_when_the_bot_may_post(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """A volunteer group the bot is in gives no error at start (getChat and getChatMember asked)."""
    with caplog.at_level(logging.INFO):
        async with polling_bot(harness, backoff=lambda _: 0.01):
            pass
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert harness.sim.calls_to("getChat")
    assert harness.sim.calls_to("getChatMember")


async def test_network_error_in_a_handler_is_one_line(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """A handler cut off by the network logs one warning line without a traceback."""
    harness.sim.fail_next("sendMessage", Fault.network_error(), chat_id=STRANGER, times=2)
    with caplog.at_level(logging.INFO):
        await harness.say("stranger", "/help")
    assert not lines(caplog, "handler failed")
    found = lines(caplog, "network error while handling an update")
    assert len(found) == 1
    assert found[0].exc_info is None


async def test_network_error_in_a_job_is_one_line(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """A periodic job cut off by the network logs one warning line without a traceback."""

    async def post(app: App, _now: object) -> None:
        await app.bot.send_message(VOLUNTEER_CHAT_ID, "hello")

    harness.sim.fail_next("sendMessage", Fault.network_error())
    with caplog.at_level(logging.INFO):
        await run_job(
            harness.app, PeriodicJob("test", timedelta(minutes=1), post), harness.clock.now()
        )
    assert not lines(caplog, "periodic job failed")
    found = lines(caplog, "periodic job met a network error")
    assert len(found) == 1
    assert found[0].exc_info is None


def health_config(tmp_path: Path, database: str, base_url: str, token: str) -> Path:
    path = tmp_path / "health.toml"
    path.write_text(
        f'[telegram]\ntoken = "{token}"\nbase_url = "{base_url}"\n'
        f"[people]\nadmins = [1001]\nvolunteer_chat_id = {VOLUNTEER_CHAT_ID}\n"
        f'[storage]\ndatabase = "{database}"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("setup", "code", "words"),
    [
        ("member", 0, None),
        ("removed", 1, "volunteer chat: the bot is not a member"),
        ("muted", 1, "volunteer chat: the bot may not post"),
        ("offline", 1, "volunteer chat: Telegram unreachable"),
    ],
)
async def test_health_checks_the_volunteer_chat(
    harness: Harness,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    setup: str,
    code: int,
    words: str | None,
) -> None:
    """`qiao health` with a token asks Telegram whether the bot may post in the volunteer chat."""
    group = harness.sim.chat(VOLUNTEER_CHAT_ID)
    group.bot_is_member = setup != "removed"
    group.bot_muted = setup == "muted"
    database = str(harness.config.storage.database)
    with StandIn(harness.sim) as served:
        base = f"http://127.0.0.1:{closed_port()}/bot" if setup == "offline" else served.base_url
        config = health_config(tmp_path, database, base, harness.sim.token)
        result = await asyncio.to_thread(main, ["--config", str(config), "health"])
    out = capsys.readouterr().out
    assert result == code
    assert len(out.strip().splitlines()) == 1
    if words is not None:
        assert words in out
