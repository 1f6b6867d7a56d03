"""The chart and the map through the commands: attached, named, shown in the embed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.local.driver import LocalDiscord, buttons
from bot.local.standin import StandIn
from bot.quiz import config
from bot.quiz.config import QuizConfig
from bot.services import Services
from tests.cogs.test_quiz import answer_key, is_question, revealed
from tests.support.processes import bot_env, bot_process, wait_for_bot, wait_until

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n"


def attachment(discord: LocalDiscord, message: dict) -> tuple[str, bytes]:
    (entry,) = message["attachments"]
    name, data = discord.standin.attachments[int(entry["id"])]
    assert message["embeds"][0]["image"]["url"] == f"attachment://{name}"
    return name, data


async def test_the_overview_attaches_the_chart(discord: LocalDiscord) -> None:
    exchange = await discord.invoke("/defectors", timeout=15)
    name, data = attachment(discord, exchange.message)
    assert name == "defectors-2002-2025.png"
    assert data.startswith(PNG)


async def test_a_span_attaches_the_chart_of_that_span(discord: LocalDiscord) -> None:
    exchange = await discord.invoke("/defectors year:2010 to_year:2015", timeout=15)
    name, _ = attachment(discord, exchange.message)
    assert name.startswith("defectors-2010-2015")


async def test_a_year_answers_in_text_and_offers_the_chart(discord: LocalDiscord) -> None:
    exchange = await discord.invoke("/defectors year:2012")
    assert exchange.message["attachments"] == []  # the text answer stays fast
    (chart,) = buttons(exchange.message)
    assert chart["label"] == "Chart"
    posted = await discord.click(exchange.message, label="Chart", timeout=15)
    name, data = attachment(discord, posted.message)
    assert "highlight-2012" in name
    assert data.startswith(PNG)
    assert posted.embed["description"] == "2012 is highlighted."


async def test_the_chart_button_of_a_bucket_year_says_why_nothing_is_highlighted(
    discord: LocalDiscord,
) -> None:
    exchange = await discord.invoke("/defectors year:2000")
    posted = await discord.click(exchange.message, label="Chart", timeout=15)
    assert "not highlighted: MOU publishes no single-year figure" in posted.embed["description"]
    name, _ = attachment(discord, posted.message)
    assert "highlight" not in name


@pytest.mark.parametrize(("line", "name"), [
    ("/recognition map", "recognition-map-2025-12-09.png"),
    ("/recognition map as_of:2023-11-14", "recognition-map-2023-11-14.png"),
])
async def test_the_map(discord: LocalDiscord, line: str, name: str) -> None:
    exchange = await discord.invoke(line, timeout=15)
    got, data = attachment(discord, exchange.message)
    assert got == name
    assert data.startswith(PNG)
    counts = "Both: **125** · Israel only: **37** · Palestine only: **31** · Neither: **0**" \
        if "2025" in name else \
        "Both: **108** · Israel only: **55** · Palestine only: **30** · Neither: **0**"
    assert exchange.embed["description"] == counts


async def test_reveals_show_the_chart_or_the_map(discord: LocalDiscord,
                                                 services: Services) -> None:
    services.quiz.intermission = services.quiz.lead_in = 0
    await config.save_config(services.engine, discord.guild.id,
                             QuizConfig(time_limit=1, reveal_pictures=True))
    await discord.invoke("/quiz start questions:5")
    for index in range(3):
        question = await discord.wait_for_message(is_question(index), timeout=10)
        await discord.click(question, index=await answer_key(services, question))
        reveal = await discord.wait_for_message(revealed(question["id"]), timeout=20)
        async with services.engine.connect() as conn:
            asked = (await conn.execute(sa.text(
                'SELECT question_id FROM quiz_round_question WHERE "index" = :i'),
                {"i": index})).scalar_one()
        if asked.startswith("article_"):
            assert reveal["attachments"] == []  # facts from the articles' text: no picture
            continue
        name, data = attachment(discord, reveal)
        assert data.startswith(PNG)
        topic = question["embeds"][0]["footer"]["text"]  # as asked: "Recognition · …"
        assert name.startswith("recognition-map-" if topic.startswith("Recognition")
                               else "defectors-")
    await services.quiz.stop(services.quiz.running_in(discord.channel.id).info.round_id, None)


def test_ask_saves_the_pictures_and_lists_them_in_json(tmp_path: Path, database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "DISCORD_TOKEN": "",
           "VAR_DIR": str(tmp_path / "var")}
    out = tmp_path / "pictures"
    proc = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "--save-attachments",
                           str(out), "/recognition map"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    bodies = [json.loads(line) for line in proc.stdout.splitlines()]
    entries = [a for b in bodies for a in (b.get("data", b).get("attachments") or [])]
    assert entries == [{"id": 0, "filename": "recognition-map-2025-12-09.png"}]
    saved = out / "recognition-map-2025-12-09.png"
    assert saved.read_bytes().startswith(PNG)


def _children(pid: int) -> list[int]:
    """Live child processes of ``pid`` (the render worker, multiprocessing's tracker)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited while we looked
        if int(fields[1]) == pid and fields[0] not in "ZX":
            found.append(int(stat.parent.name))
    return found


def _maps_matplotlib(pid: int) -> bool:
    """Has the process loaded matplotlib? Its compiled modules (``_c_internal_utils``, loaded
    by ``import matplotlib`` itself, ``_path``, ``ft2font``) show in the memory map."""
    return "/matplotlib/" in Path(f"/proc/{pid}/maps").read_text()


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in "ZX"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc (Linux)")
async def test_the_bot_process_draws_nothing_itself(tmp_path: Path, database_url: str) -> None:
    """`python -m bot` serves the chart and the map while matplotlib lives only in its render
    worker; a killed worker is replaced by the next render, and no process outlives the bot."""
    standin = StandIn()
    await standin.start()
    try:
        guild = standin.add_guild("pictures", channels=("general",))
        channel = next(iter(guild.channels.values()))
        env = bot_env(standin, database_url, tmp_path, DEV_GUILD_ID=str(guild.id))
        async with bot_process(env, tmp_path / "bot.log") as proc:
            await wait_for_bot(standin, guild.id)
            players = LocalDiscord(standin, guild, channel, standin.add_user("alice"))
            for line, name in (("/defectors", "defectors-2002-2025.png"),
                               ("/recognition map", "recognition-map-2025-12-09.png")):
                exchange = await players.invoke(line, timeout=30)
                assert attachment(players, exchange.message)[0] == name
            workers = [p for p in _children(proc.pid) if _maps_matplotlib(p)]
            assert len(workers) == 1, _children(proc.pid)  # the check does see matplotlib
            assert not _maps_matplotlib(proc.pid)
            print(f"\nbot process {_rss_mb(proc.pid):.0f} MB RSS, "
                  f"render worker {_rss_mb(workers[0]):.0f} MB RSS")

            os.kill(workers[0], signal.SIGKILL)
            exchange = await players.invoke("/defectors year:2010 to_year:2015", timeout=30)
            name, data = attachment(players, exchange.message)
            assert name.startswith("defectors-2010-2015")
            assert data.startswith(PNG)
            respawned = [p for p in _children(proc.pid) if _maps_matplotlib(p)]
            assert len(respawned) == 1
            assert respawned != workers
            assert not _maps_matplotlib(proc.pid)
            everyone = _children(proc.pid)
        assert proc.returncode == 0
        await wait_until(lambda: not any(_alive(p) for p in everyone), 10,
                         "the bot's child processes to exit")
    finally:
        await standin.stop()
