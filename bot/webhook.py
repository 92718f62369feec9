"""Webhook mode: PTB's own server, with Telegram's secret-token header checked."""

from __future__ import annotations

from telegram import Update

from bot.config import Config, ConfigError
from bot.telegram.context import App


def run_webhook(app: App, config: Config) -> None:
    """Serve Telegram's webhook; PTB answers 403 to a missing or wrong secret token."""
    hook = config.webhook
    if not hook.public_url or not hook.secret_token:
        raise ConfigError("webhook mode needs [webhook] public_url and secret_token")
    app.run_webhook(
        listen=hook.listen,
        port=hook.port,
        url_path=hook.path,
        webhook_url=f"{hook.public_url.rstrip('/')}/{hook.path}",
        secret_token=hook.secret_token,
        allowed_updates=Update.ALL_TYPES,
        drop_pending_updates=False,
    )
