"""Every leaf command of the synced tree, in Korean, through the real client against the
stand-in: members and a moderator whose Discord client is set to Korean, in a Korean server.
Each reply (content, embeds, button labels, and what a confirmation button leads to) passes
the no-English check; refusals too (bad input, a member trying /quizadmin, a second
/quiz start in the same channel); and a round's question, reveal and board."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.local.driver import Exchange, LocalDiscord, buttons
from bot.quiz import admin, config
from bot.quiz.config import QuizConfig
from bot.services import Services
from tests.cogs.test_declared import raw_invoke
from tests.cogs.test_quiz import answer_key, is_question, revealed
from tests.i18n.english import leftover_english
from tests.local.test_terminal import leaf_commands

FAILED = "문제가 생겼습니다"  # the error handler's apology: the bot broke, not a refusal

# (who, line): "member" is a member, "mod" holds Manage Server; both use the Korean client.
# In the order they run, in one server (later lines see what earlier ones stored).
LINES: list[tuple[str, str]] = [
    ("member", "/help"),
    ("mod", "/help"),
    ("member", "/about"),
    ("member", "/defectors year:2012"),
    ("member", "/recognition country country:France"),
    ("member", "/recognition summary"),
    ("member", "/recognition map as_of:2024-01-01"),
    ("member", "/recognition list status:both"),
    ("member", "/leaderboard"),
    ("member", "/leaderboard period:week"),
    ("member", "/leaderboard period:daily-streak"),
    # /quizadmin, by a moderator: settings and their refusals.
    ("mod", "/quizadmin settings show"),
    ("mod", "/quizadmin settings set time_limit:10 questions:5"),
    ("mod", "/quizadmin settings set pictures:False fifty_fifty:False"),
    ("mod", "/quizadmin settings set topics:defectors"),
    ("member", "/quiz start topic:recognition"),  # a topic the moderators did not allow
    ("mod", "/quizadmin settings set topics:both language:ko"),
    ("mod", "/quizadmin settings set"),  # nothing to change
    ("mod", "/quizadmin channel allow channel:quiz"),
    ("mod", "/quizadmin channel deny channel:general"),
    ("mod", "/quizadmin channel list"),
    ("member", "/quiz start"),  # #general is denied now: the service refuses, naming #quiz
    # Rewards need Manage Roles and a role below the bot's: @everyone is refused.
    ("mod", "/quizadmin rewards add role:@everyone points:500"),
    ("mod", "/quizadmin rewards list"),
    ("mod", "/quizadmin rewards remove role:@everyone"),
    ("mod", "/quizadmin daily set channel:quiz time:9:75"),  # not a time
    ("mod", "/quizadmin daily off"),  # not on
    ("mod", "/quizadmin daily show"),  # not set up
    ("mod", "/quizadmin daily set channel:quiz time:09:00 topic:defectors"),
    ("mod", "/quizadmin daily show"),
    ("mod", "/quizadmin daily off"),
    ("mod", "/quizadmin daily show"),
    ("mod", "/quizadmin points adjust member:bob amount:0 reason:nothing"),
    ("mod", "/quizadmin points adjust member:bob amount:50 reason:welcome"),
    ("mod", "/quizadmin points adjust member:bob amount:-20 reason:oops"),
    ("member", "/quiz stats member:bob"),
    ("member", "/quiz stats"),
    ("mod", "/quizadmin leaderboard remove member:bob"),
    ("mod", "/quizadmin leaderboard reset"),
    ("mod", "/quizadmin forget member:bob"),
    # A member trying the moderator tools (their client hides them; a server admin may
    # have shown them): the bot checks again and refuses.
    ("member", "/quizadmin settings show"),
    ("member", "/quizadmin points adjust member:bob amount:5 reason:me"),
    # /quiz outside a round.
    ("member", "/quiz stop"),
    ("member", "/quiz my-data"),
    ("member", "/quiz forget-me"),
]

# Command options whose value is what the user typed (echoed back, never translated).
TYPED = re.compile(r":(\S+)")


class Checker:
    """Collects every reply's leftover English, so one run lists them all."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        # What members typed or are called may be shown back as it is: their display names
        # and the values of options typed so far (a point adjustment's reason in /quiz stats).
        self.echoed = {"Player", "Minji", "Bob", "Jisu"}

    def reply(self, exchange: Exchange, typed: str = "") -> None:
        if not exchange.messages:
            self.problems.append(f"no reply to {typed}")
        self.echoed.update(TYPED.findall(typed))
        echoed = " ".join(self.echoed)
        for message in exchange.messages:
            if FAILED in (message.get("content") or ""):
                self.problems.append(f"the bot failed on {typed}")
            self.message(message, typed, echoed)

    def message(self, message: dict[str, Any], what: str, echoed: str = "") -> None:
        for word, text in leftover_english(message, echoed):
            self.problems.append(f"{what}: {word!r} in {text!r}")

    def done(self) -> None:
        assert not self.problems, "English left in Korean replies:\n" + "\n".join(
            dict.fromkeys(self.problems))


@pytest.fixture
def korean(discord: LocalDiscord) -> LocalDiscord:
    discord.user.locale = "ko"
    discord.guild.locale = "ko"
    return discord


def who(korean: LocalDiscord, name: str) -> Any:
    user = korean.member("minji", moderator=True) if name == "mod" else korean.user
    user.locale = "ko"
    return user


