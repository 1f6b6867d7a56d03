"""Turn a typed line such as ``/recognition country country:Ivory Coast`` into the
``data`` of an INTERACTION_CREATE, refusing what Discord's own client would never send.

The line mirrors Discord: subcommand words first, then ``name:value`` options (values may
contain spaces). As a convenience for people at a terminal, leading text without a name goes
to the first option not given yet, so ``/defectors 2012`` works as it does in Discord's picker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10
TYPE_NAMES = {STRING: "text", INTEGER: "a whole number", BOOLEAN: "true or false",
              USER: "a member", CHANNEL: "a channel", ROLE: "a role",
              MENTIONABLE: "a member or role", NUMBER: "a number"}
INT_LIMIT = 2**53  # Discord's integer options are JavaScript-safe integers


class OptionRefused(ValueError):
    """Discord's client would not send this (wrong type, out of range, not a choice, …)."""


@dataclass
class Invocation:
    command: dict[str, Any]  # the synced command
    path: list[str]  # command, [group], [subcommand]
    data: dict[str, Any]  # the interaction's data (without id/guild_id)
    focused: str | None = None

    @property
    def name(self) -> str:
        return " ".join(self.path)


@dataclass
class Resolver:
    """Looks up users, channels and roles named in options (``<@id>``, an id, or a name)."""

    users: dict[int, Any]
    channels: dict[int, Any]
    roles: dict[int, Any]

    def find(self, kind: int, text: str) -> tuple[str, int]:
        m = re.fullmatch(r"<[@#][!&]?(\d+)>|(\d+)", text.strip())
        wanted = int(m.group(1) or m.group(2)) if m else None
        tables: list[tuple[str, dict[int, Any]]] = {
            USER: [("users", self.users)], CHANNEL: [("channels", self.channels)],
            ROLE: [("roles", self.roles)],
            MENTIONABLE: [("users", self.users), ("roles", self.roles)],
        }[kind]
        for table_name, table in tables:
            for obj_id, obj in table.items():
                names = {getattr(obj, "username", None), getattr(obj, "name", None),
                         getattr(obj, "global_name", None)}
                # "@alice" and "alice" name the same member; "@everyone" is a role's own name.
                if obj_id == wanted or {text.strip(), text.strip().lstrip("@#")} & (
                        names - {None}):
                    return table_name, obj_id
        raise OptionRefused(f"this server has no {TYPE_NAMES[kind].split(' ', 1)[1]} called "
                            f"{text.strip()!r}")


def _split_options(text: str, names: list[str]) -> tuple[str, list[tuple[str, str]]]:
    """Split ``a:1 b:two words`` on the known option names only."""
    if not names:
        return text.strip(), []
    pattern = re.compile(r"(?:^|\s)(" + "|".join(map(re.escape, names)) + r"):")
    matches = list(pattern.finditer(text))
    head = text[: matches[0].start()] if matches else text
    pairs = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        pairs.append((m.group(1), text[m.end():end].strip()))
    return head.strip(), pairs


def _convert(opt: dict[str, Any], raw: str, resolver: Resolver | None) -> Any:
    kind, name = opt["type"], opt["name"]
    value: Any
    if kind == STRING:
        value = raw
        if len(value) < opt.get("min_length", 0):
            raise OptionRefused(f"{name}: at least {opt['min_length']} characters")
        if len(value) > opt.get("max_length", 6000):
            raise OptionRefused(f"{name}: at most {opt.get('max_length', 6000)} characters")
    elif kind == INTEGER:
        if not re.fullmatch(r"[-+]?\d+", raw.strip()):
            raise OptionRefused(f"{name}: expected {TYPE_NAMES[kind]}, got {raw!r}")
        value = int(raw)
        if abs(value) > INT_LIMIT:
            raise OptionRefused(f"{name}: {value} is outside Discord's integer range")
    elif kind == NUMBER:
        try:
            value = float(raw)
        except ValueError:
            raise OptionRefused(f"{name}: expected {TYPE_NAMES[kind]}, got {raw!r}") from None
    elif kind == BOOLEAN:
        lowered = raw.strip().lower()
        if lowered not in {"true", "false", "yes", "no"}:
            raise OptionRefused(f"{name}: expected true or false, got {raw!r}")
        value = lowered in {"true", "yes"}
    elif kind in (USER, CHANNEL, ROLE, MENTIONABLE):
        if resolver is None:
            raise OptionRefused(f"{name}: {TYPE_NAMES[kind]} cannot be chosen here")
        return resolver.find(kind, raw)
    else:
        raise OptionRefused(f"{name}: option type {kind} is not supported by the stand-in")
    if kind in (INTEGER, NUMBER):
        lo, hi = opt.get("min_value"), opt.get("max_value")
        if lo is not None and value < lo:
            raise OptionRefused(f"{name}: must be at least {lo} (got {value})")
        if hi is not None and value > hi:
            raise OptionRefused(f"{name}: must be at most {hi} (got {value})")
    choices = opt.get("choices")
    if choices:
        for ch in choices:
            if value == ch["value"] or (isinstance(value, str) and value == ch["name"]):
                return ch["value"]
        allowed = ", ".join(str(ch["value"]) for ch in choices)
        raise OptionRefused(f"{name}: {raw!r} is not one of the choices ({allowed})")
    return value


