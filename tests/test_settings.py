from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import DEFAULT_DATABASE_URL, Settings, SettingsError

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_run_locally_on_a_sqlite_file_in_var() -> None:
    s = Settings.from_mapping({})
    assert s.local
    assert s.database_url == DEFAULT_DATABASE_URL
    assert "/var/" in s.database_url
    assert s.log_level == "INFO"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DATABASE_URL", "mysql://root@db/x", "sqlite+aiosqlite"),
        ("LOG_LEVEL", "LOUD", "DEBUG / INFO / WARNING / ERROR"),
        ("DEV_GUILD_ID", "my-server", "a server id"),
        ("DEV_GUILD_ID", "-5", "a server id"),
        ("METRICS_PORT", "70000", "a port"),
        ("SHARD_COUNT", "0", "≥ 1"),
        ("SHARD_IDS", "0,1", "below SHARD_COUNT"),
        ("DISCORD_TOKEN", "short", "bot token"),
    ],
)
def test_a_bad_value_names_the_variable_and_what_is_expected(
    variable: str, value: str, expected: str
) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_mapping({variable: value})
    assert info.value.variable == variable
    assert str(info.value).startswith(f"{variable}: expected ")
    assert expected in str(info.value)


def test_the_token_is_never_shown() -> None:
    token = "A" * 24 + ".abcdef.secretsecretsecret"
    s = Settings.from_mapping({"DISCORD_TOKEN": token})
    assert not s.local
    assert token not in repr(s)
    with pytest.raises(SettingsError) as info:
        Settings.from_mapping({"DISCORD_TOKEN": "with space in it and long enough"})
    assert "with space" not in str(info.value)


def test_plain_postgres_urls_get_the_async_driver() -> None:
    s = Settings.from_mapping({"DATABASE_URL": "postgres://u:p@localhost/factquiz"})
    assert s.database_url == "postgresql+asyncpg://u:p@localhost/factquiz"


def test_shards_and_env_file(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("LOG_LEVEL=debug\nSHARD_COUNT=4\nSHARD_IDS=1,3\n")
    s = Settings.load(environ={"SHARD_IDS": "0,2"}, env_file=env)
    assert s.log_level == "DEBUG"  # from the file
    assert s.shard_count == 4
    assert s.shard_ids == (0, 2)  # the real environment wins over .env


def test_the_cli_prints_one_line_and_exits_2_on_a_bad_setting(tmp_path: Path) -> None:
    env = {**os.environ, "LOG_LEVEL": "LOUD", "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db"}
    proc = subprocess.run([sys.executable, "-m", "bot", "ask", "/about"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "LOG_LEVEL" in proc.stderr
    assert "Traceback" not in proc.stderr
