"""Messages as Discord stores them: created, edited, deleted, with their attachments, the
rules they must meet, and whom they would notify."""

from __future__ import annotations

import re
from typing import Any

from bot.local.standin import rules
from bot.local.standin._base import StandInBase
from bot.local.standin.objects import message_payload
from bot.local.standin.snowflake import snowflake
from bot.local.standin.state import ATTACHMENT_LIMIT


class MessagesMixin(StandInBase):

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

    @staticmethod
    def _public(message: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in message.items() if not k.startswith("_")}

    def _delete(self, message: dict[str, Any]) -> None:
        self.messages.pop(int(message["id"]), None)
        for listener in list(self.listeners):
            listener("delete", message)
