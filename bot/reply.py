"""Answering an interaction correctly whatever already happened to it.

Discord wants an initial response within 3 s, once. A watchdog acknowledges any interaction
the bot has not answered after 2 s ("thinking…" for commands, a silent acknowledgement for
buttons), so a slow database or picture never turns into "The application did not respond";
these helpers then send the real answer as the initial response or as a follow-up, whichever
is still possible. One lock per interaction keeps the watchdog and the answer from racing.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, TypeAlias

import discord
from discord import app_commands

from bot import i18n

if TYPE_CHECKING:
    from bot.app import FactQuiz

log = logging.getLogger(__name__)

# The one way the Discord layer types an interaction: its client is the bot, so
# ``interaction.client.services`` type-checks. A real alias (not only a TYPE_CHECKING name),
# because discord.py evaluates the annotations of command callbacks at run time.
Interaction: TypeAlias = discord.Interaction["FactQuiz"]
# What discord.py's own hooks (an item's callback, interaction_check and from_custom_id, a
# cog's interaction_check, a transformer) are declared to take: their base signatures accept
# any client, so an override may not narrow them (Liskov). Overrides take this at the
# boundary and hand it on as ``Interaction``: the dispatching client is always the bot.
HookInteraction: TypeAlias = discord.Interaction[Any]

APOLOGY = i18n.N_("Something went wrong — it has been logged.")  # translated where sent

WATCHDOG = 2.0  # seconds of silence before the bot acknowledges on its own
# Discord refuses an initial response after 3 s; past this age (with a margin for clock
# skew) a reply is wasted work, and under overload wasted work is what makes things worse.
RESPONSE_WINDOW = 3.5


def user_lang(interaction: discord.Interaction) -> i18n.Lang:
    """The language of a reply only the user sees: their Discord client's."""
    return i18n.lang_for(interaction.locale.value)


def server_lang(interaction: discord.Interaction) -> i18n.Lang:
    """The language of a public message: the server's (in a DM, the user's)."""
    where = interaction.guild_locale if interaction.guild_id is not None else None
    return i18n.lang_for(where.value) if where is not None else user_lang(interaction)


def speak_to_user(interaction: discord.Interaction) -> None:
    """From here on this interaction's task writes in the user's language (refusals,
    private answers); public messages switch with ``i18n.speaking(server_lang(...))``."""
    i18n.use(user_lang(interaction))


class Refusal(app_commands.AppCommandError):
    """The user's input or situation, not a bug: the tree's error handler shows ``message``
    privately and records the interaction as refused (a transformer or a check raises it)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def record_interaction(interaction: Interaction, name: str, outcome: str) -> None:
    """One structured log line and the metrics for a handled interaction."""
    seconds = (discord.utils.utcnow() - interaction.created_at).total_seconds()
    log.info("interaction=%s command=%s outcome=%s ms=%.1f guild=%s user=%s", interaction.id,
             name, outcome, seconds * 1000, interaction.guild_id, interaction.user.id)
    interaction.client.services.metrics.observe(name, outcome, seconds)


def _lock(interaction: discord.Interaction) -> asyncio.Lock:
    lock: asyncio.Lock = interaction.extras.setdefault("reply_lock", asyncio.Lock())
    return lock


def too_late(interaction: discord.Interaction) -> bool:
    """True when an initial response can no longer reach the user."""
    if interaction.response.is_done():
        return False
    age = (discord.utils.utcnow() - interaction.created_at).total_seconds()
    return age > RESPONSE_WINDOW


def guard(interaction: discord.Interaction, *, component: bool = False) -> None:
    """Start the watchdog for one interaction."""
    loop = asyncio.get_running_loop()

    def fire() -> None:
        interaction.extras["acknowledging"] = loop.create_task(
            _acknowledge(interaction, component))

    interaction.extras["watchdog"] = loop.call_later(WATCHDOG, fire)


def release(interaction: discord.Interaction) -> None:
    handle = interaction.extras.pop("watchdog", None)
    if handle is not None:
        handle.cancel()


def let_go(interaction: discord.Interaction, item: discord.ui.Item[Any] | None = None) -> None:
    """Nothing will answer ``interaction`` any more (it was released and answered): cut the
    reference cycles it leaves, so reference counting frees it, its message, member, embeds
    and the view of the clicked ``item`` now, not the garbage collector later. At 1,000
    clicks a second that was about 100 objects a click, and the collector's pauses were the
    receipts' slowest tail (README, "Clicks").

    The cycles: an interaction's response points back at it; and for every click on a
    ``DynamicItem`` discord.py builds a view from the clicked message, whose items point back
    at it. Every view the bot sends is made of ``DynamicItem``s, so that view is never one
    the bot holds. A watchdog that already fired may still be using the interaction: then
    it stays whole, and the collector frees it."""
    if item is not None and item.view is not None:
        item.view.clear_items()
    if "acknowledging" not in interaction.extras:
        interaction.response._parent = None  # type: ignore[assignment]


async def _acknowledge(interaction: discord.Interaction, component: bool) -> None:
    async with _lock(interaction):
        if interaction.response.is_done() or too_late(interaction):
            return
        try:
            # A button's acknowledgement is invisible; a command shows "thinking…".
            await interaction.response.defer(thinking=not component)
            log.info("interaction=%s acknowledged by the watchdog", interaction.id)
        except discord.HTTPException as exc:
            log.warning("interaction=%s: watchdog acknowledgement failed: %s", interaction.id, exc)


async def defer(interaction: discord.Interaction) -> None:
    """Show "thinking…" now (work that may take a while follows)."""
    async with _lock(interaction):
        if not interaction.response.is_done():
            await interaction.response.defer(thinking=True)


async def respond(interaction: discord.Interaction, content: str | None = None, *,
                  ephemeral: bool = False, **kwargs: Any) -> int | None:
    """Send the answer; returns its message id when Discord tells it."""
    async with _lock(interaction):
        response = interaction.response
        if not response.is_done():
            sent = await response.send_message(content, ephemeral=ephemeral, **kwargs)
            return sent.message_id
        if ephemeral and response.type is discord.InteractionResponseType.deferred_channel_message:
            # After a public "thinking…" Discord turns the first follow-up into the (public)
            # answer; remove the unanswered message so the reply stays private.
            original = await interaction.original_response()
            if original.flags.loading:
                await interaction.delete_original_response()
        if content is not None:
            kwargs["content"] = content
        message = await interaction.followup.send(ephemeral=ephemeral, wait=True, **kwargs)
        return message.id


async def send_ephemeral(interaction: discord.Interaction, content: str, **kwargs: Any) -> None:
    """A private reply that never raises: used for refusals, explanations and apologies."""
    if too_late(interaction):
        log.warning("interaction=%s too old to answer; reply dropped", interaction.id)
        return
    try:
        await respond(interaction, content, ephemeral=True, **kwargs)
    except discord.HTTPException:
        log.warning("could not deliver an ephemeral reply to interaction %s", interaction.id)


async def update(interaction: discord.Interaction, **kwargs: Any) -> None:
    """Edit the message whose button was pressed."""
    async with _lock(interaction):
        if not interaction.response.is_done():
            await interaction.response.edit_message(**kwargs)
        else:  # after a silent acknowledgement, @original is the button's message
            await interaction.edit_original_response(**kwargs)
