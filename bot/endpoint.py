"""Where discord.py connects. Normally Discord; the local stand-in and tests point it at
127.0.0.1 (``DISCORD_API_URL``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import discord
import yarl
from discord.http import Route


@contextlib.contextmanager
def point_discord_at(api_url: str, gateway_url: str) -> Iterator[None]:
    """Send discord.py's REST calls (interaction webhooks included) and its gateway
    connection to another server. Both are class attributes, so this is process-wide."""
    old_base, old_gateway = Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = api_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway


def endpoints(base_url: str | None) -> contextlib.AbstractContextManager[None]:
    """``point_discord_at`` for a stand-in's base URL (``http://127.0.0.1:PORT``), or
    nothing for the real Discord."""
    if not base_url:
        return contextlib.nullcontext()
    url = yarl.URL(base_url)
    return point_discord_at(str(url / "api" / "v10"), f"ws://{url.host}:{url.port}/")
