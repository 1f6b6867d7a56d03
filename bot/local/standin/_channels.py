"""Channel messages the bot sends and edits directly (quiz questions, reveals, scoreboards),
and the attachment files it uploaded."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.local.standin import rules
from bot.local.standin._messages import MessagesMixin


class ChannelsMixin(MessagesMixin):
    """Channel messages are stored messages: sending, editing and deleting them go through
    :class:`MessagesMixin`."""

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
