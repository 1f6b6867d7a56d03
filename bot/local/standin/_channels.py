"""Channel messages the bot sends and edits directly (quiz questions, reveals, scoreboards),
and the attachment files it uploaded."""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from bot.local.standin import rules
from bot.local.standin._messages import MessagesMixin

NONCE_WINDOW = 300.0  # seconds Discord remembers an enforced nonce ("the past few minutes")


class ChannelsMixin(MessagesMixin):
    """Channel messages are stored messages: sending, editing and deleting them go through
    :class:`MessagesMixin`."""

    def _enforced_nonce(self, body: dict[str, Any]) -> tuple[str, str] | None:
        nonce = body.get("nonce")
        if nonce is None or not body.get("enforce_nonce"):
            return None
        return (str(self.bot_user.id), str(nonce))

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
        nonce = body.get("nonce")
        if nonce is not None and (not isinstance(nonce, str | int) or len(str(nonce)) > 25):
            broken.append("nonce must be an integer or a string of at most 25 characters")
        if broken:
            return self._error(400, 50035, "Invalid Form Body", broken, where)
        key = self._enforced_nonce(body)
        if key is not None:
            # Like Discord: the same author's enforced nonce within the window returns the
            # message already created, and creates nothing.
            seen = self.nonces.get(key)
            if seen is not None and time.monotonic() - seen[1] < NONCE_WINDOW \
                    and seen[0] in self.messages:
                return self._json(self._public(self.messages[seen[0]]))
        message = self._store_message(channel_id=channel.id, guild_id=channel.guild_id,
                                      body=body, files=files, flags=body.get("flags") or 0)
        if key is not None:
            self.nonces[key] = (int(message["id"]), time.monotonic())
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
