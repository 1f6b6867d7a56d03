"""The async facade: worker thread, cache, invalidation, shutdown."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from bot.facts.records import Facts
from bot.pictures import renderer as renderer_module
from bot.pictures._cache import LRUCache
from bot.pictures.renderer import Picture, PictureRenderer, RendererClosed


@pytest.fixture
async def renderer() -> AsyncIterator[PictureRenderer]:
    r = PictureRenderer()
    yield r
    await r.close()


@pytest.fixture
def chart_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count real chart renders, recording the thread each one ran on."""
    calls: list[str] = []
    real: Callable[..., Picture] = renderer_module._chart_job

    def counting(*args: Any) -> Picture:
        calls.append(threading.current_thread().name)
        return real(*args)

    monkeypatch.setattr(renderer_module, "_chart_job", counting)
    return calls


async def test_cached_render_returns_the_same_bytes(
    renderer: PictureRenderer, facts: Facts, chart_calls: list[str],
    size_of: Callable[[bytes], tuple[int, int]],
) -> None:
    first = await renderer.defectors_chart(facts)
    again = await renderer.defectors_chart(facts)
    assert again.data == first.data
    assert size_of(again.data) == (1000, 560)
    assert len(chart_calls) == 1  # the second call never reached the worker
    info = renderer.cache_info()
    assert (info.hits, info.entries, info.bytes) == (1, 1, len(first.data))


async def test_different_parameters_are_different_entries(
    renderer: PictureRenderer, facts: Facts, chart_calls: list[str]
) -> None:
    plain = await renderer.defectors_chart(facts)
    highlighted = await renderer.defectors_chart(facts, highlight_year=2012)
    assert plain.data != highlighted.data
    assert len(chart_calls) == 2


async def test_a_new_facts_version_misses_the_cache(
    renderer: PictureRenderer, facts: Facts, chart_calls: list[str]
) -> None:
    await renderer.defectors_chart(facts)
    reloaded = dataclasses.replace(facts, version="other")
    await renderer.defectors_chart(reloaded)
    assert len(chart_calls) == 2
    assert renderer.cache_info().entries == 2


async def test_clear_forgets_everything(
    renderer: PictureRenderer, facts: Facts, chart_calls: list[str]
) -> None:
    await renderer.defectors_chart(facts)
    renderer.clear()
    assert renderer.cache_info().entries == 0
    await renderer.defectors_chart(facts)
    assert len(chart_calls) == 2


async def test_facts_without_a_version_are_never_cached(
    renderer: PictureRenderer, facts: Facts, chart_calls: list[str]
) -> None:
    unversioned = dataclasses.replace(facts, version="")
    await renderer.defectors_chart(unversioned)
    await renderer.defectors_chart(unversioned)
    assert len(chart_calls) == 2
    assert renderer.cache_info().entries == 0


async def test_concurrent_identical_requests_share_one_render(
    renderer: PictureRenderer, facts: Facts, chart_calls: list[str]
) -> None:
    pictures = await asyncio.gather(*(renderer.defectors_chart(facts) for _ in range(3)))
    assert len(chart_calls) == 1
    assert len({p.data for p in pictures}) == 1


async def test_rendering_happens_in_the_worker_thread(
    renderer: PictureRenderer, facts: Facts, chart_calls: list[str]
) -> None:
    await renderer.defectors_chart(facts, span=(2010, 2012))
    assert chart_calls[0].startswith("pictures")
    assert chart_calls[0] != threading.current_thread().name


async def test_filenames(renderer: PictureRenderer, facts: Facts) -> None:
    chart = await renderer.defectors_chart(facts)
    assert chart.filename == "defectors-2002-2025.png"
    detail = await renderer.defectors_chart(facts, highlight_year=2012, span=(2010, 2015))
    assert detail.filename == "defectors-2010-2015-highlight-2012.png"
    bucket = await renderer.defectors_chart(facts, highlight_year=2000)
    assert bucket.filename == "defectors-2002-2025.png"  # nothing was highlighted
    assert bucket.data == chart.data
    latest = facts.latest_event_date
    world = await renderer.recognition_map(facts, latest)
    assert world.filename == f"recognition-map-{latest.isoformat()}.png"
    assert world.data[:8] == b"\x89PNG\r\n\x1a\n"


async def test_map_is_cached_per_date(renderer: PictureRenderer, facts: Facts) -> None:
    a = await renderer.recognition_map(facts, dt.date(2024, 6, 1))
    b = await renderer.recognition_map(facts, dt.date(2024, 6, 1))
    c = await renderer.recognition_map(facts, dt.date(2025, 12, 31))
    assert a.data == b.data != c.data
    assert renderer.cache_info().entries == 2


async def test_errors_reach_the_caller_and_are_not_cached(
    renderer: PictureRenderer, facts: Facts
) -> None:
    for _ in range(2):
        with pytest.raises(ValueError, match="no single calendar years"):
            await renderer.defectors_chart(facts, span=(1990, 1995))
    assert renderer.cache_info().entries == 0


async def test_closed_renderer_refuses_work(facts: Facts) -> None:
    r = PictureRenderer()
    await r.warm_up()
    await r.close()
    with pytest.raises(RendererClosed):
        await r.defectors_chart(facts)
    await r.close()  # closing twice is harmless


async def test_warm_up_with_facts_fills_the_cache(facts: Facts) -> None:
    r = PictureRenderer()
    try:
        await r.warm_up(facts)
        assert r.cache_info().entries == 2
    finally:
        await r.close()


def test_lru_evicts_the_least_recently_used() -> None:
    cache: LRUCache[bytes] = LRUCache(max_entries=2, max_bytes=100, size_of=len)
    cache.put("a", b"1")
    cache.put("b", b"2")
    assert cache.get("a") == b"1"  # "a" is now the most recent
    cache.put("c", b"3")
    assert "b" not in cache
    assert "a" in cache
    assert "c" in cache


def test_lru_is_bounded_by_bytes() -> None:
    cache: LRUCache[bytes] = LRUCache(max_entries=10, max_bytes=10, size_of=len)
    cache.put("a", b"x" * 6)
    cache.put("b", b"x" * 6)
    assert list(k for k in ("a", "b") if k in cache) == ["b"]
    cache.put("huge", b"x" * 11)  # larger than the whole budget: not stored, nothing evicted
    assert "huge" not in cache
    assert "b" in cache
    assert cache.info().bytes == 6


def test_importing_the_renderer_loads_no_plotting_library() -> None:
    code = (
        "import os, sys, bot.pictures.renderer\n"
        "heavy = [m for m in ('matplotlib', 'numpy', 'PIL') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert os.environ.get('MPLCONFIGDIR'), 'MPLCONFIGDIR must be set before matplotlib'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False, timeout=60)
    assert result.returncode == 0, result.stderr
