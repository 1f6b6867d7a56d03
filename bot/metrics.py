"""Operational metrics (Prometheus) and the event-loop lag monitor.

Served on 127.0.0.1 only, when ``METRICS_PORT`` is set. Each process keeps its own registry,
so several bots (shards) in one test process never share counters.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
LAG_BUCKETS = (0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075,
               0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 5.0)
LAG_INTERVAL = 0.01


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.interactions = Counter(
            "factquiz_interactions", "Interactions handled, by command and outcome",
            ["command", "outcome"], registry=self.registry)
        self.response_seconds = Histogram(
            "factquiz_response_seconds", "From the interaction's creation to the bot's answer",
            ["command"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.active_rounds = Gauge("factquiz_active_rounds", "Quiz rounds running in this process",
                                   registry=self.registry)
        self.database_errors = Counter("factquiz_database_errors",
                                       "Database operations that failed", registry=self.registry)
        self.loop_lag = Histogram(
            "factquiz_event_loop_lag_seconds",
            f"How late the event loop wakes a {LAG_INTERVAL * 1000:.0f} ms timer",
            buckets=LAG_BUCKETS, registry=self.registry)
        self._server: object | None = None
        self._monitor: asyncio.Task[None] | None = None

    def observe(self, command: str, outcome: str, seconds: float) -> None:
        self.interactions.labels(command, outcome).inc()
        self.response_seconds.labels(command).observe(max(seconds, 0.0))

    def serve(self, port: int) -> None:
        """Expose /metrics on 127.0.0.1:``port`` (a daemon thread)."""
        self._server, _ = start_http_server(port, addr="127.0.0.1", registry=self.registry)
        log.info("metrics on http://127.0.0.1:%d/metrics", port)

    def start_lag_monitor(self) -> None:
        if self._monitor is None:
            self._monitor = asyncio.get_running_loop().create_task(self._watch_loop(),
                                                                   name="loop-lag")

    async def _watch_loop(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(LAG_INTERVAL)
            self.loop_lag.observe(max(0.0, time.perf_counter() - start - LAG_INTERVAL))

    async def close(self) -> None:
        if self._monitor is not None:
            self._monitor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._monitor
            self._monitor = None
        if self._server is not None:
            self._server.shutdown()  # type: ignore[attr-defined]
            self._server.server_close()  # type: ignore[attr-defined]  # frees the port
            self._server = None
