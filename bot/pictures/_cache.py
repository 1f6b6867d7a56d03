"""A small LRU bounded by entry count and by total bytes.

Used only from the event loop's thread (the renderer stores results in a done-callback that
asyncio runs on the loop), so it needs no lock.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class CacheInfo:
    hits: int
    misses: int
    entries: int
    bytes: int


class LRUCache(Generic[V]):
    def __init__(self, max_entries: int, max_bytes: int, size_of: Callable[[V], int]) -> None:
        if max_entries < 1 or max_bytes < 1:
            raise ValueError("an LRU cache needs room for at least one entry")
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._size_of = size_of
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._bytes = 0
        self._hits = 0
        self._misses = 0

    def get(self, key: Hashable) -> V | None:
        value = self._items.get(key)
        if value is None:
            self._misses += 1
            return None
        self._items.move_to_end(key)
        self._hits += 1
        return value

    def put(self, key: Hashable, value: V) -> None:
        size = self._size_of(value)
        if size > self._max_bytes:
            return  # would evict everything else and still not fit
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= self._size_of(old)
        self._items[key] = value
        self._bytes += size
        while len(self._items) > self._max_entries or self._bytes > self._max_bytes:
            _, evicted = self._items.popitem(last=False)
            self._bytes -= self._size_of(evicted)

    def clear(self) -> None:
        self._items.clear()
        self._bytes = 0

    def info(self) -> CacheInfo:
        return CacheInfo(self._hits, self._misses, len(self._items), self._bytes)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items
