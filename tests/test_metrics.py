"""The Prometheus endpoint: on 127.0.0.1 only, counting what operators need."""

from __future__ import annotations

import asyncio
import socket
import urllib.request
from pathlib import Path

import pytest

from bot.local.session import running_bot
from bot.quiz import config
from bot.quiz.config import QuizConfig
from bot.services import open_services
from bot.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def scrape(port: int) -> dict[str, float]:
    def get() -> str:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()

    values: dict[str, float] = {}
    for line in (await asyncio.to_thread(get)).splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    return values


async def test_metrics_count_interactions_rounds_and_loop_lag(tmp_path: Path,
                                                              database_url: str) -> None:
    port = free_port()
    settings = Settings.from_mapping({"DATABASE_URL": database_url, "METRICS_PORT": str(port),
                                      "VAR_DIR": str(tmp_path / "var")})
    services = await open_services(settings)
    try:
        async with running_bot(services) as local:
            for _ in range(2):
                await local.invoke("/about")
            await local.invoke("/defectors year:1990")  # a polite "no data": still ok
            local.guild.command_overrides.add("quizadmin")
            await local.invoke("/quizadmin settings show")  # refused: not a moderator
            await config.save_config(services.engine, local.guild.id,
                                     QuizConfig(time_limit=30, reveal_pictures=False))
            await local.invoke("/quiz start")
            # The loop-lag monitor samples every 10 ms: wait for five samples (a loaded
            # machine runs it less often than 10 times in 0.1 s).
            for _ in range(100):
                await asyncio.sleep(0.05)
                values = await scrape(port)
                if values["factquiz_event_loop_lag_seconds_count"] >= 5:
                    break
            await services.quiz.stop(services.quiz.running_in(local.channel.id).info.round_id,
                                     None)
            after = await scrape(port)
    finally:
        await services.close()
    assert values['factquiz_interactions_total{command="about",outcome="ok"}'] == 2
    assert values['factquiz_interactions_total{command="defectors",outcome="ok"}'] == 1
    assert values['factquiz_interactions_total{command="quizadmin settings show",'
                  'outcome="refused"}'] == 1
    assert values['factquiz_response_seconds_count{command="about"}'] == 2
    assert values["factquiz_active_rounds"] == 1
    assert after["factquiz_active_rounds"] == 0
    assert values["factquiz_database_errors_total"] == 0
    assert values["factquiz_event_loop_lag_seconds_count"] >= 5


async def test_metrics_listen_on_loopback_only(tmp_path: Path, database_url: str) -> None:
    port = free_port()
    settings = Settings.from_mapping({"DATABASE_URL": database_url, "METRICS_PORT": str(port)})
    services = await open_services(settings)
    try:
        server = services.metrics._server
        assert server is not None
        assert server.server_address[:2] == ("127.0.0.1", port)  # type: ignore[attr-defined]
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    finally:
        await services.close()
    with pytest.raises(ConnectionRefusedError):  # closed with the services
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
