"""Discord object payloads (users, guilds, channels, members, messages) as the API sends them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bot.local.standin import permissions
from bot.local.standin.snowflake import snowflake


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


@dataclass
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    # The language of the member's Discord client: interactions carry it as ``locale``.
    locale: str = "en-US"

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "public_flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass
class Channel:
    id: int
    name: str
    guild_id: int | None
    position: int = 0
    type: int = 0  # 0 guild text, 1 DM

    def payload(self, perms: int | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {"id": str(self.id), "type": self.type, "name": self.name,
                                "position": self.position, "permission_overwrites": [],
                                "nsfw": False, "parent_id": None, "flags": 0}
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if perms is not None:
            data["permissions"] = str(perms)
        return data


@dataclass
class Role:
    id: int
    name: str
    permissions: int = 0
    position: int = 0

    def payload(self) -> dict[str, Any]:
        return {"id": str(self.id), "name": self.name, "permissions": str(self.permissions),
                "position": self.position, "color": 0, "hoist": False, "managed": False,
                "mentionable": False, "flags": 0, "icon": None, "unicode_emoji": None}


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    channels: dict[int, Channel] = field(default_factory=dict)
    roles: dict[int, Role] = field(default_factory=dict)
    # Commands whose default_member_permissions a server admin lifted in the server settings.
    command_overrides: set[str] = field(default_factory=set)
    # The server's language (Server Settings → Community): ``guild_locale`` on interactions.
    locale: str = "en-US"
    # What the bot may do here (``app_permissions``) and the roles it holds (its top role
    # decides which roles it may give); members' roles as the bot gave or took them.
    bot_permissions: int = permissions.BOT
    bot_roles: list[int] = field(default_factory=list)
    member_roles: dict[int, set[int]] = field(default_factory=dict)

    def add_channel(self, name: str, channel_id: int | None = None) -> Channel:
        channel = Channel(channel_id or snowflake(), name, self.id, position=len(self.channels))
        self.channels[channel.id] = channel
        return channel

    def payload(self, bot_user: User) -> dict[str, Any]:
        """The GUILD_CREATE body."""
        return {
            "id": str(self.id), "name": self.name, "icon": None, "splash": None,
            "discovery_splash": None, "owner_id": str(self.owner_id), "afk_channel_id": None,
            "afk_timeout": 300, "verification_level": 0, "default_message_notifications": 1,
            "explicit_content_filter": 0, "features": [], "mfa_level": 0,
            "system_channel_id": None, "system_channel_flags": 0, "rules_channel_id": None,
            "vanity_url_code": None, "description": None, "banner": None, "premium_tier": 0,
            "preferred_locale": self.locale, "public_updates_channel_id": None, "nsfw_level": 0,
            "premium_progress_bar_enabled": False, "unavailable": False, "large": False,
            "member_count": 2, "joined_at": now_iso(), "voice_states": [], "presences": [],
            "threads": [], "stage_instances": [], "guild_scheduled_events": [], "emojis": [],
            "stickers": [], "soundboard_sounds": [],
            "roles": [r.payload() for r in self.roles.values()],
            "channels": [c.payload() for c in self.channels.values()],
            "members": [member_payload(bot_user, self.bot_permissions,
                                       tuple(self.bot_roles))],
        }


def member_payload(user: User, perms: int, roles: tuple[int, ...] = ()) -> dict[str, Any]:
    return {
        "user": user.payload(), "nick": None, "avatar": None, "roles": [str(r) for r in roles],
        "joined_at": now_iso(), "deaf": False, "mute": False, "flags": 0, "pending": False,
        "permissions": str(perms), "communication_disabled_until": None,
    }


def message_payload(
    *, mid: int, channel_id: int, guild_id: int | None, author: User, body: dict[str, Any],
    attachments: list[dict[str, Any]], msg_type: int = 0, webhook_id: int | None = None,
    flags: int = 0,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(mid), "channel_id": str(channel_id), "type": msg_type,
        "author": author.payload(), "content": body.get("content") or "",
        "timestamp": now_iso(), "edited_timestamp": None, "tts": False,
        "mention_everyone": False, "mentions": [], "mention_roles": [], "mention_channels": [],
        "attachments": attachments, "embeds": body.get("embeds") or [],
        "components": body.get("components") or [], "pinned": False, "flags": flags,
        "reactions": [],
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if webhook_id is not None:
        data["webhook_id"] = str(webhook_id)
        data["application_id"] = str(webhook_id)
    return data
