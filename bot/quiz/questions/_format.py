"""How shares, dates and year pairs are written in questions and options.

Whole numbers and signed changes are written by :mod:`bot.facts.format`, the bot's one number
formatter, so a question and a ``/defectors`` reply always agree.
"""

from __future__ import annotations

import datetime as dt

ARROW = " → "


def pct(share: float) -> str:
    """A share 0–100 with one decimal: 73.1%."""
    return f"{share:.1f}%"


def day(d: dt.date) -> str:
    """An exact date, unambiguous in every locale: 14 November 2023."""
    return f"{d.day} {d:%B %Y}"


def partial_date(text: str) -> str:
    """A published date at the precision it was published: "on 28 May 2024", "in May 1989",
    "in 1979". A year or year-month is never turned into a made-up day."""
    parts = text.split("-")
    if len(parts) == 3:
        return f"on {day(dt.date.fromisoformat(text))}"
    if len(parts) == 2:
        return f"in {dt.date(int(parts[0]), int(parts[1]), 1):%B %Y}"
    return f"in {parts[0]}"


def year_pair(first: int, second: int) -> str:
    return f"{first}{ARROW}{second}"


def join_names(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
