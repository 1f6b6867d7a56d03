"""The question of the day in Discord: how it is posted and revealed (the ``DailyPresenter``
of :mod:`bot.quiz.daily`), and the scheduler that runs for as long as the cog is loaded.
Its answer buttons are the rounds' (``quiz:<round>:0:<option>``): a daily question is a
one-question round, so the /quiz cog's button takes its answers. The commands that set it
up are in /quizadmin daily."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.cogs._embeds import EmbedColour, bounded_join, truncate
from bot.cogs._retry import send_with_retries, with_retries
from bot.cogs.quiz.views import LETTERS, AnswerButton, option_label
from bot.facts.format import num
from bot.i18n import DEFAULT, Lang, _, current, lang_for, ngettext, speaking
from bot.quiz import daily, scoring

if TYPE_CHECKING:
    from bot.app import FactQuiz

log = logging.getLogger(__name__)


def daily_title(question: daily.DailyQuestion) -> str:
    return _("Question of the day · {day}", day=current().data_date(question.day.isoformat()))


def daily_embed(question: daily.DailyQuestion) -> discord.Embed:
    q = question.question
    embed = discord.Embed(title=daily_title(question), description=q.text,
                          colour=EmbedColour.QUIZ)
    embed.add_field(name=_("Options"), value="\n".join(
        f"**{LETTERS[i]}** {opt}" for i, opt in enumerate(q.options)), inline=False)
    embed.add_field(name=_("Answers close"),
                    value=_("<t:{ts}:R> · one answer each, the answer comes then",
                            ts=int(question.closes_at.timestamp())), inline=False)
    if question.late:
        embed.add_field(name=_("Posted late"), value=_(
            "Due at {time} UTC; the bot was restarting then. It closes at the usual time.",
            time=question.due_at.strftime("%H:%M")), inline=False)
    embed.set_footer(text=_("{points} points + speed · a daily streak for right answers in a "
                            "row · /leaderboard period:daily-streak",
                            points=num(scoring.BASE[q.difficulty])))
    return embed


def daily_view(question: daily.DailyQuestion, *, reveal: bool = False) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    q = question.question
    for i, option in enumerate(q.options):
        button = AnswerButton(question.round_id, 0, i, option_label(i, option))
        if reveal:
            button.item.disabled = True
            button.item.style = discord.ButtonStyle.success if i == q.answer_index else \
                discord.ButtonStyle.secondary
        view.add_item(button)
    return view


def reveal_embed(reveal: daily.DailyReveal) -> discord.Embed:
    question = reveal.daily
    q = question.question
    letter = LETTERS[q.answer_index]
    embed = discord.Embed(title=_("{title} — the answer is {letter}",
                                  title=daily_title(question), letter=letter),
                          description=q.text,
                          colour=EmbedColour.RECOGNITION if reveal.right else EmbedColour.WARNING)
    embed.add_field(name=_("Answer"), value=f"**{letter}** {q.answer}", inline=False)
    embed.add_field(name=_("Why"), value=truncate(q.explanation, 1024), inline=False)
    embed.add_field(name=_("Source"), value=truncate(q.source, 1024), inline=False)
    embed.add_field(name=_("Answers"), value=_("{answered} answered, {right} right",
                                               answered=num(reveal.answered),
                                               right=num(len(reveal.right))))
    lines = [_("<@{user}> {points} · {streak}", user=r.user_id,
               points=num(r.points, sign=True),
               streak=ngettext("{n} day in a row", "{n} days in a row", r.streak))
             for r in reveal.right]
    embed.add_field(name=_("Got it right"), value=bounded_join(
        lines, "\n", 1024, reserve=30, more=_("and {} more")) or _("Nobody this time."),
        inline=False)
    return embed


class DiscordDailyPresenter:
    def __init__(self, bot: FactQuiz) -> None:
        self.bot = bot

    def _lang(self, guild_id: int) -> Lang:
        # A public message: the server's language, as the other cogs write public replies.
        guild = self.bot.get_guild(guild_id)
        return lang_for(guild.preferred_locale.value) if guild is not None else \
            lang_for(DEFAULT)

    def _channel(self, question: daily.DailyQuestion) -> discord.PartialMessageable:
        return self.bot.get_partial_messageable(question.channel_id, guild_id=question.guild_id)

    async def post(self, question: daily.DailyQuestion) -> int:
        with speaking(self._lang(question.guild_id)):
            embed, view = daily_embed(question), daily_view(question)
        try:
            message = await send_with_retries(self._channel(question), embed=embed, view=view)
        except (discord.NotFound, discord.Forbidden) as exc:
            raise daily.Gone(f"{exc.status} {exc.text}") from exc
        return message.id

    async def reveal(self, reveal: daily.DailyReveal) -> None:
        question = reveal.daily
        channel = self._channel(question)
        with speaking(self._lang(question.guild_id)):
            embed = reveal_embed(reveal)
            view = daily_view(question, reveal=True)
        reference = None if question.message_id is None else discord.MessageReference(
            message_id=question.message_id, channel_id=question.channel_id,
            guild_id=question.guild_id, fail_if_not_exists=False)
        try:
            if reference is None:
                await send_with_retries(channel, embed=embed)
            else:
                await send_with_retries(channel, embed=embed, reference=reference)
        except (discord.NotFound, discord.Forbidden) as exc:
            raise daily.Gone(f"{exc.status} {exc.text}") from exc
        if question.message_id is not None:
            message = channel.get_partial_message(question.message_id)
            try:
                await with_retries(lambda: message.edit(view=view))
            except discord.HTTPException:  # the question was deleted: the reveal is out
                log.warning("daily question %s: could not disable its buttons",
                            question.round_id)


class Daily(commands.Cog):
    """Runs the daily scheduler while loaded: it starts with the bot and stops with it."""

    def __init__(self, bot: FactQuiz) -> None:
        self.bot = bot
        quiz = bot.services.quiz
        self.scheduler = daily.DailyScheduler(
            bot.services.engine, quiz.selector, DiscordDailyPresenter(bot), clock=quiz.clock,
            owner=quiz.owner, owns=bot.owns_guild)

    async def cog_load(self) -> None:
        self.scheduler.start()

    async def cog_unload(self) -> None:
        await self.scheduler.stop()


async def setup(bot: FactQuiz) -> None:
    await bot.add_cog(Daily(bot))
