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
from bot.i18n import N_, _, current, pgettext, speaking
from bot.reply import HookInteraction, Interaction, respond, send_ephemeral, server_lang

if TYPE_CHECKING:
    from bot.app import FactQuiz

SOURCE_FOOTER = N_("Source: South Korea's Ministry of Unification (MOU)")


def _rank(n: int) -> str:
    """A rank in the current language: "9th", "9위"."""
    return _ordinal(n) if current().is_default else pgettext("rank", "{n}", n=n)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _footer(facts: Facts) -> str:
    return _("{source} · figures as of the end of {year}", source=_(SOURCE_FOOTER),
             year=facts.years[-1].last_year)


def _women(period: DefectorPeriod) -> str:
    return _("{female} of {total} ({share}%) · men {male}", female=fmt(period.female),
             total=fmt(period.total), share=format(100 * period.female_share, ".1f"),
             male=fmt(period.male))


def year_embed(facts: Facts, answer: core.YearAnswer) -> discord.Embed:
    p = answer.period
    embed = discord.Embed(
        title=_("{year}: {total} North Koreans arrived in South Korea", year=p.last_year,
                total=fmt(p.total)),
        description="\n".join(answer.context) or None,
        colour=EmbedColour.DEFECTORS,
    )
    embed.add_field(
        name=_("Rank"),
        value=_("{rank} of {count} single years ({first}–{last}), 1st = most arrivals",
                rank=_rank(answer.rank), count=answer.ranked_years,
                first=answer.first_ranked, last=answer.last_ranked),
    )
    if answer.previous is not None and answer.change is not None:
        embed.add_field(
            name=_("Change on {year}", year=answer.previous.last_year),
            value=_("{change} ({pct}) from {previous}", change=signed(answer.change),
                    pct=signed_pct(answer.change_pct or 0.0),
                    previous=fmt(answer.previous.total)),
        )
    else:
        embed.add_field(
            name=_("Change on {year}", year=p.last_year - 1),
            value=_("None: {year} is published only as part of a combined figure.",
                    year=p.last_year - 1),
        )
    embed.add_field(name=_("Women"), value=_women(p))
    if answer.partial is not None:
        embed.add_field(
            name=_("First half of the year"),
            value=_("{partial} had arrived by June {year} (the article's “{year} (as of June)” "
                    "figure); {total} is the full year.", partial=fmt(answer.partial.total),
                    year=p.last_year, total=fmt(p.total)),
            inline=False,
        )
    embed.add_field(name=_("Sources"), value=_sources.links(p.source), inline=False)
    embed.set_footer(text=_footer(facts))
    return embed


def bucket_embed(facts: Facts, answer: core.BucketAnswer) -> discord.Embed:
    p = answer.period
    embed = discord.Embed(
        title=_("{year}: no single-year figure", year=answer.year),
        description=answer.explanation,
        colour=EmbedColour.DEFECTORS,
    )
    embed.add_field(name=_("MOU's figure ({period})", period=p.label),
                    value=pgettext("people", "{n}", n=fmt(p.total)))
    embed.add_field(name=_("Women"), value=_women(p))
    embed.add_field(name=_("Sources"), value=_sources.links(p.source), inline=False)
    embed.set_footer(text=_footer(facts))
    return embed


def overview_embed(facts: Facts) -> discord.Embed:
    o = core.overview(facts)
    embed = discord.Embed(
        title=_("North Koreans arriving in South Korea"),
        description=o.trend,
        colour=EmbedColour.DEFECTORS,
    )
    embed.add_field(name=_("Total since records began"),
                    value=_("{total} ({female} women, {male} men)", total=fmt(o.total),
                            female=fmt(o.female), male=fmt(o.male)))
    embed.add_field(name=_("Peak year"), value=_year_count(o.peak))
    embed.add_field(name=_("Lowest single year"), value=_year_count(o.lowest))
    embed.add_field(name=_("Latest year"), value=_year_count(o.latest))
    embed.add_field(
        name=_("How MOU publishes it"),
        value=_("1998 is everyone recorded up to the end of 1998 (947); 1999–2001 are "
                "published only combined (1,043). Every year from 2002 on is a single "
                "calendar year."),
        inline=False,
    )
    embed.set_footer(text=_footer(facts))
    return embed


