"""Points for an answer (documented in the README's "Scoring" section).

A correct answer earns a base by difficulty, a speed bonus linear in the time left (up to half
the base for an instant answer, nothing at the buzzer), and a streak bonus for the correct
answers in a row just before it in the same round. A wrong or missing answer earns nothing and
ends the streak.

An answer given after the 50/50 lifeline (``halved``) earns half the base and so half the
speed bonus (the bonus is a share of the base); the streak bonus is unchanged, the streak
being earned on the other questions.
"""

from __future__ import annotations

BASE = {"easy": 100, "medium": 150, "hard": 200}
SPEED_SHARE = 0.5
STREAK_STEP = 10
STREAK_CAP = 50


def points(difficulty: str, elapsed: float, time_limit: float, streak_before: int, *,
           halved: bool = False) -> int:
    # Every base is even, so half of it is exact.
    base = BASE[difficulty] // 2 if halved else BASE[difficulty]
    left = min(max(time_limit - elapsed, 0.0), time_limit) / time_limit
    return base + round(base * SPEED_SHARE * left) + min(streak_before * STREAK_STEP, STREAK_CAP)
