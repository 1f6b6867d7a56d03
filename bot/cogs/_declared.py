"""Re-checking on the server what a command declares to Discord.

Ranges, choices and ``guild_only`` are enforced by Discord's *client*; a modified client (or
a raw HTTP call) sends whatever it likes, and discord.py does not check ranges nor where a
command was used. Every cog's ``interaction_check`` runs :func:`recheck` before the command's
arguments are transformed, so an out-of-range number, a value outside the choices or a
server command from a DM gets a polite private answer and changes nothing."""

from __future__ import annotations

from typing import Any

from discord import AppCommandOptionType, app_commands

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


def problem(param: app_commands.Parameter, value: Any) -> str | None:
    """Why ``value`` breaks what ``param`` declares, or None when it keeps to it."""
    name = param.display_name
    lo, hi = param.min_value, param.max_value
    if param.type in _NUMBERS:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"`{name}` must be a number."
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            return f"`{name}` must be between {lo:,} and {hi:,}."
    elif param.type is AppCommandOptionType.string:
        if not isinstance(value, str):
            return f"`{name}` must be text."
        if (lo is not None and len(value) < lo) or (hi is not None and len(value) > hi):
            return f"`{name}` must be {lo}–{hi} characters long."
    if param.choices and not param.autocomplete:
        allowed = [c.value for c in param.choices]
        if value not in allowed:
            names = ", ".join(c.name for c in param.choices)
            return f"`{name}` must be one of: {names}."
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
                raise Refusal(f"`{param.display_name}` is required. Nothing was changed.")
            continue
        reason = problem(param, namespace[param.display_name])
        if reason is not None:
            raise Refusal(f"{reason} Nothing was changed.")
