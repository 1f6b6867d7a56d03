"""Hostile input for every command and option, through the stand-in (hypothesis).

For every generated interaction: Discord's client refuses it, or the bot answers within
Discord's limits; no request can ping anyone; no exception text reaches a user; and the fact
tables are byte-for-byte the same afterwards. The number of inputs tried is printed at the end
of the test run.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import APOLOGY
from bot.local.driver import LocalDiscord
from bot.local.standin.invocation import OptionRefused
from bot.services import Services

COUNTS: dict[str, int] = {"tried": 0, "refused_by_client": 0, "answered": 0}

NASTY = [
    "@everyone", "@here", "<@123456789012345678>", "<@!123456789012345678>", "<@&987654321>",
    "<#123456789>", "**bold** __under__ ~~strike~~ ||spoiler||", "```py\nprint('hi')\n```",
    "`code`", "> quote", "# heading", "[link](https://example.com)", "'; DROP TABLE quiz_answer; --",
    "\" OR 1=1 --", "{0}", "{}", "%s%s%s%n", "{__class__.__mro__}", "${jndi:ldap://x}",
    "\u200b", "\u200b\u200c\u200d\ufeff", "\u202eevil\u202c", "\u200f\u061c", "\U0001f600",
    "\U00010000\U0010fffd", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇", "\u0000", "\t\n\r",
    "2024-02-30", "2023-02-29", "2023-13-01", "0000-00-00", "9999-12-31", "2023-11-13",
    "-0001-01-01", "2024-1-1", "20240101", "null", "NaN", "1e309", "-1", "9" * 40,
    "Ivory Coast", "ivory coast @everyone", "UK", "Palestine", "Korea", "Czechia ",
]
TEXT = st.characters(exclude_categories=("Cs",))  # any plane, but valid UTF-8 (as Discord)


def strings(max_size: int) -> st.SearchStrategy[str]:
    mixed = st.lists(st.sampled_from(NASTY) | st.text(TEXT, max_size=20), max_size=6).map("".join)
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(TEXT, max_size=max_size),
        mixed,
        st.text(TEXT, min_size=4900, max_size=5000),  # longer than many limits
        st.text(string.ascii_letters + " -'", min_size=1, max_size=40),
    )


def ints(lo: int, hi: int) -> st.SearchStrategy[str]:
    inside = st.integers(lo, hi)
    edges = st.sampled_from([lo, hi, lo - 1, hi + 1, 0, -1, -(2**53), 2**53, 2**63])
    return st.one_of(inside, edges).map(str) | st.sampled_from(["", "12.5", "1e3", "twelve"])


COMMANDS: dict[str, tuple[list[str], dict[str, st.SearchStrategy[str]], bool]] = {
    # name: (path, option strategies, as a moderator)
    "defectors": (["defectors"], {"year": ints(1900, 2100), "to_year": ints(1900, 2100)}, False),
    "country": (["recognition", "country"], {"country": strings(120), "as_of": strings(60)},
                False),
    "summary": (["recognition", "summary"], {"as_of": strings(60)}, False),
    "list": (["recognition", "list"],
             {"status": st.sampled_from(["both", "israel_only", "palestine_only", "neither",
                                         "all", "@everyone"]), "as_of": strings(60)}, False),
    "leaderboard": (["leaderboard"], {"period": st.sampled_from(["all-time", "month", "week",
                                                                 "year", ""]),
                                      "page": ints(1, 10_000)}, False),
    "stats": (["quiz", "stats"], {"member": st.sampled_from(["fuzzer", "<@1>", "nobody", "0"])},
              False),
    "adjust": (["quizadmin", "points", "adjust"],
               {"member": st.just("fuzzer"), "amount": ints(-100_000, 100_000),
                "reason": strings(250)}, True),
    "settings": (["quizadmin", "settings", "set"],
                 {"time_limit": ints(10, 60), "questions": ints(5, 20),
                  "topics": st.sampled_from(["both", "defectors", "recognition", "x"]),
                  "pictures": st.sampled_from(["true", "false", "maybe"])}, True),
}
MAX_EXAMPLES = 400


async def fact_digest(services: Services) -> str:
    h = hashlib.sha256()
    async with services.engine.connect() as conn:
        for table in ("defector_period", "member_state", "recognition_2023_11_14",
                      "recognition_event", "article_fact", "dataset_version"):
            for row in (await conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1"))).all():
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()


@pytest.fixture
async def fuzzed(discord: LocalDiscord, services: Services) -> AsyncIterator[LocalDiscord]:
    before = await fact_digest(services)
    discord.member("fuzzer")
    yield discord
    assert await fact_digest(services) == before, "fuzzing changed the fact tables"


def check_reply(discord: LocalDiscord, exchange: Any) -> None:
    assert exchange.violations == [], exchange.violations
    text = exchange.text
    assert APOLOGY not in text, "an input made the bot fail"
    for leak in ("Traceback", "Exception", "sqlalchemy", "discord.errors", "KeyError",
                 "ValueError", "TypeError", "File \"/"):
        assert leak not in text, f"internal error text reached the user: {leak}"
    for body in exchange.bodies:
        message = body.get("data", body) if isinstance(body, dict) else {}
        if isinstance(message, dict) and ("content" in message or "embeds" in message):
            assert message.get("allowed_mentions") == {"parse": []}, body
    assert discord.standin.pings == []


async def run(discord: LocalDiscord, name: str, options: dict[str, str]) -> None:
    path, _, moderator = COMMANDS[name]
    user = discord.member("mod", moderator=True) if moderator else discord.member("fuzzer")
    COUNTS["tried"] += 1
    try:
        exchange = await discord.invoke((path, options), user=user, timeout=10)
    except OptionRefused:
        COUNTS["refused_by_client"] += 1  # the bot never sees what Discord's client refuses
        return
    await exchange.quiet(0.02)
    COUNTS["answered"] += 1
    check_reply(discord, exchange)


FUZZ = settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@pytest.mark.parametrize("name", list(COMMANDS))
@FUZZ
@given(data=st.data())
async def test_fuzz_every_command(fuzzed: LocalDiscord, name: str, data: st.DataObject) -> None:
    options = data.draw(st.fixed_dictionaries({}, optional=COMMANDS[name][1]))
    await run(fuzzed, name, options)


@settings(FUZZ, max_examples=25)  # fewer: every new date draws a new map
@given(as_of=strings(60))
async def test_fuzz_the_map(fuzzed: LocalDiscord, as_of: str) -> None:
    COUNTS["tried"] += 1
    try:
        exchange = await fuzzed.invoke((["recognition", "map"], {"as_of": as_of}), timeout=15)
    except OptionRefused:
        COUNTS["refused_by_client"] += 1
        return
    COUNTS["answered"] += 1
    check_reply(fuzzed, exchange)


@FUZZ
@given(typed=strings(120))
async def test_fuzz_autocomplete(fuzzed: LocalDiscord, typed: str) -> None:
    COUNTS["tried"] += 1
    choices = await fuzzed.autocomplete((["recognition", "country"], {"country": typed}),
                                        focus="country")
    COUNTS["answered"] += 1
    assert len(choices) <= 25
    assert all(1 <= len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)


async def test_adjustment_reasons_are_stored_defused(fuzzed: LocalDiscord,
                                                     services: Services) -> None:
    mod = fuzzed.member("mod", moderator=True)
    await fuzzed.invoke("/quizadmin points adjust member:fuzzer amount:5 reason:@everyone **x**",
                        user=mod)
    async with services.engine.connect() as conn:
        reasons = (await conn.execute(sa.text(
            "SELECT reason FROM quiz_points_adjustment"))).scalars().all()
    assert reasons == ["@\u200beveryone \\*\\*x\\*\\*"]
