"""The matrix keeps up with the bot: every command and button a feature registers has rows."""

from __future__ import annotations

import re

from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.simtelegram.harness import Harness
from bot.telegram import lessons
from tests.authz.matrix import BUTTONS, COMMANDS

HANDLER_PREFIX = re.compile(r"\^([a-z]+):")
ACTION_PREFIX = re.compile(r"[a-z]+")


def _registered(h: Harness) -> tuple[set[str], set[str]]:
    """The commands and the callback-data prefixes the running Application answers."""
    commands: set[str] = set()
    prefixes: set[str] = set()
    for handlers in h.app.handlers.values():
        for handler in handlers:
            if isinstance(handler, CommandHandler):
                commands |= set(handler.commands)
            elif isinstance(handler, CallbackQueryHandler) and isinstance(
                handler.pattern, re.Pattern
            ):
                found = HANDLER_PREFIX.match(str(handler.pattern.pattern))
                assert found is not None, f"unexpected button pattern {handler.pattern.pattern}"
                prefixes.add(found.group(1))
    return commands, prefixes


def _prefix(name: str) -> str:
    found = ACTION_PREFIX.match(name)
    assert found is not None, name
    return found.group()


async def test_every_registered_command_is_in_the_matrix(harness: Harness) -> None:
    """The commands the matrix types are exactly the commands the handlers answer."""
    commands, _ = _registered(harness)
    typed = {action.text.split()[0].removeprefix("/") for action in COMMANDS}
    assert typed == commands


async def test_every_button_prefix_is_in_the_matrix(harness: Harness) -> None:
    """Every callback-data prefix a handler matches is pressed by the matrix, and no other."""
    _, prefixes = _registered(harness)
    assert {_prefix(action.name) for action in BUTTONS} == prefixes


def test_every_lesson_button_is_in_the_matrix() -> None:
    """Each lesson button action the lesson feature decodes has its own row."""
    rows = {action.name.removeprefix("ls:") for action in BUTTONS if action.name.startswith("ls:")}
    assert rows == set(lessons.ARITY)
