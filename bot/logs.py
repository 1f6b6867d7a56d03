"""Logging: one line per event, and a filter that keeps the bot token out of every line."""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class RedactToken(logging.Filter):
    def __init__(self, secret: str | None) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secret:
            message = record.getMessage()
            if self.secret in message:
                record.msg, record.args = message.replace(self.secret, "<token>"), None
        return True


def configure(level: int, token: str | None = None) -> None:
    root = logging.getLogger()
    root.setLevel(level)
    if not any(getattr(h, "_factquiz", False) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        handler._factquiz = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    for existing in root.handlers:
        existing.filters = [f for f in existing.filters if not isinstance(f, RedactToken)]
        existing.addFilter(RedactToken(token))
    # discord.py's gateway chatter is noise at INFO for a bot operator.
    logging.getLogger("discord").setLevel(max(level, logging.WARNING))
    logging.getLogger("alembic").setLevel(max(level, logging.WARNING))
