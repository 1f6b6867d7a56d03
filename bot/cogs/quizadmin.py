"""/quizadmin: moderator tools. Hidden by default from members without Manage Server
(``default_permissions``), and checked again here, because server admins can change who
sees a command in Discord's settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cogs import _confirm
from bot.cogs._audit import actor
from bot.cogs._declared import recheck
from bot.cogs._embeds import EmbedColour, plural, user_text
from bot.facts.format import num
from bot.quiz import admin, config
from bot.quiz.config import QuizConfig
from bot.reply import HookInteraction, Interaction, respond, send_ephemeral

if TYPE_CHECKING:
    from bot.app import FactQuiz

TOPIC_CHOICES = [app_commands.Choice(name="Both data stories", value="both"),
                 app_commands.Choice(name="Arrivals in South Korea only", value="defectors"),
                 app_commands.Choice(name="Recognition only", value="recognition")]
LANGUAGE_CHOICES = [app_commands.Choice(name="The server's language (Discord setting)",
                                        value="auto"),
                    app_commands.Choice(name="한국어 (Korean)", value="ko"),
                    app_commands.Choice(name="English", value="en")]
LANGUAGE_NAMES = {c.value: c.name for c in LANGUAGE_CHOICES}


def settings_embed(cfg: QuizConfig, rules: config.ChannelRules, title: str) -> discord.Embed:
    embed = discord.Embed(title=title, colour=EmbedColour.QUIZ)
    embed.add_field(name="Time per question", value=f"{cfg.time_limit} seconds")
    embed.add_field(name="Questions per round", value=str(cfg.default_questions))
    embed.add_field(name="Topics", value=" and ".join(cfg.allowed_topics))
    embed.add_field(name="Pictures in reveals", value="on" if cfg.reveal_pictures else "off")
    embed.add_field(name="Reveal time", value=f"{cfg.reveal_time} seconds before the next "
                                              "question")
    embed.add_field(name="Lead-in", value=f"{cfg.lead_in} seconds before the first question")
    embed.add_field(name="Language of rounds", value=LANGUAGE_NAMES.get(cfg.language,
                                                                        cfg.language))
    allowed = ", ".join(f"<#{c}>" for c in rules.allowed) or "every channel"
    denied = ", ".join(f"<#{c}>" for c in rules.denied) or "none"
    embed.add_field(name="Quiz channels", value=f"Allowed: {allowed}\nDenied: {denied}",
                    inline=False)
    return embed


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class QuizAdmin(commands.GroupCog, group_name="quizadmin",
                group_description="Moderator tools for the quiz"):
    settings = app_commands.Group(name="settings", description="Quiz settings of this server")
    channel = app_commands.Group(name="channel", description="Where quizzes may run")
    board = app_commands.Group(name="leaderboard", description="Manage the leaderboard")
    points = app_commands.Group(name="points", description="Adjust a member's points")

    def __init__(self, bot: FactQuiz) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: HookInteraction, /) -> bool:
        # The server-side check: Discord's default_permissions can be changed by server admins.
        recheck(interaction)  # first: from a DM there are no server permissions to check
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    @property
    def engine(self) -> AsyncEngine:
        return self.bot.services.engine

    async def _show(self, interaction: Interaction, title: str) -> None:
        assert interaction.guild_id is not None
        cfg = await config.get_config(self.engine, interaction.guild_id)
        rules = await config.channel_rules(self.engine, interaction.guild_id)
        await respond(interaction, embed=settings_embed(cfg, rules, title),
                                                ephemeral=True)

    @settings.command(name="show", description="Show the quiz settings")
    async def settings_show(self, interaction: Interaction) -> None:
        await self._show(interaction, "Quiz settings")

    @settings.command(name="set", description="Change the quiz settings")
    @app_commands.describe(time_limit="Seconds per question (10–60)",
                           questions="Default questions per round (5–20)",
                           topics="Which data stories rounds may use",
                           pictures="Attach the chart or map to answers",
                           reveal_time="Seconds each answer stays up before the next question "
                                       "(2–30)",
                           lead_in="Seconds between the start and the first question (0–30)",
                           language="Language of round messages (answers to a member follow "
                                    "their own Discord language)")
    @app_commands.choices(topics=TOPIC_CHOICES, language=LANGUAGE_CHOICES)
    async def settings_set(self, interaction: Interaction,
                           time_limit: app_commands.Range[int, 10, 60] | None = None,
                           questions: app_commands.Range[int, 5, 20] | None = None,
                           topics: app_commands.Choice[str] | None = None,
                           pictures: bool | None = None,
                           reveal_time: app_commands.Range[int, 2, 30] | None = None,
                           lead_in: app_commands.Range[int, 0, 30] | None = None,
                           language: app_commands.Choice[str] | None = None) -> None:
        assert interaction.guild_id is not None
        if all(v is None for v in (time_limit, questions, topics, pictures, reveal_time,
                                   lead_in, language)):
            await send_ephemeral(interaction, "Nothing to change: give at least one setting.")
            return
        cfg = await config.get_config(self.engine, interaction.guild_id)
        new = QuizConfig(
            time_limit if time_limit is not None else cfg.time_limit,
            questions if questions is not None else cfg.default_questions,
            config.TOPIC_SETS[topics.value] if topics is not None else cfg.allowed_topics,
            pictures if pictures is not None else cfg.reveal_pictures,
            reveal_time if reveal_time is not None else cfg.reveal_time,
            lead_in if lead_in is not None else cfg.lead_in,
            language.value if language is not None else cfg.language)
        try:
            new.check()  # again on our side: Discord's ranges are the client's promise only
        except config.OutOfBounds as exc:
            await send_ephemeral(interaction, f"Not saved: {exc}.")
            return
        await config.save_config(self.engine, interaction.guild_id, new)
        await admin.record(self.engine, actor(interaction), "settings.set", f"{cfg} -> {new}")
        await self._show(interaction, "Quiz settings saved")

    async def _rule(self, interaction: Interaction, channel: discord.abc.GuildChannel,
                    allowed: bool) -> None:
        assert interaction.guild_id is not None
        await config.set_channel_rule(self.engine, interaction.guild_id, channel.id, allowed,
                                      interaction.user.id)
        await admin.record(self.engine, actor(interaction),
                           "channel.allow" if allowed else "channel.deny", f"channel={channel.id}")
        await self._show(interaction, f"Quizzes {'allowed' if allowed else 'denied'} in "
                                      f"#{channel.name}")

    @channel.command(name="allow", description="Allow quizzes in a channel (once any channel "
                                               "is allowed, only allowed channels host rounds)")
    async def channel_allow(self, interaction: Interaction,
                            channel: discord.TextChannel) -> None:
        await self._rule(interaction, channel, True)

    @channel.command(name="deny", description="Refuse quizzes in a channel")
    async def channel_deny(self, interaction: Interaction,
                           channel: discord.TextChannel) -> None:
        await self._rule(interaction, channel, False)

    @channel.command(name="list", description="Where quizzes may run")
    async def channel_list(self, interaction: Interaction) -> None:
        await self._show(interaction, "Quiz channels")

    @board.command(name="reset", description="Reset this server's leaderboard (asks first)")
    async def board_reset(self, interaction: Interaction) -> None:
        await _confirm.ask_to_confirm(interaction, "reset", "Reset this server's leaderboard? "
                                      "Every finished round's points and all point adjustments "
                                      "are deleted.", "Reset the leaderboard")

    @board.command(name="remove", description="Remove a member from the leaderboard")
    async def board_remove(self, interaction: Interaction, member: discord.User) -> None:
        assert interaction.guild_id is not None
        removed = await admin.remove_member(self.engine, actor(interaction), member.id)
        await send_ephemeral(interaction, f"Removed <@{member.id}> from the leaderboard "
                                          f"({plural(removed, 'answer')} deleted).")

    @points.command(name="adjust", description="Add or take points, with a reason")
    @app_commands.describe(amount="Points to add (negative to take)", reason="Why (shown in "
                                                                             "/quiz stats)")
    async def points_adjust(self, interaction: Interaction, member: discord.User,
                            amount: app_commands.Range[int, -admin.ADJUST_LIMIT,
                                                       admin.ADJUST_LIMIT],
                            reason: app_commands.Range[str, 1, 200]) -> None:
        assert interaction.guild_id is not None
        if amount == 0:
            await send_ephemeral(interaction, "An adjustment of 0 points changes nothing.")
            return
        clean = user_text(reason.strip(), 200)
        if not clean:
            await send_ephemeral(interaction, "Give a reason; it is shown in /quiz stats.")
            return
        await admin.adjust_points(self.engine, actor(interaction), member.id, amount, clean)
        await send_ephemeral(interaction, f"{num(amount, sign=True)} points for "
                                          f"<@{member.id}>: {clean}")


    @app_commands.command(name="forget", description="Delete everything the quiz stored "
                                                     "about a member on this server")
    async def forget_member(self, interaction: Interaction, member: discord.User) -> None:
        removed = await admin.remove_member(self.engine, actor(interaction), member.id,
                                            action="privacy.forget", everything=True)
        assert interaction.guild_id is not None
        await self.bot.services.quiz.forget_member(interaction.guild_id, member.id)
        await send_ephemeral(interaction, f"Deleted the quiz data of <@{member.id}> on this "
                                          f"server ({plural(removed, 'answer')}, their points, "
                                          "stats and name).")

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        # The bot was removed from the server: nothing of its quiz data is kept.
        await admin.forget_guild(self.engine, guild.id)


async def _reset(interaction: Interaction) -> str:
    removed = await admin.reset_leaderboard(interaction.client.services.engine,
                                            actor(interaction))
    return (f"The leaderboard was reset: {plural(removed, 'answer')} and all point adjustments "
            "were removed. (Answers in a round still running count when it ends.)")


async def setup(bot: FactQuiz) -> None:
    _confirm.register(bot, "reset", _reset, moderator=True)
    await bot.add_cog(QuizAdmin(bot))
