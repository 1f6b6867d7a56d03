"""Discord created the message, then the answer was lost (a 503 from the edge): the retry
must not post the question a second time. One nonce per logical message, sent with
``enforce_nonce``, makes Discord (and the stand-in) return the message it already made."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from bot.local.driver import LocalDiscord, buttons
from bot.quiz import config
from bot.quiz.config import QuizConfig
from bot.services import Services
from tests.cogs.test_quiz import answer_key, is_question, revealed

SEND = r"/channels/\d+/messages$"


def _posts(discord: LocalDiscord) -> list[Any]:
    return [r for r in discord.standin.requests if r.method == "POST"
            and r.path.endswith(f"/channels/{discord.channel.id}/messages")]


def _questions(discord: LocalDiscord, index: int) -> list[dict[str, Any]]:
    return [m for m in discord.channel_messages()
            if buttons(m) and buttons(m)[0]["custom_id"].split(":")[2] == str(index)]


async def test_the_standin_returns_the_message_an_enforced_nonce_already_made(
        discord: LocalDiscord) -> None:
    url = f"{discord.standin.api_url}/channels/{discord.channel.id}/messages"
    headers = {"Authorization": f"Bot {discord.standin.token}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        sent = []
        for body in ({"content": "a", "nonce": "42", "enforce_nonce": True},
                     {"content": "a", "nonce": "42", "enforce_nonce": True},
                     {"content": "b", "nonce": "42"}):  # not enforced: a new message
            async with http.post(url, json=body) as response:
                assert response.status == 200
                sent.append((await response.json())["id"])
    assert sent[0] == sent[1] != sent[2]
    assert [m["content"] for m in discord.channel_messages()] == ["a", "b"]


async def test_a_question_whose_answer_was_lost_is_posted_once(discord: LocalDiscord,
                                                               services: Services) -> None:
    services.quiz.intermission = 0
    services.quiz.lead_in = 0
    await config.save_config(services.engine, discord.guild.id,
                             QuizConfig(time_limit=4, reveal_pictures=False))
    await discord.invoke("/quiz start questions:5")
    first = await discord.wait_for_message(is_question(0), timeout=10)
    # The next post (question 1) is created, and then answered with a 503: the bot retries.
    discord.standin.inject("POST", SEND, 503, after=True,
                           body={"message": "Service Unavailable", "code": 0})
    click = await discord.click(first, index=await answer_key(services, first),
                                user=discord.member("bob"), timeout=10)
    assert click.content.startswith("🔒 Locked in"), click.content
    await discord.wait_for_message(revealed(first["id"]), timeout=15)
    second = await discord.wait_for_message(is_question(1), timeout=15)
    assert discord.standin.faults[-1].times == 0  # the fault was served …
    posts = _posts(discord)
    for _ in range(100):  # the retry follows 0.5 s after the lost answer
        if len(posts) >= 3:
            break
        await asyncio.sleep(0.05)
        posts = _posts(discord)
    nonces = [r.body.get("nonce") for r in posts]
    assert [r.status for r in posts[:3]] == [200, 503, 200]
    assert nonces[1] == nonces[2] != nonces[0]  # … the retry reused the nonce …
    assert all(r.body.get("enforce_nonce") for r in posts)
    assert len(_questions(discord, 1)) == 1  # … and question 1 is in the channel once
    # The round goes on with the message Discord returned: question 1 can be answered.
    click = await discord.click(second, index=await answer_key(services, second),
                                user=discord.member("bob"), timeout=10)
    assert click.content.startswith("🔒 Locked in"), click.content
    assert discord.standin.violations == []
