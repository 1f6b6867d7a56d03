"""Parsing options back into values, and the numeric rules every solver applies."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.facts.records import Facts
from bot.quiz.questions import _policy as policy
from bot.quiz.questions._truth import Problem, iso_by_name
from bot.quiz.questions.model import FALSE, TRUE, Question

_INT = re.compile(r"\d{1,3}(,\d{3})*")
_PCT = re.compile(r"(\d{1,3}\.\d)%")
_PAIR = re.compile(r"(\d{4}) → (\d{4})")


def ints(options: Sequence[str]) -> list[int]:
    """Whole numbers written with thousands separators ("2,914"); anything else is refused,
    so "2914" and "2,914" can never both appear as different options."""
    out = []
    for o in options:
        if not _INT.fullmatch(o):
            raise Problem(f"option {o!r} is not a whole number written like 2,914")
        out.append(int(o.replace(",", "")))
    return out


def pcts(options: Sequence[str]) -> list[float]:
    out = []
    for o in options:
        m = _PCT.fullmatch(o)
        if not m:
            raise Problem(f"option {o!r} is not a one-decimal percentage like 73.1%")
        out.append(float(m.group(1)))
    return out


def year_pairs(options: Sequence[str]) -> list[tuple[int, int]]:
    out = []
    for o in options:
        m = _PAIR.fullmatch(o)
        if not m:
            raise Problem(f"option {o!r} is not a pair of years like 2011 → 2012")
        out.append((int(m.group(1)), int(m.group(2))))
    return out


def true_false(q: Question, truth: bool) -> set[int]:
    if q.options != (TRUE, FALSE):
        raise Problem(f"a true/false question needs the options ({TRUE!r}, {FALSE!r})")
    return {0 if truth else 1}


def exact_numbers(values: list[int], truth: int, *, ceiling: int | None = None,
                  gap: float = policy.NUMERIC_MIN_GAP) -> set[int]:
    """Indexes equal to ``truth``; every other value must be a fair distractor."""
    if len(set(values)) != len(values):
        raise Problem("two numeric options are the same number")
    for v in values:
        if v == truth:
            continue
        if not (v >= 0 and policy.BAND_LOW * truth <= v <= policy.BAND_HIGH * truth):
            raise Problem(f"distractor {v:,} is implausibly far from the answer {truth:,} "
                          f"(allowed ×{policy.BAND_LOW}–×{policy.BAND_HIGH})")
        if ceiling is not None and v > ceiling:
            raise Problem(f"distractor {v:,} exceeds the possible maximum {ceiling:,}")
        if abs(v - truth) < gap * truth:
            raise Problem(f"distractor {v:,} is within {gap:.0%} of the answer {truth:,}: a "
                          f"provisional or differently counted figure could make it right")
    return {i for i, v in enumerate(values) if v == truth}


def states(q: Question, facts: Facts) -> list[str]:
    """Options as ISO3 codes, by the members' exact names; they must match ``params``."""
    isos = iso_by_name(facts)
    out = []
    for o in q.options:
        if o not in isos:
            raise Problem(f"option {o!r} is not the name of a UN member state in the data")
        out.append(isos[o])
    declared = q.params.get("states")
    if declared is not None and declared != tuple(out):
        raise Problem(f"params states {declared} do not match the options {out}")
    return out


def need(q: Question, key: str) -> object:
    if key not in q.params:
        raise Problem(f"params lack {key!r}")
    return q.params[key]
