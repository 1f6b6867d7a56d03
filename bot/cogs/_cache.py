"""A small LRU for rendered replies, keyed by the data version so a reload never serves a
stale answer. Fact replies are pure functions of (data, parameters): building the same embed
again for every request is the biggest avoidable cost in a command."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class ReplyCache(Generic[T]):
    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, T] = OrderedDict()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        try:
            self._items.move_to_end(key)
            return self._items[key]
        except KeyError:
            value = build()
            self._items[key] = value
            if len(self._items) > self.size:
                self._items.popitem(last=False)
            return value
