"""Start N bot processes at once on one fresh database, then again after the data files
changed, and count the ones that crash (issue 14: the start-up race).

    scripts/with-postgres.sh .venv/bin/python scripts/startup_race.py --runs 10 --procs 6
    .venv/bin/python scripts/startup_race.py --source /tmp/old-tree   # measure another tree

Without TEST_DATABASE_URL each run uses a fresh SQLite file. ``--source`` runs the code of
another checkout (e.g. ``git archive <commit> | tar -x -C DIR``) with this interpreter.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


async def _wave(source: Path, env: dict[str, str], procs: int,
                command: list[str]) -> list[tuple[int, str, str]]:
    async def one() -> tuple[int, str, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *command, cwd=source, env=env,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), 300)
        assert proc.returncode is not None
        return proc.returncode, out.decode(), err.decode()

    return list(await asyncio.gather(*(one() for _ in range(procs))))


def changed_data(source: Path, into: Path) -> Path:
    """A valid edit: one more alias for Côte d'Ivoire (a new data version, same facts)."""
    target = into / "data"
    shutil.copytree(source / "data", target, ignore=shutil.ignore_patterns("geo"))
    members = target / "un_members.csv"
    text = members.read_text(encoding="utf-8")
    old = "Cote d'Ivoire|Ivory Coast|"
    assert old in text
    members.write_text(text.replace(old, "Cote d'Ivoire|Ivory Coast|Elfenbeinküste|", 1),
                       encoding="utf-8")
    return target


def _error(err: str) -> str:
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    for ln in reversed(lines):
        if "Error" in ln or "error" in ln or "cannot" in ln:
            return ln.strip()[:160]
    return lines[-1][:160] if lines else "(no output)"


async def fresh_postgres(server_url: str) -> tuple[str, str]:
    import asyncpg
    from sqlalchemy.engine import make_url

    server = make_url(server_url)
    name = f"race_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server.set(drivername="postgresql")
                                  .render_as_string(hide_password=False))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return server.set(database=name).render_as_string(hide_password=False), name


async def drop_postgres(server_url: str, name: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    admin = await asyncpg.connect(make_url(server_url).set(drivername="postgresql")
                                  .render_as_string(hide_password=False))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def run(source: Path, runs: int, procs: int, command: list[str]) -> dict[str, int]:
    server = os.environ.get("TEST_DATABASE_URL")
    tally: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    for i in range(runs):
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            if server:
                url, name = await fresh_postgres(server)
            else:
                url, name = f"sqlite+aiosqlite:///{tmp / 'race.db'}", ""
            env = {**os.environ, "DATABASE_URL": url, "VAR_DIR": str(tmp / "var"),
                   "DISCORD_TOKEN": "", "PYTHONPATH": str(source)}
            env.pop("DATA_DIR", None)
            try:
                fresh = await _wave(source, env, procs, command)
                changed = await _wave(source, {**env, "DATA_DIR": str(changed_data(source, tmp))},
                                      procs, command)
            finally:
                if server:
                    await drop_postgres(server, name)
        for wave, results in (("fresh", fresh), ("changed", changed)):
            crashed = [r for r in results if r[0] != 0]
            tally[f"{wave}_processes"] += len(results)
            tally[f"{wave}_crashed"] += len(crashed)
            tally[f"{wave}_runs_with_crash"] += bool(crashed)
            errors.update(_error(r[2]) for r in crashed)
        print(f"run {i + 1}: fresh {sum(r[0] != 0 for r in fresh)}/{procs} crashed, "
              f"changed {sum(r[0] != 0 for r in changed)}/{procs} crashed", flush=True)
    print(dict(tally))
    for line, n in errors.most_common(5):
        print(f"  {n}× {line}")
    return dict(tally)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--procs", type=int, default=6)
    parser.add_argument("--source", type=Path, default=ROOT, help="the checkout to run")
    parser.add_argument("--command", default="load-data",
                        help='what each process runs: "load-data" (default), "migrate", or '
                             '"ask /about" (the full start-up)')
    args = parser.parse_args()
    command = args.command.split(" ", 1)
    tally = asyncio.run(run(args.source.resolve(), args.runs, args.procs, command))
    return 1 if tally["fresh_crashed"] or tally["changed_crashed"] else 0


if __name__ == "__main__":
    sys.exit(main())
