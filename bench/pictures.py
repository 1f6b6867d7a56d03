"""How long pictures take: first render, re-render with new parameters, cached; and what
the pictures cost the bot process in memory, with the render worker reported separately.

Run: ``.venv/bin/python bench/pictures.py [--runs N]``. Goals on the 2-core box: a first
render ≤ 300 ms once the worker has started, a cached one ≤ 5 ms; the bot process ≤ 150 MB
RSS (issue 15), with matplotlib only in the worker.

The one-off cost is printed on its own line so "first" is honest: starting the render worker
process (``spawn``, importing matplotlib, loading + projecting the map outlines) happens once
per worker, which the bot pays at start-up with ``PictureRenderer.warm_up``. Renders go
through ``PictureRenderer``, i.e. the lanes, the pipe to the worker process and back, exactly
as the bot calls them. This process plays the bot: it reads the facts and owns the renderer.

Prints::

    setup renderer_import_ms=… worker_start_ms=…
    chart first_ms=… rerender_p50_ms=… cached_p50_ms=… png_kb=…
    map first_ms=… rerender_p50_ms=… cached_p50_ms=… png_kb=…
    bot_rss_mb before=… after=… peak=… matplotlib_loaded=False
    worker_rss_mb=… workers=1
"""

from __future__ import annotations

import argparse
import asyncio
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


async def run(runs: int, cached_runs: int, workers: int) -> None:
    start = time.perf_counter()
    from bot.pictures.renderer import PictureRenderer

    renderer_import = _ms(start)

    from bot.facts.files import read_facts

    facts = read_facts()
    rss_before = _rss_mb("self")

    renderer = PictureRenderer(workers=workers)
    try:
        start = time.perf_counter()
        await renderer.warm_up()  # spawn; matplotlib and the outlines load in the worker
        print(f"setup renderer_import_ms={renderer_import:.1f} worker_start_ms={_ms(start):.0f}")

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
        # Distinct pictures: maps are keyed by the data they show (the last event on or
        # before the date), so stepping back by days would mostly hit the cache.
        dates = sorted({e.effective for e in facts.events} - {latest}, reverse=True)[:runs]
        rerender = [await _timed(lambda d=d: renderer.recognition_map(facts, d)) for d in dates]
        cached = [await _timed(lambda: renderer.recognition_map(facts, latest))
                  for _ in range(cached_runs)]
        size = len((await renderer.recognition_map(facts, latest)).data) / 1024
        print(f"map first_ms={first:.0f} rerender_p50_ms={statistics.median(rerender):.0f} "
              f"cached_p50_ms={statistics.median(cached):.3f} png_kb={size:.0f}")
        pids = renderer.worker_pids()
        worker_rss = sum(_rss_mb(str(pid)) for pid in pids)
    finally:
        await renderer.close()

    # Linux reports ru_maxrss in KiB; this process's own peak, the worker not included.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"bot_rss_mb before={rss_before:.0f} after={_rss_mb('self'):.0f} peak={peak:.0f} "
          f"matplotlib_loaded={'matplotlib' in sys.modules}")
    print(f"worker_rss_mb={worker_rss:.0f} workers={len(pids)}")


def _rss_mb(pid: str) -> float:
    """Resident memory now, from /proc (``pid`` "self" or a number)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="re-renders per picture")
    parser.add_argument("--cached-runs", type=int, default=200, help="cache hits per picture")
    parser.add_argument("--workers", type=int, default=1, help="render worker processes")
    args = parser.parse_args()
    asyncio.run(run(args.runs, args.cached_runs, args.workers))


if __name__ == "__main__":
    main()
