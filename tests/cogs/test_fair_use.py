"""Per-member limits on heavy work, through the stand-in: a cooldown on pictures shared by the
picture commands and the Chart button, and at most two running rounds per member."""

from __future__ import annotations

from bot.cogs._pictures import PICTURE_RATE
from bot.local.driver import LocalDiscord
from bot.quiz.service import MAX_ROUNDS_PER_MEMBER
from bot.services import Services


async def test_the_chart_button_pressed_20_times_posts_a_few_copies(discord: LocalDiscord) -> None:
    year = await discord.invoke("/defectors year:2012")
    public, refused = 0, []
    for _ in range(20):
        pressed = await discord.click(year.message, label="Chart", timeout=15)
        if pressed.ephemeral:
            refused.append(pressed.content)
        else:
            public += 1
    assert public == PICTURE_RATE
    assert len(refused) == 20 - PICTURE_RATE
    assert all(r.startswith("Slow down — try again in ") and r.endswith(" s.") for r in refused)
    # The cooldown is the member's: another member still gets the chart, and so does the map
    # command for them; the first member's map command shares their cooldown.
    other = await discord.click(year.message, label="Chart", user=discord.member("ann"),
                                timeout=15)
    assert not other.ephemeral
    mine = await discord.invoke("/recognition map", timeout=15)
    assert mine.ephemeral
    assert mine.content.startswith("Slow down")


async def test_a_member_runs_at_most_two_rounds_at_once(discord: LocalDiscord,
                                                        services: Services) -> None:
    channels = [discord.channel] + [discord.guild.add_channel(f"quiz-{i}") for i in range(3)]
    bob = discord.member("bob")
    for channel in channels[:MAX_ROUNDS_PER_MEMBER]:
        started = await discord.invoke("/quiz start questions:5", user=bob, channel=channel)
        assert not started.ephemeral, started.content
    refused = await discord.invoke("/quiz start questions:5", user=bob, channel=channels[2])
    assert refused.ephemeral
    assert "the limit is 2" in refused.content
    other = await discord.invoke("/quiz start questions:5", user=discord.member("ann"),
                                 channel=channels[3])
    assert not other.ephemeral, other.content
    for round_id in list(services.quiz.runners):
        await services.quiz.stop(round_id, bob.id)
