"""How long pictures take: first render, re-render with new parameters, cached.

Run: ``.venv/bin/python bench/pictures.py [--runs N]``. Goals on the 2-core box: a first
render ≤ 300 ms once the libraries and outlines are loaded, a cached one ≤ 5 ms.

The one-off costs are printed on their own line so "first" is honest: importing matplotlib
and loading + projecting the map outlines happen once per process (the bot can pay them at
start-up with ``PictureRenderer.warm_up``). Renders go through ``PictureRenderer``, i.e. the
worker thread and the event loop hop, exactly as the bot calls them.

Prints::

    setup renderer_import_ms=… plotting_import_ms=… geometry_ms=…
    chart first_ms=… rerender_p50_ms=… cached_p50_ms=… png_kb=…
    map first_ms=… rerender_p50_ms=… cached_p50_ms=… png_kb=…
    peak_rss_mb=…
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import resource
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


async def _timed(call: Callable[[], Awaitable[object]]) -> float:
    start = time.perf_counter()
    await call()
    return _ms(start)


async def run(runs: int, cached_runs: int) -> None:
    start = time.perf_counter()
    from bot.pictures.renderer import PictureRenderer

    renderer_import = _ms(start)

    from bot.facts.files import read_facts

    facts = read_facts()

    start = time.perf_counter()
    from bot.pictures import chart, worldmap  # noqa: F401  (matplotlib and numpy load here)

    plotting_import = _ms(start)
    start = time.perf_counter()
    worldmap.prepare()  # read, decode and project the outlines: once per process
    geometry = _ms(start)
    print(f"setup renderer_import_ms={renderer_import:.1f} "
          f"plotting_import_ms={plotting_import:.0f} geometry_ms={geometry:.0f}")

    renderer = PictureRenderer()
    try:
        # Chart: the default picture first, then other highlighted years (all cache misses),
        # then the default again (cache hits).
        first = await _timed(lambda: renderer.defectors_chart(facts))
        years = [p.last_year for p in facts.years]
        rerender = [await _timed(lambda y=y: renderer.defectors_chart(facts, highlight_year=y))
                    for y in (years * (runs // len(years) + 1))[:runs]]
        cached = [await _timed(lambda: renderer.defectors_chart(facts))
                  for _ in range(cached_runs)]
        size = len((await renderer.defectors_chart(facts)).data) / 1024
        print(f"chart first_ms={first:.0f} rerender_p50_ms={statistics.median(rerender):.0f} "
              f"cached_p50_ms={statistics.median(cached):.3f} png_kb={size:.0f}")

        # Map: the latest date first, then earlier dates (misses), then the latest again.
        latest = facts.latest_event_date
        first = await _timed(lambda: renderer.recognition_map(facts, latest))
        dates = [latest - dt.timedelta(days=30 * (k + 1)) for k in range(runs)]
        rerender = [await _timed(lambda d=d: renderer.recognition_map(facts, d)) for d in dates]
        cached = [await _timed(lambda: renderer.recognition_map(facts, latest))
                  for _ in range(cached_runs)]
        size = len((await renderer.recognition_map(facts, latest)).data) / 1024
        print(f"map first_ms={first:.0f} rerender_p50_ms={statistics.median(rerender):.0f} "
              f"cached_p50_ms={statistics.median(cached):.3f} png_kb={size:.0f}")
    finally:
        await renderer.close()

    # Linux reports ru_maxrss in KiB.
    print(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="re-renders per picture")
    parser.add_argument("--cached-runs", type=int, default=200, help="cache hits per picture")
    args = parser.parse_args()
    asyncio.run(run(args.runs, args.cached_runs))


if __name__ == "__main__":
    main()
