"""The quiz's sense of time, injected so tests can move it instantly.

A round needs two clocks: a monotonic one for the speed bonus (immune to wall-clock jumps)
and the wall clock for what is stored (``asked_at``, ``deadline``, ``answered_at``). It also
waits — for a question's time or the pause between questions — and a stop must cut the
wait short; the wait belongs to the clock so a fake clock can end it without real sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from typing import Protocol

from bot.db.dialect import utcnow


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def now(self) -> dt.datetime: ...

    async def wait(self, event: asyncio.Event, seconds: float) -> bool:
        """Wait until ``event`` is set or ``seconds`` have passed; True if it was set."""
        ...


class SystemClock:
    """Real time."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> dt.datetime:
        return utcnow()

    async def wait(self, event: asyncio.Event, seconds: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), max(seconds, 0.0))
        return event.is_set()


SYSTEM_CLOCK = SystemClock()
