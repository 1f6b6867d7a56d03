"""``python -m bot [run|play|ask|sync|load-data|migrate|check-scores|quiz-sample|quiz-rounds]`` (or
``factquiz …``)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot import __version__, logs
from bot.facts.files import DataError
from bot.services import Services, StartupError, open_services, reach_database
from bot.settings import Settings, SettingsError

log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="factquiz", description=(
        "factquiz: with DISCORD_TOKEN set, connect to Discord; without it, open the local "
        "playground (in a terminal)."))
    parser.add_argument("--version", action="version", version=f"factquiz {__version__}")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (the default)")
    play = sub.add_parser("play", help="the local playground, even without a terminal (reads stdin)")
    play.add_argument("--script", metavar="FILE",
                      help="run a transcript of playground lines (- for stdin) against a fresh "
                           "local server; exits 1 if a line fails")
    play.add_argument("--keep", action="store_true",
                      help="with --script: use the configured database instead of a throwaway one")
    ask = sub.add_parser("ask", help="run one command through the local stand-in and print the reply")
    ask.add_argument("line", help='the command as typed in Discord, e.g. "/defectors year:2012"')
    ask.add_argument("--json", action="store_true",
                     help="print the request bodies the bot sent, one JSON object per line")
    ask.add_argument("--as-moderator", action="store_true",
                     help="send the command as a member with Manage Server")
    ask.add_argument("--as", dest="as_member", metavar="NAME", default="asker",
                     help="send the command as this member (created on first use)")
    ask.add_argument("--channel", metavar="NAME",
                     help="send it in this channel (created if needed; default #general)")
    ask.add_argument("--save-attachments", metavar="DIR", type=Path,
                     help="write the files the bot attached into DIR")
    ask.add_argument("--locale", metavar="LOCALE",
                     help="the language of the member's Discord client, e.g. ko (the local "
                          "server speaks it too, unless --guild-locale says otherwise)")
    ask.add_argument("--guild-locale", metavar="LOCALE",
                     help="the server's language (public answers), e.g. en-US")
    sync = sub.add_parser("sync", help="sync slash commands with Discord (needs DISCORD_TOKEN)")
    sync.add_argument("--guild", type=int, help="sync to one server instead of globally")
    load = sub.add_parser("load-data", help="validate data/ and load it into the database")
    load.add_argument("--data-dir", type=Path, help="load from this folder instead of data/")
    sub.add_parser("migrate", help="apply database migrations up to head")
    check = sub.add_parser("check-scores", help="recompute every score total from the answer "
                                                "log; exit 1 if any stored total differs")
    check.add_argument("--guild", type=int, help="check one server only")
    sub.add_parser("quiz-sample", help="print generated quiz questions (see quiz-sample --help)")
    sub.add_parser("quiz-rounds", help="print consecutive rounds as the selector picks them "
                                       "(see quiz-rounds --help)")
    return parser


def use_uvloop() -> None:
    """uvloop's event loop when installed (``pip install factquiz[speed]``): a faster loop
    for the gateway and HTTP traffic, nothing else changes. ``FACTQUIZ_UVLOOP=0`` keeps
    asyncio's own loop (bench/quiz_load.py --loop asyncio measures both ways)."""
    if os.environ.get("FACTQUIZ_UVLOOP", "1") == "0":
        return
    try:
        import uvloop
    except ImportError:
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def entry() -> int:
    """The ``factquiz`` console script (pyproject ``[project.scripts]``)."""
    use_uvloop()
    return main(sys.argv[1:])


