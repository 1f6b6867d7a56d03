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

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{ROOT / 'var' / 'factquiz.db'}"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


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
    data_dir: Path = ROOT / "data"
    var_dir: Path = ROOT / "var"
    # Where discord.py connects; only the local stand-in and tests change it.
    discord_api_url: str | None = None

    @property
    def local(self) -> bool:
        """No token: run against the local stand-in (the playground)."""
        return not self.discord_token

    @property
    def log_level_number(self) -> int:
        return int(getattr(logging, self.log_level))

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, env_file: Path | None = None) -> Settings:
        """Read settings: real environment first, then ``.env`` for anything unset."""
        values: dict[str, str] = {}
        file = env_file if env_file is not None else ROOT / ".env"
        if file.exists():
            values.update({k: v for k, v in dotenv_values(file).items() if v is not None})
        values.update(os.environ if environ is None else environ)
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
        url = get("DATABASE_URL") or DEFAULT_DATABASE_URL
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
        data_dir = Path(get("DATA_DIR") or ROOT / "data")
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
            data_dir=data_dir,
            var_dir=Path(get("VAR_DIR") or ROOT / "var"),
            discord_api_url=get("DISCORD_API_URL"),
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
