"""Shared embed helpers for the cogs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import IntEnum

import discord.utils

from bot.i18n import ngettext


class EmbedColour(IntEnum):
    INFO = 0x5865F2
    DEFECTORS = 0x2B6CB0
    RECOGNITION = 0x2F855A
    QUIZ = 0xD69E2E
    WARNING = 0xC05621


def truncate(text: str, limit: int) -> str:
    """Fit ``text`` into a Discord limit, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bounded_join(items: Sequence[str], sep: str, limit: int, *, reserve: int, more: str) -> str:
    """Join ``items`` with ``sep`` within ``limit`` characters. Once the next item would pass
    ``limit - reserve``, the rest is counted instead: ``more`` is a format string taking the
    number left out (e.g. ``"and {} more"``), and ``reserve`` keeps room for it."""
    kept: list[str] = []
    for item in items:
        if sum(len(k) + len(sep) for k in kept) + len(item) > limit - reserve:
            kept.append(more.format(len(items) - len(kept)))
            break
        kept.append(item)
    return truncate(sep.join(kept), limit)


def day(date: dt.date) -> str:
    """"14 Nov 2023": how every reply writes a date in prose (no zero padding)."""
    return f"{date.day} {date:%b %Y}"


def user_text(text: str, limit: int = 100) -> str:
    """Echo something a user typed: no markdown tricks, no mention syntax, bounded length.

    Mentions are off bot-wide, so nothing could ping anyway; escaping also keeps the echo
    from *looking* like a ping or breaking the message's formatting.
    """
    cleaned = "".join(ch for ch in text if ch.isprintable() or ch == " ")
    cleaned = discord.utils.escape_mentions(discord.utils.escape_markdown(cleaned))
    return truncate(cleaned, limit)


def answer_count(n: int) -> str:
    """"1 answer", "2 answers" (답변 2개) in the current language."""
    return ngettext("{n} answer", "{n} answers", n)


def plural(n: int, word: str) -> str:
    """"1 answer", "2 answers"."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"
