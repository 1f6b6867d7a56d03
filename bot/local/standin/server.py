"""The stand-in's HTTP and gateway server (aiohttp, 127.0.0.1, ephemeral port)."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import WSMsgType, web

from bot.local.standin import permissions, rules
from bot.local.standin.objects import (
    Channel,
    Guild,
    Role,
    User,
    member_payload,
    message_payload,
)
from bot.local.standin.snowflake import snowflake
from bot.shards import shard_of

log = logging.getLogger(__name__)

API = "/api/v10"
RESPONSE_DEADLINE = 3.0  # Discord answers 10062 to an initial response after 3 s
TOKEN_LIFETIME = 15 * 60
ATTACHMENT_LIMIT = 10 * 1024 * 1024
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content

# Interaction callback types
PONG, MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE, AUTOCOMPLETE, MODAL = 1, 4, 5, 6, 7, 8, 9


@dataclass(frozen=True)
class Violation:
    rule: str
    where: str
    interaction_id: int | None = None  # the interaction whose reply broke the rule

    def __str__(self) -> str:
        return f"{self.where}: {self.rule}"


@dataclass
class Request:
    """One request the bot made, as Discord would have received it."""

    method: str
    path: str
    body: Any  # JSON body, or the multipart payload_json
    files: list[tuple[str, bytes]]
    status: int = 0
    interaction_id: int | None = None
    at: float = field(default_factory=time.monotonic)


@dataclass
class Interaction:
    id: int
    token: str
    type: int
    payload: dict[str, Any]
    user_id: int
    guild_id: int | None
    channel_id: int
    created: float = field(default_factory=time.monotonic)
    response_type: int | None = None
    responded_at: float | None = None  # when the first response arrived, accepted or not
    original_id: int | None = None  # the message @original refers to
    requests: list[Request] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    choices: list[dict[str, Any]] | None = None

    @property
    def latency(self) -> float | None:
        return None if self.responded_at is None else self.responded_at - self.created


@dataclass
class Fault:
    """An answer the stand-in gives instead of the real one (fault injection)."""

    method: str
    path: re.Pattern[str]
    status: int
    times: int
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class GatewaySession:
    session_id: str
    shard: tuple[int, int]
    intents: int
    ws: web.WebSocketResponse | None = None
    seq: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)  # for RESUME replays
    ready: asyncio.Event = field(default_factory=asyncio.Event)


async def _send(ws: web.WebSocketResponse, frame: Any) -> None:
    # Text frames: discord.py inflates only binary frames (compress=zlib-stream).
    await ws.send_str(orjson.dumps(frame).decode())


MessageListener = Callable[[str, dict[str, Any]], None]
RECORD = web.RequestKey("record", Request)
_CURRENT: contextvars.ContextVar[Request] = contextvars.ContextVar("standin_request")


class StandIn:
    """A strict local Discord for one bot application."""

    def __init__(self, *, token: str | None = None, bot_name: str = "factquiz") -> None:
        # Shaped like a real token (long, no spaces) so the bot's settings accept it.
        self.token = token or f"standin.{secrets.token_hex(16)}"
        self.application_id = snowflake()
        self.bot_user = User(self.application_id, bot_name, bot=True)
        self.owner = User(snowflake(), "owner", "Owner")
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user, self.owner.id: self.owner}
        self.guilds: dict[int, Guild] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.attachments: dict[int, tuple[str, bytes]] = {}
        self.interactions: dict[int, Interaction] = {}
        self._by_token: dict[str, Interaction] = {}
        self.requests: list[Request] = []
        self.violations: list[Violation] = []
        self.pings: list[dict[str, Any]] = []  # messages that would have notified someone
        self.sessions: dict[str, GatewaySession] = {}
        self.shard_count = 1
        self.faults: list[Fault] = []
        self.listeners: list[MessageListener] = []
        self.command_syncs = 0
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._member_perms: dict[tuple[int, int], int] = {}

    # ----------------------------------------------------------------- lifecycle
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
        server = site._server
        assert server is not None
        assert server.sockets
        self.port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        for session in self.sessions.values():
            if session.ws is not None and not session.ws.closed:
                with contextlib.suppress(Exception):
                    await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + API

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    # ----------------------------------------------------------------- world setup
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

    def set_permissions(self, guild: Guild, user: User, perms: int) -> None:
        self._member_perms[(guild.id, user.id)] = perms

    def member_permissions(self, guild_id: int, user_id: int) -> int:
        return self._member_perms.get((guild_id, user_id), permissions.MEMBER)

    def channel(self, channel_id: int) -> Channel | None:
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild.channels[channel_id]
        return None

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

    def inject(self, method: str, path: str, status: int, *, times: int = 1,
               body: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> None:
        """Answer the next ``times`` matching requests with ``status`` instead."""
        self.faults.append(Fault(method.upper(), re.compile(path), status, times,
                                 body or {"message": "injected", "code": 0}, headers or {}))

    def violation(self, rule: str, where: str) -> Violation:
        record = _CURRENT.get(None)
        v = Violation(rule, where, record.interaction_id if record is not None else None)
        self.violations.append(v)
        log.error("stand-in refused: %s", v)
        return v

    # ----------------------------------------------------------------- responses
    @staticmethod
    def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
        # Exactly "application/json": discord.py's login fails on "; charset=utf-8".
        return web.Response(body=orjson.dumps(data), status=status,
                            headers={"Content-Type": "application/json", **(headers or {})})

    def _error(self, status: int, code: int, message: str, rules_broken: list[str] | None = None,
               where: str = "") -> web.Response:
        for rule in rules_broken or [message]:
            self.violation(rule, where)
        body: dict[str, Any] = {"code": code, "message": message}
        if rules_broken:
            body["message"] = f"{message}: " + "; ".join(rules_broken)
            body["errors"] = {"_errors": [{"code": "STANDIN_RULE", "message": r}
                                          for r in rules_broken]}
        return self._json(body, status)

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
                await request.read()
                return self._json(fault.body, fault.status, fault.headers)
        webhook = request.path.startswith((API + "/webhooks/", API + "/interactions/"))
        if not webhook and request.headers.get("Authorization") != f"Bot {self.token}":
            return self._json({"message": "401: Unauthorized", "code": 0}, 401)
        return await handler(request)

    async def _unknown(self, request: web.Request) -> web.Response:
        return self._error(404, 0, f"unknown endpoint {request.method} {request.path}",
                           where="routing")

    async def _read_body(self, request: web.Request) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
        if request.content_type.startswith("multipart/"):
            payload: dict[str, Any] = {}
            files: list[tuple[str, bytes]] = []
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":
                    payload = orjson.loads(await part.text())
                else:
                    files.append((part.filename or "file", bytes(await part.read())))
            return payload, files
        raw = await request.read()
        return (orjson.loads(raw) if raw else {}), []

    def _record(self, request: web.Request, body: Any, files: list[tuple[str, bytes]],
                interaction: Interaction | None) -> Request:
        rec = request[RECORD]
        rec.body, rec.files = body, files
        if interaction is not None:
            rec.interaction_id = interaction.id
            interaction.requests.append(rec)
        return rec

    def _notify(self, interaction: Interaction | None) -> None:
        if interaction is not None:
            interaction.changed.set()

    # ----------------------------------------------------------------- login & sync
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

    async def _gateway_url(self, request: web.Request) -> web.Response:
        return self._json({"url": self.gateway_url})

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        return self._json({"url": self.gateway_url, "shards": self.shard_count,
                           "session_start_limit": {"total": 1000, "remaining": 1000,
                                                   "reset_after": 0, "max_concurrency": 16}})

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
        body, _ = await self._read_body(request)
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

    # ----------------------------------------------------------------- gateway
    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(heartbeat=None, max_msg_size=0)
        await ws.prepare(request)
        await _send(ws, {"op": 10, "d": {"heartbeat_interval": 41250}})
        session: GatewaySession | None = None
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = orjson.loads(msg.data)
                op = frame.get("op")
                if op == 1:
                    await ws.send_str('{"op":11}')
                elif op == 2:
                    session = await self._identify(ws, frame["d"])
                elif op == 6:
                    session = await self._resume(ws, frame["d"])
        finally:
            if session is not None and session.ws is ws:
                session.ws = None
        return ws

    async def _identify(self, ws: web.WebSocketResponse, d: dict[str, Any]) -> GatewaySession | None:
        if d.get("token") != self.token and d.get("token") != f"Bot {self.token}":
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        intents = int(d.get("intents", 0))
        if intents & PRIVILEGED_INTENTS:
            # This application has no privileged intents enabled in the developer portal.
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return None
        shard = tuple(d.get("shard") or (0, 1))
        session = GatewaySession(secrets.token_hex(16), (int(shard[0]), int(shard[1])), intents, ws)
        self.sessions[session.session_id] = session
        guilds = [g for g in self.guilds.values() if shard_of(g.id, session.shard[1]) == session.shard[0]]
        await self._dispatch(session, "READY", {
            "v": 10, "user": {**self.bot_user.payload(), "verified": True, "flags": 0},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.session_id, "resume_gateway_url": self.gateway_url,
            "shard": list(session.shard), "application": {"id": str(self.application_id),
                                                          "flags": 0},
            "private_channels": [], "relationships": [], "presences": [], "guild_join_requests": [],
            "geo_ordered_rtc_regions": [], "user_settings": {}, "_trace": ["standin"],
        })
        for guild in guilds:
            await self._dispatch(session, "GUILD_CREATE", guild.payload(self.bot_user))
        session.ready.set()
        return session

    async def _resume(self, ws: web.WebSocketResponse, d: dict[str, Any]) -> GatewaySession | None:
        session = self.sessions.get(d.get("session_id", ""))
        if session is None or d.get("token") not in (self.token, f"Bot {self.token}"):
            await _send(ws, {"op": 9, "d": False})
            return None
        session.ws = ws
        last = int(d.get("seq") or 0)
        for frame in session.sent:
            if frame["s"] > last:
                await _send(ws, frame)
        await self._dispatch(session, "RESUMED", {"_trace": ["standin"]})
        return session

    async def _dispatch(self, session: GatewaySession, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.sent.append(frame)
        del session.sent[:-1000]  # enough history for a resume
        if session.ws is not None and not session.ws.closed:
            with contextlib.suppress(ConnectionResetError):
                await _send(session.ws, frame)

    def session_for(self, guild_id: int | None) -> GatewaySession:
        live = [s for s in self.sessions.values() if s.ready.is_set()]
        if not live:
            raise RuntimeError("no bot is connected to the stand-in gateway")
        if guild_id is None:
            # DMs go to shard 0, as on Discord.
            return next(s for s in reversed(live) if s.shard[0] == 0)
        count = live[-1].shard[1]
        shard = shard_of(guild_id, count)
        for s in reversed(live):  # the newest session of that shard
            if s.shard == (shard, count):
                return s
        raise RuntimeError(f"shard {shard} of guild {guild_id} is not connected")

    async def remove_guild(self, guild: Guild) -> None:
        """The bot is removed from a server (kicked, or the server was deleted)."""
        session = self.session_for(guild.id)
        self.guilds.pop(guild.id, None)
        await self._dispatch(session, "GUILD_DELETE", {"id": str(guild.id)})

    async def reconnect(self, guild_id: int | None = None, *, drop: bool = False) -> None:
        """Ask the client to reconnect (op 7), or drop its socket without a word."""
        session = self.session_for(guild_id)
        ws = session.ws
        if ws is None:
            return
        if drop:
            session.ws = None
            transport = ws._req.transport if ws._req is not None else None
            if transport is not None:
                transport.abort()
        else:
            await _send(ws, {"op": 7, "d": None})

    # ----------------------------------------------------------------- interactions
    async def create_interaction(self, *, itype: int, data: dict[str, Any], user: User,
                                 guild: Guild | None, channel: Channel,
                                 message: dict[str, Any] | None = None,
                                 resolved: dict[str, Any] | None = None,
                                 via: str | None = None) -> Interaction:
        """Send INTERACTION_CREATE to the bot, as Discord does when someone acts.

        ``via`` picks the gateway session (by session id) instead of the guild's shard: two
        processes briefly connected as the same shard, as during a deploy."""
        iid, token = snowflake(), f"tok{secrets.token_hex(24)}"
        perms = self.member_permissions(guild.id, user.id) if guild else permissions.MEMBER
        payload: dict[str, Any] = {
            "id": str(iid), "application_id": str(self.application_id), "type": itype,
            "token": token, "version": 1, "attachment_size_limit": ATTACHMENT_LIMIT,
            "locale": "en-US", "entitlements": [], "app_permissions": str(permissions.BOT),
            "channel_id": str(channel.id), "channel": channel.payload(perms),
            "authorizing_integration_owners": {"0": str(guild.id) if guild else "0"},
            "context": 0 if guild else 1, "data": data,
        }
        if resolved:
            payload["data"]["resolved"] = resolved
        if guild is not None:
            payload.update(guild_id=str(guild.id), guild_locale="en-US",
                           guild={"id": str(guild.id), "locale": "en-US", "features": []},
                           member=member_payload(user, perms))
        else:
            payload["user"] = user.payload()
        if message is not None:
            payload["message"] = message
        interaction = Interaction(iid, token, itype, payload, user.id,
                                  guild.id if guild else None, channel.id)
        self.interactions[iid] = interaction
        self._by_token[token] = interaction
        session = self.sessions[via] if via else self.session_for(guild.id if guild else None)
        interaction.created = time.monotonic()
        await self._dispatch(session, "INTERACTION_CREATE", payload)
        return interaction

    def _store_message(self, *, channel_id: int, guild_id: int | None, body: dict[str, Any],
                       files: list[tuple[str, bytes]], flags: int = 0, msg_type: int = 0,
                       webhook: bool = False) -> dict[str, Any]:
        mid = snowflake()
        message = message_payload(
            mid=mid, channel_id=channel_id, guild_id=guild_id, author=self.bot_user, body=body,
            attachments=self._attachments(body, files, []), msg_type=msg_type,
            webhook_id=self.application_id if webhook else None, flags=flags,
        )
        self._mentions(message, body)
        self.messages[mid] = message
        for listener in list(self.listeners):
            listener("create", message)
        return message

    def _edit_message(self, message: dict[str, Any], body: dict[str, Any],
                      files: list[tuple[str, bytes]]) -> dict[str, Any]:
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = body[key] if body[key] is not None else ([] if key != "content"
                                                                         else "")
        if "attachments" in body or files:
            message["attachments"] = self._attachments(body, files, message["attachments"])
        if "flags" in body and body["flags"] is not None:
            # Only SUPPRESS_EMBEDS may change on edit; ephemeral-ness is fixed at creation.
            keep = message["flags"] & ~rules.SUPPRESS_EMBEDS & ~rules.LOADING
            message["flags"] = keep | (body["flags"] & rules.SUPPRESS_EMBEDS)
        else:
            message["flags"] &= ~rules.LOADING
        message["edited_timestamp"] = message["timestamp"]
        self._mentions(message, body)
        for listener in list(self.listeners):
            listener("edit", message)
        return message

    def _attachments(self, body: dict[str, Any], files: list[tuple[str, bytes]],
                     existing: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        by_id = {a["id"]: a for a in existing}
        entries = body.get("attachments")
        if entries is None:
            entries = [{"id": i} for i in range(len(files))]
        for entry in entries:
            key = str(entry.get("id"))
            if key in by_id:
                out.append(by_id[key])
                continue
            index = int(entry.get("id", -1)) if str(entry.get("id", "")).isdigit() else -1
            if 0 <= index < len(files):
                name, data = files[index]
                aid = snowflake()
                filename = entry.get("filename") or name
                self.attachments[aid] = (filename, data)
                out.append({"id": str(aid), "filename": filename, "size": len(data),
                            "url": f"{self.base_url}/attachments/{aid}/{filename}",
                            "proxy_url": f"{self.base_url}/attachments/{aid}/{filename}",
                            "content_type": "image/png" if filename.endswith(".png")
                            else "application/octet-stream",
                            "description": entry.get("description")})
        return out

    def _mentions(self, message: dict[str, Any], body: dict[str, Any]) -> None:
        """Work out whom a message would notify, as Discord does from content and
        ``allowed_mentions`` (absent means: parse everything)."""
        content = message.get("content") or ""
        allowed = body.get("allowed_mentions")
        parse = {"users", "roles", "everyone"} if allowed is None else set(allowed.get("parse", []))
        users = [int(u) for u in re.findall(r"<@!?(\d+)>", content)]
        roles = [int(r) for r in re.findall(r"<@&(\d+)>", content)]
        ok_users = {int(u) for u in (allowed or {}).get("users", [])}
        ok_roles = {int(r) for r in (allowed or {}).get("roles", [])}
        pinged_users = [u for u in users if "users" in parse or u in ok_users]
        pinged_roles = [r for r in roles if "roles" in parse or r in ok_roles]
        everyone = "everyone" in parse and bool(re.search(r"@(everyone|here)", content))
        message["mentions"] = [self.users[u].payload() for u in pinged_users if u in self.users]
        message["mention_roles"] = [str(r) for r in pinged_roles]
        message["mention_everyone"] = everyone
        if pinged_users or pinged_roles or everyone:
            self.pings.append(message)

    def _check(self, body: dict[str, Any], files: list[tuple[str, bytes]], where: str,
               *, editing: bool = False) -> list[str]:
        broken = rules.check_message(body, files=len(files), editing=editing)
        broken += [f"attachment {name!r} exceeds the {ATTACHMENT_LIMIT} byte limit"
                   for name, data in files if len(data) > ATTACHMENT_LIMIT]
        return broken

    async def _callback(self, request: web.Request) -> web.Response:
        body, files = await self._read_body(request)
        # The response counts as arrived once its body is in: checking it is Discord's work.
        arrived = time.monotonic()
        interaction = self.interactions.get(int(request.match_info["iid"]))
        where = f"interaction callback {request.match_info['iid']}"
        if interaction is None or interaction.token != request.match_info["token"]:
            request[RECORD].body = body
            request[RECORD].interaction_id = int(request.match_info["iid"])
            return self._error(404, 10062, "Unknown interaction", where=where)
        self._record(request, body, files, interaction)
        try:
            return await self._respond(interaction, body, files, where, arrived)
        finally:
            self._notify(interaction)

    async def _respond(self, interaction: Interaction, body: dict[str, Any],
                       files: list[tuple[str, bytes]], where: str, arrived: float
                       ) -> web.Response:
        elapsed = arrived - interaction.created
        if interaction.responded_at is None:
            interaction.responded_at = arrived
        if interaction.response_type is not None:
            return self._error(400, 40060, "Interaction has already been acknowledged",
                               where=where)
        if elapsed > RESPONSE_DEADLINE:
            return self._error(404, 10062, f"Unknown interaction (initial response after "
                                           f"{elapsed:.2f} s; Discord allows 3 s)", where=where)
        cb_type, data = body.get("type"), body.get("data") or {}
        allowed = {2: {MESSAGE, DEFERRED_MESSAGE, MODAL}, 3: {MESSAGE, DEFERRED_MESSAGE,
                   DEFERRED_UPDATE, UPDATE, MODAL}, 4: {AUTOCOMPLETE}, 5: {MESSAGE,
                   DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE}}[interaction.type]
        if cb_type not in allowed:
            return self._error(400, 50035, "Invalid Form Body",
                               [f"callback type {cb_type} is not valid for interaction type "
                                f"{interaction.type}"], where)
        message: dict[str, Any] | None = None
        if cb_type == AUTOCOMPLETE:
            choices = data.get("choices") or []
            broken = rules.check_choices(choices)
            if broken:
                return self._error(400, 50035, "Invalid Form Body", broken, where)
            interaction.choices = choices
        elif cb_type in (MESSAGE, DEFERRED_MESSAGE):
            if cb_type == MESSAGE:
                broken = self._check(data, files, where)
                if broken:
                    return self._error(400, 50035, "Invalid Form Body", broken, where)
            flags = (data.get("flags") or 0) & (rules.EPHEMERAL | rules.SUPPRESS_EMBEDS)
            if cb_type == DEFERRED_MESSAGE:
                flags |= rules.LOADING
            message = self._store_message(
                channel_id=interaction.channel_id, guild_id=interaction.guild_id,
                body=data if cb_type == MESSAGE else {}, files=files, flags=flags,
                msg_type=20 if interaction.type == 2 else 19, webhook=True)
            message["_interaction_id"] = str(interaction.id)
            message["_visible_to"] = str(interaction.user_id) if flags & rules.EPHEMERAL else None
            interaction.original_id = int(message["id"])
        elif cb_type in (UPDATE, DEFERRED_UPDATE):
            target = self.messages.get(int(interaction.payload["message"]["id"]))
            if target is None:
                return self._error(404, 10008, "Unknown Message", where=where)
            if cb_type == UPDATE:
                broken = self._check(data, files, where, editing=True)
                if broken:
                    return self._error(400, 50035, "Invalid Form Body", broken, where)
                message = self._edit_message(target, data, files)
            interaction.original_id = int(target["id"])
        interaction.response_type = cb_type
        resource: dict[str, Any] = {"type": cb_type}
        if message is not None:
            resource["message"] = self._public(message)
        return self._json({
            "interaction": {
                "id": str(interaction.id), "type": interaction.type,
                "activity_instance_id": None,
                "response_message_id": str(interaction.original_id)
                if interaction.original_id else None,
                "response_message_loading": cb_type == DEFERRED_MESSAGE,
                "response_message_ephemeral": bool(message and message["flags"] & rules.EPHEMERAL),
            },
            "resource": resource,
        })

    @staticmethod
    def _public(message: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in message.items() if not k.startswith("_")}

    def _webhook_interaction(self, request: web.Request) -> Interaction | None:
        interaction = self._by_token.get(request.match_info["token"])
        if interaction is None or int(request.match_info["app"]) != self.application_id:
            return None
        if time.monotonic() - interaction.created > TOKEN_LIFETIME:
            return None
        return interaction

    async def _followup(self, request: web.Request) -> web.Response:
        body, files = await self._read_body(request)
        interaction = self._webhook_interaction(request)
        self._record(request, body, files, interaction)
        where = f"follow-up {request.path}"
        if interaction is None:
            return self._error(404, 10015, "Unknown Webhook", where=where)
        try:
            if interaction.response_type is None:
                return self._error(400, 10015, "Unknown Webhook (follow-up before the initial "
                                               "response)", where=where)
            broken = self._check(body, files, where)
            if broken:
                return self._error(400, 50035, "Invalid Form Body", broken, where)
            flags = (body.get("flags") or 0) & (rules.EPHEMERAL | rules.SUPPRESS_EMBEDS)
            if interaction.response_type == DEFERRED_MESSAGE and self._loading(interaction):
                # Discord turns the first follow-up after a deferral into the original response.
                original = self.messages[interaction.original_id]  # type: ignore[index]
                return self._json(self._public(self._edit_message(original, body, files)))
            message = self._store_message(channel_id=interaction.channel_id,
                                          guild_id=interaction.guild_id, body=body,
                                          files=files, flags=flags, webhook=True)
            message["_interaction_id"] = str(interaction.id)
            message["_visible_to"] = str(interaction.user_id) if flags & rules.EPHEMERAL else None
            return self._json(self._public(message))
        finally:
            self._notify(interaction)

    def _loading(self, interaction: Interaction) -> bool:
        original = self.messages.get(interaction.original_id or 0)
        return bool(original and original["flags"] & rules.LOADING)

    def _webhook_target(self, interaction: Interaction, mid: str) -> dict[str, Any] | None:
        if mid == "@original":
            return self.messages.get(interaction.original_id or 0)
        message = self.messages.get(int(mid)) if mid.isdigit() else None
        if message is None or message.get("_interaction_id") != str(interaction.id):
            return None
        return message

    async def _webhook_get(self, request: web.Request) -> web.Response:
        interaction = self._webhook_interaction(request)
        message = self._webhook_target(interaction, request.match_info["mid"]) if interaction else None
        if message is None:
            return self._error(404, 10008, "Unknown Message", where=request.path)
        return self._json(self._public(message))

    async def _webhook_edit(self, request: web.Request) -> web.Response:
        body, files = await self._read_body(request)
        interaction = self._webhook_interaction(request)
        self._record(request, body, files, interaction)
        where = f"edit {request.path}"
        try:
            if interaction is None:
                return self._error(404, 10015, "Unknown Webhook", where=where)
            message = self._webhook_target(interaction, request.match_info["mid"])
            if message is None:
                return self._error(404, 10008, "Unknown Message", where=where)
            broken = self._check(body, files, where, editing=True)
            if broken:
                return self._error(400, 50035, "Invalid Form Body", broken, where)
            return self._json(self._public(self._edit_message(message, body, files)))
        finally:
            self._notify(interaction)

    async def _webhook_delete(self, request: web.Request) -> web.Response:
        interaction = self._webhook_interaction(request)
        self._record(request, None, [], interaction)
        message = self._webhook_target(interaction, request.match_info["mid"]) if interaction else None
        if message is None:
            return self._error(404, 10008, "Unknown Message", where=request.path)
        self._delete(message)
        self._notify(interaction)
        return web.Response(status=204)

    def _delete(self, message: dict[str, Any]) -> None:
        self.messages.pop(int(message["id"]), None)
        for listener in list(self.listeners):
            listener("delete", message)

    # ----------------------------------------------------------------- channels
    async def _get_channel(self, request: web.Request) -> web.Response:
        channel = self.channel(int(request.match_info["cid"]))
        if channel is None:
            return self._error(404, 10003, "Unknown Channel", where=request.path)
        return self._json(channel.payload())

    async def _channel_send(self, request: web.Request) -> web.Response:
        body, files = await self._read_body(request)
        self._record(request, body, files, None)
        channel = self.channel(int(request.match_info["cid"]))
        where = f"send {request.path}"
        if channel is None:
            return self._error(404, 10003, "Unknown Channel", where=where)
        broken = self._check(body, files, where)
        if body.get("flags", 0) & rules.EPHEMERAL:
            broken.append("only interaction responses can be ephemeral")
        if broken:
            return self._error(400, 50035, "Invalid Form Body", broken, where)
        message = self._store_message(channel_id=channel.id, guild_id=channel.guild_id,
                                      body=body, files=files, flags=body.get("flags") or 0)
        return self._json(self._public(message))

    def _channel_message(self, request: web.Request) -> dict[str, Any] | None:
        message = self.messages.get(int(request.match_info["mid"]))
        if message is None or message["channel_id"] != request.match_info["cid"]:
            return None
        return message

    async def _channel_get(self, request: web.Request) -> web.Response:
        message = self._channel_message(request)
        if message is None or message.get("_visible_to"):
            return self._error(404, 10008, "Unknown Message", where=request.path)
        return self._json(self._public(message))

    async def _channel_edit(self, request: web.Request) -> web.Response:
        body, files = await self._read_body(request)
        self._record(request, body, files, None)
        where = f"edit {request.path}"
        message = self._channel_message(request)
        if message is None or message.get("_visible_to"):
            return self._error(404, 10008, "Unknown Message", where=where)
        if message["author"]["id"] != str(self.bot_user.id):
            return self._error(403, 50005, "Cannot edit a message authored by another user",
                               where=where)
        broken = self._check(body, files, where, editing=True)
        if broken:
            return self._error(400, 50035, "Invalid Form Body", broken, where)
        return self._json(self._public(self._edit_message(message, body, files)))

    async def _channel_delete(self, request: web.Request) -> web.Response:
        self._record(request, None, [], None)
        message = self._channel_message(request)
        if message is None:
            return self._error(404, 10008, "Unknown Message", where=request.path)
        self._delete(message)
        return web.Response(status=204)

    async def _attachment(self, request: web.Request) -> web.Response:
        found = self.attachments.get(int(request.match_info["aid"]))
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found[1], content_type="image/png")
