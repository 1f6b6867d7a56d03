"""/help: the commands this member can use here, read from the command tree (so the list
cannot drift from what the bot serves)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import i18n
from bot.cogs._embeds import EmbedColour
from bot.i18n import _
from bot.i18n.commands import lookup
from bot.reply import Interaction, respond

if TYPE_CHECKING:
    from bot.app import FactQuiz

AnyCommand = app_commands.Command | app_commands.Group


def usable(command: AnyCommand, *, in_guild: bool,
           permissions: discord.Permissions) -> bool:
    """Whether Discord's client would offer the top-level ``command`` to this member here.

    Checked again on the server from the interaction's own permissions: the client's
    hiding is a courtesy (a server admin can change who sees what), not a guarantee."""
    if not in_guild and command.guild_only:
        return False
    required = command.default_permissions
    return not (in_guild and required is not None and not permissions >= required)


def _leaves(command: AnyCommand) -> list[app_commands.Command]:
    if isinstance(command, app_commands.Group):
        return [leaf for sub in command.commands for leaf in _leaves(sub)]
    return [command]


def _tree_text(context: str, text: str) -> str:
    """A name or description as the member's Discord client shows it (the command tree's
    catalogue, the same translations the client received at sync)."""
    lang = i18n.current()
    return text if lang.is_default else lookup(lang.code, context, text) or text


def _usage(command: app_commands.Command) -> str:
    names = [_tree_text("name", p.name) for p in command.parameters]
    options = " ".join(n if p.required else f"[{n}]" for n, p in zip(names, command.parameters,
                                                                      strict=True))
    path = " ".join(_tree_text("name", part) for part in command.qualified_name.split())
    return f"**/{path}**" + (f" {options}" if options else "")


def overview(commands_: list[AnyCommand], *, in_guild: bool,
             permissions: discord.Permissions) -> discord.Embed:
    embed = discord.Embed(title=_("factquiz commands"), colour=EmbedColour.INFO)
    member: list[str] = []
    moderator: list[str] = []
    for top in sorted(commands_, key=lambda c: c.name):
        if not usable(top, in_guild=in_guild, permissions=permissions):
            continue
        lines = [f"{_usage(leaf)}  — {_tree_text('description', leaf.description)}"
                 for leaf in _leaves(top)]
        (moderator if top.default_permissions is not None else member).extend(lines)
    embed.description = "\n".join(member)
    if moderator:
        embed.add_field(name=_("For moderators (Manage Server)"),
                        value="\n".join(moderator)[:1024], inline=False)
    embed.set_footer(text=_("Options in [brackets] are optional. Only you can see this."))
    return embed


class Help(commands.Cog):
    def __init__(self, bot: FactQuiz) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="The commands you can use here")
    async def help(self, interaction: Interaction) -> None:
        in_guild = interaction.guild_id is not None
        tree_commands = list(self.bot.tree.get_commands())
        if interaction.guild is not None:
            tree_commands += self.bot.tree.get_commands(guild=interaction.guild)
        found = [c for c in tree_commands
                 if isinstance(c, app_commands.Command | app_commands.Group)]
        embed = overview(found, in_guild=in_guild, permissions=interaction.permissions)
        await respond(interaction, embed=embed, ephemeral=True)


async def setup(bot: FactQuiz) -> None:
    await bot.add_cog(Help(bot))
