"""/quiz: rounds in a channel, answered with buttons; /quiz stats; /quiz forget-me."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs import _confirm
from bot.cogs._audit import actor
from bot.cogs._declared import recheck
from bot.cogs._embeds import EmbedColour, answer_count
from bot.cogs.quiz import views
from bot.cogs.quiz.presenter import DiscordPresenter
from bot.facts.format import num
from bot.i18n import Lang, _, current, lang_for, ngettext, speaking
from bot.quiz import admin, config, leaderboard, privacy
from bot.quiz.questions import localize
from bot.quiz.service import (
    AlreadyRunning,
    Interrupted,
    NoRound,
    NotAllowed,
    QuizService,
    Refused,
    Started,
)
from bot.reply import HookInteraction, Interaction, respond, send_ephemeral, server_lang

if TYPE_CHECKING:
    from bot.app import FactQuiz

log = logging.getLogger(__name__)


TOPIC_CHOICES = [app_commands.Choice(name="Mixed", value="mixed"),
                 app_commands.Choice(name="Arrivals in South Korea", value="defectors"),
                 app_commands.Choice(name="Recognition of Israel and Palestine",
                                     value="recognition")]
DIFFICULTY_CHOICES = [app_commands.Choice(name=d.title(), value=d)
                      for d in ("easy", "medium", "hard")]


async def round_lang(interaction: Interaction) -> Lang:
    """The language of a round's public messages: the server's ``language`` setting, or
    with "auto" (the default) the server's Discord locale."""
    assert interaction.guild_id is not None
    cfg = await config.get_config(interaction.client.services.engine, interaction.guild_id)
    return server_lang(interaction) if cfg.language == "auto" else lang_for(cfg.language)


async def guild_lang(bot: FactQuiz, guild_id: int) -> Lang:
    """A server's round language without an interaction (a notice after a restart): its
    ``language`` setting, or its Discord locale as far as the cache knows it."""
    cfg = await config.get_config(bot.services.engine, guild_id)
    if cfg.language != "auto":
        return lang_for(cfg.language)
    guild = bot.get_guild(guild_id)
    return lang_for(guild.preferred_locale.value) if guild is not None else lang_for(None)


def jump_url(guild_id: int, channel_id: int, message_id: int | None) -> str:
    tail = f"/{message_id}" if message_id else ""
    return f"https://discord.com/channels/{guild_id}/{channel_id}{tail}"


