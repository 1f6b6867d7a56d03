"""The discord.py bot: intents, mentions, cogs, the error handler and command sync."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.reply import guard, release, send_ephemeral
from bot.services import Services
from bot.shards import shard_of

log = logging.getLogger(__name__)

EXTENSIONS = ("bot.cogs.about", "bot.cogs.defectors", "bot.cogs.recognition", "bot.cogs.quiz",
              "bot.cogs.leaderboard", "bot.cogs.quizadmin")
APOLOGY = "Something went wrong — it has been logged."


def record_interaction(interaction: discord.Interaction, name: str, outcome: str) -> None:
    """One structured log line and the metrics for a handled interaction."""
    seconds = (discord.utils.utcnow() - interaction.created_at).total_seconds()
    log.info("interaction=%s command=%s outcome=%s ms=%.1f guild=%s user=%s", interaction.id,
             name, outcome, seconds * 1000, interaction.guild_id, interaction.user.id)
    services = getattr(interaction.client, "services", None)
    if services is not None:
        services.metrics.observe(name, outcome, seconds)


class FactQuizTree(app_commands.CommandTree):
    """Answers every failure ephemerally, so no user ever sees "The application did not
    respond" or a traceback; unexpected errors are logged with the interaction id."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.type is discord.InteractionType.application_command:
            guard(interaction)  # a slow command is acknowledged before Discord gives up
        return True

    async def on_error(self, interaction: discord.Interaction,
                       error: app_commands.AppCommandError) -> None:
        release(interaction)
        command = interaction.command.qualified_name if interaction.command else "?"
        message = _polite(error)
        if message is None:
            log.error("interaction=%s command=%s failed", interaction.id, command,
                      exc_info=(type(error), error, error.__traceback__))
            message = APOLOGY
        record_interaction(interaction, command, "error" if message == APOLOGY else "refused")
        await send_ephemeral(interaction, message)


def _polite(error: app_commands.AppCommandError) -> str | None:
    """The answer for errors that are the user's situation, not a bug."""
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works in servers only."
    if isinstance(error, app_commands.MissingPermissions):
        # Discord's client calls manage_guild "Manage Server".
        names = {"manage_guild": "Manage Server"}
        needed = ", ".join(names.get(p, p.replace("_", " ").title())
                           for p in error.missing_permissions)
        return f"You need the {needed} permission to use this command."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little — try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    return None


class _FactQuiz:
    """Everything the bot adds to discord.py, for the plain and the sharded client alike."""

    services: Services

    def __init__(self, services: Services, **options: Any) -> None:
        # The bot never joins voice: silence discord.py's start-up warnings about voice libraries.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        options.setdefault("intents", discord.Intents.default())  # no privileged intents
        super().__init__(  # type: ignore[call-arg]
            command_prefix=commands.when_mentioned,  # no message commands; slash only
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),  # no reply can ping anyone
            tree_cls=FactQuizTree,
            **options,
        )
        self.services = services

    async def on_app_command_completion(self, interaction: discord.Interaction,
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
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        guild_id = self.services.settings.dev_guild_id
        if guild_id is not None:
            # Guild commands update instantly; global sync only on demand (python -m bot sync)
            # because Discord limits command creates to 200 a day per guild.
            guild = discord.Object(guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to the development server %s", len(synced), guild_id)


class FactQuizBot(_FactQuiz, commands.Bot):
    """One connection to Discord (up to ~2,500 servers)."""


class ShardedFactQuizBot(_FactQuiz, commands.AutoShardedBot):
    """``SHARD_COUNT`` / ``SHARD_IDS``: this process runs some shards; others may run the
    rest, all sharing one PostgreSQL database."""


AnyBot = FactQuizBot | ShardedFactQuizBot


def make_bot(services: Services, **options: Any) -> AnyBot:
    settings = services.settings
    if settings.shard_count is None:
        return FactQuizBot(services, **options)
    shard_ids = list(settings.shard_ids) if settings.shard_ids is not None else None
    return ShardedFactQuizBot(services, shard_count=settings.shard_count, shard_ids=shard_ids,
                              **options)