async def test_the_lines_name_every_leaf_command(discord: LocalDiscord) -> None:
    """So a new command cannot ship without a Korean reply being checked."""
    typed = {line for _, line in LINES} | {line for line in ROUND_LINES}
    leaves = leaf_commands(discord.standin.commands_for(discord.guild.id))
    missing = {cmd for cmd in leaves
               if not any(t == cmd or t.startswith(cmd + " ") for t in typed)}
    assert missing == set()


async def test_every_command_answers_in_korean(korean: LocalDiscord) -> None:
    check = Checker()
    await korean.text_channel("quiz")
    korean.member("bob")
    # A server admin showed /quizadmin to everyone (Server Settings → Integrations), so a
    # member's client sends it: the bot's own check must refuse it, in Korean.
    korean.guild.command_overrides.add("quizadmin")
    for name, line in LINES:
        user = who(korean, name)
        exchange = await korean.invoke(line, user=user, timeout=60)
        check.reply(exchange, line)
        # A confirmation: both of its buttons lead to Korean too (cancel first, then yes).
        labels = [b.get("label") for b in buttons(exchange.message or {})]
        if exchange.ephemeral and len(labels) == 2 and labels[1] == "취소":
            cancelled = await korean.click(exchange.message or {}, index=1, user=user)
            check.reply(cancelled, line + " → cancel")
            again = await korean.invoke(line, user=user)
            done = await korean.click(again.message or {}, index=0, user=user)
            check.reply(done, line + " → confirm")
    check.done()


@pytest.mark.parametrize(("line", "who_", "values", "dm"), [
    ("/quiz start questions:5", "member", {"questions": 10_000}, False),
    ("/quiz start topic:astrology", "member", {}, False),
    ("/quiz start", "member", {}, True),
    ("/leaderboard page:1", "member", {"page": 0}, False),
    ("/quizadmin settings set time_limit:30", "mod", {"time_limit": 0}, False),
    ("/quizadmin points adjust member:bob amount:1 reason:x", "mod",
     {"amount": admin.ADJUST_LIMIT + 1}, False),
])
async def test_a_modified_clients_values_are_refused_in_korean(
        korean: LocalDiscord, line: str, who_: str, values: dict[str, Any], dm: bool) -> None:
    """What Discord's client never sends (out of range, not a choice, a server command from
    a DM), sent anyway: the bot's own re-check refuses it, in the member's language."""
    check = Checker()
    korean.member("bob")
    refused = await raw_invoke(korean, line, user=who(korean, who_), dm=dm, **values)
    assert refused.ephemeral
    check.reply(refused, line + " " + " ".join(f"{k}:{v}" for k, v in values.items()))
    check.done()


# The round: lines typed in the round's channel.
ROUND_LINES = ["/quiz start questions:5 topic:defectors"]


@pytest.fixture
async def quick(korean: LocalDiscord, services: Services) -> LocalDiscord:
    # Every family has Korean text steps (tests/i18n/test_quiz_questions_korean.py), so the
    # round draws from all of them, as a Korean server's rounds do.
    services.quiz.intermission = 0
    services.quiz.lead_in = 0
    await config.save_config(services.engine, korean.guild.id,
                             QuizConfig(time_limit=3, default_questions=5,
                                        reveal_pictures=False))
    return korean


async def test_a_round_in_a_korean_server(quick: LocalDiscord, services: Services) -> None:
    check = Checker()
    minji = who(quick, "member")
    bob = quick.member("bob")
    bob.locale = "ko"
    start = await quick.invoke(ROUND_LINES[0], user=minji)
    check.reply(start, ROUND_LINES[0])
    second = await quick.invoke(ROUND_LINES[0], user=bob)  # the same channel: refused
    assert second.ephemeral
    check.reply(second, "a second /quiz start")
    q0 = await quick.wait_for_message(is_question(0))
    check.message(q0, "the question")
    key = await answer_key(services, q0)
    locked = await quick.click(q0, index=key, user=minji)
    check.reply(locked, "an answer")
    twice = await quick.click(q0, index=key, user=minji)
    check.reply(twice, "a second answer")
    for button in buttons(q0):
        if not button["custom_id"].startswith("quiz:"):  # the 50/50, refused once answered
            refused = await quick.click(q0, custom_id=button["custom_id"], user=minji)
            check.reply(refused, "a 50/50 after answering")
    stats = await quick.invoke("/quiz stats", user=bob)
    check.reply(stats, "/quiz stats during a round")
    reveal = await quick.wait_for_message(revealed(q0["id"]), timeout=10)
    check.message(reveal, "the reveal")
    late = await quick.click(q0, index=key, user=bob, as_seen=True)
    check.reply(late, "a late answer")
    q1 = await quick.wait_for_message(is_question(1), timeout=10)
    check.message(q1, "the second question")
    stop = await quick.invoke("/quiz stop", user=bob)  # not the starter, not a moderator
    check.reply(stop, "/quiz stop by another member")
    stopped = await quick.invoke("/quiz stop", user=minji)
    check.reply(stopped, "/quiz stop")
    board = await quick.wait_for_message(
        lambda m: bool(m["embeds"]) and m["embeds"][0]["title"].startswith("라운드 "),
        timeout=10)
    check.message(board, "the final board")
    ended = await quick.click(q1, index=0, user=bob, as_seen=True)
    check.reply(ended, "a click after the round")
    after = await quick.invoke("/leaderboard", user=minji)
    check.reply(after, "/leaderboard after a round")
    check.done()
