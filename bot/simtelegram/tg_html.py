"""The simulated Telegram's HTML parse mode: the shared parser (bot/tg_html.py), old path."""

from bot.tg_html import FormattedText, HtmlParseError, parse_html, trim, utf16_len

__all__ = ["FormattedText", "HtmlParseError", "parse_html", "trim", "utf16_len"]
