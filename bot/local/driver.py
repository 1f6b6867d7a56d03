"""Act as Discord users against a bot connected to the stand-in: type commands, pick
autocomplete choices, press buttons, and read what the bot answered."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.local.standin import permissions, rules
from bot.local.standin.invocation import Invocation, OptionRefused, Resolver, build, parse
from bot.local.standin.objects import Channel, Guild, User
from bot.local.standin.server import (
    DEFERRED_MESSAGE,
    DEFERRED_UPDATE,
    Interaction,
    StandIn,
    Violation,
)

LOCAL_GUILD_ID = 1_100_000_000_000_000_000  # the playground's server
# ``ask`` and scripted sessions run their own servers: a round the playground runs is never
# seen (and "closed after a restart") by an ``ask`` started beside it.
ASK_GUILD_ID = 1_100_000_000_100_000_000
SCRIPT_GUILD_ID = 1_100_000_000_200_000_000


def local_user_id(name: str) -> int:
    """A stable id for a local member name (the playground keeps its members across runs)."""
    return LOCAL_GUILD_ID + 1000 + int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)


class NoAnswer(AssertionError):
    """The bot did not answer an interaction in time (Discord: "interaction failed")."""


@dataclass
class Exchange:
    """One interaction and everything the bot sent for it."""

    standin: StandIn
    interaction: Interaction
    violations_before: int
    invocation: Invocation | None = None

    @property
    def requests(self) -> list[Any]:
        return self.interaction.requests

    @property
    def bodies(self) -> list[Any]:
        """The request bodies the bot sent for this interaction, in order."""
        return [r.body for r in self.interaction.requests if r.body is not None]

    @property
    def answered(self) -> bool:
        return self.interaction.response_type is not None

    @property
    def message(self) -> dict[str, Any] | None:
        """The current state of the response message (@original)."""
        return self.standin.messages.get(self.interaction.original_id or 0)

    @property
    def followups(self) -> list[dict[str, Any]]:
        iid = str(self.interaction.id)
        return [m for m in self.standin.messages.values()
                if m.get("_interaction_id") == iid and int(m["id"]) != self.interaction.original_id]

    @property
    def messages(self) -> list[dict[str, Any]]:
        first = [self.message] if self.message is not None else []
        return first + self.followups

    @property
    def ephemeral(self) -> bool:
        return bool(self.message and self.message["flags"] & rules.EPHEMERAL)

    @property
    def embed(self) -> dict[str, Any]:
        assert self.message, "no response message"
        assert self.message["embeds"], f"no embed in {self.message!r}"
        return self.message["embeds"][0]

    @property
    def content(self) -> str:
        return (self.message or {}).get("content") or ""

    @property
    def text(self) -> str:
        """Everything readable in the response and follow-ups, for loose assertions."""
        parts: list[str] = []
        for m in self.messages:
            parts.append(m.get("content") or "")
            for e in m.get("embeds") or []:
                parts += [e.get("title") or "", e.get("description") or "",
                          (e.get("footer") or {}).get("text") or ""]
                for f in e.get("fields") or []:
                    parts += [f.get("name") or "", f.get("value") or ""]
        return "\n".join(p for p in parts if p)

    @property
    def choices(self) -> list[dict[str, Any]]:
        return self.interaction.choices or []

    @property
    def violations(self) -> list[Violation]:
        """The rules this interaction's replies broke."""
        return [v for v in self.standin.violations[self.violations_before:]
                if v.interaction_id == self.interaction.id]

    @property
    def latency(self) -> float | None:
        return self.interaction.latency

    def _settled(self) -> bool:
        i = self.interaction
        if i.response_type is None:
            return False
        if i.response_type == DEFERRED_MESSAGE:
            msg = self.standin.messages.get(i.original_id or 0)
            if msg is None:  # the bot deleted its "thinking…" message and followed up
                return bool(self.followups)
            return not msg["flags"] & rules.LOADING
        if i.response_type == DEFERRED_UPDATE:
            return len(i.requests) > 1  # the edit or follow-up after the acknowledgement
        return True

    async def wait(self, timeout: float = 5.0, *, refusals_ok: bool = False) -> Exchange:
        """Wait until the bot has answered (for a deferral: until it filled the answer in).

        A reply the stand-in refused fails at once, unless ``refusals_ok`` (the caller
        checks ``violations`` itself and waits for what the bot does next)."""
        deadline = time.monotonic() + timeout
        while not self._settled():
            if self.violations and not refusals_ok:
                raise AssertionError("the stand-in refused the bot's reply: "
                                     + "; ".join(map(str, self.violations)))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise NoAnswer(f"no answer within {timeout:.1f} s for interaction "
                               f"{self.interaction.id}")
            self.interaction.changed.clear()
            if self._settled():
                break
            try:
                await asyncio.wait_for(self.interaction.changed.wait(), remaining)
            except TimeoutError:
                continue
        return self

    async def quiet(self, period: float = 0.15, timeout: float = 15.0) -> Exchange:
        """Wait until the bot has sent nothing more for this interaction for ``period`` s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.interaction.changed.clear()
            try:
                await asyncio.wait_for(self.interaction.changed.wait(), period)
            except TimeoutError:
                return self
        return self


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in message.get("components") or [] for c in row.get("components") or []
            if c.get("type") == 2]


@dataclass
class LocalDiscord:
    """A server with channels and members, driving one bot through the stand-in."""

    standin: StandIn
    guild: Guild
    channel: Channel
    user: User
    bot: Any = None
    _users: dict[str, User] = field(default_factory=dict)

    def member(self, name: str, *, moderator: bool | None = False) -> User:
        """A member of the test server (created on first use); ``moderator=None`` keeps the
        permissions the member has."""
        user = self._users.get(name)
        if user is None:
            user = self.standin.users.get(local_user_id(name)) or self.standin.add_user(
                name, name.title(), local_user_id(name))
            self._users[name] = user
            if moderator is None:
                moderator = False
        if moderator is not None:
            perms = permissions.MODERATOR if moderator else permissions.MEMBER
            self.standin.set_permissions(self.guild, user, perms)
        return user

    def is_moderator(self, user: User) -> bool:
        granted = self.standin.member_permissions(self.guild.id, user.id)
        return permissions.has_all(granted, permissions.MANAGE_GUILD)

    async def text_channel(self, name: str) -> Channel:
        """The server's channel called ``name``, created (as an admin would) if needed."""
        name = name.lstrip("#").lower()
        for channel in self.guild.channels.values():
            if channel.name == name:
                return channel
        return await self.standin.create_channel(self.guild, name)

    def _resolver(self, guild: Guild | None) -> Resolver:
        roles = dict(guild.roles) if guild else {}
        channels = dict(guild.channels) if guild else {}
        return Resolver(self.standin.users, channels, roles)

    def _parse(self, line: str | tuple[list[str], dict[str, str]], guild: Guild | None,
               user: User, focus: str | None = None) -> tuple[Invocation, dict[str, Any]]:
        """What Discord's client does before the bot hears anything: a typed line, or a
        command path with option values as typed (for generated inputs)."""
        commands = self.standin.commands_for(guild.id if guild else None)
        if isinstance(line, str):
            inv = parse(line, commands, resolver=self._resolver(guild), focus=focus)
        else:
            path, options = line
            inv = build(commands, path, options, resolver=self._resolver(guild), focus=focus)
        cmd = inv.command
        contexts = cmd.get("contexts")
        if guild is None and (cmd.get("dm_permission") is False or
                              (contexts is not None and 1 not in contexts)):
            raise OptionRefused(f"/{cmd['name']} is not available in direct messages")
        required = cmd.get("default_member_permissions")
        if guild is not None and required is not None and cmd["name"] not in guild.command_overrides:
            granted = self.standin.member_permissions(guild.id, user.id)
            if not permissions.has_all(granted, int(required)):
                raise OptionRefused(f"/{cmd['name']} is hidden from members without the "
                                    "permissions its default_member_permissions asks for")
        resolved: dict[str, Any] = {}
        for table, ids in inv.data.pop("_resolved_ids").items():
            out: dict[str, Any] = {}
            for key, obj_id in ids.items():
                if table == "users":
                    out[key] = self.standin.users[obj_id].payload()
                    if guild is not None:
                        from bot.local.standin.objects import member_payload

                        perms = self.standin.member_permissions(guild.id, obj_id)
                        member = member_payload(self.standin.users[obj_id], perms)
                        member.pop("user")
                        resolved.setdefault("members", {})[key] = member
                elif table == "channels" and guild is not None:
                    # Discord resolves channels with the invoking member's permissions in them.
                    out[key] = guild.channels[obj_id].payload(
                        self.standin.member_permissions(guild.id, user.id))
                else:
                    out[key] = guild.roles[obj_id].payload() if guild else {}
            resolved[table] = out
        return inv, resolved

    async def invoke(self, line: str | tuple[list[str], dict[str, str]], *,
                     user: User | None = None, channel: Channel | None = None,
                     dm: bool = False, wait: bool = True, timeout: float = 5.0,
                     via: str | None = None) -> Exchange:
        """Run a slash command as ``user`` would — a typed line, or ``(path, options)`` —
        raising ``OptionRefused`` when Discord's client would not even send it."""
        user = user or self.user
        guild = None if dm else self.guild
        inv, resolved = self._parse(line, guild, user)
        where = channel or (Channel(user.id, "dm", None, type=1) if dm else self.channel)
        before = len(self.standin.violations)
        interaction = await self.standin.create_interaction(
            itype=2, data=inv.data, user=user, guild=guild, channel=where, resolved=resolved,
            via=via)
        exchange = Exchange(self.standin, interaction, before, inv)
        return await exchange.wait(timeout) if wait else exchange

    async def autocomplete(self, line: str | tuple[list[str], dict[str, str]], focus: str, *,
                           user: User | None = None,
                           timeout: float = 5.0) -> list[dict[str, Any]]:
        user = user or self.user
        inv, resolved = self._parse(line, self.guild, user, focus=focus)
        before = len(self.standin.violations)
        interaction = await self.standin.create_interaction(
            itype=4, data=inv.data, user=user, guild=self.guild, channel=self.channel,
            resolved=resolved)
        exchange = await Exchange(self.standin, interaction, before, inv).wait(timeout)
        return exchange.choices

    async def click(self, message: dict[str, Any], *, label: str | None = None,
                    index: int | None = None, custom_id: str | None = None,
                    user: User | None = None, wait: bool = True, timeout: float = 5.0,
                    as_seen: bool = False, via: str | None = None) -> Exchange:
        """Press a button on a message the bot sent (by label, position or custom_id).

        ``as_seen`` presses it on ``message`` as given (a client that has not yet received
        the latest edit, as happens on Discord), instead of on the message's current state.
        """
        user = user or self.user
        current = self.standin.messages.get(int(message["id"]))
        if current is None:
            raise OptionRefused("that message no longer exists")
        if as_seen:
            current = {**current, **{k: v for k, v in message.items() if k != "_visible_to"}}
        if current.get("_visible_to") not in (None, str(user.id)):
            raise OptionRefused("that message is visible only to someone else")
        found = buttons(current)
        if custom_id is not None:
            matches = [b for b in found if b.get("custom_id") == custom_id]
        elif label is not None:
            matches = [b for b in found if b.get("label") == label]
        else:
            matches = [found[index]] if index is not None and 0 <= index < len(found) else []
        if not matches:
            raise OptionRefused(f"no such button on message {message['id']}")
        button = matches[0]
        if button.get("disabled"):
            raise OptionRefused(f"button {button.get('label')!r} is disabled")
        if button.get("style") == 5:
            raise OptionRefused("link buttons open a URL; they send no interaction")
        guild = self.guild if current.get("guild_id") else None
        channel = self.standin.channel(int(current["channel_id"])) or self.channel
        before = len(self.standin.violations)
        public = {k: v for k, v in current.items() if not k.startswith("_")}
        interaction = await self.standin.create_interaction(
            itype=3, data={"custom_id": button["custom_id"], "component_type": 2}, user=user,
            guild=guild, channel=channel, message=public, via=via)
        exchange = Exchange(self.standin, interaction, before)
        return await exchange.wait(timeout) if wait else exchange

    def channel_messages(self, channel: Channel | None = None) -> list[dict[str, Any]]:
        cid = str((channel or self.channel).id)
        return [m for m in self.standin.messages.values()
                if m["channel_id"] == cid and not m.get("_visible_to")]

    async def wait_for_message(self, predicate: Callable[[dict[str, Any]], bool], *,
                               timeout: float = 10.0) -> dict[str, Any]:
        """A snapshot of the first stored message (new or edited) matching ``predicate``."""
        deadline = time.monotonic() + timeout
        arrived = asyncio.Event()
        listener = lambda _kind, _message: arrived.set()  # noqa: E731
        self.standin.listeners.append(listener)
        try:
            while True:
                arrived.clear()
                for message in list(self.standin.messages.values()):
                    if predicate(message):
                        return copy.deepcopy(message)  # as seen now, not as edited later
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise NoAnswer("no matching message arrived")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(arrived.wait(), remaining)
        finally:
            self.standin.listeners.remove(listener)