def _command(commands: list[dict[str, Any]], name: str) -> dict[str, Any]:
    by_name = {c["name"]: c for c in commands if c.get("type", 1) == 1}
    command = by_name.get(name.lower())
    if command is None:
        raise OptionRefused(f"/{name} is not a command Discord knows for this bot "
                            "(never synced?)")
    return command


def _descend(node: dict[str, Any], word: str, path: list[str]) -> dict[str, Any] | None:
    """The subcommand (or group) ``word`` under ``node``; None when ``node`` has none."""
    subs = {o["name"]: o for o in node.get("options") or []
            if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)}
    if not subs:
        return None
    sub = subs.get(word.lower())
    if sub is None:
        raise OptionRefused(f"/{' '.join(path)} needs a subcommand: {', '.join(sorted(subs))}")
    return sub


def parse(
    line: str, commands: list[dict[str, Any]], *, resolver: Resolver | None = None,
    focus: str | None = None,
) -> Invocation:
    """Parse ``line`` against the synced ``commands``.

    ``focus`` names the option being typed for an autocomplete request; its value is sent
    as typed (even empty) and marked ``focused`` as Discord does.
    """
    line = line.strip()
    if not line.startswith("/"):
        raise OptionRefused("a command starts with /")
    word, _, rest = line[1:].partition(" ")
    command = _command(commands, word)
    path, node = [command["name"]], command
    while True:
        word, _, remainder = rest.strip().partition(" ")
        sub = _descend(node, word, path)
        if sub is None:
            break
        path.append(sub["name"])
        node, rest = sub, remainder
    declared = {o["name"]: o for o in node.get("options") or []}
    head, pairs = _split_options(rest, list(declared))
    given: dict[str, str] = {}
    if head:
        free = [n for n in declared if n not in {p[0] for p in pairs}]
        if not free:
            raise OptionRefused(f"unexpected text {head!r}: /{' '.join(path)} takes no more options")
        given[free[0]] = head
    for name, raw in pairs:
        if name in given:
            raise OptionRefused(f"option {name} given twice")
        given[name] = raw
    return build(commands, path, given, resolver=resolver, focus=focus)


def build(
    commands: list[dict[str, Any]], path: list[str], given: dict[str, str], *,
    resolver: Resolver | None = None, focus: str | None = None,
) -> Invocation:
    """The interaction data for ``path`` (command, [group], [subcommand]) with option values
    as typed, refusing what Discord's client would refuse."""
    command = _command(commands, path[0])
    options_out: list[dict[str, Any]] = []
    container, node, walked = options_out, command, [command["name"]]
    for word in path[1:]:
        sub = _descend(node, word, walked)
        if sub is None:
            raise OptionRefused(f"/{' '.join(walked)} has no subcommand {word!r}")
        walked.append(sub["name"])
        entry: dict[str, Any] = {"name": sub["name"], "type": sub["type"], "options": []}
        container.append(entry)
        container, node = entry["options"], sub
    _descend(node, "", walked)  # refuses a group or command whose subcommand is missing
    declared = {o["name"]: o for o in node.get("options") or []}
    unknown = set(given) - set(declared)
    if unknown:
        raise OptionRefused(f"/{' '.join(walked)} has no option {sorted(unknown)[0]}")
    resolved: dict[str, dict[str, Any]] = {}
    for name, opt in declared.items():
        if name not in given:
            if opt.get("required") and name != focus:
                raise OptionRefused(f"/{' '.join(walked)}: option {name} is required")
            continue
        raw = given[name]
        if name == focus:
            container.append({"name": name, "type": opt["type"], "value": raw, "focused": True})
            continue
        if raw == "":
            raise OptionRefused(f"{name}: a value is required")
        value = _convert(opt, raw, resolver)
        if isinstance(value, tuple):  # (table, id) for users, channels, roles
            table, obj_id = value
            resolved.setdefault(table, {})[str(obj_id)] = obj_id
            value = str(obj_id)
        container.append({"name": name, "type": opt["type"], "value": value})
    if focus is not None and focus not in given:
        opt = declared.get(focus)
        if opt is None:
            raise OptionRefused(f"no option {focus} to autocomplete")
        container.append({"name": focus, "type": opt["type"], "value": "", "focused": True})
    data: dict[str, Any] = {"id": command["id"], "name": command["name"], "type": 1,
                            "options": options_out}
    if command.get("guild_id"):
        data["guild_id"] = command["guild_id"]
    inv = Invocation(command, walked, data, focus)
    data["_resolved_ids"] = resolved  # the server fills in the objects
    return inv
