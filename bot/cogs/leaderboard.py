"""/leaderboard: this server's standings, all-time or this month or week, with page buttons."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs._declared import recheck
from bot.cogs._embeds import EmbedColour
from bot.cogs._items import Button
from bot.facts.format import num
from bot.i18n import N_, _, ngettext, speaking
from bot.quiz import leaderboard as core
from bot.reply import HookInteraction, Interaction, respond, send_ephemeral, server_lang, update

if TYPE_CHECKING:
    from bot.app import FactQuiz

PERIOD_NAMES = {"all-time": N_("All time"), "month": N_("This month"), "week": N_("This week"),
                core.DAILY_STREAK: N_("Daily streak")}


def leaderboard_embed(page: core.LeaderboardPage) -> discord.Embed:
    """The board, in the current language (the server's: it is public)."""
    # <@id> renders as the member's current name and pings nobody: mentions are off bot-wide.
    if page.period == core.DAILY_STREAK:  # its "points" are daily questions right in a row
        lines = [_("**{rank}.** <@{user}> — {days}", rank=num(s.rank), user=s.user_id,
                   days=ngettext("{n} day in a row", "{n} days in a row", s.points))
                 for s in page.standings]
    else:
        lines = [_("**{rank}.** <@{user}> — {points} points", rank=num(s.rank), user=s.user_id,
                   points=num(s.points))
                 for s in page.standings]
    embed = discord.Embed(title=_("Leaderboard · {period}", period=_(PERIOD_NAMES[page.period])),
                          description="\n".join(lines) or _("No points yet. Start a round with "
                                                           "`/quiz start`!"),
                          colour=EmbedColour.QUIZ)
    embed.set_footer(text=_("Page {page} of {pages} · {players} players · months and weeks in "
                            "UTC, weeks from Monday", page=num(page.page), pages=num(page.pages),
                            players=num(page.players)))
    return embed


def leaderboard_view(page: core.LeaderboardPage) -> discord.ui.View | None:
    """◀/▶ buttons, like /recognition list; none when everything fits on one page."""
    if page.pages <= 1:
        return None
    view = discord.ui.View(timeout=None)
    for target, label in ((page.page - 1, _("◀ Previous")), (page.page + 1, _("Next ▶"))):
        button = LeaderboardPageButton(page.period, target, label)
        button.item.disabled = not 1 <= target <= page.pages
        view.add_item(button)
    return view


class LeaderboardPageButton(Button,
                            template=r"lb:(?P<period>all-time|month|week|daily-streak)"
                                     r":(?P<page>-?\d+)"):
    """Stateless paging: the custom_id holds the period and page, so the buttons keep
    working after a restart; the standings are read afresh at each click."""

    name = "leaderboard page"

    def __init__(self, period: str, page: int, label: str) -> None:
        super().__init__(discord.ui.Button(label=label, style=discord.ButtonStyle.secondary,
                                           custom_id=f"lb:{period}:{page}"))
        self.period, self.page = period, page

    @classmethod
    async def from_custom_id(cls, interaction: HookInteraction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> LeaderboardPageButton:
        assert isinstance(item, discord.ui.Button)  # the template matches buttons only
        return cls(match["period"], int(match["page"]), item.label or "")

    async def handle(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        # Players may have dropped off since the message was sent: the nearest page is shown.
        result = await core.leaderboard(interaction.client.services.engine,
                                        interaction.guild_id, self.period, self.page)
        with speaking(server_lang(interaction)):
            view = leaderboard_view(result)
            embed = leaderboard_embed(result)
        await update(interaction, embed=embed, view=view)


class Leaderboard(commands.Cog):
    def __init__(self, bot: FactQuiz) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: HookInteraction, /) -> bool:
        recheck(interaction)  # what Discord's client enforces, enforced here too
        return True

    @app_commands.command(name="leaderboard", description="This server's quiz standings")
    @app_commands.describe(period="All time, this month, this week or the daily streak",
                           page="Page number")
    @app_commands.choices(period=[app_commands.Choice(name=v, value=k)
                                  for k, v in PERIOD_NAMES.items()])
    @app_commands.guild_only()
    async def leaderboard(self, interaction: Interaction,
                          period: app_commands.Choice[str] | None = None,
                          page: app_commands.Range[int, 1, 10_000] = 1) -> None:
        assert interaction.guild_id is not None
        result = await core.leaderboard(self.bot.services.engine, interaction.guild_id,
                                        period.value if period else "all-time", page)
        if result.out_of_range:
            pages = ngettext("{n} page", "{n} pages", result.pages)
            await send_ephemeral(interaction, _("There is no page {page}: this leaderboard has "
                                                "{pages} ({players} players).", page=num(page),
                                                pages=pages, players=num(result.players)))
            return
        with speaking(server_lang(interaction)):
            view = leaderboard_view(result)
            embed = leaderboard_embed(result)
        if view is None:
            await respond(interaction, embed=embed)
        else:
            await respond(interaction, embed=embed, view=view)


async def setup(bot: FactQuiz) -> None:
    bot.add_dynamic_items(LeaderboardPageButton)
    await bot.add_cog(Leaderboard(bot))
