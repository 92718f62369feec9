"""Webhook mode's web server: Telegram's updates and a health path on one port.

PTB's `run_webhook` serves only the update path, so this is PTB's "custom webhook" set-up:
a small tornado application (tornado comes with PTB's `webhooks` extra) that checks
Telegram's secret-token header in constant time, stores each update in the inbox
(bot/telegram/inbox.py) before answering 200 and hands it to the Application's update
queue, plus `GET /healthz` answering 200 or 503 with `qiao health`'s one line. The
Application runs as under polling: initialize, post_init, start … stop, shutdown,
post_shutdown.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import signal
import sqlite3
from typing import Any

import tornado.web
from telegram import Update
from telegram.error import TelegramError
from tornado.httpserver import HTTPServer

from bot.config import Config, ConfigError
from bot.ops import health
from bot.runtime import Runtime
from bot.telegram import first_run, inbox
from bot.telegram.context import RUNTIME_KEY, App

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret
MAX_BODY_BYTES = 1 << 20
"""Telegram's updates are a few kilobytes; anything near a megabyte is not from Telegram."""

_SECRET_CHARS = re.compile(r"[A-Za-z0-9_-]{1,256}")


class WebhookSetupError(Exception):
    """Telegram did not accept the webhook at start-up (the process exits; systemd restarts)."""


class UpdateHandler(tornado.web.RequestHandler):
    """POST <path>: one update from Telegram, accepted only with the secret token."""

    def initialize(self, app: App, secret_token: str) -> None:
        """Receive the Application and the expected secret (tornado's handler set-up)."""
        self.app = app
        self.secret = secret_token.encode()

    async def post(self) -> None:
        """Check the secret, store the update, queue it; 200 only once it is stored.

        A failed store answers 503, so Telegram delivers the update again later.
        """
        given = self.request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            log.warning("webhook request with a wrong or missing secret token")
            self.send_error(403)
            return
        try:
            data = json.loads(self.request.body)
            if not isinstance(data, dict):
                raise TypeError("an update is a JSON object")
            update = Update.de_json(data, self.app.bot)
        except (ValueError, TypeError, KeyError):
            log.warning("webhook request that is not a Telegram update")
            self.send_error(400)
            return
        try:
            updates = await inbox.receive(self.app, [update])
        except (sqlite3.Error, RuntimeError, ValueError) as exc:  # RuntimeError: not started
            log.error(
                "could not store a webhook update; Telegram will deliver it again",
                extra={"error_type": type(exc).__name__},
            )
            self.send_error(503)
            return
        await inbox.hand_over(self.app, updates)
        self.set_status(200)
        await self.finish()

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Answer errors with their status only: no page, no traceback."""
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code}\n")


class HealthHandler(tornado.web.RequestHandler):
    """GET /healthz: 200 when healthy, 503 otherwise, with the one-line verdict."""

    def initialize(self, app: App) -> None:
        """Receive the Application (tornado's handler set-up)."""
        self.app = app

    async def get(self) -> None:
        """Run the health checks through the bot's own database connection."""
        runtime = self.app.bot_data.get(RUNTIME_KEY)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        if not isinstance(runtime, Runtime):
            self.set_status(503)
            await self.finish("FAIL starting\n")
            return
        report = await health.check_database(runtime.db, now=runtime.ts())
        self.set_status(200 if report.ok else 503)
        await self.finish(report.line + "\n")


def make_web_app(app: App, *, path: str, secret_token: str) -> tornado.web.Application:
    """The tornado application: the update path and the health path, nothing else."""
    update_path = "/" + path.strip("/")
    return tornado.web.Application(
        [
            (re.escape(update_path), UpdateHandler, {"app": app, "secret_token": secret_token}),
            (re.escape(HEALTH_PATH), HealthHandler, {"app": app}),
        ],
        compress_response=False,
    )


def check_config(config: Config) -> None:
    """Stop with one line when webhook mode is not configured well enough to be safe."""
    hook = config.webhook
    if not hook.public_url.startswith("https://"):
        raise ConfigError("webhook mode needs [webhook] public_url starting with https://")
    if not _SECRET_CHARS.fullmatch(hook.secret_token):
        raise ConfigError(
            "webhook mode needs [webhook] secret_token: 1-256 characters of A-Z, a-z, 0-9, _ and -"
        )
    if "/" + hook.path.strip("/") == HEALTH_PATH:
        raise ConfigError(f"[webhook] path must not be {HEALTH_PATH}, which is the health path")


def webhook_url(config: Config) -> str:
    """The address Telegram posts updates to."""
    return f"{config.webhook.public_url.rstrip('/')}/{config.webhook.path.strip('/')}"


async def serve(
    app: App, config: Config, stop: asyncio.Event, *, ready: asyncio.Event | None = None
) -> None:
    """Run the Application behind the web server until `stop` is set.

    `ready` is set once the server listens and Telegram knows the webhook.
    """
    check_config(config)
    hook = config.webhook
    if not await first_run.connect(app, stop):
        return
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        # Updates stored but not handled before the last stop go first, before new ones.
        await inbox.hand_over(app, await inbox.waiting_updates(app))
        server = HTTPServer(
            make_web_app(app, path=hook.path, secret_token=hook.secret_token),
            max_body_size=MAX_BODY_BYTES,
            xheaders=True,
        )
        server.listen(hook.port, address=hook.listen)
        try:
            # Registered after the server listens, so Telegram's first post finds it; pending
            # updates are kept: they may hold a child's message sent during a restart.
            try:
                await app.bot.set_webhook(
                    url=webhook_url(config),
                    secret_token=hook.secret_token,
                    allowed_updates=Update.ALL_TYPES,
                    drop_pending_updates=False,
                )
            except TelegramError as exc:
                log.error(
                    "could not register the webhook with Telegram",
                    extra={"error_type": type(exc).__name__},
                )
                raise WebhookSetupError(type(exc).__name__) from None
            log.info("webhook serving", extra={"port": hook.port, "health": HEALTH_PATH})
            await first_run.check_desk_at_start(app)
            if ready is not None:
                ready.set()
            await stop.wait()
        finally:
            server.stop()
            await server.close_all_connections()
            left = inbox.leave_queued(app)  # stored: handled first at the next start
            if left:
                log.info("updates left in the inbox for the next start", extra={"count": left})
            if app.running:
                await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)
    finally:
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


def run(app: App, config: Config) -> None:
    """Serve until SIGINT or SIGTERM (what systemd sends on `systemctl stop`)."""
    check_config(config)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(app, config, stop)

    try:
        asyncio.run(main())
    except WebhookSetupError:
        raise SystemExit(1) from None
