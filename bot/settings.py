"""One typed settings object, read from the environment and ``.env`` (python-dotenv).

A bad value stops the program with one line naming the variable and what it expects (exit 2,
no traceback): misconfiguration is the most common deploy failure and deserves a clear answer.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values
from sqlalchemy.engine import make_url

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def default_var_dir() -> Path:
    """``var/`` in the working directory: an installed package has no source tree to write
    into, and a service manager sets the working directory (systemd ``WorkingDirectory=``)."""
    return Path.cwd() / "var"


def sqlite_url(var_dir: Path) -> str:
    return f"sqlite+aiosqlite:///{var_dir / 'factquiz.db'}"


def default_data_dir() -> Path:
    from bot.facts.files import DEFAULT_DATA_DIR  # the shipped files (package data)

    return DEFAULT_DATA_DIR


DEFAULT_DATABASE_URL = sqlite_url(default_var_dir())


class SettingsError(ValueError):
    def __init__(self, variable: str, expected: str, got: str) -> None:
        super().__init__(f"{variable}: expected {expected}, got {got!r}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    discord_token: str | None = field(default=None, repr=False)  # never printed or logged
    database_url: str = DEFAULT_DATABASE_URL
    dev_guild_id: int | None = None
    log_level: str = "INFO"
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    metrics_port: int | None = None
    # 127.0.0.1 by default: /metrics and /healthz are for the host (or a container's own
    # HEALTHCHECK); 0.0.0.0 exposes them to a scraper on another machine.
    metrics_host: str = "127.0.0.1"
    data_dir: Path = field(default_factory=default_data_dir)
    var_dir: Path = field(default_factory=default_var_dir)
    # Where discord.py connects; only the local stand-in and tests change it.
    discord_api_url: str | None = None
    # Start-up tries the database this many times (1, 2, 4 … s apart) before giving up: a
    # database container that starts alongside the bot needs a few seconds.
    database_attempts: int = 5
    # How long a process vouches for the quiz rounds it runs (renewed every third of it):
    # after a crash, another process closes the round once this expired.
    round_lease: int = 30

    def __repr__(self) -> str:
        # The token and the database password are secrets: repr() ends up in logs and tracebacks.
        fields = ", ".join(f"{k}={v!r}" for k, v in (
            ("discord_token", "<hidden>" if self.discord_token else None),
            ("database_url", self.database_url_redacted),
            ("dev_guild_id", self.dev_guild_id), ("log_level", self.log_level),
            ("shard_count", self.shard_count), ("shard_ids", self.shard_ids),
            ("metrics_host", self.metrics_host), ("metrics_port", self.metrics_port),
            ("data_dir", self.data_dir), ("var_dir", self.var_dir),
            ("discord_api_url", self.discord_api_url),
            ("database_attempts", self.database_attempts),
            ("round_lease", self.round_lease)))
        return f"Settings({fields})"

    @property
    def database_url_redacted(self) -> str:
        return make_url(self.database_url).render_as_string(hide_password=True)

    @property
    def database_host(self) -> str:
        """What an error message may say about the database: host and port, or the file."""
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite":
            return f"the SQLite file {url.database}"
        return f"{url.host or 'localhost'}:{url.port or 5432}"

    @property
    def secrets(self) -> tuple[str, ...]:
        """Strings no log line may contain."""
        password = make_url(self.database_url).password
        return tuple(s for s in (self.discord_token, password) if s)

    @property
    def local(self) -> bool:
        """No token: run against the local stand-in (the playground)."""
        return not self.discord_token

    @property
    def log_level_number(self) -> int:
        return int(getattr(logging, self.log_level))

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, env_file: Path | None = None) -> Settings:
        """Read settings: real environment first, then ``.env`` (in the working directory)
        for anything unset. An empty variable counts as unset: ``DISCORD_TOKEN=`` exported by
        a unit file or a compose file must not hide the token written in ``.env``."""
        values: dict[str, str] = {}
        file = env_file if env_file is not None else Path.cwd() / ".env"
        if file.exists():
            values.update({k: v for k, v in dotenv_values(file).items() if v is not None})
        real = os.environ if environ is None else environ
        values.update({k: v for k, v in real.items() if v.strip() != ""})
        return cls.from_mapping(values)

    @classmethod
    def from_mapping(cls, env: Mapping[str, str]) -> Settings:
        def get(name: str) -> str | None:
            value = env.get(name)
            return value.strip() if value is not None and value.strip() != "" else None

        token = get("DISCORD_TOKEN")
        if token is not None and (len(token) < 20 or " " in token):
            raise SettingsError("DISCORD_TOKEN", "a bot token from the Discord developer portal",
                                "<hidden>")
        var_dir = Path(get("VAR_DIR") or default_var_dir())
        url = get("DATABASE_URL") or sqlite_url(var_dir)
        if url.startswith(("postgres://", "postgresql://")):
            # Hosting platforms hand out plain postgres URLs; the bot needs the async driver.
            url = "postgresql+asyncpg://" + url.split("://", 1)[1]
        if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise SettingsError("DATABASE_URL", "a sqlite+aiosqlite:/// or postgresql+asyncpg:// URL",
                                url.split("@")[-1])
        level = (get("LOG_LEVEL") or "INFO").upper()
        if level not in LOG_LEVELS:
            raise SettingsError("LOG_LEVEL", " / ".join(LOG_LEVELS), level)
        shard_count = _int(get("SHARD_COUNT"), "SHARD_COUNT", "a whole number ≥ 1", lo=1)
        shard_ids = None
        if (raw := get("SHARD_IDS")) is not None:
            try:
                shard_ids = tuple(int(p) for p in raw.split(","))
            except ValueError:
                raise SettingsError("SHARD_IDS", "comma-separated shard numbers like 0,1",
                                    raw) from None
            if shard_count is None or any(not 0 <= s < shard_count for s in shard_ids):
                raise SettingsError("SHARD_IDS", "numbers below SHARD_COUNT (set SHARD_COUNT too)",
                                    raw)
        data_dir = Path(get("DATA_DIR") or default_data_dir())
        return cls(
            discord_token=token,
            database_url=url,
            dev_guild_id=_int(get("DEV_GUILD_ID"), "DEV_GUILD_ID", "a server id (a number)",
                              lo=1),
            log_level=level,
            shard_count=shard_count,
            shard_ids=shard_ids,
            metrics_port=_int(get("METRICS_PORT"), "METRICS_PORT", "a port 1–65535", lo=1,
                              hi=65535),
            metrics_host=get("METRICS_HOST") or "127.0.0.1",
            data_dir=data_dir,
            var_dir=var_dir,
            discord_api_url=get("DISCORD_API_URL"),
            database_attempts=_int(get("DATABASE_ATTEMPTS"), "DATABASE_ATTEMPTS",
                                   "a whole number of tries ≥ 1", lo=1) or 5,
            round_lease=_int(get("ROUND_LEASE_SECONDS"), "ROUND_LEASE_SECONDS",
                             "seconds 3–600", lo=3, hi=600) or 30,
        )


def _int(raw: str | None, name: str, expected: str, *, lo: int | None = None,
         hi: int | None = None) -> int | None:
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(name, expected, raw) from None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise SettingsError(name, expected, raw)
    return value
