"""Shared embed helpers for the cogs."""

from __future__ import annotations

from enum import IntEnum


class EmbedColour(IntEnum):
    INFO = 0x5865F2
    DEFECTORS = 0x2B6CB0
    RECOGNITION = 0x2F855A
    QUIZ = 0xD69E2E
    WARNING = 0xC05621


def truncate(text: str, limit: int) -> str:
    """Fit ``text`` into a Discord limit, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