def main(argv: list[str]) -> int:
    if argv[:1] in (["quiz-sample"], ["quiz-rounds"]):
        # These parse their own options (python -m bot quiz-sample --help).
        args = argparse.Namespace(command=argv[0], rest=argv[1:])
    else:
        args = _parser().parse_args(argv)
    try:
        settings = Settings.load()
    except SettingsError as exc:
        print(f"factquiz: configuration error: {exc}", file=sys.stderr)
        return 2
    # Scripts read ask's output, and the playground is a chat: per-interaction INFO lines
    # would drown both, unless LOG_LEVEL asks for them explicitly.
    command = args.command or "run"
    if command == "run" and settings.local and not sys.stdin.isatty():
        # No token and no terminal is a service started without its token: the playground
        # would read an empty stdin and exit 0, and Restart=on-failure would never notice.
        print("factquiz: DISCORD_TOKEN is not set and there is no terminal for the playground "
              "(set the token, or use `factquiz play` to drive the playground from stdin)",
              file=sys.stderr)
        return 2
    quiet = command in ("ask", "quiz-sample", "quiz-rounds", "play") or (command == "run" and settings.local)
    logs.configure(logging.WARNING if quiet and settings.log_level == "INFO"
                   else settings.log_level_number, *settings.secrets)
    try:
        return asyncio.run(_dispatch(command, args, settings))
    except StartupError as exc:
        print(f"factquiz: cannot start: {logs.redact(str(exc), settings.secrets)}",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


async def _with_services(settings: Settings, work: Callable[[Services], Awaitable[int]]) -> int:
    services = await open_services(settings)
    try:
        return await work(services)
    finally:
        await services.close()


async def _dispatch(command: str, args: argparse.Namespace, settings: Settings) -> int:
    if command == "migrate":
        from bot.db import migrate
        from bot.db.engine import create_engine, startup_lock

        engine = create_engine(settings.database_url)
        try:
            await reach_database(engine, settings)
            async with startup_lock(engine):  # beside bots starting at the same moment
                await migrate.upgrade(engine)
            print(f"database at revision {await migrate.current_revision(engine)}")
        finally:
            await engine.dispose()
        return 0
    if command == "load-data":
        return await _load_data(settings, args.data_dir)
    if command == "check-scores":
        return await _check_scores(settings, args.guild)
    if command == "ask":
        from bot.local.ask import ask
        from bot.local.playground import separate_database

        return await _with_services(separate_database(settings, "ask"), lambda s: ask(
            s, args.line, as_json=args.json, moderator=args.as_moderator,
            save_dir=args.save_attachments, member=args.as_member, channel=args.channel,
            locale=args.locale, guild_locale=args.guild_locale))
    if command == "quiz-sample":
        from bot.quiz.questions import sample

        return await _with_services(settings, lambda s: asyncio.to_thread(
            sample.main, args.rest, s.facts.facts))
    if command == "quiz-rounds":
        from bot.quiz.questions import round_sample

        return await _with_services(settings, lambda s: round_sample.main(
            args.rest, s.facts.facts))
    if command == "sync":
        from bot.runner import sync_commands

        if settings.local:
            print("factquiz: sync needs DISCORD_TOKEN (the playground syncs by itself)",
                  file=sys.stderr)
            return 2
        return await _with_services(settings, lambda s: sync_commands(s, args.guild))
    # run (and play)
    if settings.local or command == "play":
        if command == "play" and not settings.local:
            print("factquiz: play runs the local playground; unset DISCORD_TOKEN for it",
                  file=sys.stderr)
            return 2
        from bot.local.playground import run_playground, run_script

        script = getattr(args, "script", None)
        if script is not None:
            return await run_script(settings, script, keep=args.keep)
        return await _with_services(settings, run_playground)
    from bot.runner import run_discord

    return await _with_services(settings, run_discord)


async def _check_scores(settings: Settings, guild_id: int | None) -> int:
    from bot.db.engine import create_engine
    from bot.quiz import totals

    engine = create_engine(settings.database_url)
    try:
        await reach_database(engine, settings)
        differences = await totals.check(engine, guild_id)
    finally:
        await engine.dispose()
    for difference in differences:
        print(difference)
    if differences:
        print(f"{len(differences)} score totals differ from the answer log", file=sys.stderr)
        return 1
    print("every score total matches the answer log")
    return 0


async def _load_data(settings: Settings, data_dir: Path | None) -> int:
    from bot.db import migrate
    from bot.db.engine import create_engine, startup_lock
    from bot.facts import store

    engine = create_engine(settings.database_url)
    try:
        await reach_database(engine, settings)
        async with startup_lock(engine):
            await migrate.upgrade(engine)
            result = await store.load(engine, data_dir or settings.data_dir)
    except DataError as exc:
        print(f"factquiz: data not loaded, nothing changed: {exc}", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    if result.changed:
        print(f"loaded {result.rows} rows (data version {result.digest})")
    else:
        print(f"data unchanged (version {result.digest}); nothing written")
    return 0
