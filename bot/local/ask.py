"""``python -m bot ask "<command line>"``: one command through the stand-in, printed.

Exit codes: 0 the bot answered; 1 it did not answer in time or broke one of Discord's rules;
2 Discord's client itself would refuse the line (wrong type, out of range, not a choice, …).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

from bot.i18n import lang_for, speaking
from bot.local.driver import ASK_GUILD_ID, NoAnswer
from bot.local.render import render_message
from bot.local.session import running_bot
from bot.local.standin.invocation import OptionRefused
from bot.services import Services

ANSWER_TIMEOUT = 30.0  # a deferred reply may take longer than the 3 s initial deadline


def save_attachments(standin_attachments: dict[int, tuple[str, bytes]],
                     messages: list[dict], folder: Path) -> dict[str, Path]:
    """Write the files attached to ``messages`` into ``folder``; returns id → path."""
    folder.mkdir(parents=True, exist_ok=True)
    saved: dict[str, Path] = {}
    for message in messages:
        for attachment in message.get("attachments") or []:
            name, data = standin_attachments[int(attachment["id"])]
            path = folder / Path(name).name
            path.write_bytes(data)
            saved[attachment["id"]] = path
    return saved


async def ask(services: Services, line: str, *, as_json: bool = False, moderator: bool = False,
              save_dir: Path | None = None, out: TextIO = sys.stdout,
              err: TextIO = sys.stderr, member: str = "asker",
              channel: str | None = None, locale: str | None = None,
              guild_locale: str | None = None) -> int:
    async with running_bot(services, guild_id=ASK_GUILD_ID) as discord:
        user = discord.member(member.lower(), moderator=moderator)
        # As a member whose Discord client is set to ``locale``, in a server of that
        # language too (public answers follow the server), unless ``guild_locale`` differs.
        user.locale = locale or "en-US"
        discord.guild.locale = guild_locale or locale or "en-US"
        where = await discord.text_channel(channel) if channel else None
        try:
            exchange = await discord.invoke(line, user=user, channel=where, wait=False)
        except OptionRefused as exc:
            print(f"Discord would not send this: {exc}", file=err)
            return 2
        try:
            await exchange.wait(ANSWER_TIMEOUT)
        except NoAnswer as exc:
            print(f"The bot did not answer: {exc}", file=err)
            return 1
        except AssertionError as exc:  # the stand-in refused the reply
            print(str(exc), file=err)
            return 1
        await exchange.quiet()
        saved = (save_attachments(discord.standin.attachments, exchange.messages, save_dir)
                 if save_dir is not None else {})
        if as_json:
            for body in exchange.bodies:
                print(json.dumps(body, ensure_ascii=False), file=out)
        else:
            with speaking(lang_for(user.locale)):  # the client's own words in its language
                for message in exchange.messages:
                    print(render_message(message, saved=saved, directory=discord.standin),
                          file=out)
                    print(file=out)
        if exchange.violations:
            for violation in exchange.violations:
                print(f"Discord would refuse this reply: {violation}", file=err)
            return 1
        return 0
