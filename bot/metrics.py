"""Operational metrics (Prometheus), the health check, and the event-loop lag monitor.

Served when ``METRICS_PORT`` is set, on ``METRICS_HOST`` (127.0.0.1 unless told otherwise):
``/metrics`` for Prometheus and ``/healthz`` for a service manager or a container
``HEALTHCHECK``. Each process keeps its own registry, so several bots (shards) in one test
process never share counters.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Coroutine, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, make_wsgi_app

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
LAG_BUCKETS = (0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075,
               0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 5.0)
LAG_INTERVAL = 0.01
# /healthz waits this long for the event loop to run the database probe: a loop stalled longer
# than that is itself unhealthy.
HEALTH_TIMEOUT = 3.0


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
        self._server: WSGIServer | None = None
        self._monitor: asyncio.Task[None] | None = None
        # Set by whoever runs the gateway (bot.runner); None: no gateway yet, not healthy.
        self.gateway_connected: Callable[[], bool] | None = None
        self._database: Callable[[], Coroutine[Any, Any, bool]] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def observe(self, command: str, outcome: str, seconds: float) -> None:
        self.interactions.labels(command, outcome).inc()
        self.response_seconds.labels(command).observe(max(seconds, 0.0))

    def serve(self, port: int, host: str = "127.0.0.1",
              database: Callable[[], Coroutine[Any, Any, bool]] | None = None) -> None:
        """Expose /metrics and /healthz on ``host:port`` (a daemon thread, so /metrics still
        answers while the event loop is stalled — that is when it is most useful)."""
        self._database = database
        self._loop = asyncio.get_running_loop()
        metrics_app = make_wsgi_app(self.registry)

        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            if environ.get("PATH_INFO") == "/healthz":
                ok, text = self.health()
                start_response("200 OK" if ok else "503 Service Unavailable",
                               [("Content-Type", "text/plain; charset=utf-8")])
                return [text.encode()]
            return metrics_app(environ, start_response)

        self._server = make_server(host, port, app, _ThreadingServer, handler_class=_Quiet)
        threading.Thread(target=self._server.serve_forever, name="metrics", daemon=True).start()
        log.info("metrics on http://%s:%d/metrics, health on /healthz", host, port)

    def health(self) -> tuple[bool, str]:
        """(healthy?, one line per check). Runs in the server's thread."""
        gateway = self.gateway_connected is not None and self.gateway_connected()
        database = False
        if self._database is not None and self._loop is not None:
            try:
                future: concurrent.futures.Future[bool] = asyncio.run_coroutine_threadsafe(
                    self._database(), self._loop)
                database = future.result(HEALTH_TIMEOUT)
            except Exception:  # timed out (stalled loop) or the loop is gone
                database = False
        text = (f"gateway: {'connected' if gateway else 'not connected'}\n"
                f"database: {'answers' if database else 'not answering'}\n")
        return gateway and database, text

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
            # shutdown() blocks until the serving thread notices: not on the event loop, where
            # a /healthz request may be waiting for it.
            await asyncio.to_thread(self._server.shutdown)
            self._server.server_close()  # frees the port
            self._server = None


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a hung client never keeps the process alive


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """One line per scrape on stderr is noise."""
