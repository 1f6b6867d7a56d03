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


# --- issue 14, item 9: configuration that fails loudly -------------------------------------

TOKEN = "A" * 24 + ".abcdef.secretsecretsecret"


def _cli(args: list[str], tmp_path: Path, stdin: str | None = None,
         **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot`` from an empty folder (no .env), stdin piped (no terminal)."""
    full = {**os.environ, "PYTHONPATH": str(ROOT), "VAR_DIR": str(tmp_path / "var"),
            "DISCORD_TOKEN": "", **env}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=tmp_path, env=full,
                          input=stdin or "", capture_output=True, text=True, timeout=120)


def test_an_empty_variable_counts_as_unset_so_env_file_applies(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(f"DISCORD_TOKEN={TOKEN}\nLOG_LEVEL=WARNING\n")
    s = Settings.load(environ={"DISCORD_TOKEN": "", "LOG_LEVEL": "  "}, env_file=env)
    assert s.discord_token == TOKEN  # the reproduction: an exported DISCORD_TOKEN= hid it
    assert s.log_level == "WARNING"


def test_env_file_is_read_from_the_working_directory(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("LOG_LEVEL=ERROR\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    s = Settings.load()
    assert s.log_level == "ERROR"
    assert s.var_dir == tmp_path / "var"
    assert s.database_url == f"sqlite+aiosqlite:///{tmp_path / 'var' / 'factquiz.db'}"


def test_repr_hides_the_token_and_the_database_password() -> None:
    s = Settings.from_mapping({"DISCORD_TOKEN": TOKEN,
                               "DATABASE_URL": "postgres://bot:hunter2secret@db.example:5433/fq"})
    text = repr(s)
    assert TOKEN not in text
    assert "hunter2secret" not in text
    assert "db.example:5433" in text
    assert s.database_host == "db.example:5433"
    assert set(s.secrets) == {TOKEN, "hunter2secret"}


def test_no_token_and_no_terminal_exits_2_with_one_line(tmp_path: Path) -> None:
    """The reproduction: systemd without the token used to open the playground and exit 0."""
    proc = _cli([], tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "DISCORD_TOKEN" in proc.stderr
    assert "factquiz play" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "var").exists()  # refused before touching anything


def test_play_drives_the_playground_from_piped_input(tmp_path: Path) -> None:
    proc = _cli(["play"], tmp_path, stdin="/about\nquit\n")
    assert proc.returncode == 0, proc.stderr
    assert "FACTQUIZ" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_an_unreachable_database_is_retried_then_one_line_naming_the_host(
    tmp_path: Path,
) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://factquiz:hunter2secret@127.0.0.1:{port}/factquiz"
    for args in (["migrate"], ["ask", "/about"]):
        proc = _cli(args, tmp_path, DATABASE_URL=url, DATABASE_ATTEMPTS="2")
        assert proc.returncode == 2, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert lines[-1].startswith("factquiz: cannot start: the database at "
                                    f"127.0.0.1:{port} did not answer after 2 tries")
        assert sum("retrying" in line for line in lines) == 1  # tried again once
        assert "hunter2secret" not in proc.stderr
        assert "Traceback" not in proc.stderr


def test_logs_redact_the_token_and_password_even_in_tracebacks() -> None:
    import io
    import logging

    from bot import logs

    logs.configure(logging.INFO, TOKEN, "hunter2secret")
    ours = next(h for h in logging.getLogger().handlers if isinstance(h, logs._OwnHandler))
    assert isinstance(ours, logging.StreamHandler)
    buffer = io.StringIO()
    # Swap the stream without setStream(): that flushes the old one, which may be a stream
    # pytest has already closed (an earlier test's captured stderr).
    previous, ours.stream = ours.stream, buffer
    log = logging.getLogger("tests.redact")
    try:
        try:
            raise RuntimeError("connect to postgresql://u:hunter2secret@db/x failed")
        except RuntimeError:
            log.exception("token %s in a message", TOKEN)
    finally:
        ours.stream = previous
    err = buffer.getvalue()
    assert "RuntimeError" in err
    assert TOKEN not in err
    assert "hunter2secret" not in err
    assert "u:<secret>@db" in err
    assert "token <secret> in" in err


async def test_logged_sql_errors_carry_no_parameters(tmp_path: Path) -> None:
    """Database errors in logs used to carry SQL parameters with display names."""
    import sqlalchemy as sa

    from bot.db.engine import create_engine

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'p.db'}")
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text("CREATE TABLE t (name TEXT PRIMARY KEY)"))
            await conn.execute(sa.text("INSERT INTO t VALUES (:n)"), {"n": "Secret Display Name"})
        with pytest.raises(sa.exc.IntegrityError) as info:
            async with engine.begin() as conn:
                await conn.execute(sa.text("INSERT INTO t VALUES (:n)"),
                                   {"n": "Secret Display Name"})
    finally:
        await engine.dispose()
    assert "Secret Display Name" not in str(info.value)
    assert "hidden" in str(info.value)
