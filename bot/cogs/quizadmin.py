"""/quizadmin: moderator tools. Hidden by default from members without Manage Server
(``default_permissions``), and checked again here, because server admins can change who
sees a command in Discord's settings."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cogs import _confirm, _rewards
from bot.cogs._audit import actor
from bot.cogs._declared import recheck
from bot.cogs._embeds import EmbedColour, answer_count, truncate, user_text
from bot.facts.format import num
from bot.i18n import _, current, pgettext
from bot.quiz import admin, config, daily, rewards
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


def language_name(value: str) -> str:
    """The ``language`` setting as the settings embed shows it (the choice's English name)."""
    names = {"auto": pgettext("language", "The server's language (Discord setting)"),
             "ko": pgettext("language", "한국어 (Korean)"),
             "en": pgettext("language", "English")}
    return names.get(value, value)


def period_name(period: str) -> str:
    """A reward's period as stored ("all-time", "month"), in the current language."""
    names = {"all-time": pgettext("period", "all-time"), "month": pgettext("period", "month")}
    return names.get(period, period)


def daily_status(status: str) -> str:
    names = {"claimed": pgettext("daily", "claimed"), "open": pgettext("daily", "open"),
             "closed": pgettext("daily", "closed"), "failed": pgettext("daily", "failed")}
    return names.get(status, status)


# The reasons the bot writes when it turns the question of the day off (bot.quiz.daily).
# They are stored in English, the audit log's language; shown, they are said again in the
# current language. Discord's own error text inside them stays as Discord wrote it.
_OFF_BY = re.compile(r"turned off by (<@\d+>)")
_OFF_LOST = re.compile(r"the bot could not (post|reveal) in (<#\d+>) \((.*)\); set the "
                       r"schedule again with /quizadmin daily set", re.S)


def off_reason_text(reason: str) -> str:
    if match := _OFF_BY.fullmatch(reason):
        return _("turned off by {member}", member=match[1])
    if match := _OFF_LOST.fullmatch(reason):
        if match[1] == "post":
            return _("the bot could not post in {channel} ({error}); set the schedule again "
                     "with /quizadmin daily set", channel=match[2], error=match[3])
        return _("the bot could not reveal in {channel} ({error}); set the schedule again "
                 "with /quizadmin daily set", channel=match[2], error=match[3])
    return reason


def settings_embed(cfg: QuizConfig, rules: config.ChannelRules, title: str) -> discord.Embed:
    embed = discord.Embed(title=title, colour=EmbedColour.QUIZ)
    embed.add_field(name=_("Time per question"), value=_("{n} seconds", n=num(cfg.time_limit)))
    embed.add_field(name=_("Questions per round"), value=num(cfg.default_questions))
    embed.add_field(name=_("Topics"), value=config.topic_words(cfg.allowed_topics))
    embed.add_field(name=_("Pictures in reveals"), value=_("on") if cfg.reveal_pictures
                    else _("off"))
    embed.add_field(name=_("Reveal time"), value=_("{n} seconds before the next question",
                                                   n=num(cfg.reveal_time)))
    embed.add_field(name=_("Lead-in"), value=_("{n} seconds before the first question",
                                               n=num(cfg.lead_in)))
    embed.add_field(name=_("50/50"), value=_("on, {n} per member per round",
                                             n=cfg.fifty_fifty_per_round)
                    if cfg.fifty_fifty else _("off"))
    embed.add_field(name=_("Reward roles"), value=_("taken back below the threshold")
                    if cfg.rewards_remove_below else _("kept once earned"))
    embed.add_field(name=_("Language of rounds"), value=language_name(cfg.language))
    allowed = ", ".join(f"<#{c}>" for c in rules.allowed) or _("every channel")
    denied = ", ".join(f"<#{c}>" for c in rules.denied) or _("none")
    embed.add_field(name=_("Quiz channels"), value=_("Allowed: {allowed}\nDenied: {denied}",
                                                     allowed=allowed, denied=denied),
                    inline=False)
    return embed

DAILY_TOPIC_CHOICES = [app_commands.Choice(name="Mixed", value="mixed"),
                       app_commands.Choice(name="Arrivals in South Korea", value="defectors"),
                       app_commands.Choice(name="Recognition of Israel and Palestine",
                                           value="recognition")]


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class QuizAdmin(commands.GroupCog, group_name="quizadmin",
                group_description="Moderator tools for the quiz"):
    settings = app_commands.Group(name="settings", description="Quiz settings of this server")
    channel = app_commands.Group(name="channel", description="Where quizzes may run")
    board = app_commands.Group(name="leaderboard", description="Manage the leaderboard")
    points = app_commands.Group(name="points", description="Adjust a member's points")
    rewards_group = app_commands.Group(name="rewards", description="Roles earned with points")
    daily_group = app_commands.Group(name="daily", description="The question of the day")

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
        await self._show(interaction, _("Quiz settings"))

    @settings.command(name="set", description="Change the quiz settings")
    @app_commands.describe(time_limit="Seconds per question (10–60)",
                           questions="Default questions per round (5–20)",
                           topics="Which data stories rounds may use",
                           pictures="Attach the chart or map to answers",
                           reveal_time="Seconds each answer stays up before the next question "
                                       "(2–30)",
                           lead_in="Seconds between the start and the first question (0–30)",
                           fifty_fifty="Offer the 50/50 lifeline on 4-option questions",
                           fifty_fifty_per_round="50/50s each member may use per round (0–5)",
                           rewards_remove_below="Take a reward role back when points fall "
                                                "below it",
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
                           fifty_fifty: bool | None = None,
                           fifty_fifty_per_round: app_commands.Range[int, 0, 5] | None = None,
                           rewards_remove_below: bool | None = None,
                           language: app_commands.Choice[str] | None = None) -> None:
        assert interaction.guild_id is not None
        if all(v is None for v in (time_limit, questions, topics, pictures, reveal_time,
                                   lead_in, fifty_fifty, fifty_fifty_per_round,
                                   rewards_remove_below, language)):
            await send_ephemeral(interaction, _("Nothing to change: give at least one "
                                                "setting."))
            return
        cfg = await config.get_config(self.engine, interaction.guild_id)
        new = QuizConfig(
            time_limit if time_limit is not None else cfg.time_limit,
            questions if questions is not None else cfg.default_questions,
            config.TOPIC_SETS[topics.value] if topics is not None else cfg.allowed_topics,
            pictures if pictures is not None else cfg.reveal_pictures,
            reveal_time if reveal_time is not None else cfg.reveal_time,
            lead_in if lead_in is not None else cfg.lead_in,
            fifty_fifty if fifty_fifty is not None else cfg.fifty_fifty,
            fifty_fifty_per_round if fifty_fifty_per_round is not None
            else cfg.fifty_fifty_per_round,
            rewards_remove_below if rewards_remove_below is not None
            else cfg.rewards_remove_below,
            language.value if language is not None else cfg.language)
        try:
            new.check()  # again on our side: Discord's ranges are the client's promise only
        except config.OutOfBounds as exc:
            await send_ephemeral(interaction, _("Not saved: {reason}.", reason=exc))
            return
        await config.save_config(self.engine, interaction.guild_id, new)
        await admin.record(self.engine, actor(interaction), "settings.set", f"{cfg} -> {new}")
        await self._show(interaction, _("Quiz settings saved"))

    async def _rule(self, interaction: Interaction, channel: discord.abc.GuildChannel,
                    allowed: bool) -> None:
        assert interaction.guild_id is not None
        await config.set_channel_rule(self.engine, interaction.guild_id, channel.id, allowed,
                                      interaction.user.id)
        await admin.record(self.engine, actor(interaction),
                           "channel.allow" if allowed else "channel.deny", f"channel={channel.id}")
        await self._show(interaction, _("Quizzes allowed in #{channel}", channel=channel.name)
                         if allowed else _("Quizzes denied in #{channel}", channel=channel.name))

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
        await self._show(interaction, _("Quiz channels"))

    @board.command(name="reset", description="Reset this server's leaderboard (asks first)")
    async def board_reset(self, interaction: Interaction) -> None:
        await _confirm.ask_to_confirm(interaction, "reset", _(
            "Reset this server's leaderboard? Every finished round's points and all point "
            "adjustments are deleted."), _("Reset the leaderboard"))

    @board.command(name="remove", description="Remove a member from the leaderboard")
    async def board_remove(self, interaction: Interaction, member: discord.User) -> None:
        assert interaction.guild_id is not None
        removed = await admin.remove_member(self.engine, actor(interaction), member.id)
        await send_ephemeral(interaction, _("Removed {member} from the leaderboard ({answers} "
                                            "deleted).", member=f"<@{member.id}>",
                                            answers=answer_count(removed)))

    @points.command(name="adjust", description="Add or take points, with a reason")
    @app_commands.describe(amount="Points to add (negative to take)", reason="Why (shown in "
                                                                             "/quiz stats)")
    async def points_adjust(self, interaction: Interaction, member: discord.User,
                            amount: app_commands.Range[int, -admin.ADJUST_LIMIT,
                                                       admin.ADJUST_LIMIT],
                            reason: app_commands.Range[str, 1, 200]) -> None:
        assert interaction.guild_id is not None
        if amount == 0:
            await send_ephemeral(interaction, _("An adjustment of 0 points changes nothing."))
            return
        clean = user_text(reason.strip(), 200)
        if not clean:
            await send_ephemeral(interaction, _("Give a reason; it is shown in /quiz stats."))
            return
        await admin.adjust_points(self.engine, actor(interaction), member.id, amount, clean)
        await send_ephemeral(interaction, _("{amount} points for {member}: {reason}",
                                            amount=num(amount, sign=True),
                                            member=f"<@{member.id}>", reason=clean))


    @daily_group.command(name="set", description="Post a question every day at a UTC time")
    @app_commands.describe(channel="Where the question is posted",
                           time="When, as HH:MM in UTC (24-hour)",
                           topic="Which data story the questions come from",
                           open_hours="Hours each question stays open (1–23, default 20)")
    @app_commands.choices(topic=DAILY_TOPIC_CHOICES)
    async def daily_set(self, interaction: Interaction, channel: discord.TextChannel,
                        time: app_commands.Range[str, 4, 5],
                        topic: app_commands.Choice[str] | None = None,
                        open_hours: app_commands.Range[int, 1, 23] = daily.DEFAULT_OPEN_HOURS
                        ) -> None:
        try:
            await daily.set_schedule(
                self.engine, actor(interaction), channel_id=channel.id, post_time=time,
                topic=topic.value if topic is not None else "mixed", open_hours=open_hours,
                now=self.bot.services.quiz.clock.now())
        except ValueError as exc:  # checked again here: Discord's ranges are the client's
            await send_ephemeral(interaction, _("Not saved: {reason}.", reason=exc))
            return
        await self._show_daily(interaction, _("Question of the day saved"))

    @daily_group.command(name="show", description="Show the question of the day's schedule")
    async def daily_show(self, interaction: Interaction) -> None:
        await self._show_daily(interaction, _("Question of the day"))

    @daily_group.command(name="off", description="Stop posting the question of the day")
    async def daily_off(self, interaction: Interaction) -> None:
        done = await daily.turn_off(self.engine, actor(interaction),
                                    f"turned off by <@{interaction.user.id}>",
                                    now=self.bot.services.quiz.clock.now())
        if not done:
            await send_ephemeral(interaction, _("The question of the day is not on."))
            return
        await self._show_daily(interaction, _("Question of the day turned off"))

    async def _show_daily(self, interaction: Interaction, title: str) -> None:
        assert interaction.guild_id is not None
        schedule = await daily.get_schedule(self.engine, interaction.guild_id)
        embed = discord.Embed(title=title, colour=EmbedColour.QUIZ)
        if schedule is None:
            embed.description = _("Not set up. Start it with `/quizadmin daily set`.")
        else:
            embed.add_field(name=_("Status"), value=_("on") if schedule.enabled else _("off"))
            embed.add_field(name=_("Channel"), value=f"<#{schedule.channel_id}>")
            embed.add_field(name=_("Time"), value=_("{time} UTC", time=schedule.post_time))
            embed.add_field(name=_("Topic"), value=config.topic_word(schedule.topic))
            embed.add_field(name=_("Open for"), value=_("{hours} hours",
                                                        hours=schedule.open_hours))
            if not schedule.enabled and schedule.off_reason:
                # Written by the bot (a moderator's mention, Discord's error), never by a member.
                embed.add_field(name=_("Turned off"),
                                value=truncate(off_reason_text(schedule.off_reason), 1024),
                                inline=False)
            posts = await daily.recent_posts(self.engine, interaction.guild_id)
            if posts:
                embed.add_field(name=_("Recent days"), value="\n".join(
                    f"{current().data_date(p.day.isoformat())} · {daily_status(p.status)}"
                    + (_(" (late)") if p.late else "")
                    for p in posts), inline=False)
        await respond(interaction, embed=embed, ephemeral=True)

    @app_commands.command(name="forget", description="Delete everything the quiz stored "
                                                     "about a member on this server")
    async def forget_member(self, interaction: Interaction, member: discord.User) -> None:
        removed = await admin.remove_member(self.engine, actor(interaction), member.id,
                                            action="privacy.forget", everything=True)
        assert interaction.guild_id is not None
        await self.bot.services.quiz.forget_member(interaction.guild_id, member.id)
        await send_ephemeral(interaction, _("Deleted the quiz data of {member} on this server "
                                            "({answers}, their points, stats and name).",
                                            member=f"<@{member.id}>",
                                            answers=answer_count(removed)))

    @rewards_group.command(name="add", description="Give a role to members reaching a number "
                                                   "of points")
    @app_commands.describe(role="The role to give (below the bot's own role)",
                           points="Points needed", period="Counted all-time or this month")
    @app_commands.choices(period=[app_commands.Choice(name="All time", value="all-time"),
                                  app_commands.Choice(name="This month", value="month")])
    async def rewards_add(self, interaction: Interaction, role: discord.Role,
                          points: app_commands.Range[int, 1, 10_000_000],
                          period: app_commands.Choice[str] | None = None) -> None:
        assert interaction.guild is not None
        # What Discord will check when the role is given, checked now: a clear refusal
        # here instead of failures at every round's end.
        if not interaction.app_permissions.manage_roles:
            await send_ephemeral(interaction, _("Not saved: the bot needs the **Manage Roles** "
                                                "permission to give reward roles."))
            return
        me = interaction.guild.me
        if role.is_default() or role.managed or me is None or role >= me.top_role:
            await send_ephemeral(interaction, _(
                "Not saved: the bot can only give roles below its own highest role, and not "
                "@everyone or a bot's role. Move the bot's role above {role} in Server "
                "Settings → Roles.", role=role.mention))
            return
        existing = await rewards.rewards(self.engine, interaction.guild.id)
        if len(existing) >= rewards.MAX_REWARDS and role.id not in {r.role_id for r in existing}:
            await send_ephemeral(interaction, _("Not saved: at most {n} reward roles per server.",
                                                n=rewards.MAX_REWARDS))
            return
        chosen = period.value if period is not None else "all-time"
        await rewards.add(self.engine, actor(interaction), role.id, points, chosen)
        await send_ephemeral(interaction, _("Saved: members reaching {points} points ({period}) "
                                            "earn {role}.", points=num(points),
                                            period=period_name(chosen), role=role.mention))

    @rewards_group.command(name="remove", description="Stop giving a reward role")
    async def rewards_remove(self, interaction: Interaction, role: discord.Role) -> None:
        assert interaction.guild_id is not None
        holders = await rewards.remove(self.engine, actor(interaction), role.id)
        await _rewards.take(self.bot, interaction.guild_id,
                            [rewards.Change(u, role.id) for u in holders],
                            "quiz reward removed")
        await send_ephemeral(interaction, _("{role} is no longer a quiz reward.",
                                            role=role.mention))

    @rewards_group.command(name="list", description="The reward roles of this server")
    async def rewards_list(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        found = await rewards.rewards(self.engine, interaction.guild_id)
        lines = [_("<@&{role}> at {points} points ({period})", role=r.role_id,
                   points=num(r.points), period=period_name(r.period)) for r in found]
        await send_ephemeral(interaction, "\n".join(lines) or _("No reward roles yet."))

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        # The bot was removed from the server: nothing of its quiz data is kept.
        await admin.forget_guild(self.engine, guild.id)


async def _reset(interaction: Interaction) -> str:
    removed = await admin.reset_leaderboard(interaction.client.services.engine,
                                            actor(interaction))
    assert interaction.guild_id is not None
    # Reward roles go with the points that earned them.
    taken = await rewards.reset(interaction.client.services.engine, interaction.guild_id)
    await _rewards.take(interaction.client, interaction.guild_id, taken, "quiz leaderboard reset")
    return _("The leaderboard was reset: {answers} and all point adjustments were removed. "
             "(Answers in a round still running count when it ends.)", answers=answer_count(removed))


async def setup(bot: FactQuiz) -> None:
    _confirm.register(bot, "reset", _reset, moderator=True)
    await bot.add_cog(QuizAdmin(bot))
