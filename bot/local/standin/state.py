"""The stand-in's records: what it knows about requests, interactions and gateway sessions,
and the Discord constants it enforces."""

from __future__ import annotations

import asyncio
import contextvars
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web

API = "/api/v10"
RESPONSE_DEADLINE = 3.0  # Discord answers 10062 to an initial response after 3 s
TOKEN_LIFETIME = 15 * 60
ATTACHMENT_LIMIT = 10 * 1024 * 1024
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content

# Interaction callback types
MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE, AUTOCOMPLETE, MODAL = 4, 5, 6, 7, 8, 9


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
    # True: the request is carried out first and only its answer is replaced (Discord created
    # the message, then the edge answered 503 or the connection dropped).
    after: bool = False


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
