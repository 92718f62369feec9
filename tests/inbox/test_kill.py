"""`qiao run` as a real process over HTTP, killed while children write urgent messages.

The short form of bench/killsoak.py (the long form runs in `make soak`): counts only, with
generous bounded waits; the process is started, killed and stopped by the test itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.killsoak import Settings, run

pytestmark = pytest.mark.slow  # the real `qiao run` process, killed and restarted


@pytest.mark.parametrize(
    "settings",
    [
        Settings("polling", children=6, rounds=2, seed=11, graceful_every=2),
        Settings("webhook", children=4, rounds=1, seed=12),
    ],
    ids=["polling", "webhook"],
)
def test_killed_bot_answers_every_urgent_message_and_never_twice_in_one_run(
    tmp_path: Path, settings: Settings
) -> None:
    """Through SIGKILLs and a systemd-style stop, each urgent message is stored once with one
    alert and gets a crisis reply and a card, a second of either only across a restart."""
    outcome = run(tmp_path, settings)
    assert outcome.sent == settings.children
    assert outcome.kills >= 1
    assert outcome.problems == []  # every crisis reply, alert, card and message: none lost
    # A second card is the same send-then-mark window as a second crisis reply: allowed only
    # when a restart falls between the two posts (one drain at a time holds within a process).
    same_run = [card for card in outcome.duplicate_cards if "same run" in card]
    assert same_run == []
