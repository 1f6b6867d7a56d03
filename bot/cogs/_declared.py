"""Re-checking on the server what a command declares to Discord.

Ranges, choices and ``guild_only`` are enforced by Discord's *client*; a modified client (or
a raw HTTP call) sends whatever it likes, and discord.py does not check ranges nor where a
command was used. Every cog's ``interaction_check`` runs :func:`recheck` before the command's
arguments are transformed, so an out-of-range number, a value outside the choices or a
server command from a DM gets a polite private answer and changes nothing."""

from __future__ import annotations

from typing import Any

from discord import AppCommandOptionType, app_commands

from bot.i18n import _, current
from bot.i18n.commands import lookup
from bot.reply import HookInteraction, Refusal

_NUMBERS = (AppCommandOptionType.integer, AppCommandOptionType.number)


def _guild_only(command: app_commands.Command[Any, Any, Any]) -> bool:
    node: Any = command
    while node is not None:
        if getattr(node, "guild_only", False):
            return True
        contexts = getattr(node, "allowed_contexts", None)
        if contexts is not None and not contexts.dm_channel and not contexts.private_channel:
            return True
        node = node.parent
    return False


def _tree_text(context: str, message: str) -> str:
    """An option's name or a choice as the member's client shows it (the command tree's
    catalogue), so a refusal names what they see."""
    lang = current()
    return message if lang.is_default else lookup(lang.code, context, message) or message


def problem(param: app_commands.Parameter, value: Any) -> str | None:
    """Why ``value`` breaks what ``param`` declares, or None when it keeps to it."""
    name = _tree_text("name", param.display_name)
    lo, hi = param.min_value, param.max_value
    if param.type in _NUMBERS:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return _("`{name}` must be a number.", name=name)
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            return _("`{name}` must be between {low} and {high}.", name=name,
                     low=f"{lo:,}", high=f"{hi:,}")
    elif param.type is AppCommandOptionType.string:
        if not isinstance(value, str):
            return _("`{name}` must be text.", name=name)
        if (lo is not None and len(value) < lo) or (hi is not None and len(value) > hi):
            return _("`{name}` must be {low}–{high} characters long.", name=name, low=lo,
                     high=hi)
    if param.choices and not param.autocomplete:
        allowed = [c.value for c in param.choices]
        if value not in allowed:
            names = ", ".join(_tree_text("choice", c.name) for c in param.choices)
            return _("`{name}` must be one of: {choices}.", name=name, choices=names)
    return None


def recheck(interaction: HookInteraction) -> None:
    """Raise a :class:`Refusal` (or ``NoPrivateMessage``) for what the client should have
    refused; return quietly otherwise. Autocomplete requests are not checked: a half-typed
    value is what they are for."""
    command = interaction.command
    if not isinstance(command, app_commands.Command):
        return
    if interaction.guild_id is None and _guild_only(command):
        raise app_commands.NoPrivateMessage()
    if interaction.type.name == "autocomplete":
        return
    namespace = interaction.namespace
    for param in command.parameters:
        if param.display_name not in namespace:
            if param.required:
                raise Refusal(_("`{name}` is required. Nothing was changed.",
                                name=_tree_text("name", param.display_name)))
            continue
        reason = problem(param, namespace[param.display_name])
        if reason is not None:
            raise Refusal(_("{reason} Nothing was changed.", reason=reason))