def _year_count(p: DefectorPeriod) -> str:
    return _("{year}: {total}", year=p.last_year, total=fmt(p.total))


def span_embed(facts: Facts, answer: core.SpanAnswer) -> discord.Embed:
    embed = discord.Embed(
        title=_("{first}–{last}: {total} arrivals", first=answer.first_year,
                last=answer.last_year, total=fmt(answer.total)),
        description=answer.note or None,
        colour=EmbedColour.DEFECTORS,
    )
    if answer.highest is not None and answer.lowest is not None:
        embed.add_field(name=_("Highest year"), value=_year_count(answer.highest))
        embed.add_field(name=_("Lowest year"), value=_year_count(answer.lowest))
    embed.add_field(name=_("Periods counted"),
                    value=", ".join(p.label for p in answer.periods), inline=False)
    embed.set_footer(text=_footer(facts))
    return embed


class ChartButton(Button,
                  template=r"defectors:chart:(?P<year>\d{4})"):
    """Posts the chart with the asked year highlighted (stateless: works after restarts)."""

    name = "defectors chart"

    def __init__(self, year: int) -> None:
        super().__init__(discord.ui.Button(label=_("Chart"), emoji="📊",
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
        with speaking(server_lang(interaction)):  # the chart is posted publicly
            note = (_("{year} is highlighted.", year=self.year) if single else
                    _("{year} is not highlighted: MOU publishes no single-year figure for it, "
                      "so it has no bar.", year=self.year))
            embed = discord.Embed(title=_("North Koreans arriving in South Korea — {year}",
                                          year=self.year),
                                  description=note, colour=EmbedColour.DEFECTORS)
            embed.set_footer(text=_footer(facts))
        await reply_with_picture(interaction, embed, bot.services.pictures.defectors_chart(
            facts, highlight_year=self.year if single else None, lane=interaction.guild_id,
            lang=server_lang(interaction).code))


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
        # Refusals are private, in the user's language (already current); answers are
        # public, in the server's.
        public = server_lang(interaction)
        if year is None:
            if to_year is not None:
                await send_ephemeral(interaction, _("`to_year` ends a span: give `year` too, "
                                                    "e.g. `/defectors year:2012 to_year:2020`."))
                return
            with speaking(public):
                embed = self.embeds.get(("overview", facts.version, public.code),
                                        lambda: overview_embed(facts))
            await reply_with_picture(interaction, embed,
                                     self.bot.services.pictures.defectors_chart(
                                         facts, lane=interaction.guild_id,
                                         lang=public.code))
            return
        if to_year is not None:
            try:
                core.span(facts, year, to_year)
            except core.SpanError as exc:
                await send_ephemeral(interaction, str(exc))
                return
            with speaking(public):
                answer = core.span(facts, year, to_year)
                embed = span_embed(facts, answer)
            singles = [p.last_year for p in answer.periods if p.is_year]
            if not singles:
                await respond(interaction, embed=embed)
                return
            await reply_with_picture(interaction, embed,
                                     self.bot.services.pictures.defectors_chart(
                                         facts, span=(singles[0], singles[-1]),
                                         lane=interaction.guild_id, lang=public.code))
            return
        refusal = core.answer_year(facts, year)
        if isinstance(refusal, core.NoData):
            await send_ephemeral(interaction, refusal.explanation)
            return
        with speaking(public):
            result = core.answer_year(facts, year)
            assert not isinstance(result, core.NoData)
            embed, view = self.embeds.get(("year", facts.version, year, public.code), lambda: (
                bucket_embed(facts, result) if isinstance(result, core.BucketAnswer)
                else year_embed(facts, result), chart_view(year)))
        await respond(interaction, embed=embed, view=view)


async def setup(bot: FactQuiz) -> None:
    bot.add_dynamic_items(ChartButton)
    await bot.add_cog(Defectors(bot))
