"""/healthz on the metrics server: 200 only with the gateway connected and the database
answering, 503 otherwise (issue 14, item 8)."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from bot.local.session import running_bot
from bot.local.standin import StandIn
from bot.runner import gateway_connected
from bot.services import open_services
from bot.settings import Settings
from tests.support.databases import TEST_DATABASE_URL
from tests.support.processes import bot_env, bot_process
from tests.test_metrics import free_port


async def healthz(port: int, host: str = "127.0.0.1") -> tuple[int, str]:
    def get() -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://{host}:{port}/healthz", timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()
        except OSError as exc:  # not listening yet
            return 0, str(exc)

    return await asyncio.to_thread(get)


async def _make_database_gone(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        # Like a server that went away: every connection is cut and none can be made.
        assert TEST_DATABASE_URL
        admin = await asyncpg.connect(make_url(TEST_DATABASE_URL).set(drivername="postgresql")
                                      .render_as_string(hide_password=False))
        try:
            await admin.execute(f'DROP DATABASE "{url.database}" WITH (FORCE)')
        finally:
            await admin.close()
        return
    # SQLite: the file is replaced by something that cannot be opened as a database.
    path = Path(str(url.database))

    def replace() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.mkdir()

    await asyncio.to_thread(replace)


async def test_healthz_is_200_when_connected_and_503_when_the_database_is_gone(
    tmp_path: Path, database_url: str
) -> None:
    port = free_port()
    settings = Settings.from_mapping({"DATABASE_URL": database_url, "METRICS_PORT": str(port),
                                      "VAR_DIR": str(tmp_path / "var")})
    services = await open_services(settings)
    try:
        status, text = await healthz(port)
        assert status == 503  # no gateway yet
        assert "gateway: not connected" in text
        async with running_bot(services) as local:
            services.metrics.gateway_connected = lambda: gateway_connected(local.bot)
            status, text = await healthz(port)
            assert (status, text) == (200, "gateway: connected\ndatabase: answers\n")
            await services.engine.dispose()  # drop pooled connections: new ones must be made
            await _make_database_gone(database_url)
            status, text = await healthz(port)
            assert status == 503
            assert text == "gateway: connected\ndatabase: not answering\n"
    finally:
        services.metrics.gateway_connected = None
        await services.close()


async def test_a_bot_process_reports_healthy_then_503_when_the_gateway_goes(
    tmp_path: Path, database_url: str
) -> None:
    """The real start-up path (python -m bot with a token): the runner wires the gateway in."""
    standin = StandIn()
    await standin.start()
    port = free_port()
    env = bot_env(standin, database_url, tmp_path, METRICS_PORT=str(port),
                  METRICS_HOST="127.0.0.1")
    stopped = False
    try:
        async with bot_process(env, tmp_path / "bot.log") as proc:
            async def healthy() -> bool:
                return (await healthz(port))[0] == 200

            deadline = asyncio.get_running_loop().time() + 60
            while not await healthy():
                assert asyncio.get_running_loop().time() < deadline, \
                    (tmp_path / "bot.log").read_text()
                await asyncio.sleep(0.2)
            await standin.stop()  # Discord goes away: the websocket closes
            stopped = True
            statuses: list[int] = []

            async def record() -> bool:
                statuses.append((await healthz(port))[0])
                return statuses[-1] == 503

            deadline = asyncio.get_running_loop().time() + 30
            while not await record():
                assert asyncio.get_running_loop().time() < deadline, statuses
                await asyncio.sleep(0.2)
            # Unhealthy, not dead: discord.py keeps reconnecting (and logs each attempt).
            assert proc.returncode is None
    finally:
        if not stopped:
            await standin.stop()


def test_metrics_host_is_configurable_and_local_by_default() -> None:
    assert Settings.from_mapping({}).metrics_host == "127.0.0.1"
    assert Settings.from_mapping({"METRICS_HOST": "0.0.0.0"}).metrics_host == "0.0.0.0"


