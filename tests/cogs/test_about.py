from __future__ import annotations

from bot import __version__
from bot.local.driver import LocalDiscord


async def test_about_end_to_end(discord: LocalDiscord) -> None:
    exchange = await discord.invoke("/about")
    assert not exchange.ephemeral
    embed = exchange.embed
    assert embed["title"] == f"factquiz {__version__}"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "Ministry of Unification" in fields["Arrivals data"]
    assert "14 Nov 2023" in fields["Recognition data"]
    assert fields["Uptime"].endswith("s")
    assert fields["Gateway latency"].endswith(("ms", "measuring…"))
    assert fields["Data version"].strip("`") == discord.bot.services.facts.facts.version
    (body,) = exchange.bodies
    assert body["type"] == 4
    assert body["data"]["allowed_mentions"] == {"parse": []}
