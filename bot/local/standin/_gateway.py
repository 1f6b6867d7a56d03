"""The gateway: HELLO, IDENTIFY, READY and GUILD_CREATE, heartbeats, RESUME with replay,
dispatching events to the session of the right shard, and forced reconnects."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from typing import Any

import orjson
from aiohttp import WSMsgType, web

from bot.local.standin._base import StandInBase
from bot.local.standin.objects import Guild
from bot.local.standin.state import PRIVILEGED_INTENTS, GatewaySession, _send
from bot.shards import shard_of

# Discord acknowledges a heartbeat a network round trip later. Acknowledged at once on
# 127.0.0.1, the ACK can reach discord.py before its heartbeat thread has recorded the send,
# and the client then takes a whole interval (41 s) for its latency: `/about` shows it and
# every heartbeat logs "Can't keep up". Reading this connection's next frame waits as long.
HEARTBEAT_ACK_DELAY = 0.05


class GatewayMixin(StandInBase):
    async def _gateway_url(self, request: web.Request) -> web.Response:
        return self._json({"url": self.gateway_url})

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        return self._json({"url": self.gateway_url, "shards": self.shard_count,
                           "session_start_limit": {"total": 1000, "remaining": 1000,
                                                   "reset_after": 0, "max_concurrency": 16}})

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(heartbeat=None, max_msg_size=0)
        await ws.prepare(request)
        await _send(ws, {"op": 10, "d": {"heartbeat_interval": round(self.heartbeat_interval * 1000)}})
        session: GatewaySession | None = None
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = orjson.loads(msg.data)
                op = frame.get("op")
                if op == 1:
                    await asyncio.sleep(HEARTBEAT_ACK_DELAY)
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
