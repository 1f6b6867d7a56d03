"""/about: what the bot is, where its data comes from, and how it is doing."""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.cogs._embeds import EmbedColour, day
from bot.facts.defectors import MOU_NAME
from bot.facts.records import SNAPSHOT_DATE
from bot.reply import Interaction, respond

if TYPE_CHECKING:
    from bot.app import FactQuiz


def _duration(seconds: float) -> str:
    minutes, sec = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days}d"] if days else []
    parts += [f"{hours}h"] if hours or days else []
    return " ".join([*parts, f"{minutes}m", f"{sec}s"])


class About(commands.Cog):
    def __init__(self, bot: FactQuiz) -> None:
        self.bot = bot

    @app_commands.command(name="about", description="What this bot is and where its data comes from")
    async def about(self, interaction: Interaction) -> None:
        services = self.bot.services
        facts = services.facts.facts
        latency = self.bot.latency
        embed = discord.Embed(
            title=f"factquiz {__version__}",
            description=(
                "Answers and quiz games about two data stories: North Koreans arriving in South "
                "Korea each year, and which UN member states recognize Israel, Palestine, both "
                "or neither."
            ),
            colour=EmbedColour.INFO,
        )
        embed.add_field(
            name="Arrivals data",
            value=f"{MOU_NAME}, single years {facts.years[0].last_year}–"
                  f"{facts.years[-1].last_year} plus the 1998 and 1999–2001 buckets.",
            inline=False,
        )
        embed.add_field(
            name="Recognition data",
            value=f"Visual Capitalist's map of the 193 UN members as of {day(SNAPSHOT_DATE)} "
                  f"(from Wikipedia), plus {len(facts.events)} dated changes up to "
                  f"{day(facts.latest_event_date)}.",
            inline=False,
        )
        embed.add_field(name="Uptime", value=_duration(time.monotonic() - services.started))
        embed.add_field(name="Gateway latency",
                        value=f"{latency * 1000:.0f} ms" if math.isfinite(latency) else "measuring…")
        embed.add_field(name="Data version", value=f"`{facts.version}`")
        embed.set_footer(text="Every figure carries its source. Sources: data/SOURCES.md")
        await respond(interaction, embed=embed)


async def setup(bot: FactQuiz) -> None:
    await bot.add_cog(About(bot))