@app_commands.guild_only()
class Quiz(commands.GroupCog, group_name="quiz", group_description="Quiz rounds in this channel"):
    def __init__(self, bot: FactQuiz) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: HookInteraction, /) -> bool:
        recheck(interaction)  # what Discord's client enforces, enforced here too
        return True

    @property
    def service(self) -> QuizService:
        return self.bot.services.quiz

    async def cog_load(self) -> None:
        localize.use_facts(self.bot.services.facts.facts)  # the text steps' facts
        # The service's sweeper closes rounds whose owner went away later on; this says so.
        self.service.on_interrupted = self._announce_interrupted
        self._recovery = asyncio.create_task(self._close_interrupted())

    async def _close_interrupted(self) -> None:
        """Rounds a restart cut off (their owner's lease expired): close them and say so in
        their channels. Rounds another live process runs are left to it."""
        try:
            closed = await self.service.close_interrupted(self.bot.owns_guild)
        except Exception:
            log.exception("could not close interrupted rounds")
            return
        await self._announce_interrupted(closed)

    async def _announce_interrupted(self, closed: list[Interrupted]) -> None:
        for round_ in closed:
            channel = self.bot.get_partial_messageable(round_.channel_id,
                                                       guild_id=round_.guild_id)
            try:
                if round_.open_message_id is not None:
                    await channel.get_partial_message(round_.open_message_id).edit(view=None)
                with speaking(await guild_lang(self.bot, round_.guild_id)):
                    embed = views.interrupted_embed()
                await channel.send(embed=embed)
            except discord.HTTPException as exc:
                log.warning("round %s: could not post the interruption notice: %s",
                            round_.round_id, exc)

    @app_commands.command(name="start", description="Start a quiz round in this channel")
    @app_commands.describe(questions="How many questions (5–20; default: the server's setting)",
                           topic="Which data story", difficulty="Only questions of this level")
    @app_commands.choices(topic=TOPIC_CHOICES, difficulty=DIFFICULTY_CHOICES)
    async def start(self, interaction: Interaction,
                    questions: app_commands.Range[int, 5, 20] | None = None,
                    topic: app_commands.Choice[str] | None = None,
                    difficulty: app_commands.Choice[str] | None = None) -> None:
        assert interaction.guild_id is not None
        assert interaction.channel_id is not None
        lang = await round_lang(interaction)
        result = await self.service.start(
            guild_id=interaction.guild_id, channel_id=interaction.channel_id,
            starter_id=interaction.user.id, topic=topic.value if topic else None,
            difficulty=difficulty.value if difficulty else None, questions=questions,
            presenter=lambda info: DiscordPresenter(self.bot, info, lang))
        if isinstance(result, Refused):
            # The service wrote it in the member's language (the interaction's current one).
            await send_ephemeral(interaction, result.reason)
            return
        if isinstance(result, AlreadyRunning):
            url = jump_url(interaction.guild_id, result.channel_id, result.start_message_id)
            await send_ephemeral(interaction, _("A round is already running in this channel: "
                                                "{url}", url=url))
            return
        assert isinstance(result, Started)
        info = result.info
        with speaking(lang):  # public: the round's language
            embed = discord.Embed(
                title=_("Quiz round starting"),
                description=_("{questions} questions · {topic} · {seconds} seconds each. "
                              "Everyone may answer each question once with the buttons; "
                              "faster right answers score more.",
                              questions=num(info.question_count),
                              topic=views.topic_name(info.topic),
                              seconds=num(info.time_limit)),
                colour=EmbedColour.QUIZ,
            )
            embed.set_footer(text=_("Started by {name} · /quiz stop ends it",
                                    name=interaction.user.display_name))
        message_id = await respond(interaction, embed=embed)
        if message_id is not None:
            await self.service.set_start_message(info.round_id, message_id)

    @app_commands.command(name="stop", description="Stop the round running in this channel")
    async def stop(self, interaction: Interaction) -> None:
        assert interaction.channel_id is not None
        # The database answers, wherever the round runs (another process during a deploy).
        result = await self.service.stop_in(interaction.channel_id, interaction.user.id,
                                            moderator=interaction.permissions.manage_guild)
        if isinstance(result, NoRound):
            await send_ephemeral(interaction, _("No quiz round is running in this channel."))
            return
        if isinstance(result, NotAllowed):
            await send_ephemeral(interaction, _("Only the member who started this round or a "
                                                "moderator (Manage Server) can stop it."))
            return
        await respond(interaction, _("Stopping the round…"), ephemeral=True)
        if result.here:
            await self.service.stop(result.round_id, interaction.user.id)

    @app_commands.command(name="stats", description="Quiz statistics of a member on this server")
    @app_commands.describe(member="Whose statistics (default: yours)")
    async def stats(self, interaction: Interaction,
                    member: discord.User | None = None) -> None:
        assert interaction.guild_id is not None
        target = member or interaction.user
        stats = await leaderboard.player_stats(self.bot.services.engine, interaction.guild_id,
                                               target.id)
        with speaking(server_lang(interaction)):  # public: the server's language
            embed = stats_embed(target.id, stats)
        await respond(interaction, embed=embed)

    @app_commands.command(name="forget-me", description="Delete your quiz answers, points and "
                                                        "stats on this server")
    async def forget_me(self, interaction: Interaction) -> None:
        await _confirm.ask_to_confirm(interaction, "forgetme", _(
            "Delete all your quiz answers, points and statistics on this server?"),
            _("Delete my quiz data"))

    @app_commands.command(name="my-data", description="Get a copy of everything the quiz "
                                                      "stores about you on this server")
    async def my_data(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None  # guild_only, re-checked by recheck()
        data = await privacy.export_member(self.bot.services.engine, interaction.guild_id,
                                           interaction.user.id)
        raw = json.dumps(data, indent=2, ensure_ascii=False).encode()
        file = discord.File(io.BytesIO(raw), filename=f"factquiz-my-data-"
                                                      f"{interaction.guild_id}.json")
        await respond(interaction, _(
            "Everything the quiz stores about you on this server: {answers}, your name, "
            "{adjustments} and {audit}. `/quiz forget-me` deletes it; see PRIVACY.md.",
            answers=answer_count(len(data["answers"])),
            adjustments=ngettext("{n} adjustment", "{n} adjustments",
                                 len(data["point_adjustments"])),
            audit=ngettext("{n} audit record", "{n} audit records",
                           len(data["audit_entries"]))),
            ephemeral=True, file=file)


async def forget_confirmed(interaction: Interaction) -> str:
    """The confirmed /quiz forget-me: everything of the member on this server goes."""
    services = interaction.client.services
    removed = await admin.remove_member(services.engine, actor(interaction),
                                        interaction.user.id, action="privacy.forget_me",
                                        everything=True)
    if interaction.guild_id is not None:  # a running round forgets them too
        await services.quiz.forget_member(interaction.guild_id, interaction.user.id)
    return _("Done: your quiz data on this server ({answers}, your points and stats) was "
             "deleted.", answers=answer_count(removed))


def stats_embed(user_id: int, stats: leaderboard.PlayerStats) -> discord.Embed:
    embed = discord.Embed(title=_("Quiz statistics"), description=f"<@{user_id}>",
                          colour=EmbedColour.QUIZ)
    embed.add_field(name=_("Answered"), value=num(stats.answered))
    embed.add_field(name=_("Correct"), value=num(stats.correct))
    embed.add_field(name=_("Accuracy"), value=f"{100 * stats.accuracy:.0f}%"
                    if stats.answered else "—")
    embed.add_field(name=_("Points"), value=num(stats.points))
    embed.add_field(name=_("Current streak"), value=num(stats.current_streak))
    embed.add_field(name=_("Best streak"), value=num(stats.best_streak))
    if stats.adjustments:
        # The reason is the moderator's own words, shown as typed.
        lines = [_("{amount} — {reason} (by {moderator}, {date})",
                   amount=num(a.amount, sign=True), reason=a.reason,
                   moderator=f"<@{a.moderator_id}>",
                   date=current().data_date(a.created_at.date().isoformat()))
                 for a in stats.adjustments[:5]]
        embed.add_field(name=_("Adjustments by moderators"), value="\n".join(lines)[:1024],
                        inline=False)
    return embed
