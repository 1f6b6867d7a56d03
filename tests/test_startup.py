"""Start-up is safe to run N times at once (issue 14, item 1): six processes on one fresh
database, then six more after the data files changed. Before the start-up lock, PostgreSQL
crashed some of them (``pg_type_typname_nsp_index``, ``member_state_pkey``)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.db import migrate
from bot.db.engine import create_engine
from bot.facts import store
from bot.facts.files import data_digest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from startup_race import changed_data  # noqa: E402  (the measuring script's own edit)

PROCESSES = 6


async def _start_all(env: dict[str, str], *args: str) -> list[tuple[int, str, str]]:
    async def one() -> tuple[int, str, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *args, cwd=ROOT, env=env,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), 300)
        return int(proc.returncode or 0), out.decode(), err.decode()

    return list(await asyncio.gather(*(one() for _ in range(PROCESSES))))


@pytest.mark.slow
async def test_six_processes_start_at_once_fresh_and_after_a_data_change(
    tmp_path: Path, database_url: str
) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "VAR_DIR": str(tmp_path / "var"),
           "DISCORD_TOKEN": ""}
    env.pop("DATA_DIR", None)
    fresh = await _start_all(env, "load-data")
    assert [r[0] for r in fresh] == [0] * PROCESSES, [r[2] for r in fresh if r[0]]
    # One migrates and loads; the others wait for it and find nothing to do.
    assert sum(r[1].startswith("loaded ") for r in fresh) == 1, [r[1] for r in fresh]
    assert sum(r[1].startswith("data unchanged") for r in fresh) == PROCESSES - 1

    # The real start-up path (open_services, as `python -m bot` runs it) on changed files.
    data = changed_data(ROOT, tmp_path)
    changed = await _start_all({**env, "DATA_DIR": str(data)}, "ask", "/about")
    assert [r[0] for r in changed] == [0] * PROCESSES, [r[2] for r in changed if r[0]]
    assert all("FACTQUIZ" in r[1] for r in changed)
    assert not any("Traceback" in r[2] for r in fresh + changed)

    engine = create_engine(database_url)
    try:
        assert await migrate.current_revision(engine) == migrate.head_revision()
        async with engine.connect() as conn:
            members = (await conn.execute(sa.text("SELECT count(*) FROM member_state"))).scalar()
        assert members == 193
        facts = await store.read(engine)
        assert facts is not None
        assert facts.version == data_digest(data)  # the changed files are what is loaded
    finally:
        await engine.dispose()
