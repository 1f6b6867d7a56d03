"""Per-snapshot memo: derived tables are computed once per :class:`Facts` object.

Keyed by the object's identity and dropped when it is garbage-collected, so a reload (a new
snapshot) never sees stale tables, and nothing is written into ``Facts`` itself.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TypeVar

from bot.facts.records import Facts

T = TypeVar("T")
_MEMO: dict[int, dict[object, object]] = {}


def memo(facts: Facts, key: object, compute: Callable[[], T]) -> T:
    table = _MEMO.get(id(facts))
    if table is None:
        table = _MEMO[id(facts)] = {}
        weakref.finalize(facts, _MEMO.pop, id(facts), None)
    if key not in table:
        table[key] = compute()
    return table[key]  # type: ignore[return-value]
