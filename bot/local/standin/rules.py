"""Discord's limits, checked the way Discord checks them (the client library does not).

Each check returns a list of broken rules in plain words ("embed title ≤ 256 characters (got
301)"), so a failing test or an ``ask`` run says exactly which rule a reply broke.
"""

from __future__ import annotations

import re
from typing import Any

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBEDS_TOTAL_MAX = 6000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
ROWS_MAX = 5
ROW_ITEMS_MAX = 5
CUSTOM_ID_MAX = 100
LABEL_MAX = 80
CHOICES_MAX = 25
ATTACHMENTS_MAX = 10
SELECT_OPTIONS_MAX = 25

EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_EMBEDS = 1 << 2
SUPPRESS_NOTIFICATIONS = 1 << 12
SENDABLE_FLAGS = EPHEMERAL | SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS

_NAME = re.compile(r"^[-_\w]{1,32}$")


def _len(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def check_embeds(embeds: list[dict[str, Any]]) -> list[str]:
    broken: list[str] = []
    if len(embeds) > EMBEDS_MAX:
        broken.append(f"≤ {EMBEDS_MAX} embeds per message (got {len(embeds)})")
    total = 0
    for i, e in enumerate(embeds, 1):
        where = f"embed {i}"
        title, desc = e.get("title") or "", e.get("description") or ""
        footer = (e.get("footer") or {}).get("text") or ""
        author = (e.get("author") or {}).get("name") or ""
        fields = e.get("fields") or []
        if _len(title) > TITLE_MAX:
            broken.append(f"{where}: title ≤ {TITLE_MAX} characters (got {len(title)})")
        if _len(desc) > DESCRIPTION_MAX:
            broken.append(f"{where}: description ≤ {DESCRIPTION_MAX} characters (got {len(desc)})")
        if _len(footer) > FOOTER_MAX:
            broken.append(f"{where}: footer ≤ {FOOTER_MAX} characters (got {len(footer)})")
        if _len(author) > AUTHOR_MAX:
            broken.append(f"{where}: author name ≤ {AUTHOR_MAX} characters (got {len(author)})")
        if len(fields) > FIELDS_MAX:
            broken.append(f"{where}: ≤ {FIELDS_MAX} fields (got {len(fields)})")
        for j, f in enumerate(fields, 1):
            name, value = f.get("name"), f.get("value")
            if not isinstance(name, str) or not name.strip():
                broken.append(f"{where} field {j}: name is required")
            elif len(name) > FIELD_NAME_MAX:
                broken.append(f"{where} field {j}: name ≤ {FIELD_NAME_MAX} characters "
                              f"(got {len(name)})")
            if not isinstance(value, str) or not value.strip():
                broken.append(f"{where} field {j}: value is required")
            elif len(value) > FIELD_VALUE_MAX:
                broken.append(f"{where} field {j}: value ≤ {FIELD_VALUE_MAX} characters "
                              f"(got {len(value)})")
            total += _len(name) + _len(value)
        total += _len(title) + _len(desc) + _len(footer) + _len(author)
    if total > EMBEDS_TOTAL_MAX:
        broken.append(f"all embeds together ≤ {EMBEDS_TOTAL_MAX} characters (got {total})")
    return broken


def check_components(rows: list[dict[str, Any]]) -> list[str]:
    broken: list[str] = []
    if len(rows) > ROWS_MAX:
        broken.append(f"≤ {ROWS_MAX} action rows per message (got {len(rows)})")
    ids: set[str] = set()
    for r, row in enumerate(rows, 1):
        if row.get("type") != 1:
            broken.append(f"row {r}: top-level components must be action rows (type 1)")
            continue
        items = row.get("components") or []
        if not items:
            broken.append(f"row {r}: an action row needs at least one component")
        if len(items) > ROW_ITEMS_MAX:
            broken.append(f"row {r}: ≤ {ROW_ITEMS_MAX} buttons per row (got {len(items)})")
        selects = [c for c in items if c.get("type") in (3, 5, 6, 7, 8)]
        if selects and len(items) > 1:
            broken.append(f"row {r}: a select menu needs a row of its own")
        for c, item in enumerate(items, 1):
            where = f"row {r} component {c}"
            custom_id = item.get("custom_id")
            if item.get("type") == 2 and item.get("style") == 5:
                if not item.get("url") or custom_id:
                    broken.append(f"{where}: a link button needs a url and no custom_id")
            elif not isinstance(custom_id, str) or not custom_id:
                broken.append(f"{where}: custom_id is required")
            if isinstance(custom_id, str):
                if len(custom_id) > CUSTOM_ID_MAX:
                    broken.append(f"{where}: custom_id ≤ {CUSTOM_ID_MAX} characters "
                                  f"(got {len(custom_id)})")
                if custom_id in ids:
                    broken.append(f"{where}: custom_id {custom_id!r} must be unique in a message")
                ids.add(custom_id)
            if item.get("type") == 2:
                label = item.get("label")
                if not label and not item.get("emoji"):
                    broken.append(f"{where}: a button needs a label or an emoji")
                if _len(label) > LABEL_MAX:
                    broken.append(f"{where}: button label ≤ {LABEL_MAX} characters "
                                  f"(got {len(label)})")
            if item.get("type") == 3 and len(item.get("options") or []) > SELECT_OPTIONS_MAX:
                broken.append(f"{where}: ≤ {SELECT_OPTIONS_MAX} select options")
    return broken


def check_message(payload: dict[str, Any], *, files: int = 0, editing: bool = False) -> list[str]:
    """Rules for a message body sent to Discord (create or edit)."""
    broken: list[str] = []
    content = payload.get("content")
    if content is not None and not isinstance(content, str):
        broken.append("content must be a string")
    elif content and len(content) > CONTENT_MAX:
        broken.append(f"content ≤ {CONTENT_MAX} characters (got {len(content)})")
    embeds = payload.get("embeds") or []
    broken += check_embeds(embeds)
    broken += check_components(payload.get("components") or [])
    attachments = payload.get("attachments") or []
    if max(files, len(attachments)) > ATTACHMENTS_MAX:
        broken.append(f"≤ {ATTACHMENTS_MAX} attachments per message")
    flags = payload.get("flags") or 0
    if flags & ~SENDABLE_FLAGS:
        broken.append(f"flags {flags} include bits a bot cannot set")
    if not editing and not (content or embeds or payload.get("components") or files
                            or payload.get("sticker_ids") or payload.get("poll")):
        broken.append("cannot send an empty message (no content, embed, component or file)")
    return broken


def check_choices(choices: list[dict[str, Any]]) -> list[str]:
    broken: list[str] = []
    if len(choices) > CHOICES_MAX:
        broken.append(f"≤ {CHOICES_MAX} autocomplete choices (got {len(choices)})")
    for i, ch in enumerate(choices, 1):
        name, value = ch.get("name"), ch.get("value")
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            broken.append(f"choice {i}: name must be 1–100 characters")
        if isinstance(value, str) and len(value) > 100:
            broken.append(f"choice {i}: value ≤ 100 characters")
    return broken


def check_command(cmd: dict[str, Any], *, depth: int = 0) -> list[str]:
    """Rules Discord applies when commands are registered (bulk overwrite)."""
    broken: list[str] = []
    name = cmd.get("name", "")
    where = f"command {name!r}" if depth == 0 else f"option {name!r}"
    if not _NAME.match(name) or name != name.lower():
        broken.append(f"{where}: names are 1–32 lowercase letters, digits, - or _")
    ctype = cmd.get("type", 1)
    desc = cmd.get("description", "")
    if ctype == 1 and not 1 <= len(desc) <= 100:
        broken.append(f"{where}: description must be 1–100 characters (got {len(desc)})")
    options = cmd.get("options") or []
    if len(options) > 25:
        broken.append(f"{where}: ≤ 25 options")
    seen_optional = False
    for opt in options:
        broken += check_command(opt, depth=depth + 1)
        if opt.get("type") in (1, 2):
            continue
        if opt.get("required"):
            if seen_optional:
                broken.append(f"{where}: required options must come before optional ones")
        else:
            seen_optional = True
        if len(opt.get("choices") or []) > CHOICES_MAX:
            broken.append(f"option {opt.get('name')!r}: ≤ {CHOICES_MAX} choices")
        if opt.get("choices") and opt.get("autocomplete"):
            broken.append(f"option {opt.get('name')!r}: choices and autocomplete exclude each other")
    return broken
