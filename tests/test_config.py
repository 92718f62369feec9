"""Configuration: one clear line per mistake, the token from the environment, frozen values."""

from __future__ import annotations

import dataclasses
import re
from datetime import time
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, load_config

GOOD = """
[telegram]
token = "123456:abcdefghijklmnopqrstuvwxyz0123456789"
[people]
admins = [11, 12]
volunteer_chat_id = -100200
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_config_fills_defaults(tmp_path: Path) -> None:
    """A config with only the required keys gets the documented defaults."""
    config = load_config(write(tmp_path, GOOD), env={})
    assert config.people.admins == (11, 12)
    assert config.locale.timezone == "Asia/Shanghai"
    assert config.quiet_hours.start == time(21, 0)
    assert config.checkins.window_hours == 48


def test_config_is_frozen(tmp_path: Path) -> None:
    """Loaded configuration cannot be changed at run time."""
    config = load_config(write(tmp_path, GOOD), env={})
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.people.volunteer_chat_id = 1  # type: ignore[misc]  # the write under test


def test_example_config_is_valid(tmp_path: Path) -> None:
    """config.example.toml documents every key and loads as it is."""
    example = Path(__file__).resolve().parents[1] / "config.example.toml"
    config = load_config(example, env={"QIAO_BOT_TOKEN": "1:x"})
    assert config.telegram.token == "1:x"


def test_token_from_environment_wins(tmp_path: Path) -> None:
    """QIAO_BOT_TOKEN replaces the file's token so the secret can stay out of the file."""
    config = load_config(write(tmp_path, GOOD), env={"QIAO_BOT_TOKEN": "999:fromenv"})
    assert config.telegram.token == "999:fromenv"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("[telegram]\ntokn = 'x'\n", "unknown key [telegram] tokn"),
        ("[locale]\ntimezone = 5\n", "[locale] timezone must be a string, got 5"),
        ("[quiet_hours]\nstart = '9pm'\n", "[quiet_hours] start must be a time like"),
        (
            "[lessons]\nfollow_through_time = '7pm'\n",
            "[lessons] follow_through_time must be a time like",
        ),
        ("[locale]\ntimezone = 'Mars/Olympus'\n", "[locale] timezone must be an IANA zone"),
        ("[checkins]\ndefault_weekday = 'caturday'\n", "[checkins] default_weekday must be one of"),
        ("[rate_limits]\nenabled = 'yes'\n", "[rate_limits] enabled must be true or false"),
        ("colour = 'red'\n", "unknown key colour"),
    ],
)
def test_each_mistake_names_its_key(tmp_path: Path, extra: str, message: str) -> None:
    """Unknown keys, wrong types and bad values are reported with the key's name."""
    people_only = GOOD[GOOD.index("[people]") :]
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(write(tmp_path, extra + people_only), env={})


def test_missing_required_value(tmp_path: Path) -> None:
    """A missing volunteer chat id stops start-up naming the key."""
    text = GOOD.replace("volunteer_chat_id = -100200\n", "")
    with pytest.raises(ConfigError, match=r"missing required key \[people\] volunteer_chat_id"):
        load_config(write(tmp_path, text), env={})


def test_invalid_toml_is_one_line(tmp_path: Path) -> None:
    """A file that is not TOML is reported, not a traceback."""
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[people\n"), env={})


def test_cli_prints_one_line_and_exits_nonzero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`qiao run` with a broken config prints one line naming the key, without a traceback."""
    path = write(tmp_path, GOOD + "[storage]\ndatabse = 'x'\n")
    code = main(["--config", str(path), "run"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines() == [f"qiao: {path}: unknown key [storage] databse"]


def test_run_without_token_says_how_to_set_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`qiao run` without a token exits non-zero with one line naming QIAO_BOT_TOKEN."""
    monkeypatch.delenv("QIAO_BOT_TOKEN", raising=False)
    path = write(
        tmp_path, GOOD.replace('token = "123456:abcdefghijklmnopqrstuvwxyz0123456789"', "")
    )
    code = main(["--config", str(path), "run"])
    err = capsys.readouterr().err
    assert code == 2
    assert "QIAO_BOT_TOKEN" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("[logging]\nlevel = 'VERBOSE'\n", "[logging] level must be one of DEBUG, INFO"),
        ("[locale]\nlanguage = 'fr'\n", "[locale] language must be one of zh, en, got 'fr'"),
        ("[invites]\nexpire_days = -3\n", "[invites] expire_days must be between 1 and 365"),
        ("[checkins]\nwindow_hours = 0\n", "[checkins] window_hours must be between 1 and 168"),
        ("[webhook]\nport = 99999\n", "[webhook] port must be between 1 and 65535, got 99999"),
        ("[webhook]\nport = 0\n", "[webhook] port must be between 1 and 65535, got 0"),
        ("[lessons]\nnudge_after_days = 0\n", "[lessons] nudge_after_days must be between"),
        ("[checkins]\nreminder_after_hours = 0\n", "[checkins] reminder_after_hours must be"),
        ("[checkins]\nclose_after_hours = -1\n", "[checkins] close_after_hours must be"),
        ("[alerts]\nurgent_repost_minutes = 0\n", "[alerts] urgent_repost_minutes must be"),
        ("[alerts]\nconcern_repost_hours = 0\n", "[alerts] concern_repost_hours must be"),
        ("[rate_limits]\nmax_retries = -1\n", "[rate_limits] max_retries must be between 0"),
        ("[retention]\nchild_text_days = 0\n", "[retention] child_text_days must be at least 1"),
        ("[storage]\ndatabase = ''\n", "[storage] database must name a file"),
        ("[telegram]\nbase_url = 'api.telegram.org'\n", "[telegram] base_url must start with"),
        ("[quiet_hours]\nstart = '25:00'\n", "[quiet_hours] start must be a time like"),
        ("content_dir = 'no/such/folder'\n", "content_dir 'no/such/folder' does not exist"),
    ],
)
def test_each_value_out_of_range_names_its_key(tmp_path: Path, extra: str, message: str) -> None:
    """A value of the right type but outside its range stops loading with the key's name."""
    people_only = GOOD[GOOD.index("[people]") :]
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(write(tmp_path, extra + people_only), env={})


def test_negative_admin_id_is_refused(tmp_path: Path) -> None:
    """An admin id must be a user id (positive); a group id there is named as the mistake."""
    text = GOOD.replace("admins = [11, 12]", "admins = [-100200]")
    with pytest.raises(ConfigError, match=re.escape("[people] admins must be Telegram user ids")):
        load_config(write(tmp_path, text), env={})


def test_bad_log_level_is_one_line_from_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`qiao run` with `[logging] level = "VERBOSE"` prints one line and exits 2, no traceback."""
    path = write(tmp_path, GOOD + "[logging]\nlevel = 'VERBOSE'\n")
    code = main(["--config", str(path), "run"])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "[logging] level must be one of" in err
