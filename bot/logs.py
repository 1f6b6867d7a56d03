"""Logging: one line per event, and a filter that keeps secrets (the bot token, the database
password) out of every line, tracebacks included."""

from __future__ import annotations

import logging
from collections.abc import Iterable

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<secret>")
    return text


class RedactToken(logging.Filter):
    def __init__(self, *secrets: str | None) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            cleaned = redact(message, self.secrets)
            if cleaned != message:
                record.msg, record.args = cleaned, None
        return True


class _RedactingFormatter(logging.Formatter):
    """Tracebacks are formatted after the filters ran: redact the finished line too (a driver
    error can quote its connection string)."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__(FORMAT)
        self.secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


class _OwnHandler(logging.StreamHandler):
    """The handler this module adds (found again on a second ``configure``)."""


def configure(level: int, *secrets: str | None) -> None:
    kept = tuple(s for s in secrets if s)
    root = logging.getLogger()
    root.setLevel(level)
    if not any(isinstance(h, _OwnHandler) for h in root.handlers):
        root.addHandler(_OwnHandler())
    for existing in root.handlers:
        if isinstance(existing, _OwnHandler):
            existing.setFormatter(_RedactingFormatter(kept))
        existing.filters = [f for f in existing.filters if not isinstance(f, RedactToken)]
        existing.addFilter(RedactToken(*kept))
    # discord.py's gateway chatter is noise at INFO for a bot operator.
    logging.getLogger("discord").setLevel(max(level, logging.WARNING))
    logging.getLogger("alembic").setLevel(max(level, logging.WARNING))
