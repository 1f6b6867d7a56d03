"""How numbers are written everywhere the bot shows one (answers, charts' captions, quiz).

One home so a reply and a quiz question can never disagree on "2,914" vs "2914" or on the
sign of a change. Discord-free: the cogs and the question families both import it.
"""

from __future__ import annotations


def num(n: int, *, sign: bool = False) -> str:
    """Thousands separators, never rounded: 2914 → "2,914", -5000 → "-5,000"; ``sign`` adds
    a plus to positives (points won or adjusted: "+1,200")."""
    return f"{n:+,}" if sign else f"{n:,}"


def signed(n: int) -> str:
    """A change with its sign; a real minus sign, and "±0" for no change."""
    return f"+{n:,}" if n > 0 else f"−{abs(n):,}" if n < 0 else "±0"


def signed_pct(x: float) -> str:
    """A percentage change with one decimal: +12.3%, −4.0%, ±0.0%."""
    return f"{'+' if x > 0 else '−' if x < 0 else '±'}{abs(x):.1f}%"
