"""Reaching the Runtime and the caller's identity from inside a PTB handler."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

from telegram import Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.domain import PersonStatus, Role
from bot.runtime import Runtime
from storage import people
from storage.people import Person

RUNTIME_KEY = "qiao.runtime"
App: TypeAlias = Application[Any, Any, Any, Any, Any, Any]


def _runtime_in(bot_data: dict[Any, Any]) -> Runtime:
    runtime = bot_data.get(RUNTIME_KEY)
    if not isinstance(runtime, Runtime):
        raise RuntimeError("Qiao runtime is not attached to this Application")
    return runtime


class QiaoContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's context with Qiao's Runtime typed: `context.runtime` instead of an untyped
    `bot_data` lookup in every handler."""

    @property
    def runtime(self) -> Runtime:
        """The Runtime opened at start-up (database, content, config, clock)."""
        return _runtime_in(self.bot_data)


CONTEXT_TYPES = ContextTypes(context=QiaoContext)
"""Given to the ApplicationBuilder, so every handler and job receives a QiaoContext."""
Ctx: TypeAlias = QiaoContext


def app_runtime(app: App) -> Runtime:
    """The Runtime of a running Application, for jobs (they get the Application, not a
    handler's context)."""
    return _runtime_in(app.bot_data)


@dataclass(frozen=True)
class Caller:
    """Who sent an update: their person row (if registered) and whether they are an admin."""

    user_id: int | None
    person: Person | None
    is_admin: bool

    @property
    def role(self) -> Role:
        """stranger, child, caregiver, parent, volunteer or admin."""
        if self.is_admin:
            return Role.ADMIN
        if self.person is None or self.person.status != PersonStatus.ACTIVE:
            return Role.STRANGER
        return self.person.role

    @property
    def lang(self) -> str:
        """The caller's language, Chinese for strangers (they get both anyway)."""
        return self.person.lang if self.person else "zh"

    @property
    def is_volunteer(self) -> bool:
        """Volunteers and admins (admins are coordinators too)."""
        return self.role in (Role.VOLUNTEER, Role.ADMIN)


async def caller_of(update: Update, context: Ctx) -> Caller:
    """Look the sender up once: one database round trip."""
    user = update.effective_user
    runtime = context.runtime
    if user is None:
        return Caller(None, None, False)
    person = await runtime.db.run(lambda c: people.by_telegram_user(c, user.id))
    return Caller(user.id, person, runtime.is_admin(user.id))
