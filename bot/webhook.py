"""Webhook mode: Telegram's updates and a health path served on one port."""

from __future__ import annotations

from bot.config import Config
from bot.telegram.context import App


def run_webhook(app: App, config: Config) -> None:
    """Serve the webhook (secret-token header checked) and GET /healthz until stopped."""
    from bot.ops import webhook_server

    webhook_server.run(app, config)
