"""/recognition: which UN member states recognize Israel, Palestine, both or neither."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs import _sources
from bot.cogs._cache import ReplyCache
from bot.cogs._declared import recheck
from bot.cogs._embeds import EmbedColour, truncate, user_text
from bot.cogs._items import Button
from bot.cogs._pictures import reply_with_picture
from bot.facts import recognition as core
from bot.facts.names import NotMember, Resolved, Unknown
from bot.facts.recognition import AsOfError, CountryView, StateStatus
from bot.facts.records import (
    SNAPSHOT_DATE,
    Category,
    Facts,
    IsraelStatus,
    MemberState,
    RecognitionEvent,
)
from bot.i18n import N_, _, current, pgettext, speaking
from bot.reply import (
    HookInteraction,
    Interaction,
    Refusal,
    respond,
    send_ephemeral,
    server_lang,
    update,
)

if TYPE_CHECKING:
    from bot.app import FactQuiz

PER_PAGE = 30
CATEGORY_PHRASES = {
    Category.BOTH: N_("recognizes both Israel and Palestine"),
    Category.ISRAEL_ONLY: N_("recognizes Israel only"),
    Category.PALESTINE_ONLY: N_("recognizes Palestine only"),
    Category.NEITHER: N_("recognizes neither Israel nor Palestine"),
}
CATEGORY_TITLES = {
    Category.BOTH: N_("Recognize both Israel and Palestine"),
    Category.ISRAEL_ONLY: N_("Recognize Israel only"),
    Category.PALESTINE_ONLY: N_("Recognize Palestine only"),
    Category.NEITHER: N_("Recognize neither"),
}
CATEGORY_SHORT = {Category.BOTH: N_("Both"), Category.ISRAEL_ONLY: N_("Israel only"),
                  Category.PALESTINE_ONLY: N_("Palestine only"), Category.NEITHER: N_("Neither")}
STATUS_CHOICES = [app_commands.Choice(name=CATEGORY_SHORT[c], value=c.value) for c in Category]
AS_OF_HELP = "A date, YYYY-MM-DD, from 2023-11-14 on (default: the latest in the data)"


class AsOf(app_commands.Transformer):
    """Parses an ``as_of`` option once, before the command runs. A date the data cannot
    answer for becomes a :class:`~bot.reply.Refusal`, which the tree's error handler shows
    privately; the command body only ever sees a valid date."""

    async def transform(self, interaction: HookInteraction, value: str) -> dt.date:
        try:
            return core.parse_as_of(value, interaction.client.services.facts.facts)
        except AsOfError as exc:
            raise Refusal(_("`as_of`: {error}. Use a date like 2024-06-01.",
                            error=user_text(str(exc)))) from exc


# An omitted option never reaches a transformer: the command gets None, i.e. the latest date.
AsOfDate = app_commands.Transform[dt.date, AsOf]


def _footer(facts: Facts, as_of: dt.date) -> str:
    lang = current()
    latest = facts.latest_event_date
    note = "" if as_of <= latest else _(" (no change recorded after {date})",
                                        date=lang.date(latest))
    return _("As of {date}{note} · Source: Visual Capitalist ({snapshot}, from Wikipedia) "
             "and dated changes since", date=lang.date(as_of), note=note,
             snapshot=lang.date(SNAPSHOT_DATE))


def _data_date(text: str) -> str:
    """A date from the data files (ISO, maybe month only): as it is in English, written out
    otherwise."""
    return current().data_date(text)


def _since(iso3: str, date: str) -> str:
    if not date:
        return ""
    predecessor = core.inherited_from(iso3, date)
    if predecessor:
        return _(" (since {date}, as {predecessor})", date=_data_date(date),
                 predecessor=_(predecessor))
    return _(" (since {date})", date=_data_date(date))


def name_of(member: MemberState) -> str:
    """A member's name in the current language (CLDR's, or the bot's own English name)."""
    return current().country(member.iso2, member.name)


def _event(event: RecognitionEvent) -> str:
    return pgettext("event", event.event.replace("_", " "))


