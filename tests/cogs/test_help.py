"""/help on Discord: an ephemeral overview generated from the command tree, moderators
also seeing /quizadmin (checked on the server, from the interaction's permissions)."""

from __future__ import annotations

from bot.local.driver import LocalDiscord


def leaves(commands: list[dict], prefix: str = "") -> set[str]:
    found: set[str] = set()
    for command in commands:
        name = f"{prefix} {command['name']}".strip()
        subs = [o for o in command.get("options") or [] if o["type"] in (1, 2)]
        found |= leaves(subs, name) if subs else {name}
    return found


async def test_help_lists_what_a_member_can_use(discord: LocalDiscord) -> None:
    exchange = await discord.invoke("/help")
    assert exchange.ephemeral
    text = exchange.text
    member_commands = {c for c in leaves(discord.standin.commands_for(discord.guild.id))
                       if not c.startswith("quizadmin")}
    for command in member_commands:  # every command the tree serves, none forgotten
        assert f"**/{command}**" in text, command
    assert "/quizadmin" not in text
    assert "Delete your quiz answers" in text  # descriptions come from the tree too


async def test_moderators_also_see_quizadmin(discord: LocalDiscord) -> None:
    moderator = discord.member("mod", moderator=True)
    exchange = await discord.invoke("/help", user=moderator)
    field = {f["name"]: f["value"] for f in exchange.embed["fields"]}
    moderation = field["For moderators (Manage Server)"]
    assert "**/quizadmin leaderboard reset**" in moderation
    assert "**/quizadmin points adjust** member amount reason" in moderation


async def test_a_lifted_client_restriction_does_not_show_quizadmin(discord: LocalDiscord) -> None:
    # A server admin can let everyone *see* /quizadmin in the client; /help still asks the
    # member's own permissions, as the commands themselves do.
    discord.guild.command_overrides.add("quizadmin")
    exchange = await discord.invoke("/help", user=discord.member("someone"))
    assert "quizadmin" not in exchange.text


async def test_help_in_direct_messages_leaves_out_server_commands(discord: LocalDiscord) -> None:
    exchange = await discord.invoke("/help", dm=True)
    assert "/quizadmin" not in exchange.text
    assert "**/about**" in exchange.text
