"""The HTTP stand-in: PTB over real loopback HTTP, long polling, and webhook redelivery."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest
from telegram import Bot

from bot.simtelegram import SimTelegram
from bot.simtelegram.http import SECRET_HEADER, StandIn

USER = 1001
WAIT = 30.0


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    """A simulated Telegram with one user, served on a free loopback port."""
    sim = SimTelegram()
    sim.add_user(USER, "奶奶")
    with StandIn(sim) as served:
        yield served


@pytest.fixture
async def bot(stand_in: StandIn) -> AsyncIterator[Bot]:
    """A plain PTB Bot whose base URL is the stand-in."""
    client = Bot(
        stand_in.sim.token, base_url=stand_in.base_url, base_file_url=stand_in.base_file_url
    )
    await client.initialize()
    try:
        yield client
    finally:
        await client.shutdown()


async def test_calls_over_http_reach_the_simulated_world(stand_in: StandIn, bot: Bot) -> None:
    """getMe and sendMessage over HTTP are answered and recorded like in-process calls."""
    assert bot.username == "qiao_sim_bot"
    sent = await bot.send_message(USER, "<b>你好</b>", parse_mode="HTML")
    with stand_in.world() as sim:
        message = sim.last_bot_message(USER)
        assert message is not None
        assert (message.message_id, message.plain_text) == (sent.message_id, "你好")


async def test_held_get_updates_returns_an_update_sent_meanwhile(
    stand_in: StandIn, bot: Bot
) -> None:
    """A long poll waiting on an empty queue answers as soon as a user writes."""
    polling = asyncio.create_task(bot.get_updates(timeout=20))
    await asyncio.to_thread(
        stand_in.wait_for, lambda sim: len(sim.calls_to("getUpdates")) >= 1, WAIT
    )
    with stand_in.world() as sim:
        sim.user_sends(USER, "在吗")
    updates = await asyncio.wait_for(polling, WAIT)
    assert [u.message.text for u in updates if u.message is not None] == ["在吗"]


class _Receiver(BaseHTTPRequestHandler):
    """A webhook endpoint that refuses its first delivery with a 500."""

    posts: ClassVar[list[tuple[int, str]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.posts.append((int(body["update_id"]), self.headers.get(SECRET_HEADER, "")))
        self.send_response(500 if len(self.posts) == 1 else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


async def test_webhook_update_is_delivered_again_until_accepted(
    stand_in: StandIn, bot: Bot
) -> None:
    """A webhook delivery answered 500 is retried, with the secret, until a 200 drops it."""
    _Receiver.posts = []
    receiver = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    try:
        stand_in.deliver_to = f"http://127.0.0.1:{receiver.server_address[1]}/tg"
        await bot.set_webhook("https://qiao.example.invalid/tg", secret_token="hook-secret")
        with stand_in.world() as sim:
            update_id = sim.user_sends(USER, "在吗")["update_id"]
        delivered = await asyncio.to_thread(
            stand_in.wait_for, lambda sim: sim.pending_updates == 0, WAIT
        )
    finally:
        receiver.shutdown()
        receiver.server_close()
    assert delivered
    assert _Receiver.posts == [(update_id, "hook-secret"), (update_id, "hook-secret")]
    assert (stand_in.refused, stand_in.deliveries) == (1, 1)
