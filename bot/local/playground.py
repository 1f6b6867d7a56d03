"""The playground: a terminal chat with the bot in a local Discord server.

The lines it reads (an interface: scripts and checks use them as written):

- ``/command …``               a slash command, as typed in Discord
- ``3b``                        press button b of message 3 (``b`` alone: on the open question)
- ``as NAME …``                 the rest of the line as member NAME (created on first use);
  ``as NAME`` alone switches to NAME
- ``as NAME mod …``             the same, NAME holding Manage Server (and keeping it)
- ``#channel``                  switch to that channel, creating it if needed
- ``/show`` or an empty line    show the open question again
- ``wait Ns`` / ``wait question`` / ``wait reveal``   let time pass (scripts)
- ``quit``                      leave (so do Ctrl-D and Ctrl-C)
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import logging
import os
import re
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any, TextIO

from bot.local.ask import save_attachments
from bot.local.driver import LOCAL_GUILD_ID, SCRIPT_GUILD_ID, LocalDiscord, NoAnswer, buttons
from bot.local.render import LETTERS, button_tag, render_message
from bot.local.session import running_bot
from bot.local.standin.invocation import OptionRefused
from bot.local.standin.objects import Channel, User
from bot.services import Services, open_services
from bot.settings import Settings, sqlite_url

BANNER = """\
factquiz playground — a local Discord server with you in it (no token needed).
Type a command as in Discord, e.g. /about or /defectors 2012; /help lists the commands.
"3b" presses button b of message 3. "as alice /quiz start" acts as alice; "as bob mod …"
as a moderator; "#quiz" moves to #quiz. Enter shows the open question again. "quit" leaves.
"""

PLAYGROUND_LINES = """\
Playground lines:
  as NAME …          the rest of the line as member NAME (as NAME alone: become NAME)
  as NAME mod …      the same, NAME holding Manage Server (moderator commands, /quizadmin)
  #channel           move to #channel (created if needed)
  3b                 press button b of message 3; b alone: of the newest buttons here
  /show (or Enter)   show the open question again
  wait 5s | wait question | wait reveal     let time pass
  quit               leave (Ctrl-D and Ctrl-C too)"""

REVEAL_TIMEOUT = 90.0  # the longest question (60 s) and its reveal, with room
QUESTION_TIMEOUT = 20.0  # a round's lead-in, or the pause between questions
SHUTDOWN_GRACE = 2.5  # Ctrl-C: rounds end within this, or the process leaves anyway
_REF = re.compile(r"^\[?(\d+)\s*[·.]?\s*([a-z])\]?$", re.IGNORECASE)
_WAIT = re.compile(r"^wait\s+(\d+(?:\.\d+)?)\s*s?$", re.IGNORECASE)


class Outcome(Enum):
    OK = "ok"
    FAILED = "failed"  # a script stops here, with exit code 1
    QUIT = "quit"


def separate_database(settings: Settings, name: str) -> Settings:
    """``ask`` beside a running playground must not share its SQLite file: the default
    database becomes ``var/<name>.db``; an explicit DATABASE_URL is kept (the local servers'
    different guild ids keep them apart there)."""
    if settings.database_url != sqlite_url(settings.var_dir):
        return settings
    return dataclasses.replace(
        settings, database_url=f"sqlite+aiosqlite:///{settings.var_dir / f'{name}.db'}")


@contextlib.contextmanager
def logs_to_file(path: Path) -> Iterator[Path]:
    """Log records go to ``path`` for the session, never into the chat (a warning over the
    prompt reads as the bot's answer); the handlers' formatting and redaction are kept."""
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    saved = list(root.handlers)
    handler = logging.FileHandler(path, encoding="utf-8")
    for old in saved:
        if old.formatter is not None:
            handler.setFormatter(old.formatter)
        for f in old.filters:
            handler.addFilter(f)
    if handler.formatter is None:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root.handlers = [handler]
    try:
        yield path
    finally:
        root.handlers = saved
        handler.close()


class Playground:
    def __init__(self, discord: LocalDiscord, attachments_dir: Path, out: TextIO, *,
                 tty: bool = False, echo: bool = False) -> None:
        self.discord = discord
        self.out = out
        self.attachments_dir = attachments_dir
        self.tty = tty
        self.echo = echo
        self.user: User = discord.user
        self.channel: Channel = discord.channel
        self.tags: dict[int, int] = {}  # message id → its number, for as long as it lives
        self.messages: dict[int, int] = {}  # number → message id
        self.players = {discord.user.id}
        self.busy = True  # handling a line: messages print without a prompt redraw
        self.prompting = False
        self.last_shown: int | None = None
        discord.standin.listeners.append(self._on_message)

    # -- what the terminal shows ---------------------------------------------------------

    def prompt(self) -> str:
        return f"{self.user.username}@#{self.channel.name}> "

    def show_prompt(self) -> None:
        print(self.prompt(), end="", file=self.out, flush=True)
        self.prompting = True

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def _viewer(self, user_id: int) -> str:
        return "you" if user_id == self.user.id else self._name(user_id)

    def _name(self, user_id: int) -> str:
        user = self.discord.standin.users.get(user_id)
        return (user.global_name or user.username) if user else "someone else"

    def _render(self, message: dict[str, Any]) -> str:
        number = self.tags.get(int(message["id"]))
        saved = save_attachments(self.discord.standin.attachments, [message],
                                 self.attachments_dir) if message.get("attachments") else {}
        return render_message(message, tag=str(number) if number else None, saved=saved,
                              directory=self.discord.standin, viewer=self._viewer)

    def _where(self, message: dict[str, Any]) -> str:
        channel = self.discord.standin.channel(int(message["channel_id"]))
        return f"#{channel.name}" if channel else "a direct message"

    def _visible(self, message: dict[str, Any]) -> bool:
        owner = message.get("_visible_to")
        return owner is None or int(owner) in self.players

    def _on_message(self, kind: str, message: dict[str, Any]) -> None:
        # The stand-in marks who may see a reply just after storing it: look once it has.
        asyncio.get_running_loop().call_soon(self._show_message, kind, message)

    def _show_message(self, kind: str, message: dict[str, Any]) -> None:
        if kind == "delete" or not self._visible(message):
            return
        redraw = self.prompting and not self.busy
        if redraw:  # the line being typed is drawn again below the message
            print("\r\x1b[K" if self.tty else "", file=self.out)
            self.prompting = False
        if message["flags"] & (1 << 7):  # still "thinking"
            self.say("… the bot is thinking")
        else:
            mid = int(message["id"])
            if mid not in self.tags and any(not b.get("disabled") and b.get("style") != 5
                                            for b in buttons(message)):
                self.tags[mid] = len(self.messages) + 1
                self.messages[self.tags[mid]] = mid
            number = self.tags.get(mid)
            bot = self.discord.bot.user.name if self.discord.bot and self.discord.bot.user else "bot"
            label = f" · message {number}" if number else ""
            header = "(edited) " if kind == "edit" else ""
            self.say(f"\n{header}{bot} in {self._where(message)}{label}:")
            self.say(self._render(message))
            self.last_shown = mid
        if redraw:
            self.show_prompt()

    def open_question(self, channel: Channel | None = None) -> dict[str, Any] | None:
        """The newest quiz question in the channel whose answer buttons still work."""
        cid = str((channel or self.channel).id)
        for mid in sorted(self.discord.standin.messages, reverse=True):
            message = self.discord.standin.messages[mid]
            if message["channel_id"] != cid or message.get("_visible_to"):
                continue
            if any(str(b.get("custom_id", "")).startswith("quiz:") and not b.get("disabled")
                   for b in buttons(message)):
                return message
        return None

    def newest_buttons(self, user: User) -> dict[str, Any] | None:
        """The newest message here with working buttons, that ``user`` sees (else that any
        local member sees: a moderator's confirmation)."""
        cid = str(self.channel.id)
        fallback = None
        for mid in sorted(self.tags, reverse=True):
            message = self.discord.standin.messages.get(mid)
            if message is None or message["channel_id"] != cid:
                continue
            if not any(not b.get("disabled") and b.get("style") != 5 for b in buttons(message)):
                continue
            owner = message.get("_visible_to")
            if owner is None or int(owner) == user.id:
                return message
            if fallback is None and int(owner) in self.players:
                fallback = message
        return fallback

    def reshow(self, *, quiet: bool = False) -> None:
        question = self.open_question()
        if question is None:
            if not quiet:
                self.say(f"No question is open in #{self.channel.name}.")
            return
        if quiet and self.last_shown == int(question["id"]):
            return
        self.say(f"\nStill open in #{self.channel.name}"
                 f" · message {self.tags.get(int(question['id']), '?')}:")
        self.say(self._render(question))
        self.last_shown = int(question["id"])

    # -- what a line does ----------------------------------------------------------------

    async def handle(self, line: str) -> Outcome:
        """Act on one line; FAILED when Discord or the bot would not do what it asks."""
        line = line.strip()
        if not line or line.lower() == "/show":
            self.reshow()
            return Outcome.OK
        if line.lower() in {"quit", "exit", "/quit", "/exit"}:
            return Outcome.QUIT
        user = self.user
        if line.lower().startswith("as "):
            parts = line.split(None, 3)
            name = parts[1].lower() if len(parts) > 1 else ""
            if not re.fullmatch(r"[a-z0-9_.]{1,32}", name):
                self.say('Say who: "as alice /quiz start" (a name of letters and digits).')
                return Outcome.FAILED
            rest = parts[2:]
            moderator: bool | None = None
            if rest and rest[0].lower() == "mod":
                moderator = True
                rest = rest[1:]
            user = self.discord.member(name, moderator=moderator)
            self.players.add(user.id)
            line = " ".join(rest).strip()
            if not line:  # "as alice": from now on you are alice
                self.user = user
                role = "a moderator" if self.discord.is_moderator(user) else "a member"
                self.say(f"You are now {self._name(user.id)} ({role}).")
                return Outcome.OK
        if line.startswith("#") and len(line) > 1 and " " not in line:
            self.channel = await self.discord.text_channel(line[1:])
            self.say(f"You are in #{self.channel.name}.")
            self.reshow(quiet=True)
            return Outcome.OK
        wait = _WAIT.match(line)
        if wait:
            await asyncio.sleep(float(wait.group(1)))
            return Outcome.OK
        if line.lower() in {"wait reveal", "wait question"}:
            return await self._wait(line.lower().split()[1])
        if line.lower() == "help":
            line = "/help"
        if _REF.match(line) or re.fullmatch(r"[a-z]", line, re.IGNORECASE):
            return await self._press(line, user, explicit=user is not self.user)
        if re.fullmatch(r"\d+", line):
            self.say(f"Buttons are named by message and letter: {line}a presses the first "
                     f"button of message {line}.")
            return Outcome.FAILED
        if not line.startswith("/"):
            self.say("Commands start with /. Try /help.")
            return Outcome.FAILED
        outcome = await self._run(lambda: self.discord.invoke(
            line, user=user, channel=self.channel, timeout=30))
        if outcome is Outcome.OK and line.split()[0] == "/help":
            self.say(PLAYGROUND_LINES)
        self.reshow(quiet=True)  # an interleaved command must not bury the open question
        return outcome

    async def _run(self, send: Any) -> Outcome:
        try:
            exchange = await send()
            await exchange.quiet()
        except OptionRefused as exc:
            self.say(f"Discord would not send this: {exc}")
            return Outcome.FAILED
        except NoAnswer:
            self.say("The bot did not answer (Discord would say: the application did not "
                     "respond).")
            return Outcome.FAILED
        except AssertionError as exc:
            self.say(f"Discord refused the bot's reply: {exc}")
            return Outcome.FAILED
        return Outcome.OK

    def _target(self, ref: str, user: User) -> tuple[dict[str, Any], int, str] | str:
        """The message, button position and reference a typed reference names, or why not."""
        match = _REF.match(ref)
        if match is None:  # a letter alone: the newest working buttons here
            newest = self.newest_buttons(user)
            if newest is None:
                return (f"Nothing in #{self.channel.name} has buttons to press; name the "
                        "button by its message, e.g. 3b.")
            number = self.tags.get(int(newest["id"]), 0)
            letter = ref.lower()
        else:
            number, letter = int(match.group(1)), match.group(2).lower()
        tag = button_tag(str(number), LETTERS.index(letter))
        mid = self.messages.get(number)
        if mid is None:
            return f"There is no message {number} with buttons (they are numbered as they appear)."
        message = self.discord.standin.messages.get(mid)
        if message is None:
            return f"Message {number} is gone: the bot deleted it."
        found = buttons(message)
        position = LETTERS.index(letter)
        if not found:
            return f"Button {tag} no longer works: the bot took that message's buttons away."
        if position >= len(found):
            last = button_tag(str(number), len(found) - 1) if found else None
            span = f"{number}a–{last}" if last and len(found) > 1 else (last or "none")
            return f"Message {number} has no button {tag} (its buttons: {span})."
        if found[position].get("disabled"):
            why = ("that question was revealed" if str(found[position].get("custom_id", ""))
                   .startswith("quiz:") else "the bot closed them")
            hint = ""
            question = self.open_question()
            if question is not None and int(question["id"]) != mid:
                hint = f"; the open question is message {self.tags.get(int(question['id']))}"
            return f"Button {tag} no longer works: {why}{hint}."
        return message, position, tag

    async def _press(self, ref: str, user: User, *, explicit: bool) -> Outcome:
        target = self._target(ref, user)
        if isinstance(target, str):
            self.say(target)
            return Outcome.FAILED
        message, position, _ = target
        owner = message.get("_visible_to")
        if owner is not None and not explicit and int(owner) != user.id:
            # A confirmation only its moderator sees: in the playground you are everyone.
            user = self.discord.standin.users[int(owner)]
        return await self._run(lambda: self.discord.click(message, index=position, user=user,
                                                          timeout=30))

    async def _wait(self, what: str) -> Outcome:
        deadline = time.monotonic() + QUESTION_TIMEOUT
        question = self.open_question()
        while question is None:
            if time.monotonic() > deadline:
                self.say(f"No question opened in #{self.channel.name} within "
                         f"{QUESTION_TIMEOUT:.0f} s.")
                return Outcome.FAILED
            await asyncio.sleep(0.1)
            question = self.open_question()
        if what == "question":
            if self.last_shown != int(question["id"]):
                self.reshow(quiet=True)
            return Outcome.OK
        mid = int(question["id"])
        deadline = time.monotonic() + REVEAL_TIMEOUT
        while (still := self.open_question()) is not None and int(still["id"]) == mid:
            if time.monotonic() > deadline:
                self.say(f"The question was not revealed within {REVEAL_TIMEOUT:.0f} s.")
                return Outcome.FAILED
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.3)  # the reveal's picture and scores arrive together
        return Outcome.OK


class Lines:
    """Input lines from a daemon thread: a blocked read must never keep the process alive
    once the user has left (Ctrl-C used to hang until Enter)."""

    def __init__(self, stdin: TextIO) -> None:
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._read, args=(stdin, loop), daemon=True,
                                        name="playground-stdin")
        self._thread.start()

    def _read(self, stdin: TextIO, loop: asyncio.AbstractEventLoop) -> None:
        def put(item: str | None) -> None:
            loop.call_soon_threadsafe(self.queue.put_nowait, item)

        try:
            fd = stdin.fileno()
        except (OSError, ValueError, AttributeError):
            fd = None
        try:
            if fd is None:
                for line in iter(stdin.readline, ""):
                    put(line)
            else:
                # os.read, not the buffered reader: a thread blocked inside it holds no lock
                # the interpreter needs at exit.
                pending = b""
                while chunk := os.read(fd, 4096):
                    pending += chunk
                    *whole, pending = pending.split(b"\n")
                    for raw in whole:
                        put(raw.decode(errors="replace") + "\n")
                if pending:
                    put(pending.decode(errors="replace"))
        except (OSError, RuntimeError):  # the loop closed while we read
            return
        with contextlib.suppress(RuntimeError):
            put(None)

    async def next(self) -> str | None:
        return await self.queue.get()


