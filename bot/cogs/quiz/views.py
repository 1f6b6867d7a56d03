"""Embeds and buttons of a quiz round: how questions, reveals and scoreboards look, and the
answer button (the one home of its custom_id: the template that parses it and the builder)."""

from __future__ import annotations

import logging
import re
import string
from typing import Any

import discord

from bot.cogs import _sources
from bot.cogs._embeds import EmbedColour, bounded_join, truncate
from bot.cogs._items import Button
from bot.facts.format import num
from bot.i18n import N_, _, current
from bot.quiz import lifelines, scoring
from bot.quiz.difficulty import QuestionStats, share_line
from bot.quiz.lifelines import LifelineResult, LifelineStatus
from bot.quiz.questions.localize import localize
from bot.quiz.questions.model import Question
from bot.quiz.rewards import Change
from bot.quiz.rounds import (
    STANDINGS_SHOWN,
    AnswerStatus,
    AskedQuestion,
    EndReason,
    QuestionOutcome,
    RoundInfo,
    ScoreLine,
    ranked,
)
from bot.reply import HookInteraction, Interaction, respond, send_ephemeral, too_late

log = logging.getLogger(__name__)

LETTERS = string.ascii_uppercase
# English in the catalogue's source form; ``topic_name`` says them in the current language.
TOPIC_NAMES = {"defectors": N_("Arrivals in South Korea"), "recognition": N_("Recognition"),
               "mixed": N_("Mixed")}
DIFFICULTY_NAMES = {"easy": N_("easy"), "medium": N_("medium"), "hard": N_("hard")}


def topic_name(topic: str) -> str:
    return _(TOPIC_NAMES[topic]) if topic in TOPIC_NAMES else topic


def difficulty_name(difficulty: str) -> str:
    return _(DIFFICULTY_NAMES[difficulty]) if difficulty in DIFFICULTY_NAMES else difficulty


def shown(question: Question) -> Question:
    """The question as the current language writes it: same id, options and key, the text,
    options' display text and explanation rendered in that language (English where the
    family has no translation yet)."""
    return localize(question, current())


def option_label(index: int, option: str) -> str:
    return truncate(f"{LETTERS[index]}: {option}", 80)


ANSWER_REPLIES = {
    AnswerStatus.ALREADY: N_("You already answered this question."),
    AnswerStatus.CLOSED: N_("Time's up for this question."),
    AnswerStatus.ENDED: N_("This round has ended."),
    AnswerStatus.INTERRUPTED: N_("This round has ended."),
}
DB_TROUBLE = N_("Sorry — your answer could not be recorded just now (the database did not "
                "answer). Nothing was saved; try again.")


