"""/recognition through the stand-in, against statuses derived from the reference set."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.local.driver import LocalDiscord, buttons
from tests import reference

SNAPSHOT = dt.date(2023, 11, 14)
LATEST = dt.date(2025, 12, 9)
PHRASES = {(True, True): "recognizes both Israel and Palestine",
           (True, False): "recognizes Israel only",
           (False, True): "recognizes Palestine only",
           (False, False): "recognizes neither Israel nor Palestine"}


@pytest.mark.parametrize("date", [SNAPSHOT, LATEST])
async def test_every_state_at_both_dates(discord: LocalDiscord, date: dt.date) -> None:
    expected = reference.recognition_at(date)
    names = {r["iso3"]: r["name"] for r in reference.rows("recognition_2023-11-14.csv")}
    assert len(expected) == 193
    for iso3, status in expected.items():
        exchange = await discord.invoke(
            f"/recognition country country:{names[iso3]} as_of:{date.isoformat()}")
        embed = exchange.embed
        assert embed["title"].endswith(names[iso3])
        assert f"**{PHRASES[status]}**" in embed["description"], (iso3, embed["description"])
        fields = {f["name"]: f["value"] for f in embed["fields"]}
        israel_mark = "—" if iso3 == "ISR" else ("✅" if status[0] else "❌")
        assert fields["Israel"].startswith(israel_mark)
        assert fields["Palestine"].startswith("✅" if status[1] else "❌")


async def test_suspended_relations_are_said_plainly(discord: LocalDiscord) -> None:
    for name in ("Belize", "Maldives", "Mali", "Mauritania", "Niger", "Venezuela"):
        embed = (await discord.invoke(f"/recognition country country:{name}")).embed
        israel = {f["name"]: f["value"] for f in embed["fields"]}["Israel"]
        assert "relations suspended/cut" in israel.lower()
    bolivia = (await discord.invoke("/recognition country country:Bolivia as_of:2024-01-01")).embed
    assert "suspended/cut" in {f["name"]: f["value"] for f in bolivia["fields"]}["Israel"]
    restored = (await discord.invoke("/recognition country country:Bolivia")).embed
    fields = {f["name"]: f["value"] for f in restored["fields"]}
    assert fields["Israel"].startswith("✅")
    assert "2025-12-09" in fields["Changes since 14 Nov 2023"]


@pytest.mark.parametrize("name", ["Mexico", "Sudan", "Czech Republic", "Papua New Guinea"])
async def test_disputes_are_stated(discord: LocalDiscord, name: str) -> None:
    embed = (await discord.invoke(f"/recognition country country:{name}")).embed
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "disputed" in fields["Disputed"].lower()


async def test_changes_after_the_snapshot_are_shown(discord: LocalDiscord) -> None:
    early = (await discord.invoke("/recognition country country:Spain as_of:2024-01-01")).embed
    fields = {f["name"]: f["value"] for f in early["fields"]}
    assert "recognizes Israel only" in early["description"]
    assert "Later, 2024-05-28" in fields["Changes since 14 Nov 2023"]
    late = (await discord.invoke("/recognition country country:Spain")).embed
    assert "recognizes both" in late["description"]
    assert "2024-05-28" in {f["name"]: f["value"] for f in late["fields"]}["Palestine"]


@pytest.mark.parametrize(("typed", "name"), [
    ("UK", "United Kingdom"), ("USA", "United States"), ("Ivory Coast", "Côte d'Ivoire"),
    ("Czechia", "Czech Republic"), ("Türkiye", "Turkey"), ("DRC", "Democratic Republic of the Congo"),
    ("Gambia", "The Gambia"), ("Micronesia", "Federated States of Micronesia"),
    ("East Timor", "Timor-Leste"), ("Burma", "Myanmar"), ("Swaziland", "Eswatini"),
    ("fra", "France"), ("JP", "Japan"), ("Brazl", "Brazil"), ("germny", "Germany"),
    ("  saudi arabia ", "Saudi Arabia"),
])
async def test_aliases_codes_and_typos_resolve(discord: LocalDiscord, typed: str, name: str) -> None:
    embed = (await discord.invoke(f"/recognition country country:{typed}")).embed
    assert embed["title"].endswith(name)


@pytest.mark.parametrize(("typed", "explains"), [
    ("Palestine", "not a UN member state"), ("State of Palestine", "not a UN member state"),
    ("Holy See", "non-member observer"), ("Vatican", "non-member observer"),
    ("Kosovo", "not a UN member state"), ("Taiwan", "not a UN member state"),
    ("Western Sahara", "not a UN member state"),
])
async def test_places_that_are_not_rows_get_an_explanation(discord: LocalDiscord, typed: str,
                                                            explains: str) -> None:
    exchange = await discord.invoke(f"/recognition country country:{typed}")
    assert explains in exchange.embed["description"]


async def test_israel_itself(discord: LocalDiscord) -> None:
    embed = (await discord.invoke("/recognition country country:Israel")).embed
    assert "counts itself" in embed["description"]


async def test_unknown_names_suggest_up_to_three(discord: LocalDiscord) -> None:
    korea = await discord.invoke("/recognition country country:Korea")
    assert korea.ephemeral
    assert "Did you mean **North Korea**, **South Korea**?" in korea.content
    nothing = await discord.invoke("/recognition country country:@everyone qwzx")
    assert nothing.ephemeral
    assert "@everyone" not in nothing.content  # the echo is defused
    assert nothing.content.count("**") <= 6


async def test_autocomplete_matches_names_and_aliases(discord: LocalDiscord) -> None:
    choices = await discord.autocomplete("/recognition country country:ivory", focus="country")
    assert choices[0]["value"] == "Côte d'Ivoire"
    assert "Ivory Coast" in choices[0]["name"]
    many = await discord.autocomplete("/recognition country country:a", focus="country")
    assert 1 <= len(many) <= 25
    empty = await discord.autocomplete("/recognition country country:", focus="country")
    assert len(empty) == 25
    uk = await discord.autocomplete("/recognition country country:UK", focus="country")
    assert uk[0]["value"] == "United Kingdom"
    taiwan = await discord.autocomplete("/recognition country country:Taiw", focus="country")
    assert taiwan == [{"name": "Taiwan (not a UN member state)", "value": "Taiwan"}]
    typo = await discord.autocomplete("/recognition country country:swizerland", focus="country")
    assert [c["value"] for c in typo] == ["Switzerland"]


@pytest.mark.parametrize("date", [SNAPSHOT, LATEST, dt.date(2030, 1, 1)])
async def test_summary_counts(discord: LocalDiscord, date: dt.date) -> None:
    expected = reference.recognition_at(date)
    embed = (await discord.invoke(f"/recognition summary as_of:{date.isoformat()}")).embed
    fields = {f["name"]: f["value"] for f in embed["fields"]}

    def count(pred: object) -> int:
        return sum(1 for s in expected.values() if pred(s))  # type: ignore[operator]

    assert fields["Recognize Israel"].startswith(f"**{count(lambda s: s[0])}**")
    assert fields["Recognize Palestine"].startswith(f"**{count(lambda s: s[1])}**")
    assert fields["Both"].startswith(f"**{count(lambda s: s[0] and s[1])}**")
    assert fields["Israel only"].startswith(f"**{count(lambda s: s[0] and not s[1])}**")
    assert fields["Palestine only"].startswith(f"**{count(lambda s: s[1] and not s[0])}**")
    assert fields["Neither"].startswith(f"**{count(lambda s: not s[0] and not s[1])}**")
    if date != SNAPSHOT:
        assert fields["Recognize Israel"].endswith("(163)")
        assert fields["Recognize Palestine"].endswith("(138)")


async def test_summary_defaults_to_the_latest_date(discord: LocalDiscord) -> None:
    embed = (await discord.invoke("/recognition summary")).embed
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Recognize Israel"] == "**162** (163)"
    assert fields["Recognize Palestine"] == "**156** (138)"
    assert embed["description"].startswith("As of 9 Dec 2025")


@pytest.mark.parametrize(("status", "pred"), [
    ("both", lambda s: s[0] and s[1]), ("israel_only", lambda s: s[0] and not s[1]),
    ("palestine_only", lambda s: s[1] and not s[0]), ("neither", lambda s: not any(s)),
])
async def test_lists_page_through_every_state(discord: LocalDiscord, status: str, pred: object) -> None:
    expected_codes = {c for c, s in reference.recognition_at(LATEST).items() if pred(s)}  # type: ignore[operator]
    names = {r["iso3"]: r["name"] for r in reference.rows("recognition_2023-11-14.csv")}
    expected = {names[c] for c in expected_codes}
    exchange = await discord.invoke(f"/recognition list status:{status}")
    message = exchange.message
    assert message is not None
    assert exchange.embed["title"].endswith(f": {len(expected)} states")
    seen: list[str] = []
    for _ in range(20):
        embed = message["embeds"][0]
        if expected:
            seen += [line.split(" ", 1)[1] for line in embed["description"].splitlines()]
        nxt = [b for b in buttons(message) if b["label"] == "Next ▶"]
        if not nxt or nxt[0].get("disabled"):
            break
        click = await discord.click(message, label="Next ▶")
        message = click.message
    assert sorted(seen) == sorted(expected)
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize(("line", "expected"), [
    ("/recognition summary as_of:yesterday", "is not a date in the form YYYY-MM-DD"),
    ("/recognition summary as_of:2024-02-30", "2024-02-30 is not a real date"),
    ("/recognition summary as_of:2023-11-13", "earlier dates are not covered"),
    ("/recognition list status:both as_of:1988-11-15", "earlier dates are not covered"),
    ("/recognition country country:France as_of:14/11/2023", "YYYY-MM-DD"),
])
async def test_bad_dates_get_a_private_explanation(discord: LocalDiscord, line: str,
                                                   expected: str) -> None:
    exchange = await discord.invoke(line)
    assert exchange.ephemeral
    assert expected in exchange.content
