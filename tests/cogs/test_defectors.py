"""/defectors through the stand-in, checked against the reference set (not ``data/``)."""

from __future__ import annotations

import pytest

from bot.local.driver import LocalDiscord
from bot.local.standin.invocation import OptionRefused
from tests import reference


def n(value: int | str) -> str:
    return f"{int(value):,}"


def _singles() -> dict[int, dict[str, str]]:
    return {int(r["year"]): r for r in reference.defectors() if r["year"].isdigit()}


async def test_every_single_year_is_exact(discord: LocalDiscord) -> None:
    singles = _singles()
    ranked = sorted(singles, key=lambda y: -int(singles[y]["total"]))
    for year, row in singles.items():
        exchange = await discord.invoke(f"/defectors year:{year}")
        embed = exchange.embed
        assert embed["title"] == f"{year}: {n(row['total'])} North Koreans arrived in South Korea"
        fields = {f["name"]: f["value"] for f in embed["fields"]}
        rank = 1 + sum(int(singles[y]["total"]) > int(row["total"]) for y in singles)
        assert rank == ranked.index(year) + 1  # no ties in the data
        assert fields["Rank"].startswith(f"{rank}")
        assert f"of {len(singles)} single years (2002–2025)" in fields["Rank"]
        female, total = int(row["female"]), int(row["total"])
        assert fields["Women"] == (f"{n(female)} of {n(total)} ({100 * female / total:.1f}%) "
                                   f"· men {n(row['male'])}")
        if year - 1 in singles:
            before = int(singles[year - 1]["total"])
            change = total - before
            sign = "+" if change > 0 else "−"
            assert fields[f"Change on {year - 1}"].startswith(f"{sign}{n(abs(change))} (")
            assert fields[f"Change on {year - 1}"].endswith(f"from {n(before)}")
        assert "Ministry of Unification" in embed["footer"]["text"]
        assert "Sources" in fields
        assert not exchange.ephemeral


async def test_the_article_checks(discord: LocalDiscord) -> None:
    e2012 = (await discord.invoke("/defectors year:2012")).embed
    fields = {f["name"]: f["value"] for f in e2012["fields"]}
    assert "1,502" in e2012["title"]
    assert fields["Change on 2011"] == "−1,204 (−44.5%) from 2,706"
    assert "Kim Jong Un" in e2012["description"]
    e2009 = (await discord.invoke("/defectors 2009")).embed
    assert "Peak year" in e2009["description"]
    assert {f["name"]: f["value"] for f in e2009["fields"]}["Rank"].startswith("1st")
    e2020 = (await discord.invoke("/defectors 2020")).embed
    assert "shut its borders" in e2020["description"]


@pytest.mark.parametrize(("year", "label"), [(1998, "~1998"), (1999, "1999-2001"),
                                             (2000, "1999-2001"), (2001, "1999-2001")])
async def test_bucket_years_answer_honestly(discord: LocalDiscord, year: int, label: str) -> None:
    row = next(r for r in reference.defectors() if r["year"] == label)
    exchange = await discord.invoke(f"/defectors year:{year}")
    assert not exchange.ephemeral
    embed = exchange.embed
    assert embed["title"] == f"{year}: no single-year figure"
    if year == 1998:
        assert embed["description"].startswith(
            f"{n(row['total'])} is everyone recorded up to the end of 1998 (the article labels "
            "it 1998)")
    else:
        assert f"published only combined: {n(row['total'])} for 1999–2001" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Women"].startswith(f"{n(row['female'])} of {n(row['total'])}")


async def test_2023_gives_the_full_year_and_the_june_figure(discord: LocalDiscord) -> None:
    half = next(r for r in reference.defectors() if r["year"] == "2023-H1")
    embed = (await discord.invoke("/defectors 2023")).embed
    assert "196" in embed["title"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["First half of the year"].startswith(f"{half['total']} had arrived by June 2023")


async def test_the_overview(discord: LocalDiscord) -> None:
    embed = (await discord.invoke("/defectors")).embed
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    rows = [r for r in reference.defectors() if r["year"] != "2023-H1"]
    total = sum(int(r["total"]) for r in rows)
    assert total == 34_537
    assert fields["Total since records began"].startswith(n(total))
    assert fields["Peak year"] == "2009: 2,914"
    assert fields["Lowest single year"] == "2021: 63"
    assert fields["Latest year"] == "2025: 223"
    assert "1,204" in embed["description"]


async def test_a_span(discord: LocalDiscord) -> None:
    singles = _singles()
    embed = (await discord.invoke("/defectors year:2010 to_year:2015")).embed
    total = sum(int(singles[y]["total"]) for y in range(2010, 2016))
    assert embed["title"] == f"2010–2015: {n(total)} arrivals"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Highest year"] == "2011: 2,706"
    assert fields["Lowest year"] == "2015: 1,275"
    whole = (await discord.invoke("/defectors year:1999 to_year:2025")).embed
    assert whole["title"] == f"1999–2025: {n(34_537 - 947)} arrivals"


@pytest.mark.parametrize(("line", "expected"), [
    ("/defectors year:1997", "There is no figure for 1997. The data covers 1998"),
    ("/defectors year:2026", "There is no figure for 2026"),
    ("/defectors year:1900", "every single year 2002–2025"),
    ("/defectors to_year:2020", "give `year` too"),
    ("/defectors year:2015 to_year:2010", "must not come before"),
    ("/defectors year:2000 to_year:2005", "published only combined (1,043)"),
    ("/defectors year:1998 to_year:2005", "a span cannot include it"),
    ("/defectors year:2020 to_year:2030", "outside the data"),
])
async def test_bad_years_get_a_polite_private_answer(discord: LocalDiscord, line: str,
                                                      expected: str) -> None:
    exchange = await discord.invoke(line)
    assert exchange.ephemeral
    assert expected in exchange.content


@pytest.mark.parametrize("line", ["/defectors year:1899", "/defectors year:2101",
                                  "/defectors year:twenty"])
async def test_the_client_refuses_what_the_option_declares_impossible(
    discord: LocalDiscord, line: str
) -> None:
    with pytest.raises(OptionRefused):
        await discord.invoke(line)
