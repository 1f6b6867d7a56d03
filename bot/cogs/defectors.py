"""/defectors: North Koreans arriving in South Korea, from MOU's published table."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs import _sources
from bot.cogs._cache import ReplyCache
from bot.cogs._declared import recheck
from bot.cogs._embeds import EmbedColour
from bot.cogs._items import Button
from bot.cogs._pictures import reply_with_picture
from bot.facts import defectors as core
from bot.facts.defectors import fmt, signed, signed_pct
from bot.facts.records import DefectorPeriod, Facts
from bot.reply import HookInteraction, Interaction, respond, send_ephemeral

if TYPE_CHECKING:
    from bot.app import FactQuiz

SOURCE_FOOTER = "Source: South Korea's Ministry of Unification (MOU)"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _footer(facts: Facts) -> str:
    return f"{SOURCE_FOOTER} · figures as of the end of {facts.years[-1].last_year}"


def _women(period: DefectorPeriod) -> str:
    return (f"{fmt(period.female)} of {fmt(period.total)} "
            f"({100 * period.female_share:.1f}%) · men {fmt(period.male)}")


def year_embed(facts: Facts, answer: core.YearAnswer) -> discord.Embed:
    p = answer.period
    embed = discord.Embed(
        title=f"{p.last_year}: {fmt(p.total)} North Koreans arrived in South Korea",
        description="\n".join(answer.context) or None,
        colour=EmbedColour.DEFECTORS,
    )
    embed.add_field(
        name="Rank",
        value=f"{_ordinal(answer.rank)} of {answer.ranked_years} single years "
              f"({answer.first_ranked}–{answer.last_ranked}), 1st = most arrivals",
    )
    if answer.previous is not None and answer.change is not None:
        embed.add_field(
            name=f"Change on {answer.previous.last_year}",
            value=f"{signed(answer.change)} ({signed_pct(answer.change_pct or 0.0)}) "
                  f"from {fmt(answer.previous.total)}",
        )
    else:
        embed.add_field(
            name=f"Change on {p.last_year - 1}",
            value=f"None: {p.last_year - 1} is published only as part of a combined figure.",
        )
    embed.add_field(name="Women", value=_women(p))
    if answer.partial is not None:
        embed.add_field(
            name="First half of the year",
            value=f"{fmt(answer.partial.total)} had arrived by June {p.last_year} (the article's "
                  f"“{p.last_year} (as of June)” figure); {fmt(p.total)} is the full year.",
            inline=False,
        )
    embed.add_field(name="Sources", value=_sources.links(p.source), inline=False)
    embed.set_footer(text=_footer(facts))
    return embed


def bucket_embed(facts: Facts, answer: core.BucketAnswer) -> discord.Embed:
    p = answer.period
    embed = discord.Embed(
        title=f"{answer.year}: no single-year figure",
        description=answer.explanation,
        colour=EmbedColour.DEFECTORS,
    )
    embed.add_field(name=f"MOU's figure ({p.label})", value=fmt(p.total))
    embed.add_field(name="Women", value=_women(p))
    embed.add_field(name="Sources", value=_sources.links(p.source), inline=False)
    embed.set_footer(text=_footer(facts))
    return embed


def overview_embed(facts: Facts) -> discord.Embed:
    o = core.overview(facts)
    embed = discord.Embed(
        title="North Koreans arriving in South Korea",
        description=o.trend,
        colour=EmbedColour.DEFECTORS,
    )
    embed.add_field(name="Total since records began",
                    value=f"{fmt(o.total)} ({fmt(o.female)} women, {fmt(o.male)} men)")
    embed.add_field(name="Peak year", value=f"{o.peak.last_year}: {fmt(o.peak.total)}")
    embed.add_field(name="Lowest single year", value=f"{o.lowest.last_year}: {fmt(o.lowest.total)}")
    embed.add_field(name="Latest year", value=f"{o.latest.last_year}: {fmt(o.latest.total)}")
    embed.add_field(
        name="How MOU publishes it",
        value="1998 is everyone recorded up to the end of 1998 (947); 1999–2001 are published "
              "only combined (1,043). Every year from 2002 on is a single calendar year.",
        inline=False,
    )
    embed.set_footer(text=_footer(facts))
    return embed


def span_embed(facts: Facts, answer: core.SpanAnswer) -> discord.Embed:
    embed = discord.Embed(
        title=f"{answer.first_year}–{answer.last_year}: {fmt(answer.total)} arrivals",
        description=answer.note or None,
        colour=EmbedColour.DEFECTORS,
    )
    if answer.highest is not None and answer.lowest is not None:
        embed.add_field(name="Highest year",
                        value=f"{answer.highest.last_year}: {fmt(answer.highest.total)}")
        embed.add_field(name="Lowest year",
                        value=f"{answer.lowest.last_year}: {fmt(answer.lowest.total)}")
    embed.add_field(name="Periods counted",
                    value=", ".join(p.label for p in answer.periods), inline=False)
    embed.set_footer(text=_footer(facts))
    return embed


class ChartButton(Button,
                  template=r"defectors:chart:(?P<year>\d{4})"):
    """Posts the chart with the asked year highlighted (stateless: works after restarts)."""

    name = "defectors chart"

    def __init__(self, year: int) -> None:
        super().__init__(discord.ui.Button(label="Chart", emoji="📊",
                                           style=discord.ButtonStyle.secondary,
                                           custom_id=f"defectors:chart:{year}"))
        self.year = year

    @classmethod
    async def from_custom_id(cls, interaction: HookInteraction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> ChartButton:
        return cls(int(match["year"]))

    async def handle(self, interaction: Interaction) -> None:
        bot = interaction.client
        facts = bot.services.facts.facts
        single = self.year in facts.year_by_number
        note = (f"{self.year} is highlighted." if single else
                f"{self.year} is not highlighted: MOU publishes no single-year figure for it, "
                "so it has no bar.")
        embed = discord.Embed(title=f"North Koreans arriving in South Korea — {self.year}",
                              description=note, colour=EmbedColour.DEFECTORS)
        embed.set_footer(text=_footer(facts))
        await reply_with_picture(interaction, embed, bot.services.pictures.defectors_chart(
            facts, highlight_year=self.year if single else None, lane=interaction.guild_id))


def chart_view(year: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ChartButton(year))
    return view


class Defectors(commands.Cog):
    def __init__(self, bot: FactQuiz) -> None:
        self.bot = bot
        self.embeds: ReplyCache[Any] = ReplyCache()

    async def interaction_check(self, interaction: HookInteraction, /) -> bool:
        recheck(interaction)  # what Discord's client enforces, enforced here too
        return True

    @app_commands.command(name="defectors",
                          description="North Koreans arriving in South Korea, per year (MOU)")
    @app_commands.describe(
        year="A year, e.g. 2012 (leave empty for the overview)",
        to_year="With year: the last year of a span, e.g. 2020",
    )
    async def defectors(
        self,
        interaction: Interaction,
        # A broad range on purpose: the bot, not Discord's client, explains a missing year.
        year: app_commands.Range[int, 1900, 2100] | None = None,
        to_year: app_commands.Range[int, 1900, 2100] | None = None,
    ) -> None:
        facts = self.bot.services.facts.facts
        if year is None:
            if to_year is not None:
                await send_ephemeral(interaction, "`to_year` ends a span: give `year` too, "
                                                  "e.g. `/defectors year:2012 to_year:2020`.")
                return
            embed = self.embeds.get(("overview", facts.version), lambda: overview_embed(facts))
            await reply_with_picture(interaction, embed,
                                     self.bot.services.pictures.defectors_chart(
                                         facts, lane=interaction.guild_id))
            return
        if to_year is not None:
            try:
                answer = core.span(facts, year, to_year)
            except core.SpanError as exc:
                await send_ephemeral(interaction, str(exc))
                return
            singles = [p.last_year for p in answer.periods if p.is_year]
            if not singles:
                await respond(interaction, embed=span_embed(facts, answer))
                return
            await reply_with_picture(interaction, span_embed(facts, answer),
                                     self.bot.services.pictures.defectors_chart(
                                         facts, span=(singles[0], singles[-1]),
                                         lane=interaction.guild_id))
            return
        result = core.answer_year(facts, year)
        if isinstance(result, core.NoData):
            await send_ephemeral(interaction, result.explanation)
            return
        embed, view = self.embeds.get(("year", facts.version, year), lambda: (
            bucket_embed(facts, result) if isinstance(result, core.BucketAnswer)
            else year_embed(facts, result), chart_view(year)))
        await respond(interaction, embed=embed, view=view)


async def setup(bot: FactQuiz) -> None:
    bot.add_dynamic_items(ChartButton)
    await bot.add_cog(Defectors(bot))
