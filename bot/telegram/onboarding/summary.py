"""The family summary a volunteer sees (/family): the view words it, this adds the parents'
section and sends it."""

from __future__ import annotations

from bot.services.onboarding import Summary
from bot.telegram import outgoing, parents
from bot.telegram.context import Ctx
from bot.views import onboarding as views
from bot.views import parents as parent_views


async def send_summary(context: Ctx, chat_id: int, summary: Summary, lang: str) -> None:
    """Send one family's summary with its "fresh links" and "invite parents" buttons."""
    runtime = context.runtime
    content, chosen = runtime.content, summary.family
    section = await parents.family_text(runtime, chosen.id, lang)
    invite = (parent_views.invite_button(content, lang, chosen),)  # the parents' view owns it
    await outgoing.send(
        context.application, chat_id, views.family_summary(content, lang, summary, section, invite)
    )
