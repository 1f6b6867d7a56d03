"""The playground: a terminal chat with the bot in a local, one-server Discord.

Type a slash command as in Discord (``/defectors 2012``), a number to press a button, ``as
NAME /command`` to act as another member, ``/help`` for the commands, ``quit`` to leave.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.local.ask import save_attachments
from bot.local.driver import LocalDiscord, NoAnswer, buttons
from bot.local.render import render_message
from bot.local.session import running_bot
from bot.local.standin.invocation import OptionRefused
from bot.services import Services

BANNER = """\
factquiz playground — a local Discord with one server and you in it (no token needed).
Type a command as in Discord, e.g. /about or /defectors 2012. /help lists the commands.
A number presses a button. "as alice /quiz start" acts as another member. "quit" leaves.
"""


def describe_commands(commands: list[dict[str, Any]]) -> str:
    """The synced commands with their subcommands and options, as /help shows them."""
    lines = ["Commands:"]

    def walk(node: dict[str, Any], prefix: str) -> None:
        subs = [o for o in node.get("options") or [] if o["type"] in (1, 2)]
        if subs:
            for sub in subs:
                walk(sub, f"{prefix} {sub['name']}")
            return
        opts = " ".join(f"{o['name']}:…" if o.get("required") else f"[{o['name']}:…]"
                        for o in node.get("options") or [])
        lines.append(f"  {prefix} {opts}".rstrip() + f"  — {node.get('description', '')}")

    for cmd in sorted(commands, key=lambda c: c["name"]):
        walk(cmd, f"/{cmd['name']}")
    lines.append("  /help  — this list (playground only)")
    return "\n".join(lines)


class Playground:
    def __init__(self, discord: LocalDiscord, attachments_dir: Path, out: TextIO) -> None:
        self.discord = discord
        self.out = out
        self.attachments_dir = attachments_dir
        self.numbers: dict[str, int] = {}  # custom_id → number shown
        self.targets: dict[int, tuple[dict[str, Any], str]] = {}  # number → (message, custom_id)
        self.players = {discord.user.id}
        discord.standin.listeners.append(self._on_message)

    def _visible(self, message: dict[str, Any]) -> bool:
        owner = message.get("_visible_to")
        return owner is None or int(owner) in self.players

    def _on_message(self, kind: str, message: dict[str, Any]) -> None:
        if kind == "delete" or not self._visible(message):
            return
        if message["flags"] & (1 << 7):  # still "thinking"
            print("… the bot is thinking", file=self.out)
            return
        for button in buttons(message):
            cid = button.get("custom_id")
            if cid and cid not in self.numbers and not button.get("disabled"):
                number = len(self.targets) + 1
                self.numbers[cid] = number
                self.targets[number] = (message, cid)
        saved = save_attachments(self.discord.standin.attachments, [message],
                                 self.attachments_dir) if message.get("attachments") else {}
        header = "(edited) " if kind == "edit" else ""
        print(f"\n{header}{self.discord.bot.user.name if self.discord.bot else 'bot'}:",
              file=self.out)
        print(render_message(message, button_numbers=self.numbers, saved=saved), file=self.out)

    async def handle(self, line: str) -> bool:
        """Act on one typed line; returns False when the user wants to leave."""
        line = line.strip()
        if not line:
            return True
        if line.lower() in {"quit", "exit", "/quit", "/exit"}:
            return False
        user = self.discord.user
        if line.lower().startswith("as "):
            _, name, line = ([*line.split(" ", 2), ""])[:3]
            user = self.discord.member(name.lower())
            self.players.add(user.id)
        if line in {"/help", "help"}:
            print(describe_commands(self.discord.standin.commands_for(self.discord.guild.id)),
                  file=self.out)
            return True
        try:
            if line.isdigit():
                target = self.targets.get(int(line))
                if target is None:
                    print(f"There is no button {line}.", file=self.out)
                    return True
                message, custom_id = target
                exchange = await self.discord.click(message, custom_id=custom_id, user=user)
            else:
                if not line.startswith("/"):
                    print("Commands start with /. Try /help.", file=self.out)
                    return True
                self.numbers.clear()
                self.targets.clear()
                exchange = await self.discord.invoke(line, user=user, timeout=30)
            await exchange.quiet()
        except OptionRefused as exc:
            print(f"Discord would not send this: {exc}", file=self.out)
        except NoAnswer:
            print("The bot did not answer (Discord would say: the application did not respond).",
                  file=self.out)
        except AssertionError as exc:
            print(f"Discord refused the bot's reply: {exc}", file=self.out)
        return True


async def run_playground(services: Services, *, stdin: TextIO = sys.stdin,
                         out: TextIO = sys.stdout) -> int:
    attachments = services.settings.var_dir / "playground" / "attachments"
    services.warm_up_pictures()
    async with running_bot(services) as discord:
        playground = Playground(discord, attachments, out)
        print(BANNER, file=out)
        while True:
            print("> ", end="", file=out, flush=True)
            line = await asyncio.to_thread(stdin.readline)
            if not line:  # end of input
                break
            with contextlib.suppress(KeyboardInterrupt):
                if not await playground.handle(line):
                    break
    print("Bye.", file=out)
    return 0
