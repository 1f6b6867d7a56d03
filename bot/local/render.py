"""Render Discord messages as readable terminal text (playground and ``ask``)."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from bot.i18n import _
from bot.local.standin import rules

WIDTH = 78
LETTERS = "abcdefghijklmnopqrstuvwxyz"


class Directory(Protocol):
    """Who and what an id names (the stand-in's users and servers)."""

    users: dict[int, Any]
    guilds: dict[int, Any]


def relative_time(timestamp: int, now: float | None = None) -> str:
    """``<t:…:R>`` as Discord's client shows it: "in 12 s", "3 min ago"."""
    delta = timestamp - (time.time() if now is None else now)
    ahead, size = delta > 0, abs(delta)
    if size < 1:
        return "now"
    if size < 90:
        amount = f"{round(size)} s"
    elif size < 90 * 60:
        amount = f"{round(size / 60)} min"
    elif size < 36 * 3600:
        amount = f"{round(size / 3600)} h"
    else:
        amount = f"{round(size / 86400)} days"
    return f"in {amount}" if ahead else f"{amount} ago"


_STYLES = {"t": "%H:%M", "T": "%H:%M:%S", "d": "%d/%m/%Y", "D": "%d %B %Y",
           "f": "%d %B %Y %H:%M", "F": "%A, %d %B %Y %H:%M"}


def _timestamp(match: re.Match[str]) -> str:
    value, style = int(match.group(1)), match.group(2) or "f"
    if style == "R":
        return relative_time(value)
    return dt.datetime.fromtimestamp(value).strftime(_STYLES.get(style, _STYLES["f"]))


def _mentions(text: str, directory: Directory | None) -> str:
    """Mentions as the client shows them: a member's display name, a channel's name."""
    def user(match: re.Match[str]) -> str:
        found = directory.users.get(int(match.group(1))) if directory else None
        return f"@{found.global_name or found.username}" if found else "@unknown member"

    def channel(match: re.Match[str]) -> str:
        cid = int(match.group(1))
        for guild in (directory.guilds.values() if directory else ()):
            if cid in guild.channels:
                return f"#{guild.channels[cid].name}"
        return "#unknown channel"

    def role(match: re.Match[str]) -> str:
        rid = int(match.group(1))
        for guild in (directory.guilds.values() if directory else ()):
            if rid in guild.roles:
                return "@" + guild.roles[rid].name.lstrip("@")
        return "@unknown role"

    text = re.sub(r"<@!?(\d+)>", user, text)
    text = re.sub(r"<#(\d+)>", channel, text)
    return re.sub(r"<@&(\d+)>", role, text)


def _markdown(text: str, directory: Directory | None = None) -> str:
    # Terminals show no markdown: drop emphasis markers, keep the words.
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    text = re.sub(r"<t:(-?\d+)(?::([tTdDfFR]))?>", _timestamp, text)
    text = _mentions(text, directory)
    text = re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r"\1 <\2>", text)
    text = text.replace("\\", "")  # markdown escapes
    return text


def _wrap_in(text: str, indent: str, directory: Directory | None = None) -> list[str]:
    out: list[str] = []
    for line in _markdown(text, directory).splitlines() or [""]:
        out += textwrap.wrap(line, WIDTH - len(indent), replace_whitespace=False) or [""]
    return [indent + line for line in out]


def button_tag(tag: str, position: int) -> str:
    """The reference of a message's button: ``3b`` is the second button of message 3."""
    return f"{tag}{LETTERS[position] if position < len(LETTERS) else position + 1}"


def render_message(message: dict[str, Any], *, tag: str | None = None,
                   saved: dict[str, Path] | None = None, directory: Directory | None = None,
                   viewer: Callable[[int], str] | None = None) -> str:
    """A message as text: content, embeds (title, description, fields, footer), attachments
    and buttons, each enabled button labelled with its reference when the message has a
    ``tag``; mentions and timestamps as a Discord client shows them."""
    lines: list[str] = []
    def _wrap(text: str, indent: str) -> list[str]:
        return _wrap_in(text, indent, directory)

    if message.get("flags", 0) & rules.EPHEMERAL:
        # The client's own words, in its language (``ask --locale``), as Discord's shows them.
        owner = message.get("_visible_to")
        lines.append(_("(only {who} can see this)", who=viewer(int(owner))) if viewer and owner
                     else _("(only you can see this)"))
    if message.get("content"):
        lines += _wrap(message["content"], "")
    for embed in message.get("embeds") or []:
        bar = "│ "
        if embed.get("author"):
            lines.append(bar + embed["author"].get("name", ""))
        if embed.get("title"):
            lines += _wrap(embed["title"].upper() if len(embed["title"]) < 60 else embed["title"], bar)
        if embed.get("description"):
            lines += _wrap(embed["description"], bar)
        for field in embed.get("fields") or []:
            lines.append(bar)
            lines += _wrap(f"{field.get('name')}:", bar)
            lines += _wrap(field.get("value") or "", bar + "  ")
        image = (embed.get("image") or {}).get("url")
        if image:
            lines.append(bar + f"[image: {image.removeprefix('attachment://')}]")
        if embed.get("footer"):
            lines.append(bar)
            lines += _wrap(embed["footer"].get("text", ""), bar + "— ")
    for attachment in message.get("attachments") or []:
        where = saved.get(attachment["id"]) if saved else None
        suffix = f" → saved to {where}" if where else ""
        lines.append(f"📎 {attachment['filename']} ({attachment.get('size', 0):,} bytes){suffix}")
    row_texts = []
    position = -1
    for row in message.get("components") or []:
        cells = []
        for item in row.get("components") or []:
            if item.get("type") != 2:
                continue
            position += 1
            label = item.get("label") or (item.get("emoji") or {}).get("name") or "?"
            if item.get("style") == 5:
                cells.append(f"[link: {label} {item.get('url')}]")
                continue
            if item.get("disabled"):
                cells.append(f"[·] {label} (closed)")
            else:
                cells.append(f"[{button_tag(tag, position) if tag else '·'}] {label}")
        if cells:
            row_texts.append("   ".join(cells))
    lines += row_texts
    return "\n".join(lines)