def israel_line(status: StateStatus) -> str:
    dated = _since(status.iso3, status.israel_recognition_date)
    return {
        IsraelStatus.RECOGNIZES: _("✅ Recognizes Israel{dated}", dated=dated),
        IsraelStatus.SELF: _("— This is Israel (the article counts it among the states "
                             "recognizing Israel)"),
        IsraelStatus.NEVER: _("❌ Has never recognized Israel"),
        IsraelStatus.WITHDREW: _("❌ Withdrew its recognition of Israel"),
        IsraelStatus.SUSPENDED: _("❌ Relations suspended/cut — the article counts this as not "
                                  "recognizing; recognition was never formally withdrawn"),
    }[status.israel_status]


def palestine_line(status: StateStatus) -> str:
    if not status.recognizes_palestine:
        return _("❌ Does not recognize the State of Palestine")
    return _("✅ Recognizes the State of Palestine{dated}",
             dated=_since(status.iso3, status.palestine_recognition_date))


def country_embed(facts: Facts, view: CountryView, note: str = "") -> discord.Embed:
    lang = current()
    member = facts.member_by_iso3[view.iso3]
    category = view.now.category
    embed = discord.Embed(
        title=f"{member.flag} {name_of(member)}",
        description=_("As of {date}: **{phrase}**.", date=lang.date(view.as_of),
                      phrase=_(CATEGORY_PHRASES[category]))
                    + (f"\n{note}" if note else ""),
        colour=EmbedColour.RECOGNITION,
    )
    embed.add_field(name=_("Israel"), value=israel_line(view.now), inline=False)
    embed.add_field(name=_("Palestine"), value=palestine_line(view.now), inline=False)
    changes = [f"{_data_date(e.date)}: {_event(e)}"
               + (f" — {pgettext('data', e.note)}" if e.note else "")
               for e in view.now.events]
    if view.changed:
        changes.append(_("At the article's snapshot ({date}) it {phrase}.",
                         date=lang.date(SNAPSHOT_DATE),
                         phrase=_(CATEGORY_PHRASES[view.at_snapshot.category])))
    changes += [_("Later, {date}: {event}", date=_data_date(e.date), event=_event(e))
                for e in view.later]
    embed.add_field(name=_("Changes since {date}", date=lang.date(SNAPSHOT_DATE)),
                    value=truncate("\n".join(changes) or _("None recorded."), 1024), inline=False)
    if view.dispute:
        embed.add_field(name=_("Disputed"), value=truncate(pgettext("data", view.dispute), 1024),
                        inline=False)
    sources = [core.SNAPSHOT_SOURCE] + [core.event_source(facts, e)
                                        for e in (*view.now.events, *view.later)]
    embed.add_field(name=_("Sources"), value=_sources.links(" | ".join(sources)), inline=False)
    embed.set_footer(text=_footer(facts, view.as_of)
                     + _(" · confidence: {confidence}",
                         confidence=pgettext("confidence", view.confidence)))
    return embed


def summary_embed(facts: Facts, as_of: dt.date) -> discord.Embed:
    lang = current()
    counts = core.category_counts(core.status_at(facts, as_of))
    base = core.category_counts(core.status_at(facts, SNAPSHOT_DATE))
    same_day = as_of == SNAPSHOT_DATE
    embed = discord.Embed(
        title=_("Recognition among the 193 UN member states"),
        description=_("As of {date}.", date=lang.date(as_of)) if same_day else
                    _("As of {date}, beside the article's figures of {snapshot} in brackets.",
                      date=lang.date(as_of), snapshot=lang.date(SNAPSHOT_DATE)),
        colour=EmbedColour.RECOGNITION,
    )
    rows = [(N_("Recognize Israel"), "israel"), (N_("Recognize Palestine"), "palestine"),
            (CATEGORY_SHORT[Category.BOTH], "both"),
            (CATEGORY_SHORT[Category.ISRAEL_ONLY], "israel_only"),
            (CATEGORY_SHORT[Category.PALESTINE_ONLY], "palestine_only"),
            (CATEGORY_SHORT[Category.NEITHER], "neither")]
    for name, key in rows:
        value = f"**{counts[key]}**" + ("" if same_day else f" ({base[key]})")
        embed.add_field(name=_(name), value=value)
    embed.add_field(
        name=_("Counting convention"),
        value=_("The article's: Israel counts itself; suspending or cutting relations counts "
                "as not recognizing Israel. Mexico is counted as not recognizing Palestine "
                "(Wikipedia, which counts it, gives one more)."),
        inline=False,
    )
    embed.set_footer(text=_footer(facts, as_of))
    return embed


