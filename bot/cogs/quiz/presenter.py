"""How a round shows itself in its channel: the quiz engine's ``Presenter`` for Discord."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING

import discord

from bot import i18n
from bot.cogs import _rewards
from bot.cogs._pictures import attach
from bot.cogs._retry import send_with_retries, with_retries
from bot.cogs.quiz import views
from bot.pictures.renderer import Picture
from bot.quiz import config as cfg
from bot.quiz import rewards
from bot.quiz.rewards import Change
from bot.quiz.rounds import AskedQuestion, EndReason, QuestionOutcome, RoundInfo, ScoreLine

if TYPE_CHECKING:
    from bot.app import FactQuiz

log = logging.getLogger(__name__)


class DiscordPresenter:
    """Shows a round in its channel (questions and scoreboards are channel messages, so a
    round can outlive the 15-minute interaction token)."""

    def __init__(self, bot: FactQuiz, info: RoundInfo, lang: i18n.Lang = i18n.EN) -> None:
        self.bot = bot
        self.channel = bot.get_partial_messageable(info.channel_id, guild_id=info.guild_id)
        # The round's language (the server's setting, or its Discord locale): every public
        # message of the round is written in it, whoever's click led to it.
        self.lang = lang

    async def question(self, info: RoundInfo, asked: AskedQuestion) -> int | None:
        with i18n.speaking(self.lang):
            embed, view = views.question_embed(info, asked), views.question_view(info, asked)
        message = await send_with_retries(self.channel, embed=embed, view=view)
        return message.id

    async def progress(self, info: RoundInfo, asked: AskedQuestion, answered: int) -> None:
        # Embed only: the buttons stay as they are. No retries: the next count replaces it.
        if asked.message_id is None:
            return
        with i18n.speaking(self.lang):
            embed = views.question_embed(info, asked, answered)
        await self.channel.get_partial_message(asked.message_id).edit(embed=embed)

    async def skipped(self, info: RoundInfo, asked: AskedQuestion) -> None:
        if asked.message_id is None:
            return
        message = self.channel.get_partial_message(asked.message_id)
        with i18n.speaking(self.lang):
            embed = views.skipped_embed(info, asked)
        await with_retries(lambda: message.edit(embed=embed, view=None))

    async def reveal(self, info: RoundInfo, outcome: QuestionOutcome) -> None:
        if outcome.asked.message_id is None:
            return
        message = self.channel.get_partial_message(outcome.asked.message_id)
        with i18n.speaking(self.lang):
            embed = views.reveal_embed(info, outcome)
            view = views.question_view(info, outcome.asked, reveal=True)
        picture = await self._picture(info, outcome) if info.reveal_pictures else None

        def edit() -> Awaitable[discord.Message]:
            # A fresh file each attempt: discord.py closes the files of a request it sent.
            if picture is None:
                return message.edit(embed=embed, attachments=[], view=view)
            shown, file = attach(embed, picture)
            return message.edit(embed=shown, attachments=[file], view=view)

        await with_retries(edit)

    async def _picture(self, info: RoundInfo, outcome: QuestionOutcome) -> Picture | None:
        """Exactly the picture the question asks for (its family decides; nothing is guessed
        here): whatever kind it declares, drawn by the renderer's one dispatch."""
        request = outcome.asked.question.picture
        if request is None:
            return None
        try:
            return await self.bot.services.pictures.for_request(
                self.bot.services.facts.facts, request, lane=info.guild_id,
                lang=self.lang.code)
        except Exception:
            log.exception("round %s: reveal picture failed", info.round_id)
            return None

    async def finish(self, info: RoundInfo, board: list[ScoreLine], reason: EndReason,
                     stopped_by: int | None) -> None:
        earned = await self._rewards(info, board)
        with i18n.speaking(self.lang):
            embed = views.scoreboard_embed(info, board, reason, stopped_by, earned)
        await send_with_retries(self.channel, embed=embed)

    async def _rewards(self, info: RoundInfo, board: list[ScoreLine]) -> list[Change]:
        """Reward roles for the round's players (members known from their answers): given
        once (the award's row), failures to the audit log; never fails the board."""
        try:
            config = await cfg.get_config(self.bot.services.engine, info.guild_id)
            settled = await rewards.settle(self.bot.services.engine, info.guild_id,
                                           [line.user_id for line in board],
                                           remove_below=config.rewards_remove_below)
            await _rewards.take(self.bot, info.guild_id, settled.revoked,
                                "quiz points fell below the reward")
            return await _rewards.grant(self.bot, info.guild_id, settled.granted)
        except Exception:
            log.exception("round %s: role rewards failed", info.round_id)
            return []
