"""Discord's sharding rule, shared by the bot and the local stand-in."""

from __future__ import annotations


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard that receives a guild's events."""
    return (guild_id >> 22) % shard_count
