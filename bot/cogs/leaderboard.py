"""/leaderboard: this server's standings, all-time or this month or week."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs._declared import recheck
from bot.cogs._embeds import EmbedColour
from bot.quiz import leaderboard as core
from bot.reply import HookInteraction, Interaction, respond

if TYPE_CHECKING:
    from bot.app import FactQuiz

PERIOD_NAMES = {"all-time": "All time", "month": "This month", "week": "This week"}


def leaderboard_embed(page: core.LeaderboardPage) -> discord.Embed:
    # <@id> renders as the member's current name and pings nobody: mentions are off bot-wide.
    lines = [f"**{s.rank}.** <@{s.user_id}> — {s.points:,} points" for s in page.standings]
    embed = discord.Embed(title=f"Leaderboard · {PERIOD_NAMES[page.period]}",
                          description="\n".join(lines) or "No points yet. Start a round with "
                                                         "`/quiz start`!",
                          colour=EmbedColour.QUIZ)
    embed.set_footer(text=f"Page {page.page} of {page.pages} · {page.players} players · "
                          "months and weeks in UTC, weeks from Monday")
    return embed


class Leaderboard(commands.Cog):
    def __init__(self, bot: FactQuiz) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: HookInteraction, /) -> bool:
        recheck(interaction)  # what Discord's client enforces, enforced here too
        return True

    @app_commands.command(name="leaderboard", description="This server's quiz standings")
    @app_commands.describe(period="All time, this month or this week", page="Page number")
    @app_commands.choices(period=[app_commands.Choice(name=v, value=k)
                                  for k, v in PERIOD_NAMES.items()])
    @app_commands.guild_only()
    async def leaderboard(self, interaction: Interaction,
                          period: app_commands.Choice[str] | None = None,
                          page: app_commands.Range[int, 1, 10_000] = 1) -> None:
        assert interaction.guild_id is not None
        result = await core.leaderboard(self.bot.services.engine, interaction.guild_id,
                                        period.value if period else "all-time", page)
        await respond(interaction, embed=leaderboard_embed(result))


async def setup(bot: FactQuiz) -> None:
    await bot.add_cog(Leaderboard(bot))
