"""The command tree in Korean: what the bot sends at sync carries ``ko`` localizations for
every command, group, option and choice, within Discord's rules for localized names."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from bot.local.driver import LocalDiscord

NAME_LIMIT, DESCRIPTION_LIMIT, CHOICE_LIMIT = 32, 100, 100


def valid_localized_name(name: str) -> bool:
    """Discord's ``^[-_\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$``, lowercase where the
    script has case (Python's ``re`` has no ``\\p``: the categories are checked directly)."""
    def allowed(ch: str) -> bool:
        category = unicodedata.category(ch)
        return ch in "-_" or category[0] in "LN" or category in ("Mn", "Mc")  # Deva/Thai marks
    return 1 <= len(name) <= NAME_LIMIT and all(map(allowed, name)) and name == name.lower()


def walk(items: list[dict[str, Any]], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    for item in items:
        where = f"{path} {item['name']}".strip()
        yield where, item
        yield from walk(item.get("options") or [], where)


def has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


async def test_every_command_option_and_choice_has_korean(discord: LocalDiscord) -> None:
    synced = discord.standin.commands_for(None)  # what the bot PUT at sync
    assert synced
    checked = 0
    for where, item in walk(synced):
        ko_name = (item.get("name_localizations") or {}).get("ko")
        assert ko_name is not None, f"/{where}: no Korean name"
        assert valid_localized_name(ko_name), f"/{where}: {ko_name!r} breaks Discord's naming rule"
        if has_letters(item["description"]):
            ko_description = (item.get("description_localizations") or {}).get("ko")
            assert ko_description, f"/{where}: no Korean description"
            assert len(ko_description) <= DESCRIPTION_LIMIT, where
            assert not any("a" <= ch.lower() <= "z" for ch in ko_description.replace("ISO", "")
                           .replace("YYYY-MM-DD", "")), f"/{where}: English left in {ko_description!r}"
        for choice in item.get("choices") or []:
            ko_choice = (choice.get("name_localizations") or {}).get("ko")
            assert ko_choice, f"/{where} choice {choice['name']!r}: no Korean"
            assert len(ko_choice) <= CHOICE_LIMIT
        checked += 1
    assert checked > 40  # every command, group and option was seen


async def test_korean_names_are_unique_among_siblings(discord: LocalDiscord) -> None:
    def siblings(items: list[dict[str, Any]], path: str) -> None:
        names = [(i.get("name_localizations") or {}).get("ko") for i in items]
        assert len(names) == len(set(names)), f"/{path}: two options share a Korean name"
        for item in items:
            siblings(item.get("options") or [], f"{path} {item['name']}")
    siblings(discord.standin.commands_for(None), "")


async def test_only_korean_is_localized(discord: LocalDiscord) -> None:
    for _, item in walk(discord.standin.commands_for(None)):
        assert set(item.get("name_localizations") or {}) <= {"ko"}
