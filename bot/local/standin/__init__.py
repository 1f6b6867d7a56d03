"""A local Discord stand-in strict enough that the unmodified discord.py client can be tested.

It serves Discord's REST API and gateway on 127.0.0.1 and refuses, loudly and by name, anything
Discord itself would refuse: unknown endpoints, unsynced commands, late responses, messages over
Discord's limits, and options the Discord client would never send.
"""

from bot.local.standin.server import StandIn, Violation

__all__ = ["StandIn", "Violation"]