async def converse(playground: Playground, lines: Lines, *, script: bool = False) -> int:
    """Read and act on lines until quit, end of input or Ctrl-C; a script stops at its
    first failing line (exit code 1)."""
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    presses = 0

    def interrupted() -> None:
        nonlocal presses
        presses += 1
        if presses > 1:  # twice: leave at once
            playground.out.flush()
            os._exit(0)
        print("\nCtrl-C: ending the rounds and leaving (Ctrl-C again leaves at once)…",
              file=playground.out, flush=True)
        stopping.set()
        # Whatever happens while the bot closes, the process is gone within 3 s.
        loop.call_later(SHUTDOWN_GRACE, lambda: (playground.out.flush(), os._exit(0)))

    handler_installed = False
    if threading.current_thread() is threading.main_thread():
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signal.SIGINT, interrupted)
            handler_installed = True
    number = 0
    try:
        while not stopping.is_set():
            playground.busy = False
            if not playground.echo:  # a terminal: the prompt waits for the typing
                playground.show_prompt()
            line = await _until(lines.next(), stopping)
            playground.prompting = False
            playground.busy = True
            if line is None:  # end of input, or Ctrl-C
                if not stopping.is_set() and not playground.echo:
                    print(file=playground.out)
                break
            number += 1
            if script and (not line.strip() or re.match(r"^#(\s|$)", line)):
                continue  # a script's blank lines and "# comments"
            if playground.echo:  # piped input: show each line as if typed at the prompt
                print(playground.prompt() + line.rstrip("\n"), file=playground.out, flush=True)
            task = asyncio.ensure_future(playground.handle(line))
            outcome = await _until(task, stopping)
            if outcome is None:  # Ctrl-C while the line ran
                task.cancel()
                break
            if outcome is Outcome.QUIT:
                break
            if outcome is Outcome.FAILED and script:
                print(f"line {number} failed: {line.strip()}", file=playground.out, flush=True)
                return 1
    finally:
        if handler_installed:
            loop.remove_signal_handler(signal.SIGINT)
    return 0


