"""The family summary a volunteer sees (/family): pseudonyms, statuses, consent states."""

from __future__ import annotations

from bot.services.onboarding import Member, Summary
from bot.telegram import parents
from bot.telegram.context import Ctx
from bot.telegram.onboarding._ui import button, keyboard, send


async def send_summary(context: Ctx, chat_id: int, summary: Summary, lang: str) -> None:
    """Send one family's summary with its "fresh links" and "invite parents" buttons."""
    runtime = context.runtime
    content = runtime.content
    chosen = summary.family
    lines = [_line(context, member, lang) for member in summary.members]
    if not any(m.child is None for m in summary.members):
        lines.insert(0, content.ui("onboarding.family.no_caregiver", lang))
    text = content.ui(
        "onboarding.family.summary",
        lang,
        family=chosen.pseudonym,
        label=chosen.label,
        volunteer=summary.volunteer or "—",
        timezone=chosen.timezone,
    )
    text += "\n" + "\n".join(lines) + "\n\n" + content.ui("onboarding.family.nickname_hint", lang)
    text += "\n\n" + await parents.family_text(runtime, chosen.id, lang)
    markup = keyboard(
        [
            [button(content, "onboarding.family.fresh_button", lang, "fl", chosen.id, "go")],
            [parents.invite_button(content, lang, chosen)],
        ]
    )
    await send(context, chat_id, text, markup)


def _line(context: Ctx, member: Member, lang: str) -> str:
    """One member's line: a caregiver's, or a child's with their settings."""
    content = context.runtime.content

    def ui(key: str) -> str:
        return content.ui_label(key, lang)

    def state(decision: str | None) -> str:
        return ui(f"onboarding.consent_state.{decision or 'none'}")

    person = member.person
    paused = ui("onboarding.family.paused") if person.paused else ""
    status = ui(f"onboarding.status.{person.status}")
    if member.child is None:
        return content.ui(
            "onboarding.family.caregiver_line",
            lang,
            pseudonym=person.pseudonym,
            status=status,
            consent=state(member.own_consent),
            paused=paused,
        )
    phone = (
        "onboarding.family.phone_shared"
        if member.child.shared_phone
        else "onboarding.family.phone_own"
    )
    return content.ui(
        "onboarding.family.child_line",
        lang,
        pseudonym=person.pseudonym,
        name=person.display_name or "—",
        age=member.child.age_band or "?",
        phone=ui(phone),
        status=status,
        guardian=state(member.guardian),
        consent=state(member.own_consent),
        paused=paused,
        unreachable=ui("onboarding.family.unreachable") if person.unreachable_at else "",
    )
