"""The discord.py bot: intents, mentions, cogs, the error handler and command sync."""

from __future__ import annotations

import importlib
import logging
import pkgutil
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import _
from bot.i18n.commands import CatalogueTranslator
from bot.reply import (
    APOLOGY,
    Interaction,
    Refusal,
    guard,
    record_interaction,
    release,
    send_ephemeral,
    speak_to_user,
)
from bot.services import Services
from bot.shards import shard_of

__all__ = ["APOLOGY", "AnyBot", "FactQuiz", "FactQuizBot", "ShardedFactQuizBot",
           "extensions", "make_bot"]  # APOLOGY: re-exported for the tests and benchmarks

log = logging.getLogger(__name__)

COGS = "bot.cogs"


def extensions(package: str = COGS) -> list[str]:
    """Every public module or package directly under ``package`` that has a ``setup()``.

    Adding a cog is adding its file; ``_private`` helpers (and a feature folder's own
    modules, which its ``__init__`` sets up) are never loaded as extensions."""
    found = []
    for info in pkgutil.iter_modules(importlib.import_module(package).__path__, f"{package}."):
        if info.name.rpartition(".")[2].startswith("_"):
            continue
        if callable(getattr(importlib.import_module(info.name), "setup", None)):
            found.append(info.name)
    return sorted(found)


class FactQuizTree(app_commands.CommandTree["FactQuiz"]):
    """Answers every failure ephemerally, so no user ever sees "The application did not
    respond" or a traceback; unexpected errors are logged with the interaction id."""

    async def interaction_check(self, interaction: Interaction) -> bool:
        speak_to_user(interaction)  # refusals from transformers and checks too
        if interaction.type is discord.InteractionType.application_command:
            guard(interaction)  # a slow command is acknowledged before Discord gives up
        return True

    async def on_error(self, interaction: Interaction,
                       error: app_commands.AppCommandError) -> None:
        release(interaction)
        command = interaction.command.qualified_name if interaction.command else "?"
        message = _polite(error)
        if message is None:
            log.error("interaction=%s command=%s failed", interaction.id, command,
                      exc_info=(type(error), error, error.__traceback__))
            message = APOLOGY
        record_interaction(interaction, command, "error" if message == APOLOGY else "refused")
        await send_ephemeral(interaction, _(message) if message == APOLOGY else message)


def _polite(error: app_commands.AppCommandError) -> str | None:
    """The answer for errors that are the user's situation, not a bug."""
    if isinstance(error, Refusal):
        return error.message
    if isinstance(error, app_commands.NoPrivateMessage):
        return _("This command works in servers only.")
    if isinstance(error, app_commands.MissingPermissions):
        # Discord's client calls manage_guild "Manage Server".
        names = {"manage_guild": _("Manage Server")}
        needed = ", ".join(names.get(p, p.replace("_", " ").title())
                           for p in error.missing_permissions)
        return _("You need the {permission} permission to use this command.", permission=needed)
    if isinstance(error, app_commands.CommandOnCooldown):
        return _("Slow down a little — try again in {seconds} s.",
                 seconds=round(error.retry_after))
    if isinstance(error, app_commands.CheckFailure):
        return _("You can't use this command here.")
    return None


class FactQuiz(commands.Bot):
    """Everything the bot adds to discord.py, for the plain and the sharded client alike.

    The one type by which cogs reach the bot: ``Interaction`` and
    ``self.bot: FactQuiz`` (imported under ``TYPE_CHECKING``, RoboDanny's way), so
    ``interaction.client.services`` type-checks without a cast. It is a real base class,
    not a union or a Protocol: :class:`ShardedFactQuizBot` derives from it *and* from
    ``commands.AutoShardedBot``, so both bots are nominal subtypes of ``FactQuiz`` (and of
    ``discord.Client``, which ``Interaction``'s parameter is bound to) and the typing is
    sound. At run time this changes nothing: ``commands.Bot`` adds no attribute of its own
    to ``BotBase`` + ``Client``, and in the sharded bot's MRO ``AutoShardedClient`` still
    comes before ``Client``.
    """

    services: Services

    def __init__(self, services: Services, **options: Any) -> None:
        # The bot never joins voice: silence discord.py's start-up warnings about voice libraries.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        options.setdefault("intents", discord.Intents.default())  # no privileged intents
        super().__init__(
            command_prefix=commands.when_mentioned,  # no message commands; slash only
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),  # no reply can ping anyone
            tree_cls=FactQuizTree,
            **options,
        )
        self.services = services

    async def on_app_command_completion(self, interaction: Interaction,
                                        command: app_commands.Command[Any, ..., Any]
                                        | app_commands.ContextMenu) -> None:
        release(interaction)
        record_interaction(interaction, command.qualified_name, "ok")

    async def close(self) -> None:
        # Running rounds end first, with a message in their channels, while Discord still
        # answers; then pending answers are written; then the connection closes.
        await self.services.quiz.shutdown()
        await super().close()

    def owns_guild(self, guild_id: int) -> bool:
        """Whether this process's shards receive the guild's events (all, when unsharded)."""
        count = self.shard_count
        ids = getattr(self, "shard_ids", None) or ([self.shard_id] if self.shard_id is not None
                                                    else None)
        return not count or ids is None or shard_of(guild_id, count) in ids

    async def setup_hook(self) -> None:
        self.services.metrics.start_lag_monitor()
        # The quiz's heartbeat (leases of this process's rounds), stop poll and sweeper;
        # stopped by the quiz service's shutdown in close().
        self.services.quiz.start_background(self.owns_guild)
        # Command names and descriptions in the catalogue's languages, sent at every sync.
        await self.tree.set_translator(CatalogueTranslator())
        for extension in extensions():
            await self.load_extension(extension)
        guild_id = self.services.settings.dev_guild_id
        if guild_id is not None:
            # Guild commands update instantly; global sync only on demand (python -m bot sync)
            # because Discord limits command creates to 200 a day per guild.
            guild = discord.Object(guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to the development server %s", len(synced), guild_id)


class FactQuizBot(FactQuiz):
    """One connection to Discord (up to ~2,500 servers)."""


class ShardedFactQuizBot(FactQuiz, commands.AutoShardedBot):
    """``SHARD_COUNT`` / ``SHARD_IDS``: this process runs some shards; others may run the
    rest, all sharing one PostgreSQL database."""


AnyBot = FactQuizBot | ShardedFactQuizBot  # what make_bot builds; cogs use FactQuiz


def make_bot(services: Services, **options: Any) -> AnyBot:
    settings = services.settings
    if settings.shard_count is None:
        return FactQuizBot(services, **options)
    shard_ids = list(settings.shard_ids) if settings.shard_ids is not None else None
    return ShardedFactQuizBot(services, shard_count=settings.shard_count, shard_ids=shard_ids,
                              **options)
