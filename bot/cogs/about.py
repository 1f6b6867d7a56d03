"""/about: what the bot is, where its data comes from, and how it is doing."""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.cogs._embeds import EmbedColour
from bot.facts.defectors import MOU_NAME
from bot.facts.records import SNAPSHOT_DATE, Facts
from bot.i18n import _, current, speaking
from bot.reply import Interaction, respond, server_lang

if TYPE_CHECKING:
    from bot.app import FactQuiz


def _duration(seconds: float) -> str:
    minutes, sec = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [_("{n}d", n=days)] if days else []
    parts += [_("{n}h", n=hours)] if hours or days else []
    return " ".join([*parts, _("{n}m", n=minutes), _("{n}s", n=sec)])


class About(commands.Cog):
    def __init__(self, bot: FactQuiz) -> None:
        self.bot = bot

    @app_commands.command(name="about", description="What this bot is and where its data comes from")
    async def about(self, interaction: Interaction) -> None:
        services = self.bot.services
        facts = services.facts.facts
        latency = self.bot.latency
        with speaking(server_lang(interaction)):  # a public answer
            embed = self._embed(facts, latency)
        await respond(interaction, embed=embed)

    def _embed(self, facts: Facts, latency: float) -> discord.Embed:
        services = self.bot.services
        lang = current()
        embed = discord.Embed(
            title=f"factquiz {__version__}",
            description=_(
                "Answers and quiz games about two data stories: North Koreans arriving in South "
                "Korea each year, and which UN member states recognize Israel, Palestine, both "
                "or neither."
            ),
            colour=EmbedColour.INFO,
        )
        embed.add_field(
            name=_("Arrivals data"),
            value=_("{source}, single years {first}–{last} plus the 1998 and 1999–2001 buckets.",
                    source=_(MOU_NAME), first=facts.years[0].last_year,
                    last=facts.years[-1].last_year),
            inline=False,
        )
        embed.add_field(
            name=_("Recognition data"),
            value=_("Visual Capitalist's map of the 193 UN members as of {snapshot} (from "
                    "Wikipedia), plus {events} dated changes up to {latest}.",
                    snapshot=lang.date(SNAPSHOT_DATE), events=lang.number(len(facts.events)),
                    latest=lang.date(facts.latest_event_date)),
            inline=False,
        )
        embed.add_field(name=_("Uptime"), value=_duration(time.monotonic() - services.started))
        embed.add_field(name=_("Gateway latency"),
                        value=_("{ms} ms", ms=round(latency * 1000)) if math.isfinite(latency)
                        else _("measuring…"))
        embed.add_field(name=_("Data version"), value=f"`{facts.version}`")
        embed.set_footer(text=_("Every figure carries its source. Sources: data/SOURCES.md"))
        return embed


async def setup(bot: FactQuiz) -> None:
    await bot.add_cog(About(bot))
