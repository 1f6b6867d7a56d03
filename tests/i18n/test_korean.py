"""Every facts command in Korean, through the real client against the stand-in: a member
whose Discord client is set to Korean, in a Korean server (``ask --locale ko``)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot import i18n
from bot.cogs.recognition import country_embed
from bot.facts import recognition as core
from bot.facts.records import SNAPSHOT_DATE
from bot.local.driver import Exchange, LocalDiscord, buttons
from bot.services import Services
from tests.i18n.english import leftover_english


@pytest.fixture
def korean(discord: LocalDiscord) -> LocalDiscord:
    discord.user.locale = "ko"
    discord.guild.locale = "ko"
    return discord


def all_korean(exchange: Exchange, typed: str = "") -> list[dict[str, Any]]:
    """The reply's messages, checked for English (option values the user typed excepted)."""
    assert exchange.messages, "no reply"
    values = " ".join(re.findall(r":(\S+)", typed))
    for message in exchange.messages:
        assert "문제가 생겼습니다" not in (message.get("content") or ""), "the bot failed"
        left = leftover_english(message, values)
        assert not left, f"English left in a Korean reply: {left}"
    return exchange.messages


def fields(exchange: Exchange) -> dict[str, str]:
    return {f["name"]: f["value"] for f in exchange.embed.get("fields") or []}


FACTS_COMMANDS = [
    "/defectors",
    "/defectors year:2012",
    "/defectors year:1999",
    "/defectors year:1998",
    "/defectors year:2023",
    "/defectors year:2010 to_year:2015",
    "/defectors year:1999 to_year:2001",
    "/defectors year:1990",
    "/defectors year:2015 to_year:2012",
    "/defectors year:1998 to_year:2005",
    "/defectors year:2000 to_year:2005",
    "/defectors to_year:2012",
    "/recognition country country:북한",
    "/recognition country country:대한민국",
    "/recognition country country:미국",
    "/recognition country country:Mexico",
    "/recognition country country:Sudan",
    "/recognition country country:Russia",
    "/recognition country country:Israel",
    "/recognition country country:Belize",
    "/recognition country country:팔레스타인",
    "/recognition country country:대만",
    "/recognition country country:Korea",
    "/recognition country country:xqzzv",
    "/recognition country country:France as_of:2023-11-14",
    "/recognition country country:France as_of:2030-01-01",
    "/recognition country country:France as_of:2020-01-01",
    "/recognition country country:France as_of:2023-02-30",
    "/recognition country country:France as_of:yesterday",
    "/recognition summary",
    "/recognition summary as_of:2023-11-14",
    "/recognition list status:both",
    "/recognition list status:neither",
    "/about",
    "/help",
    "/leaderboard",
    "/leaderboard page:5",
]


@pytest.mark.parametrize("line", FACTS_COMMANDS)
async def test_every_facts_command_answers_in_korean(korean: LocalDiscord, line: str) -> None:
    all_korean(await korean.invoke(line, timeout=20), line)


async def test_the_map_answers_in_korean(korean: LocalDiscord) -> None:
    exchange = await korean.invoke("/recognition map", timeout=60)
    all_korean(exchange)
    assert exchange.embed["title"].startswith("이스라엘·팔레스타인 국가 승인 현황 — ")


async def test_defectors_2012_in_korean(korean: LocalDiscord) -> None:
    exchange = await korean.invoke("/defectors year:2012")
    assert not exchange.ephemeral
    embed = exchange.embed
    assert embed["title"] == "2012년 탈북민 입국 인원: 1,502명"
    got = fields(exchange)
    assert got["순위"] == "단일 연도 24개(2002–2025년) 중 9위 (1위 = 입국 인원 최다)"
    assert got["2011년 대비 증감"] == "2,706명에서 −1,204명 (−44.5%)"
    assert "unikorea.go.kr" in got["출처"]
    assert embed["footer"]["text"] == "출처: 대한민국 통일부 · 2025년 말 기준"
    assert "기록상 최대 감소: 2011년보다 1,204명 줄었습니다." in embed["description"]


async def test_the_chart_button_answers_in_korean(korean: LocalDiscord) -> None:
    exchange = await korean.invoke("/defectors year:2012")
    assert [b["label"] for b in buttons(exchange.message or {})] == ["그래프"]
    chart = await korean.click(exchange.message or {}, label="그래프", timeout=60)
    messages = all_korean(chart)
    assert messages[-1]["embeds"][0]["title"] == "탈북민 입국 현황 — 2012년"