async def _until(work: Any, stopping: asyncio.Event) -> Any:
    """``work``'s result, or None if ``stopping`` is set first."""
    task = asyncio.ensure_future(work)
    stop = asyncio.ensure_future(stopping.wait())
    done, _ = await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
    stop.cancel()
    if task in done:
        return task.result()
    return None


async def run_playground(services: Services, *, stdin: TextIO = sys.stdin,
                         out: TextIO = sys.stdout, script: bool = False,
                         guild_id: int = LOCAL_GUILD_ID) -> int:
    var = services.settings.var_dir / ("script" if script else "playground")
    tty = _isatty(stdin) and _isatty(out)
    with logs_to_file(var / "factquiz.log") as log_path:
        services.warm_up_pictures()
        async with running_bot(services, guild_id=guild_id) as discord:
            playground = Playground(discord, var / "attachments", out, tty=tty, echo=not tty)
            print(BANNER, file=out)
            print(f"(log messages go to {log_path})\n", file=out, flush=True)
            code = await converse(playground, Lines(stdin), script=script)
            playground.busy = True
            print("Closing: running rounds end now.", file=out, flush=True)
    print("Bye.", file=out, flush=True)
    return code


async def run_script(settings: Settings, script: str, *, keep: bool = False,
                     out: TextIO = sys.stdout) -> int:
    """``play --script FILE``: the lines of FILE (``-``: stdin) against a fresh local server,
    on a throwaway database unless ``keep``."""
    source: TextIO
    if script == "-":
        source = sys.stdin
    else:
        try:
            # A script is small: read it whole, before anything runs.
            source = io.StringIO(await asyncio.to_thread(Path(script).read_text,
                                                         encoding="utf-8"))
        except OSError as exc:
            print(f"factquiz: cannot read the script: {exc}", file=sys.stderr)
            return 2
    try:
        with tempfile.TemporaryDirectory(prefix="factquiz-script-") as scratch:
            if not keep:
                settings = dataclasses.replace(
                    settings, database_url=f"sqlite+aiosqlite:///{Path(scratch) / 'script.db'}")
            services = await open_services(settings)
            try:
                return await run_playground(services, stdin=source, out=out, script=True,
                                            guild_id=SCRIPT_GUILD_ID)
            finally:
                await services.close()
    finally:
        source.close() if source is not sys.stdin else None


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