class AnswerButton(Button,
                   template=r"quiz:(?P<round>\d+):(?P<index>\d+):(?P<option>\d+)"):
    """An answer. The custom_id holds round, question and option, so a click on a message
    from before a restart still reaches the bot and gets a proper answer."""

    name = "quiz answer"

    def __init__(self, round_id: int, index: int, option: int, label: str = "?") -> None:
        super().__init__(discord.ui.Button(
            label=label, style=discord.ButtonStyle.primary,
            custom_id=f"quiz:{round_id}:{index}:{option}"))
        self.round_id, self.index, self.option = round_id, index, option

    @classmethod
    async def from_custom_id(cls, interaction: HookInteraction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> AnswerButton:
        return cls(int(match["round"]), int(match["index"]), int(match["option"]))

    async def handle(self, interaction: Interaction) -> None:
        service = interaction.client.services.quiz
        try:
            result = await service.answer(self.round_id, self.index, interaction.user.id,
                                          interaction.user.display_name, self.option)
        except Exception:
            log.exception("interaction %s: answer not recorded", interaction.id)
            await send_ephemeral(interaction, _(DB_TROUBLE))
            return
        if too_late(interaction):
            # The answer counts (it was clicked in time); only the receipt can't be sent.
            log.info("interaction=%s: answer recorded, receipt too late to send",
                     interaction.id)
            return
        # The receipt is the member's own (their client's language, set by the base class);
        # the option is the same one whoever clicks, only its display text differs.
        if result.status is AnswerStatus.LOCKED_IN:
            option = result.option
            runner = interaction.client.services.quiz.runners.get(self.round_id)
            asked = runner.current if runner is not None else None
            if asked is not None and asked.index == self.index \
                    and self.option < len(asked.question.options):
                option = shown(asked.question).options[self.option]
            text = _("🔒 Locked in: **{letter}** {option}", letter=LETTERS[self.option],
                     option=option)
        else:
            text = _(ANSWER_REPLIES[result.status])
        await respond(interaction, text, ephemeral=True)
        if result.status is AnswerStatus.INTERRUPTED and interaction.message is not None:
            # A crash between posting the question and storing its id left these buttons
            # where the restart's sweeper could not find them: the first click clears them.
            try:
                await interaction.message.edit(view=None)
            except discord.HTTPException as exc:
                log.warning("interaction %s: stale buttons not removed: %s",
                            interaction.id, exc)


FIFTY_FIFTY_LABEL = "50/50"


def _lifeline_refusal(result: LifelineResult) -> str:
    if result.status is LifelineStatus.ANSWERED:
        return _("You already answered this question, so the 50/50 is not needed — your "
                 "answer stays as it is.")
    if result.status is LifelineStatus.LIMIT:
        return _("You have used your 50/50 for this round ({limit} per round).",
                 limit=result.limit)
    if result.status is LifelineStatus.OFF:
        return _("The 50/50 is not available on this question.")
    return ANSWER_REPLIES[AnswerStatus.CLOSED if result.status is LifelineStatus.CLOSED
                          else AnswerStatus.ENDED]


class FiftyFiftyButton(Button, template=r"quiz5050:(?P<round>\d+):(?P<index>\d+)"):
    """The 50/50 lifeline on an open question. Its answer is ephemeral, for the member who
    pressed only: the right option and one wrong one, as answer buttons (``AnswerButton``,
    the same custom_id as on the question, so they answer exactly like the normal ones)."""

    name = "quiz 50/50"

    def __init__(self, round_id: int, index: int) -> None:
        super().__init__(discord.ui.Button(
            label=FIFTY_FIFTY_LABEL, style=discord.ButtonStyle.secondary, emoji="🎲",
            custom_id=f"quiz5050:{round_id}:{index}"))
        self.round_id, self.index = round_id, index

    @classmethod
    async def from_custom_id(cls, interaction: HookInteraction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> FiftyFiftyButton:
        return cls(int(match["round"]), int(match["index"]))

    async def handle(self, interaction: Interaction) -> None:
        service = interaction.client.services.quiz
        try:
            result = await service.fifty_fifty(self.round_id, self.index, interaction.user.id)
        except Exception:
            log.exception("interaction %s: 50/50 not recorded", interaction.id)
            await send_ephemeral(interaction, DB_TROUBLE)
            return
        if result.status is not LifelineStatus.SHOWN:
            await send_ephemeral(interaction, _lifeline_refusal(result))
            return
        # Ephemeral only: nobody but this member ever sees which two options are left.
        await respond(interaction, _("🎲 50/50: one of these two is right. An answer now "
                                     "earns half the points."),
                      view=fifty_fifty_view(self.round_id, self.index, result), ephemeral=True)


def fifty_fifty_view(round_id: int, index: int, result: LifelineResult) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for i in result.shown:
        view.add_item(AnswerButton(round_id, index, i, option_label(i, result.options[i])))
    return view


def _position(info: RoundInfo, asked: AskedQuestion) -> str:
    return _("Question {n} of {total}", n=num(asked.index + 1), total=num(info.question_count))


def question_title(info: RoundInfo, asked: AskedQuestion) -> str:
    position = _position(info, asked)
    last = asked.index + 1 >= info.question_count
    return _("Last question — {position}", position=position) if last else position


def question_embed(info: RoundInfo, asked: AskedQuestion, answered: int = 0) -> discord.Embed:
    """The open question; ``answered`` is how many locked in so far (never who or what)."""
    q = shown(asked.question)
    embed = discord.Embed(
        title=question_title(info, asked),
        description=q.text,
        colour=EmbedColour.QUIZ,
    )
    embed.add_field(name=_("Options"), value="\n".join(
        f"**{LETTERS[i]}** {opt}" for i, opt in enumerate(q.options)), inline=False)
    when = f"<t:{int(asked.deadline.timestamp())}:R>"  # Discord writes it in each client's language
    embed.add_field(name=_("Answers close"), value=_("{when} · one answer each", when=when),
                    inline=False)
    embed.add_field(name=_("Answered"), value=_("{n} answered", n=num(answered)))
    embed.set_footer(text=_("{topic} · {difficulty} · {points} points + speed + streak",
                            topic=topic_name(q.topic), difficulty=difficulty_name(q.difficulty),
                            points=num(scoring.BASE[q.difficulty]))
                    + (_(" · 50/50: half points") if fifty_fifty(info, asked) else ""))
    return embed


def skipped_embed(info: RoundInfo, asked: AskedQuestion) -> discord.Embed:
    return discord.Embed(
        title=_("{position} — skipped", position=_position(info, asked)),
        description=_("This question could not be shown in time (Discord was slow), so it "
                      "does not count: no points, no answer shown. The round goes on."),
        colour=EmbedColour.WARNING,
    )


def fifty_fifty(info: RoundInfo, asked: AskedQuestion) -> bool:
    """Whether the question offers the 50/50 (the server's setting, 4+ options)."""
    return info.fifty_fifty and info.fifty_fifty_per_round > 0 and \
        len(asked.question.options) >= lifelines.MIN_OPTIONS


def question_view(info: RoundInfo, asked: AskedQuestion, *, reveal: bool = False
                  ) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for i, option in enumerate(shown(asked.question).options):
        button = AnswerButton(info.round_id, asked.index, i, option_label(i, option))
        if reveal:
            button.item.disabled = True
            right = i == asked.question.answer_index
            button.item.style = discord.ButtonStyle.success if right else \
                discord.ButtonStyle.secondary
        view.add_item(button)
    if not reveal and fifty_fifty(info, asked):  # last, on a row of its own
        lifeline = FiftyFiftyButton(info.round_id, asked.index)
        lifeline.item.row = 1
        view.add_item(lifeline)
    return view


def _names(scored: list[Any], limit: int = 1024) -> str:
    return bounded_join([f"<@{s.user_id}> {num(s.points, sign=True)}" for s in scored], ", ",
                        limit, reserve=30,
                        more=_("and {n} more", n="{}")) or _("Nobody this time.")


def _share(stats: QuestionStats | None) -> str | None:
    """``share_line`` in the current language (the same whole percent)."""
    line = share_line(stats)
    if line is None or stats is None or current().is_default:
        return line
    percent = (200 * stats.correct + stats.answered) // (2 * stats.answered)
    return _("{percent} % of {players} players got this right", percent=num(percent),
             players=num(stats.answered))


def reveal_embed(info: RoundInfo, outcome: QuestionOutcome) -> discord.Embed:
    asked = outcome.asked
    q = shown(asked.question)
    letter = LETTERS[q.answer_index]
    embed = discord.Embed(
        title=_("{position} — the answer is {letter}", position=_position(info, asked),
                letter=letter),
        description=q.text,
        colour=EmbedColour.RECOGNITION if outcome.correct else EmbedColour.WARNING,
    )
    embed.add_field(name=_("Answer"), value=f"**{letter}** {q.answer}", inline=False)
    embed.add_field(name=_("Why"), value=truncate(q.explanation, 1024), inline=False)
    embed.add_field(name=_("Source"), value=_sources.links(q.source), inline=False)
    embed.add_field(name=_("As of"), value=current().data_date(q.as_of.isoformat()))
    embed.add_field(name=_("Answers"), value=_("{answered} answered, {right} right",
                                               answered=num(outcome.answered),
                                               right=num(len(outcome.correct))))
    embed.add_field(name=_("Got it right"), value=_names(list(outcome.correct)), inline=False)
    if outcome.lifelines:
        embed.add_field(name=_("Lifelines"), value=bounded_join(
            [_("<@{member}> used 50/50", member=user_id) for user_id, _name in outcome.lifelines],
            ", ", 1024, reserve=30, more="and {} more"), inline=False)
    if (share := _share(outcome.stats)) is not None:  # all servers, once enough answered
        embed.add_field(name=_("All servers"), value=share, inline=False)
    if outcome.standings:
        embed.add_field(name=_("Standings"), value="\n".join(
            board_lines(list(outcome.standings), STANDINGS_SHOWN)), inline=False)
    if outcome.aborted:
        embed.set_footer(text=_("The round was stopped during this question."))
    return embed


END_TITLES = {
    EndReason.FINISHED: N_("Round over — final scores"),
    EndReason.STOPPED: N_("Round stopped — scores so far"),
    EndReason.IDLE: N_("Round stopped: no answers for 3 questions in a row"),
    EndReason.SHUTDOWN: N_("Round ended: the bot is shutting down"),
    EndReason.INTERRUPTED: N_("Round interrupted by a restart"),
}


def board_lines(board: list[ScoreLine], limit: int) -> list[str]:
    """The first ``limit`` lines of a round's board; tied players share a rank."""
    return [_("**{rank}.** {player} — {points} points ({right} right)", rank=num(rank),
              player=mention(s.user_id), points=num(s.points), right=num(s.correct))
            for rank, s in ranked(board)[:limit]]


def mention(user_id: int) -> str:
    return f"<@{user_id}>"


def scoreboard_embed(info: RoundInfo, board: list[ScoreLine], reason: EndReason,
                     stopped_by: int | None, earned: list[Change] | None = None
                     ) -> discord.Embed:
    lines = board_lines(board, 15)
    if len(board) > 15:
        lines.append(_("… and {n} more players", n=num(len(board) - 15)))
    embed = discord.Embed(title=_(END_TITLES[reason]),
                          description="\n".join(lines) or _("Nobody scored this round."),
                          colour=EmbedColour.QUIZ)
    if reason is EndReason.STOPPED and stopped_by is not None:
        embed.add_field(name=_("Stopped by"), value=f"<@{stopped_by}>")
    if earned:  # a role mention pings nobody: the bot's mentions are off
        embed.add_field(name=_("Rewards"), value=bounded_join(
            [_("<@{member}> earned <@&{role}>", member=c.user_id, role=c.role_id)
             for c in earned], "\n", 1024, reserve=30, more="and {} more"), inline=False)
    embed.set_footer(text=_("Points count on this server's /leaderboard."))
    return embed


def interrupted_embed() -> discord.Embed:
    return discord.Embed(
        title=_(END_TITLES[EndReason.INTERRUPTED]),
        description=_("The quiz round in this channel was interrupted when the bot restarted. "
                      "Points already awarded stay on the leaderboard. Start a new round with "
                      "`/quiz start`."),
        colour=EmbedColour.WARNING,
    )