async def test_list_pages_in_korean_alphabetical_order(korean: LocalDiscord) -> None:
    exchange = await korean.invoke("/recognition list status:both")
    names = [line.split(" ", 1)[1] for line in exchange.embed["description"].splitlines()]
    assert names == sorted(names)
    assert [b["label"] for b in buttons(exchange.message or {})] == ["◀ 이전", "다음 ▶"]
    page = await korean.click(exchange.message or {}, label="다음 ▶")
    all_korean(page)


async def test_dates_are_written_the_korean_way(korean: LocalDiscord) -> None:
    exchange = await korean.invoke("/recognition summary as_of:2024-06-01")
    assert exchange.embed["description"] == ("2024년 6월 1일 기준. 괄호 안은 기사(2023년 11월 "
                                             "14일)의 수치입니다.")


async def test_korean_names_resolve(korean: LocalDiscord) -> None:
    for typed, title in [("북한", "🇰🇵 북한"), ("남한", "🇰🇷 대한민국"), ("한국", "🇰🇷 대한민국"),
                         ("미국", "🇺🇸 미국"), ("코트디부아르", "🇨🇮 코트디부아르")]:
        exchange = await korean.invoke(f"/recognition country country:{typed}")
        assert exchange.embed["title"] == title, typed
    not_member = await korean.invoke("/recognition country country:팔레스타인")
    assert not_member.embed["title"] == "팔레스타인"
    assert "유엔 회원국이 아니므로" in not_member.embed["description"]


async def test_autocomplete_offers_korean_names(korean: LocalDiscord) -> None:
    choices = await korean.autocomplete("/recognition country country:북", "country")
    assert {"name": "북한", "value": "North Korea"} in choices
    palestine = await korean.autocomplete("/recognition country country:팔레", "country")
    assert {"name": "팔레스타인 (유엔 회원국 아님)", "value": "Palestine"} in palestine


async def test_help_shows_the_korean_command_names(korean: LocalDiscord) -> None:
    exchange = await korean.invoke("/help")
    assert exchange.ephemeral
    assert "**/탈북민** [연도] [끝연도]  — 연도별 탈북민 입국 인원 (통일부)" in exchange.text
    assert "**/국가승인 국가** 국가 [기준일]" in exchange.text


async def test_a_refusal_follows_the_member_and_the_answer_the_server(
        discord: LocalDiscord) -> None:
    """A Korean server, one English-speaking member: public answers in Korean, what only the
    member sees in English."""
    discord.guild.locale = "ko"
    english = discord.member("sam")
    public = await discord.invoke("/defectors year:2012", user=english)
    assert public.embed["title"] == "2012년 탈북민 입국 인원: 1,502명"
    private = await discord.invoke("/defectors year:1990", user=english)
    assert private.ephemeral
    assert private.content.startswith("There is no figure for 1990.")
    help_ = await discord.invoke("/help", user=english)
    assert help_.embed["title"] == "factquiz commands"


async def test_a_korean_member_in_an_english_server(discord: LocalDiscord) -> None:
    kim = discord.member("kim")
    kim.locale = "ko"
    public = await discord.invoke("/defectors year:2012", user=kim)
    assert public.embed["title"] == "2012: 1,502 North Koreans arrived in South Korea"
    private = await discord.invoke("/defectors year:1990", user=kim)
    assert private.content.startswith("1990년 수치는 없습니다.")


async def test_direct_messages_follow_the_member(discord: LocalDiscord) -> None:
    discord.user.locale = "ko"
    exchange = await discord.invoke("/defectors year:2012", dm=True)
    assert exchange.embed["title"] == "2012년 탈북민 입국 인원: 1,502명"


async def test_every_member_state_reads_in_korean(services: Services) -> None:
    """All 193 rows, with their events, notes and disputes (the embed as the cog builds it)."""
    facts = services.facts.facts
    ko = i18n.Lang("ko")
    with i18n.speaking(ko):
        for member in facts.members:
            assert not ko.country(member.iso2, member.name).isascii(), member.name
            for date in (SNAPSHOT_DATE, facts.latest_event_date):
                embed = country_embed(facts, core.country_view(facts, member.iso3, date))
                left = leftover_english(dict(embed.to_dict()))
                assert not left, (member.name, left)
