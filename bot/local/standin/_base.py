"""What every part of the stand-in shares: its state (users, guilds, messages, interactions,
sessions, the request log) and the HTTP helpers each handler uses to read a request, log it
and answer. The mixins inherit from here, so each one's dependencies are declared, not
assumed from the class that happens to combine them."""

from __future__ import annotations

import logging
import secrets
from typing import Any

import orjson
from aiohttp import BodyPartReader, web

from bot.local.standin import permissions
from bot.local.standin.objects import Channel, Guild, User
from bot.local.standin.snowflake import snowflake
from bot.local.standin.state import (
    _CURRENT,
    API,
    RECORD,
    Fault,
    GatewaySession,
    Interaction,
    MessageListener,
    Request,
    Violation,
)

log = logging.getLogger("bot.local.standin.server")  # the name the stand-in always logged as


class StandInBase:
    """The stand-in's state and shared helpers; :class:`~bot.local.standin.server.StandIn`
    adds routing, login and command sync on top of the mixins."""

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
        self.heartbeat_interval = 41.25  # seconds, as Discord's HELLO gives it
        self.faults: list[Fault] = []
        # Enforced message nonces: (author id, nonce) -> (message id, monotonic time created).
        self.nonces: dict[tuple[str, str], tuple[int, float]] = {}
        self.listeners: list[MessageListener] = []
        self.command_syncs = 0
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._member_perms: dict[tuple[int, int], int] = {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + API

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def member_permissions(self, guild_id: int, user_id: int) -> int:
        return self._member_perms.get((guild_id, user_id), permissions.MEMBER)

    def channel(self, channel_id: int) -> Channel | None:
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild.channels[channel_id]
        return None

    def violation(self, rule: str, where: str) -> Violation:
        record = _CURRENT.get(None)
        v = Violation(rule, where, record.interaction_id if record is not None else None)
        self.violations.append(v)
        log.error("stand-in refused: %s", v)
        return v

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

    async def _read_body(self, request: web.Request) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
        """A message body: JSON, or multipart form data with ``payload_json`` and files."""
        if request.content_type.startswith("multipart/"):
            payload: dict[str, Any] = {}
            files: list[tuple[str, bytes]] = []
            reader = await request.multipart()
            async for part in reader:
                # discord.py sends flat form data; a nested multipart would be a client bug.
                if not isinstance(part, BodyPartReader):
                    raise TypeError(f"nested multipart in {request.method} {request.path}")
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
