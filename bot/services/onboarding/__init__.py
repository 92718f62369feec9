"""Onboarding without Telegram: links, consent steps, families, pausing.

Every function here is synchronous and takes the open connection, so the adapter runs one
of them inside one `db.tx` (one thread hop, one transaction). A press or a link is checked
against the database here; a step that does not match the stored state returns None (or a
`Refusal`) and changes nothing, and the adapter answers it with a short "no longer active".
Who may act is read in the same transaction as the act (`acting`). The flows and their
steps are described in `steps`.
"""

from bot.domain import Refusal
from bot.services.admins import ensure_admin
from bot.services.onboarding.acting import managed, may_manage
from bot.services.onboarding.caregiver import choose_address, choose_voice, finished
from bot.services.onboarding.child import NICKNAME_MAX, checkin_slot, child_decides, handover
from bot.services.onboarding.consents import (
    caregiver_decides,
    choose_language,
    decide,
    guardian_decides,
)
from bot.services.onboarding.families import (
    AGE_BANDS,
    LABEL_MAX,
    Created,
    clean_label,
    create_family,
    new_family_age,
    new_family_phone,
    start_new_family,
)
from bot.services.onboarding.links import (
    DAY,
    PAYLOAD,
    TOKEN_BYTES,
    Link,
    hash_token,
    issue_link,
    new_token,
    open_link,
    shown_lang,
    volunteer_invite,
)
from bot.services.onboarding.manage import (
    Member,
    Summary,
    erase_question,
    families_for,
    family_summary,
    find_family,
    fresh_links,
    set_nickname,
    set_paused,
    summary_for,
    summary_named,
)
from bot.services.onboarding.steps import (
    CAREGIVER_FLOW,
    CHILD_FLOW,
    LANGUAGES,
    NEWFAMILY_FLOW,
    Decision,
    Screen,
    ScreenName,
    Step,
)

__all__ = [
    "AGE_BANDS",
    "CAREGIVER_FLOW",
    "CHILD_FLOW",
    "DAY",
    "LABEL_MAX",
    "LANGUAGES",
    "NEWFAMILY_FLOW",
    "NICKNAME_MAX",
    "PAYLOAD",
    "TOKEN_BYTES",
    "Created",
    "Decision",
    "Link",
    "Member",
    "Refusal",
    "Screen",
    "ScreenName",
    "Step",
    "Summary",
    "caregiver_decides",
    "checkin_slot",
    "child_decides",
    "choose_address",
    "choose_language",
    "choose_voice",
    "clean_label",
    "create_family",
    "decide",
    "ensure_admin",
    "erase_question",
    "families_for",
    "family_summary",
    "find_family",
    "finished",
    "fresh_links",
    "guardian_decides",
    "handover",
    "hash_token",
    "issue_link",
    "managed",
    "may_manage",
    "new_family_age",
    "new_family_phone",
    "new_token",
    "open_link",
    "set_nickname",
    "set_paused",
    "shown_lang",
    "start_new_family",
    "summary_for",
    "summary_named",
    "volunteer_invite",
]
