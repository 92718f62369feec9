"""What every cell asserts: allowed exactly as the table says; a refusal changes nothing and
gets a calm answer (or, where the table says so, is quietly ignored)."""

from __future__ import annotations

from bot.simtelegram.harness import VOLUNTEER_CHAT_ID
from tests.authz.matrix import Action
from tests.authz.scenarios import Stage
from tests.authz.world import Observation

CHILD_NAMES = ("小明", "小红")
"""The children's names in the matrix's worlds (the factory's, and the one /nickname sets)."""


def check_cell(
    action: Action, role: str, chat: str, obs: Observation, stage: Stage, *, press: bool
) -> None:
    """Assert one cell of the matrix."""
    expected = (role, chat) in action.allowed
    error = stage.h.runtime.content.ui("basics.error", "zh")
    assert obs.crashes == 0, "a handler crashed instead of answering"
    assert not obs.wrote(error), "the person got the error apology instead of an answer"
    for name in CHILD_NAMES:
        assert not obs.wrote(name, VOLUNTEER_CHAT_ID), "a child's name reached the group"
    done = action.succeeded(obs, stage, role)
    verdict = "allowed" if expected else "refused"
    assert done is expected, (
        f"{role} in {chat}: expected {verdict}, but it "
        f"{'went through' if done else 'did not go through'}; "
        f"changed tables {obs.changed_tables()}, answer {obs.answer_text()!r}, "
        f"texts {[t[:60] for t in obs.texts()]}"
    )
    if expected:
        return
    assert obs.changed_tables() == [], "a refused action changed the database"
    assert obs.changes() == [], "a refused action edited or deleted messages"
    assert obs.elsewhere() == [], "a refused action wrote to another chat"
    if chat == "unknown":
        assert obs.sends() == [], "the bot spoke in a group it does not know"
        assert obs.answer_text() == "", "the bot said something in a group it does not know"
    elif press:
        assert obs.answer_text() != "", "a refused press got no answer"
    elif chat == "private":
        assert obs.texts(obs.chat_id) != [], "a refused command got no answer"
    else:
        answered = obs.texts(obs.chat_id) != []
        should = role in action.answers_in_group
        assert answered is should, (
            f"in the volunteer group, {role} should {'get an answer' if should else 'be ignored'}"
        )
