"""/quiz: rounds in a channel, answered with buttons; /quiz stats."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import AnyBot
from bot.cogs import _quiz_views as views
from bot.cogs._confirm import ask_to_confirm
from bot.cogs._embeds import EmbedColour
from bot.cogs._items import Button
from bot.cogs._pictures import attach
from bot.cogs._retry import with_retries
from bot.pictures.renderer import Picture
from bot.quiz import leaderboard
from bot.quiz.rounds import (
    AnswerStatus,
    AskedQuestion,
    EndReason,
    QuestionOutcome,
    RoundInfo,
    ScoreLine,
)
from bot.quiz.service import AlreadyRunning, QuizService, Refused, Started
from bot.reply import respond, send_ephemeral, too_late

log = logging.getLogger(__name__)

ANSWER_REPLIES = {
    AnswerStatus.ALREADY: "You already answered this question.",
    AnswerStatus.CLOSED: "Time's up for this question.",
    AnswerStatus.ENDED: "This round has ended.",
}
DB_TROUBLE = ("Sorry — your answer could not be recorded just now (the database did not "
              "answer). Nothing was saved; try again.")


def quiz_service(client: discord.Client) -> QuizService:
    return client.services.quiz  # type: ignore[attr-defined]


class AnswerButton(Button,
                   template=r"quiz:(?P<round>\d+):(?P<index>\d+):(?P<option>\d+)"):
    """An answer. The custom_id holds round, question and option, so a click on a message
    from before a restart still reaches the bot and gets a proper answer."""

    name = "quiz answer"

    def __init__(self, round_id: int, index: int, option: int, label: str = "?") -> None:
        super().__init__(discord.ui.Button(
            label=label, style=discord.ButtonStyle.primary,
            custom_id=views.answer_custom_id(round_id, index, option)))
        self.round_id, self.index, self.option = round_id, index, option

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button[Any],
                             match: re.Match[str]) -> AnswerButton:
        return cls(int(match["round"]), int(match["index"]), int(match["option"]))

    async def handle(self, interaction: discord.Interaction) -> None:
        service = quiz_service(interaction.client)
        try:
            result = await service.answer(self.round_id, self.index, interaction.user.id,
                                          interaction.user.display_name, self.option)
        except Exception:
            log.exception("interaction %s: answer not recorded", interaction.id)
            await send_ephemeral(interaction, DB_TROUBLE)
            return
        if too_late(interaction):
            # The answer counts (it was clicked in time); only the receipt can't be sent.
            log.info("interaction=%s: answer recorded, receipt too late to send",
                     interaction.id)
            return
        if result.status is AnswerStatus.LOCKED_IN:
            text = f"🔒 Locked in: **{views.LETTERS[self.option]}** {result.option}"
        else:
            text = ANSWER_REPLIES[result.status]
        await respond(interaction, text, ephemeral=True)


class DiscordPresenter:
    """Shows a round in its channel (questions and scoreboards are channel messages, so a
    round can outlive the 15-minute interaction token)."""

    def __init__(self, bot: AnyBot, info: RoundInfo) -> None:
        self.bot = bot
        self.channel = bot.get_partial_messageable(info.channel_id, guild_id=info.guild_id)

    async def question(self, info: RoundInfo, asked: AskedQuestion) -> int | None:
        message = await with_retries(lambda: self.channel.send(
            embed=views.question_embed(info, asked), view=views.question_view(info, asked)))
        return message.id

    async def reveal(self, info: RoundInfo, outcome: QuestionOutcome) -> None:
        if outcome.asked.message_id is None:
            return
        message = self.channel.get_partial_message(outcome.asked.message_id)
        embed = views.reveal_embed(info, outcome)
        picture = await self._picture(info, outcome) if info.reveal_pictures else None
        view = views.question_view(info, outcome.asked, reveal=True)

        def edit() -> Awaitable[discord.Message]:
            # A fresh file each attempt: discord.py closes the files of a request it sent.
            if picture is None:
                return message.edit(embed=embed, attachments=[], view=view)
            shown, file = attach(embed, picture)
            return message.edit(embed=shown, attachments=[file], view=view)

        await with_retries(edit)

    async def _picture(self, info: RoundInfo, outcome: QuestionOutcome) -> Picture | None:
        """Exactly the picture the question asks for (its family decides; nothing is guessed
        here): the chart with its highlight or span, the map at its date, or none."""
        request = outcome.asked.question.picture
        if request is None:
            return None
        facts = self.bot.services.facts.facts
        pictures = self.bot.services.pictures
        try:
            if request.kind == "chart":
                return await pictures.defectors_chart(facts, highlight_year=request.highlight,
                                                      span=request.span)
            if request.as_of is None:  # the validator refuses this; never guess a date
                raise ValueError(f"a map request without a date: {request}")
            return await pictures.recognition_map(facts, request.as_of)
        except Exception:
            log.exception("round %s: reveal picture failed", info.round_id)
            return None

    async def finish(self, info: RoundInfo, board: list[ScoreLine], reason: EndReason,
                     stopped_by: int | None) -> None:
        await with_retries(lambda: self.channel.send(
            embed=views.scoreboard_embed(info, board, reason, stopped_by)))


TOPIC_CHOICES = [app_commands.Choice(name="Mixed", value="mixed"),
                 app_commands.Choice(name="Arrivals in South Korea", value="defectors"),
                 app_commands.Choice(name="Recognition of Israel and Palestine",
                                     value="recognition")]
DIFFICULTY_CHOICES = [app_commands.Choice(name=d.title(), value=d)
                      for d in ("easy", "medium", "hard")]


def jump_url(guild_id: int, channel_id: int, message_id: int | None) -> str:
    tail = f"/{message_id}" if message_id else ""
    return f"https://discord.com/channels/{guild_id}/{channel_id}{tail}"


@app_commands.guild_only()
class Quiz(commands.GroupCog, group_name="quiz", group_description="Quiz rounds in this channel"):
    def __init__(self, bot: AnyBot) -> None:
        self.bot = bot
        super().__init__()

    @property
    def service(self) -> QuizService:
        return self.bot.services.quiz

    async def cog_load(self) -> None:
        self._recovery = asyncio.create_task(self._close_interrupted())

    async def _close_interrupted(self) -> None:
        """Rounds a restart cut off: close them and say so in their channels."""
        try:
            closed = await self.service.close_interrupted(self.bot.owns_guild)
        except Exception:
            log.exception("could not close interrupted rounds")
            return
        for round_ in closed:
            channel = self.bot.get_partial_messageable(round_.channel_id,
                                                       guild_id=round_.guild_id)
            try:
                if round_.open_message_id is not None:
                    await channel.get_partial_message(round_.open_message_id).edit(view=None)
                await channel.send(embed=views.interrupted_embed())
            except discord.HTTPException as exc:
                log.warning("round %s: could not post the interruption notice: %s",
                            round_.round_id, exc)

    @app_commands.command(name="start", description="Start a quiz round in this channel")
    @app_commands.describe(questions="How many questions (5–20; default: the server's setting)",
                           topic="Which data story", difficulty="Only questions of this level")
    @app_commands.choices(topic=TOPIC_CHOICES, difficulty=DIFFICULTY_CHOICES)
    async def start(self, interaction: discord.Interaction,
                    questions: app_commands.Range[int, 5, 20] | None = None,
                    topic: app_commands.Choice[str] | None = None,
                    difficulty: app_commands.Choice[str] | None = None) -> None:
        assert interaction.guild_id is not None
        assert interaction.channel_id is not None
        result = await self.service.start(
            guild_id=interaction.guild_id, channel_id=interaction.channel_id,
            starter_id=interaction.user.id, topic=topic.value if topic else None,
            difficulty=difficulty.value if difficulty else None, questions=questions,
            presenter=lambda info: DiscordPresenter(self.bot, info))
        if isinstance(result, Refused):
            await send_ephemeral(interaction, result.reason)
            return
        if isinstance(result, AlreadyRunning):
            url = jump_url(interaction.guild_id, result.channel_id, result.start_message_id)
            await send_ephemeral(interaction, f"A round is already running in this channel: "
                                              f"{url}")
            return
        assert isinstance(result, Started)
        info = result.info
        embed = discord.Embed(
            title="Quiz round starting",
            description=f"{info.question_count} questions · "
                        f"{views.TOPIC_NAMES.get(info.topic, info.topic)} · "
                        f"{info.time_limit} seconds each. Everyone may answer each question "
                        "once with the buttons; faster right answers score more.",
            colour=EmbedColour.QUIZ,
        )
        embed.set_footer(text=f"Started by {interaction.user.display_name} · /quiz stop ends it")
        message_id = await respond(interaction, embed=embed)
        if message_id is not None:
            await self.service.set_start_message(info.round_id, message_id)

    @app_commands.command(name="stop", description="Stop the round running in this channel")
    async def stop(self, interaction: discord.Interaction) -> None:
        assert interaction.channel_id is not None
        runner = self.service.running_in(interaction.channel_id)
        if runner is None:
            await send_ephemeral(interaction, "No quiz round is running in this channel.")
            return
        is_mod = interaction.permissions.manage_guild
        if interaction.user.id != runner.info.starter_id and not is_mod:
            await send_ephemeral(interaction, "Only the member who started this round or a "
                                              "moderator (Manage Server) can stop it.")
            return
        await respond(interaction, "Stopping the round…", ephemeral=True)
        await self.service.stop(runner.info.round_id, interaction.user.id)

    @app_commands.command(name="stats", description="Quiz statistics of a member on this server")
    @app_commands.describe(member="Whose statistics (default: yours)")
    async def stats(self, interaction: discord.Interaction,
                    member: discord.User | None = None) -> None:
        assert interaction.guild_id is not None
        target = member or interaction.user
        stats = await leaderboard.player_stats(self.bot.services.engine, interaction.guild_id,
                                               target.id)
        embed = discord.Embed(title="Quiz statistics", description=f"<@{target.id}>",
                              colour=EmbedColour.QUIZ)
        embed.add_field(name="Answered", value=str(stats.answered))
        embed.add_field(name="Correct", value=str(stats.correct))
        embed.add_field(name="Accuracy", value=f"{100 * stats.accuracy:.0f}%"
                        if stats.answered else "—")
        embed.add_field(name="Points", value=str(stats.points))
        embed.add_field(name="Current streak", value=str(stats.current_streak))
        embed.add_field(name="Best streak", value=str(stats.best_streak))
        if stats.adjustments:
            lines = [f"{a.amount:+d} — {a.reason} (by <@{a.moderator_id}>, "
                     f"{a.created_at:%Y-%m-%d})" for a in stats.adjustments[:5]]
            embed.add_field(name="Adjustments by moderators", value="\n".join(lines)[:1024],
                            inline=False)
        await respond(interaction, embed=embed)


    @app_commands.command(name="forget-me", description="Delete your quiz answers, points and "
                                                        "stats on this server")
    async def forget_me(self, interaction: discord.Interaction) -> None:
        await ask_to_confirm(interaction, "forgetme", "Delete all your quiz answers, points "
                             "and statistics on this server?", "Delete my quiz data")


async def setup(bot: AnyBot) -> None:
    bot.add_dynamic_items(AnswerButton)
    await bot.add_cog(Quiz(bot))
