"""Webhook mode's web server: the secret token is enforced and the health path tells the truth."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from telegram import Update
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from bot.config import ConfigError
from bot.ops import webhook_server
from bot.simtelegram import Fault
from bot.simtelegram.harness import Harness, sim_config
from bot.telegram.context import RUNTIME_KEY
from storage import outbox

SECRET = "s3cret-Token_for_tests"


@pytest.fixture
async def client(harness: Harness) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the webhook server on a free loopback port."""
    sockets = bind_sockets(0, "127.0.0.1", family=socket.AF_INET)
    port = sockets[0].getsockname()[1]
    server = HTTPServer(
        webhook_server.make_web_app(harness.app, path="telegram", secret_token=SECRET),
        max_body_size=webhook_server.MAX_BODY_BYTES,
    )
    server.add_sockets(sockets)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            yield http
    finally:
        server.stop()
        await server.close_all_connections()


def update_json(harness: Harness, update_id: int = 77) -> dict[str, object]:
    data = harness.sim.user_sends(1005, "/start")
    data["update_id"] = update_id
    return data


async def test_update_with_the_secret_is_queued(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    """A POST with the right secret header is answered 200 and its update queued for PTB."""
    response = await client.post(
        "/telegram",
        json=update_json(harness),
        headers={webhook_server.SECRET_HEADER: SECRET},
    )
    assert response.status_code == 200
    queued = harness.app.update_queue.get_nowait()
    assert isinstance(queued, Update)
    assert queued.update_id == 77
    assert queued.message is not None
    assert queued.message.text == "/start"


@pytest.mark.parametrize("headers", [{}, {webhook_server.SECRET_HEADER: "wrong"}])
async def test_update_without_the_secret_is_refused(
    harness: Harness, client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    """A missing or wrong secret header gets 403 and nothing reaches the bot."""
    response = await client.post("/telegram", json=update_json(harness), headers=headers)
    assert response.status_code == 403
    assert harness.app.update_queue.empty()


async def test_malformed_body_is_refused(harness: Harness, client: httpx.AsyncClient) -> None:
    """A body that is not a JSON object gets 400 and nothing is queued."""
    for body in (b"not json", b"[1, 2]"):
        response = await client.post(
            "/telegram", content=body, headers={webhook_server.SECRET_HEADER: SECRET}
        )
        assert response.status_code == 400
    assert harness.app.update_queue.empty()


async def test_health_path_answers_200_then_503(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    """GET /healthz is 200 while healthy and 503 once a message waits in the outbox too long."""
    healthy = await client.get(webhook_server.HEALTH_PATH)
    assert healthy.status_code == 200
    assert healthy.text.startswith("OK ")
    old = harness.runtime.ts() - 3600
    await harness.runtime.db.tx(
        lambda c: outbox.enqueue(
            c, dedupe_key="t:stuck", kind="t", target=outbox.VOLUNTEERS, payload={}, now=old
        )
    )
    unhealthy = await client.get(webhook_server.HEALTH_PATH)
    assert unhealthy.status_code == 503
    assert "outbox 1 pending, oldest 1h00m" in unhealthy.text


async def test_other_paths_are_not_found(client: httpx.AsyncClient) -> None:
    """Anything but the update path and the health path is 404."""
    assert (await client.get("/")).status_code == 404
    assert (await client.post("/telegram/extra", content=b"{}")).status_code == 404


@pytest.mark.parametrize(
    ("webhook", "message"),
    [
        ({"public_url": "http://example.org", "secret_token": SECRET}, "https://"),
        ({"public_url": "https://example.org", "secret_token": ""}, "secret_token"),
        ({"public_url": "https://example.org", "secret_token": "has space"}, "secret_token"),
        (
            {"public_url": "https://example.org", "secret_token": SECRET, "path": "healthz"},
            "health",
        ),
    ],
)
def test_unsafe_webhook_config_is_refused(
    tmp_path: Path, webhook: dict[str, str], message: str
) -> None:
    """Webhook mode stops at start-up without https, a valid secret, or with a clashing path."""
    config = sim_config(tmp_path / "db.sqlite3", webhook=webhook)
    with pytest.raises(ConfigError, match=message):
        webhook_server.check_config(config)


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def test_serve_registers_the_webhook_and_handles_updates(tmp_path: Path) -> None:
    """`serve` sets the webhook with its secret, answers a posted update, and shuts down cleanly."""
    port = free_port()
    config = sim_config(
        tmp_path / "qiao.sqlite3",
        webhook={
            "public_url": "https://qiao.example.org/",
            "secret_token": SECRET,
            "listen": "127.0.0.1",
            "port": port,
            "path": "/tg-updates",
        },
    )
    world = Harness(tmp_path, config=config)
    app = world.application()
    stop, ready = asyncio.Event(), asyncio.Event()
    serving = asyncio.create_task(webhook_server.serve(app, config, stop, ready=ready))
    await asyncio.wait_for(ready.wait(), timeout=120)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            response = await http.post(
                "/tg-updates",
                json=world.sim.user_sends(1005, "/start"),
                headers={webhook_server.SECRET_HEADER: SECRET},
            )
            assert response.status_code == 200
            await app.update_queue.join()
            assert (await http.get(webhook_server.HEALTH_PATH)).status_code == 200
    finally:
        stop.set()
        await serving
    [call] = world.sim.calls_to("setWebhook")
    assert call.params["url"] == "https://qiao.example.org/tg-updates"
    assert call.params["secret_token"] == SECRET
    reply = world.sim.last_bot_message(1005)
    assert reply is not None
    assert "invitation" in reply.plain_text
    assert not app.running


async def test_serve_stops_cleanly_when_telegram_refuses_the_webhook(tmp_path: Path) -> None:
    """A failed setWebhook at start-up ends `serve` with WebhookSetupError and a closed database."""
    config = sim_config(
        tmp_path / "qiao.sqlite3",
        webhook={
            "public_url": "https://q.example.org",
            "secret_token": SECRET,
            "port": free_port(),
        },
    )
    world = Harness(tmp_path, config=config)
    app = world.application()
    world.sim.fail_next("setWebhook", Fault.server_error())
    with pytest.raises(webhook_server.WebhookSetupError):
        await webhook_server.serve(app, config, asyncio.Event())
    assert not app.running
    assert RUNTIME_KEY not in app.bot_data


async def _inbox_rows(harness: Harness) -> list[tuple[int, int | None]]:
    return await harness.runtime.db.run(
        lambda c: [(int(r[0]), r[1]) for r in c.execute("SELECT update_id, handled_at FROM inbox")]
    )


async def test_update_is_stored_before_it_is_acknowledged(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    """The 200 comes after the update is in the inbox; a redelivery is not queued twice."""
    headers = {webhook_server.SECRET_HEADER: SECRET}
    response = await client.post("/telegram", json=update_json(harness, 91), headers=headers)
    assert response.status_code == 200
    assert await _inbox_rows(harness) == [(91, None)]
    again = await client.post("/telegram", json=update_json(harness, 91), headers=headers)
    assert again.status_code == 200
    assert harness.app.update_queue.qsize() == 1


async def test_failed_store_answers_503_so_telegram_delivers_again(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    """When the database refuses the write, Telegram gets 503 and nothing is queued."""
    headers = {webhook_server.SECRET_HEADER: SECRET}
    db = harness.runtime.db
    await db.run(lambda c: c.execute("PRAGMA query_only = ON"))
    response = await client.post("/telegram", json=update_json(harness, 92), headers=headers)
    assert response.status_code == 503
    assert harness.app.update_queue.empty()
    await db.run(lambda c: c.execute("PRAGMA query_only = OFF"))
    retried = await client.post("/telegram", json=update_json(harness, 92), headers=headers)
    assert retried.status_code == 200
    assert await _inbox_rows(harness) == [(92, None)]


async def test_serve_handles_stored_updates_before_new_ones(tmp_path: Path) -> None:
    """At start, an update stored before the last stop is handled before a newly posted one."""
    port = free_port()
    config = sim_config(
        tmp_path / "qiao.sqlite3",
        webhook={
            "public_url": "https://qiao.example.org/",
            "secret_token": SECRET,
            "listen": "127.0.0.1",
            "port": port,
            "path": "/tg-updates",
        },
    )
    world = Harness(tmp_path, config=config)
    await world.start()
    await world.store(world.sim.user_sends(1005, "/start"))  # stored, then the process died
    await world.stop()
    app = world.application()
    stop, ready = asyncio.Event(), asyncio.Event()
    serving = asyncio.create_task(webhook_server.serve(app, config, stop, ready=ready))
    await asyncio.wait_for(ready.wait(), timeout=120)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            response = await http.post(
                "/tg-updates",
                json=world.sim.user_sends(1005, "/help"),
                headers={webhook_server.SECRET_HEADER: SECRET},
            )
            assert response.status_code == 200
            await app.update_queue.join()
    finally:
        stop.set()
        await serving
    replies = [m.plain_text for m in world.sim.bot_messages(1005)]
    assert len(replies) == 2
    assert "invitation" in replies[0]
    assert replies[0] != replies[1]
