"""The stand-in's HTTP and gateway server (aiohttp, 127.0.0.1, ephemeral port): routing,
authentication, fault injection, login and command sync. Gateway, interactions, channel
messages and message storage live in the mixins beside it; the state and helpers they
all use live in ``_base.StandInBase``."""

from __future__ import annotations

import contextlib
import hashlib
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from aiohttp import web

from bot.local.standin import permissions, rules
from bot.local.standin._channels import ChannelsMixin
from bot.local.standin._gateway import GatewayMixin
from bot.local.standin._interactions import InteractionsMixin
from bot.local.standin._messages import MessagesMixin
from bot.local.standin.objects import Channel, Guild, Role, User, member_payload
from bot.local.standin.snowflake import snowflake
from bot.local.standin.state import (
    _CURRENT,
    API,
    DEFERRED_MESSAGE,
    DEFERRED_UPDATE,
    RECORD,
    Fault,
    Interaction,
    Request,
    Violation,
)

__all__ = ["DEFERRED_MESSAGE", "DEFERRED_UPDATE", "Interaction", "StandIn", "Violation"]


class StandIn(InteractionsMixin, ChannelsMixin, GatewayMixin, MessagesMixin):
    """A strict local Discord for one bot application."""

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/", self._gateway)
        app.router.add_get("/attachments/{aid}/{name}", self._attachment)
        routes: list[tuple[str, str, Callable[..., Awaitable[web.Response]]]] = [
            ("GET", "/users/@me", self._me),
            ("GET", "/oauth2/applications/@me", self._application),
            ("GET", "/applications/@me", self._application),
            ("GET", "/gateway", self._gateway_url),
            ("GET", "/gateway/bot", self._gateway_bot),
            ("GET", "/applications/{app}/commands", self._get_commands),
            ("PUT", "/applications/{app}/commands", self._put_commands),
            ("GET", "/applications/{app}/guilds/{guild}/commands", self._get_commands),
            ("PUT", "/applications/{app}/guilds/{guild}/commands", self._put_commands),
            ("POST", "/interactions/{iid}/{token}/callback", self._callback),
            ("POST", "/webhooks/{app}/{token}", self._followup),
            ("GET", "/webhooks/{app}/{token}/messages/{mid}", self._webhook_get),
            ("PATCH", "/webhooks/{app}/{token}/messages/{mid}", self._webhook_edit),
            ("DELETE", "/webhooks/{app}/{token}/messages/{mid}", self._webhook_delete),
            ("GET", "/channels/{cid}", self._get_channel),
            ("PUT", "/guilds/{gid}/members/{uid}/roles/{rid}", self._member_role),
            ("DELETE", "/guilds/{gid}/members/{uid}/roles/{rid}", self._member_role),
            ("POST", "/channels/{cid}/messages", self._channel_send),
            ("GET", "/channels/{cid}/messages/{mid}", self._channel_get),
            ("PATCH", "/channels/{cid}/messages/{mid}", self._channel_edit),
            ("DELETE", "/channels/{cid}/messages/{mid}", self._channel_delete),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, API + path, self._wrap(handler))
        app.router.add_route("*", "/{tail:.*}", self._wrap(self._unknown))
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        # A large backlog: bursts of new connections (load tests) are otherwise dropped.
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=4096)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        for session in self.sessions.values():
            if session.ws is not None and not session.ws.closed:
                with contextlib.suppress(Exception):
                    await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def add_guild(self, name: str = "Test Server", channels: tuple[str, ...] = ("general",),
                  owner: User | None = None, guild_id: int | None = None) -> Guild:
        gid = guild_id or snowflake()
        guild = Guild(gid, name, (owner or self.owner).id)
        guild.roles[gid] = Role(gid, "@everyone", permissions.MEMBER)
        for position, channel in enumerate(channels, 1):
            # With a fixed guild id, channel ids follow from it (stable across runs).
            guild.add_channel(channel, gid + position if guild_id else None)
        self.guilds[gid] = guild
        self._member_perms[(gid, guild.owner_id)] = permissions.ADMINISTRATOR | permissions.MODERATOR
        return guild

    def add_user(self, username: str, global_name: str | None = None,
                 user_id: int | None = None) -> User:
        user = User(user_id or snowflake(), username, global_name)
        self.users[user.id] = user
        return user

    async def create_channel(self, guild: Guild, name: str) -> Channel:
        """A text channel a server admin creates while the bot runs (CHANNEL_CREATE).

        Its id follows from the server's and the name, so a local server keeps its channels'
        ids across runs (quiz channel rules in the database refer to them)."""
        digest = int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)
        channel = guild.add_channel(name, guild.id + 100_000 + digest)
        with contextlib.suppress(RuntimeError):  # no bot connected yet: it reads GUILD_CREATE
            await self._dispatch(self.session_for(guild.id), "CHANNEL_CREATE",
                                 channel.payload())
        return channel

    async def add_role(self, guild: Guild, name: str, position: int, *,
                       bot_holds: bool = False) -> Role:
        """A role a server admin creates (GUILD_ROLE_CREATE); ``bot_holds``: given to the bot
        (GUILD_MEMBER_UPDATE of the bot), which then may manage the roles below it."""
        role = Role(snowflake(), name, 0, position)
        guild.roles[role.id] = role
        if bot_holds:
            guild.bot_roles.append(role.id)
        with contextlib.suppress(RuntimeError):
            session = self.session_for(guild.id)
            await self._dispatch(session, "GUILD_ROLE_CREATE",
                                 {"guild_id": str(guild.id), "role": role.payload()})
            if bot_holds:
                await self._dispatch(session, "GUILD_MEMBER_UPDATE", {
                    "guild_id": str(guild.id), **member_payload(
                        self.bot_user, guild.bot_permissions, tuple(guild.bot_roles))})
        return role

    async def _member_role(self, request: web.Request) -> web.Response:
        """Give or take a member's role, as Discord checks it: Manage Roles, and the role
        below the bot's highest (a refusal is Discord's answer, not a client bug)."""
        self._record(request, None, [], None)
        guild = self.guilds.get(int(request.match_info["gid"]))
        if guild is None:
            return self._json({"code": 10004, "message": "Unknown Guild"}, 404)
        role = guild.roles.get(int(request.match_info["rid"]))
        if role is None:
            return self._json({"code": 10011, "message": "Unknown Role"}, 404)
        top = max((guild.roles[r].position for r in guild.bot_roles if r in guild.roles),
                  default=0)
        if not permissions.has_all(guild.bot_permissions, permissions.MANAGE_ROLES) \
                or role.position >= top:
            return self._json({"code": 50013, "message": "Missing Permissions"}, 403)
        held = guild.member_roles.setdefault(int(request.match_info["uid"]), set())
        if request.method == "PUT":
            held.add(role.id)
        else:
            held.discard(role.id)
        return web.Response(status=204)

    def set_permissions(self, guild: Guild, user: User, perms: int) -> None:
        self._member_perms[(guild.id, user.id)] = perms

    def commands_for(self, guild_id: int | None) -> list[dict[str, Any]]:
        extra = self.guild_commands.get(guild_id, []) if guild_id is not None else []
        return [*self.global_commands, *extra]

    def prune(self, *, older_than: float = 120.0, keep_messages: int = 2000) -> None:
        """Forget finished interactions, old messages and the request log, so a long run
        (the soak benchmark) keeps the stand-in's memory flat."""
        cutoff = time.monotonic() - older_than
        for iid in [i for i, x in self.interactions.items() if x.created < cutoff]:
            self._by_token.pop(self.interactions.pop(iid).token, None)
        self.requests.clear()
        for mid in sorted(self.messages)[:-keep_messages]:
            self.messages.pop(mid, None)
        self.attachments.clear()
        self.nonces.clear()  # older than any round's retry; a long run must not grow them

    def inject(self, method: str, path: str, status: int, *, times: int = 1,
               body: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
               after: bool = False) -> None:
        """Answer the next ``times`` matching requests with ``status`` instead; with
        ``after``, carry each request out first and replace only its answer."""
        self.faults.append(Fault(method.upper(), re.compile(path), status, times,
                                 body or {"message": "injected", "code": 0}, headers or {},
                                 after))

    def _wrap(self, handler: Callable[..., Awaitable[web.Response]]) -> Any:
        async def run(request: web.Request) -> web.Response:
            # Every request is logged in arrival order; handlers add the body they read.
            record = Request(request.method, request.path[len(API):], None, [])
            request[RECORD] = record
            _CURRENT.set(record)  # each request runs in its own task: its own context
            self.requests.append(record)
            response = await self._handle(request, handler)
            record.status = response.status
            return response

        return run

    async def _handle(self, request: web.Request,
                      handler: Callable[..., Awaitable[web.Response]]) -> web.Response:
        for fault in self.faults:
            if fault.times > 0 and fault.method in (request.method, "*") and \
                    fault.path.search(request.path):
                fault.times -= 1
                if fault.after:
                    await self._authorised(request, handler)  # done, but the answer is lost
                else:
                    await request.read()
                return self._json(fault.body, fault.status, fault.headers)
        return await self._authorised(request, handler)

    async def _authorised(self, request: web.Request,
                          handler: Callable[..., Awaitable[web.Response]]) -> web.Response:
        webhook = request.path.startswith((API + "/webhooks/", API + "/interactions/"))
        if not webhook and request.headers.get("Authorization") != f"Bot {self.token}":
            return self._json({"message": "401: Unauthorized", "code": 0}, 401)
        return await handler(request)

    async def _unknown(self, request: web.Request) -> web.Response:
        return self._error(404, 0, f"unknown endpoint {request.method} {request.path}",
                           where="routing")

    async def _me(self, request: web.Request) -> web.Response:
        return self._json({**self.bot_user.payload(), "verified": True, "mfa_enabled": False,
                           "flags": 0, "bot": True})

    async def _application(self, request: web.Request) -> web.Response:
        return self._json({
            "id": str(self.application_id), "name": self.bot_user.username,
            "description": "factquiz (local stand-in)", "icon": None, "bot_public": True,
            "bot_require_code_grant": False, "owner": self.owner.payload(),
            "verify_key": "0" * 64, "flags": 0, "interactions_endpoint_url": None,
            "summary": "", "team": None, "rpc_origins": [], "tags": [],
        })

    def _commands_ref(self, request: web.Request) -> list[dict[str, Any]]:
        guild = request.match_info.get("guild")
        if guild is None:
            return self.global_commands
        return self.guild_commands.setdefault(int(guild), [])

    async def _get_commands(self, request: web.Request) -> web.Response:
        if int(request.match_info["app"]) != self.application_id:
            return self._error(403, 50001, "Missing Access", where=request.path)
        return self._json(self._commands_ref(request))

    async def _put_commands(self, request: web.Request) -> web.Response:
        if int(request.match_info["app"]) != self.application_id:
            return self._error(403, 50001, "Missing Access", where=request.path)
        # A JSON list of commands, never multipart: not a message body.
        raw = await request.read()
        body: list[dict[str, Any]] = orjson.loads(raw) if raw else []
        self._record(request, body, [], None)
        broken = [r for cmd in body for r in rules.check_command(cmd)]
        names = [(c.get("type", 1), c.get("name")) for c in body]
        if len(names) != len(set(names)):
            broken.append("command names must be unique per type")
        if len(body) > 100:
            broken.append("≤ 100 chat-input commands per scope")
        if broken:
            return self._error(400, 50035, "Invalid Form Body", broken, "command sync")
        guild = request.match_info.get("guild")
        stored = []
        for cmd in body:
            entry = {**cmd, "id": str(snowflake()), "application_id": str(self.application_id),
                     "version": str(snowflake())}
            if guild is not None:
                entry["guild_id"] = guild
            stored.append(entry)
        if guild is None:
            self.global_commands = stored
        else:
            self.guild_commands[int(guild)] = stored
        self.command_syncs += 1
        return self._json(stored)
