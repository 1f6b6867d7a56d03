"""Who did a moderator or privacy action, for the audit log (``quiz_mod_action``)."""

from __future__ import annotations

from bot.quiz import admin
from bot.reply import Interaction


def actor(interaction: Interaction) -> admin.Actor:
    assert interaction.guild_id is not None
    return admin.Actor(interaction.guild_id, interaction.user.id, interaction.id)
