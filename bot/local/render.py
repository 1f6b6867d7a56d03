"""Render Discord messages as readable terminal text (playground and ``ask``)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

from bot.local.standin import rules

WIDTH = 78


def _markdown(text: str) -> str:
    # Terminals show no markdown: drop emphasis markers, keep the words.
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    text = re.sub(r"<t:(\d+):R>", r"<relative time \1>", text)
    text = re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r"\1 <\2>", text)
    text = text.replace("\\", "")  # markdown escapes
    return text


def _wrap(text: str, indent: str) -> list[str]:
    out: list[str] = []
    for line in _markdown(text).splitlines() or [""]:
        out += textwrap.wrap(line, WIDTH - len(indent), replace_whitespace=False) or [""]
    return [indent + line for line in out]


def render_message(message: dict[str, Any], *, button_numbers: dict[str, int] | None = None,
                   saved: dict[str, Path] | None = None) -> str:
    """A message as text: content, embeds (title, description, fields, footer), attachments
    and numbered buttons."""
    lines: list[str] = []
    if message.get("flags", 0) & rules.EPHEMERAL:
        lines.append("(only you can see this)")
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
    for row in message.get("components") or []:
        cells = []
        for item in row.get("components") or []:
            if item.get("type") != 2:
                continue
            label = item.get("label") or (item.get("emoji") or {}).get("name") or "?"
            if item.get("style") == 5:
                cells.append(f"[link: {label} {item.get('url')}]")
                continue
            number = (button_numbers or {}).get(item.get("custom_id", ""))
            tag = f"{number}" if number is not None else "·"
            cells.append(f"[{tag}] {label}" + (" (disabled)" if item.get("disabled") else ""))
        if cells:
            row_texts.append("   ".join(cells))
    lines += row_texts
    return "\n".join(lines)
