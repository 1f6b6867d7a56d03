"""Every table the bot owns, in one place (for schema checks and tooling)."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlmodel import SQLModel


def all_tables() -> MetaData:
    import bot.facts.models
    import bot.quiz.models  # noqa: F401

    return SQLModel.metadata
