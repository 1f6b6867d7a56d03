"""The check that a Korean reply has no untranslated English left in it.

It flags ASCII words, except in what is not prose: code spans (commands, the data version),
links, mentions, file paths, and the sources field (citations keep the title the source was
published under, like a bibliography). A short allow-list keeps names and units that Korean
text writes in Latin letters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

ALLOWED = {
    "factquiz",  # the bot's name
    "Visual", "Capitalist",  # the publication's name
    "ISO", "YYYY", "MM", "DD", "UTC",  # formats and the time standard, as Korean writes them
}
SOURCES_FIELD = "출처"

_NOT_PROSE = [
    re.compile(r"`[^`]*`"),  # code: /command examples, option names, the data version
    re.compile(r"\[[^\]]*\]\([^)]*\)"),  # a Markdown link (a citation)
    re.compile(r"https?://\S+"),
    re.compile(r"<[@#][!&]?\d+>"),  # mentions
    re.compile(r"\S+/\S+\.\w+"),  # a file path (data/SOURCES.md)
]
_WORD = re.compile(r"[A-Za-z]{2,}")


def english_words(text: str, typed: str = "") -> list[str]:
    """The flagged words of ``text``; what the user ``typed`` may be echoed back."""
    for pattern in _NOT_PROSE:
        text = pattern.sub(" ", text)
    echoed = set(_WORD.findall(typed))
    return [w for w in _WORD.findall(text) if w not in ALLOWED and w not in echoed]


def texts(message: dict[str, Any]) -> Iterator[str]:
    """Every piece of prose a message shows (content, embeds, button labels)."""
    yield message.get("content") or ""
    for embed in message.get("embeds") or []:
        yield embed.get("title") or ""
        yield embed.get("description") or ""
        yield (embed.get("footer") or {}).get("text") or ""
        for field in embed.get("fields") or []:
            yield field["name"]
            if field["name"] != SOURCES_FIELD:
                yield field["value"]
    for row in message.get("components") or []:
        for component in row.get("components") or []:
            yield component.get("label") or ""


def leftover_english(message: dict[str, Any], typed: str = "") -> list[tuple[str, str]]:
    """(word, the text it is in) for every flagged word."""
    return [(word, text) for text in texts(message) for word in english_words(text, typed)]
