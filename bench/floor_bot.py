"""``python -m bot`` plus a benchmark-only bare button: the click floor of bench/quiz_load.py.

The same process, settings, cogs and event loop as the real bot; on top of them a ``/floor``
command (bench only, never shipped) posts a message shaped like a quiz question (one embed,
five buttons), and its buttons do nothing but acknowledge (type 6, deferred update) and free
what the click built (``let_go``). A click on it costs what discord.py itself costs for a
click (gateway parse, Interaction and Message objects, dynamic item dispatch, one HTTP
callback): the floor the quiz's answer button is compared with. As for bench/latency.py's
``/ping``, only this benchmark registers it.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import _common  # noqa: F401  (puts the project on sys.path)
import discord

from bot import runner
from bot.app import AnyBot
from bot.cli import main, use_uvloop
from bot.reply import let_go
from bot.services import Services

OPTIONS = 5  # a question's four answers and its 50/50


class FloorButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"floor:(?P<n>\d+)"):
    def __init__(self, n: int) -> None:
        super().__init__(discord.ui.Button(label=f"Option {n}", custom_id=f"floor:{n}"))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any],
                             item: discord.ui.Item[Any], match: re.Match[str]) -> FloorButton:
        return cls(int(match["n"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer()  # type 6: acknowledge, nothing else
        # As every button of the bot does (bot/reply.py): otherwise the floor's own
        # garbage, left for the collector, would slow the real clicks measured after it.
        let_go(interaction, self)


def floor_message() -> tuple[discord.Embed, discord.ui.View]:
    # About the size of a question message (its four answers, the 50/50, the question text):
    # discord.py parses the message of every click. The bench prints both sizes.
    embed = discord.Embed(title="Question 1 of 5", description="The floor: " + "x" * 330)
    embed.add_field(name="Options", value="\n".join(f"**{n}** option {n}" for n in range(OPTIONS)),
                    inline=False)
    embed.add_field(name="Answers close", value="<t:0:R> · one answer each", inline=False)
    embed.set_footer(text="Floor · easy · 10 points + speed + streak")
    view = discord.ui.View(timeout=None)
    for n in range(OPTIONS):
        view.add_item(FloorButton(n))
    return embed, view


_make_bot = runner.make_bot


def make_bench_bot(services: Services, **options: Any) -> AnyBot:
    bot = _make_bot(services, **options)
    bot.add_dynamic_items(FloorButton)

    @bot.tree.command(name="floor", description="benchmark only: a message of bare buttons")
    async def floor(interaction: discord.Interaction[Any]) -> None:
        embed, view = floor_message()
        await interaction.response.send_message(embed=embed, view=view)

    return bot


if __name__ == "__main__":
    runner.make_bot = make_bench_bot  # type: ignore[assignment]
    use_uvloop()  # as python -m bot does
    sys.exit(main(sys.argv[1:]))