def list_page(facts: Facts, category: Category, as_of: dt.date, page: int
              ) -> tuple[discord.Embed, discord.ui.View | None]:
    members = facts.member_by_iso3
    states = core.states_in(facts, category, as_of)
    if not current().is_default:  # in the reader's alphabet (가나다 order)
        states = sorted(states, key=lambda c: name_of(members[c]))
    pages = max(1, -(-len(states) // PER_PAGE))
    page = min(max(page, 0), pages - 1)
    chunk = states[page * PER_PAGE:(page + 1) * PER_PAGE]
    lines = [f"{members[c].flag} {name_of(members[c])}" for c in chunk]
    embed = discord.Embed(
        title=_("{title}: {count} states", title=_(CATEGORY_TITLES[category]), count=len(states)),
        description="\n".join(lines) or _("No UN member state is in this group."),
        colour=EmbedColour.RECOGNITION,
    )
    footer = _footer(facts, as_of)
    embed.set_footer(text=_("Page {page} of {pages} · {footer}", page=page + 1, pages=pages,
                            footer=footer) if pages > 1 else footer)
    if pages == 1:
        return embed, None
    view = discord.ui.View(timeout=None)
    for target, label in ((page - 1, _("◀ Previous")), (page + 1, _("Next ▶"))):
        button = ListPageButton(category, as_of, target, label)
        button.item.disabled = not 0 <= target < pages
        view.add_item(button)
    return embed, view


class ListPageButton(Button,
                     template=r"rec:list:(?P<cat>[a-z_]+):(?P<date>\d{8}):(?P<page>-?\d+)"):
    """Stateless paging: the custom_id holds the list, date and page, so old messages keep
    working after a restart."""

    name = "recognition list page"

    def __init__(self, category: Category, as_of: dt.date, page: int, label: str) -> None:
        super().__init__(discord.ui.Button(
            label=label, style=discord.ButtonStyle.secondary,
            custom_id=f"rec:list:{category.value}:{as_of:%Y%m%d}:{page}"))
        self.category, self.as_of, self.page = category, as_of, page

    @classmethod
    async def from_custom_id(cls, interaction: HookInteraction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> ListPageButton:
        assert isinstance(item, discord.ui.Button)  # the template matches buttons only
        as_of = dt.datetime.strptime(match["date"], "%Y%m%d").date()
        return cls(Category(match["cat"]), as_of, int(match["page"]), item.label or "")

    async def handle(self, interaction: Interaction) -> None:
        bot = interaction.client
        with speaking(server_lang(interaction)):
            embed, view = list_page(bot.services.facts.facts, self.category, self.as_of,
                                    self.page)
        await update(interaction, embed=embed, view=view)


class Recognition(commands.GroupCog, group_name="recognition",
                  group_description="Who recognizes Israel, Palestine, both or neither"):
    def __init__(self, bot: FactQuiz) -> None:
        self.bot = bot
        self.embeds: ReplyCache[discord.Embed] = ReplyCache()
        super().__init__()

    async def interaction_check(self, interaction: HookInteraction, /) -> bool:
        recheck(interaction)  # what Discord's client enforces, enforced here too
        return True

    def _date(self, as_of: dt.date | None) -> dt.date:
        """The date asked for; none given means the latest in the data (``parse_as_of``)."""
        return core.parse_as_of(None, self.bot.services.facts.facts) if as_of is None else as_of

    @app_commands.command(name="country", description="Does a UN member recognize Israel, "
                                                      "Palestine, both or neither?")
    @app_commands.describe(country="A UN member state: name, common name or ISO code",
                           as_of=AS_OF_HELP)
    async def country(self, interaction: Interaction,
                      country: app_commands.Range[str, 1, 100], as_of: AsOfDate | None = None) -> None:
        holder = self.bot.services.facts
        date = self._date(as_of)
        found = holder.names.resolve(country)
        if isinstance(found, Unknown):
            shown = user_text(country, 60)
            if found.suggestions:
                names = ", ".join(f"**{name_of(m)}**" for m in found.suggestions)
                text = _("I don't know a UN member state called “{shown}”. Did you mean "
                         "{names}?", shown=shown, names=names)
            else:
                text = _("I don't know a UN member state called “{shown}”. Try the suggestions "
                         "Discord shows while you type.", shown=shown)
            await send_ephemeral(interaction, text)
            return
        public = server_lang(interaction)
        if isinstance(found, NotMember):
            with speaking(public):
                embed = discord.Embed(title=_(found.name), description=_(found.explanation),
                                      colour=EmbedColour.RECOGNITION)
            await respond(interaction, embed=embed)
            return
        assert isinstance(found, Resolved)
        facts, iso3 = holder.facts, found.state.iso3
        with speaking(public):
            embed = self.embeds.get(
                ("country", facts.version, iso3, date, public.code),
                lambda: country_embed(facts, core.country_view(facts, iso3, date),
                                      _(found.note) if found.note else ""))
        await respond(interaction, embed=embed)

    @country.autocomplete("country")
    async def country_autocomplete(self, interaction: Interaction, current: str
                                   ) -> list[app_commands.Choice[str]]:
        # Labels in the member's language (the current one); values stay the English names,
        # which resolve in every language.
        return [app_commands.Choice(name=label, value=value)
                for label, value in self.bot.services.facts.names.autocomplete(
                    current, localize=name_of)]

    @app_commands.command(name="summary", description="How many UN members recognize Israel, "
                                                      "Palestine, both or neither")
    @app_commands.describe(as_of=AS_OF_HELP)
    async def summary(self, interaction: Interaction, as_of: AsOfDate | None = None) -> None:
        date = self._date(as_of)
        facts = self.bot.services.facts.facts
        public = server_lang(interaction)
        with speaking(public):
            embed = self.embeds.get(("summary", facts.version, date, public.code),
                                    lambda: summary_embed(facts, date))
        await respond(interaction, embed=embed)

    @app_commands.command(name="map", description="World map: who recognizes Israel, "
                                                  "Palestine, both or neither")
    @app_commands.describe(as_of=AS_OF_HELP)
    async def map_(self, interaction: Interaction, as_of: AsOfDate | None = None) -> None:
        date = self._date(as_of)
        facts = self.bot.services.facts.facts
        counts = core.category_counts(core.status_at(facts, date))
        with speaking(server_lang(interaction)) as lang:
            embed = discord.Embed(
                title=_("Recognition of Israel and Palestine — {date}", date=lang.date(date)),
                description=" · ".join(f"{_(CATEGORY_SHORT[c])}: **{counts[c.value]}**"
                                       for c in Category),
                colour=EmbedColour.RECOGNITION)
            embed.set_footer(text=_footer(facts, date))
        await reply_with_picture(interaction, embed,
                                 self.bot.services.pictures.recognition_map(
                                     facts, date, lane=interaction.guild_id,
                                     lang=lang.code))

    @app_commands.command(name="list", description="The UN member states in one group")
    @app_commands.describe(status="Which group", as_of=AS_OF_HELP)
    @app_commands.choices(status=STATUS_CHOICES)
    async def list_(self, interaction: Interaction, status: app_commands.Choice[str],
                    as_of: AsOfDate | None = None) -> None:
        date = self._date(as_of)
        with speaking(server_lang(interaction)):
            embed, view = list_page(self.bot.services.facts.facts, Category(status.value), date,
                                    0)
        if view is None:
            await respond(interaction, embed=embed)
        else:
            await respond(interaction, embed=embed, view=view)


async def setup(bot: FactQuiz) -> None:
    bot.add_dynamic_items(ListPageButton)
    await bot.add_cog(Recognition(bot))
