"""Citations: turn the data's source strings into footers and link lists."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.cogs._embeds import bounded_join, truncate

_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    url: str | None


def parse_sources(text: str) -> list[Source]:
    """``"Name https://url (note) | Other ..."`` → sources in order, duplicates dropped."""
    out: list[Source] = []
    for part in re.split(r"\s+\|\s+|\s+;\s+(?=https?://)", text):
        url_match = _URL.search(part)
        url = url_match.group(0).rstrip(").,;") if url_match else None
        name = part[: url_match.start()] if url_match else part
        name = re.sub(r"\s*[(;:]\s*$", "", name.strip()).strip(" ;")
        if not name and url:  # a bare link: name it by its site
            name = re.sub(r"^www\.", "", url.split("/")[2])
        name = name or "source"
        if all(s.url != url or url is None for s in out):
            out.append(Source(name, url))
    return out


def links(text: str, limit: int = 1024) -> str:
    """A Markdown list of the sources, within an embed field's limit."""
    lines = [f"• [{s.name}]({s.url})" if s.url else f"• {s.name}" for s in parse_sources(text)]
    return bounded_join(lines, "\n", limit, reserve=20, more="• … and {} more")


def short(text: str, limit: int = 300) -> str:
    """Source names only (footers cannot hold links)."""
    return truncate("; ".join(s.name for s in parse_sources(text)), limit)
