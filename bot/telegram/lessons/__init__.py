"""Lessons for grandparents on Telegram: /lessons, /next, the lesson buttons and reminders.

Thin on purpose: bot.services.lessons decides where a grandparent is, what a press may
change and whether the presser may act at all (in the press's transaction); this package
turns positions into messages with big buttons (one per row, "ask a volunteer" on its own
row under every lesson message) and sends them. Callback data (`ls:…`) is untrusted: `@press`
decodes it strictly, and a stale, foreign or forged press gets a short answer and changes
nothing.
"""

from __future__ import annotations

from bot.telegram.lessons._commands import lessons_command, next_command, register
from bot.telegram.lessons._nudges import JOBS, NUDGE_INTERVAL, send_nudges
from bot.telegram.lessons._presses import ARITY, Press, on_press, shaped
from bot.views.lessons import PREFIX

__all__ = [
    "ARITY",
    "JOBS",
    "NUDGE_INTERVAL",
    "PREFIX",
    "Press",
    "lessons_command",
    "next_command",
    "on_press",
    "register",
    "send_nudges",
    "shaped",
]
