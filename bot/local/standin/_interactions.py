"""Interactions: sending INTERACTION_CREATE, and every way a bot answers one — the
callback (within 3 s, once), deferred edits, follow-ups, @original edits and deletes."""

from __future__ import annotations

import secrets
import time
from typing import Any

from aiohttp import web

from bot.local.standin import permissions, rules
from bot.local.standin._gateway import GatewayMixin
from bot.local.standin._messages import MessagesMixin
from bot.local.standin.objects import Channel, Guild, User, member_payload
from bot.local.standin.snowflake import snowflake
from bot.local.standin.state import (
    ATTACHMENT_LIMIT,
    AUTOCOMPLETE,
    DEFERRED_MESSAGE,
    DEFERRED_UPDATE,
    MESSAGE,
    MODAL,
    RECORD,
    RESPONSE_DEADLINE,
    TOKEN_LIFETIME,
    UPDATE,
    Interaction,
)


class InteractionsMixin(GatewayMixin, MessagesMixin):
    """Interactions arrive over the gateway and are answered with stored messages."""

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
            "locale": user.locale, "entitlements": [],
            "app_permissions": str(guild.bot_permissions if guild else permissions.BOT),
            "channel_id": str(channel.id), "channel": channel.payload(perms),
            "authorizing_integration_owners": {"0": str(guild.id) if guild else "0"},
            "context": 0 if guild else 1, "data": data,
        }
        if resolved:
            payload["data"]["resolved"] = resolved
        if guild is not None:
            payload.update(guild_id=str(guild.id), guild_locale=guild.locale,
                           guild={"id": str(guild.id), "locale": guild.locale, "features": []},
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
            original = self._loading_original(interaction) \
                if interaction.response_type == DEFERRED_MESSAGE else None
            if original is not None:
                # Discord turns the first follow-up after a deferral into the original response.
                return self._json(self._public(self._edit_message(original, body, files)))
            message = self._store_message(channel_id=interaction.channel_id,
                                          guild_id=interaction.guild_id, body=body,
                                          files=files, flags=flags, webhook=True)
            message["_interaction_id"] = str(interaction.id)
            message["_visible_to"] = str(interaction.user_id) if flags & rules.EPHEMERAL else None
            return self._json(self._public(message))
        finally:
            self._notify(interaction)

    def _loading_original(self, interaction: Interaction) -> dict[str, Any] | None:
        """The deferred response still showing "thinking…", if it is."""
        original = self.messages.get(interaction.original_id or 0)
        return original if original and original["flags"] & rules.LOADING else None

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
