"""The loader validates before it writes: a broken file changes nothing and says why."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.facts import store
from bot.facts.files import DEFAULT_DATA_DIR, DataError, read_facts
from bot.services import Services

TABLES = ("defector_period", "member_state", "recognition_2023_11_14", "recognition_event",
          "article_fact", "dataset_version")


async def _snapshot(services: Services) -> dict[str, list[tuple]]:
    async with services.engine.connect() as conn:
        return {t: [tuple(r) for r in (await conn.execute(sa.text(f"SELECT * FROM {t}")))]
                for t in TABLES}


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target, ignore=shutil.ignore_patterns("geo"))
    return target


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _drop_line(path: Path, startswith: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith(startswith)),
                    encoding="utf-8")


BREAKAGES: dict[str, tuple[Callable[[Path], None], str, int | None, str]] = {
    "male+female": (lambda d: _edit(d / "defectors.csv", "2012,2012,1502,404,1098",
                                    "2012,2012,1502,405,1098"),
                    "defectors.csv", 14, "male + female = total"),
    "total": (lambda d: _edit(d / "defectors.csv", "2009,2009,2914,662,2252",
                              "2009,2009,2915,663,2252"),
              "defectors.csv", None, "all periods must sum to 34,537"),
    "kind": (lambda d: _edit(d / "defectors.csv", "2010,year,", "2010,decade,"),
             "defectors.csv", 12, "kind must be one of"),
    "not a number": (lambda d: _edit(d / "defectors.csv", "2011,2011,2706", "2011,2011,lots"),
                     "defectors.csv", 13, "total must be a whole number"),
    "no source": (lambda d: _edit(d / "recognition_events.csv",
                                  "2024-06-21,ARM,Armenia,recognizes_palestine,palestine=yes,,"
                                  "verified,https://en.armradio.am/2024/06/21/armenia-recognizes"
                                  "-the-state-of-palestine/",
                                  "2024-06-21,ARM,Armenia,recognizes_palestine,palestine=yes,,"
                                  "verified,"),
                  "recognition_events.csv", 12, "every event needs a source"),
    "192 members": (lambda d: _drop_line(d / "un_members.csv", "Tuvalu,"),
                    "un_members.csv", None, "expected 193 UN member states, found 192"),
    "duplicate iso": (lambda d: _edit(d / "un_members.csv", "Tuvalu,TV,TUV", "Tuvalu,TV,TUR"),
                      "un_members.csv", None, "duplicate iso3"),
    "counts": (lambda d: _edit(d / "recognition_2023-11-14.csv",
                               "FRA,France,yes,recognizes,,no,", "FRA,France,yes,recognizes,,yes,"),
               "recognition_2023-11-14.csv", None, "the 2023-11-14 counts must match the article"),
    "status contradiction": (lambda d: _edit(d / "recognition_2023-11-14.csv",
                                             "CUB,Cuba,no,withdrew", "CUB,Cuba,yes,withdrew"),
                             "recognition_2023-11-14.csv", None, "contradicts"),
    "date": (lambda d: _edit(d / "recognition_events.csv", "2024-05-28,ESP", "2024-13-28,ESP"),
             "recognition_events.csv", None, "not a real date"),
    "missing column": (lambda d: _edit(d / "recognition_events.csv", "date,iso3,country,",
                                       "date,iso3,"),
                       "recognition_events.csv", 1, "header must be"),
    "missing file": (lambda d: (d / "un_members.csv").unlink(), "un_members.csv", None,
                     "file is missing"),
}


@pytest.mark.parametrize("kind", list(BREAKAGES))
async def test_a_broken_file_changes_nothing_and_says_where(
    services: Services, tmp_path: Path, kind: str
) -> None:
    breaker, file, line, rule = BREAKAGES[kind]
    data = _copy(tmp_path)
    breaker(data)
    before = await _snapshot(services)
    with pytest.raises(DataError) as info:
        await store.load(services.engine, data)
    error = info.value
    assert error.file == file
    if line is not None:
        assert error.line is not None
        assert str(error).startswith(f"{file}, line ")
    assert rule in error.rule
    assert await _snapshot(services) == before


async def test_loading_twice_changes_nothing(services: Services) -> None:
    before = await _snapshot(services)
    result = await store.load(services.engine)
    assert not result.changed
    assert await _snapshot(services) == before


async def test_a_changed_file_reloads_and_the_snapshot_round_trips(services: Services,
                                                                    tmp_path: Path) -> None:
    data = _copy(tmp_path)
    _edit(data / "defectors.csv", "Calendar year (MOU announcement Jan 2021).",
          "Calendar year (MOU announcement in January 2021).")
    result = await store.load(services.engine, data)
    assert result.changed
    facts = read_facts(data)
    # Every row of every file is written once: periods, members, snapshot, events, article facts.
    assert result.rows == (len(facts.periods) + len(facts.members) + len(facts.snapshot)
                           + len(facts.events) + len(facts.article_facts))
    assert (len(facts.periods), len(facts.members), len(facts.snapshot)) == (27, 193, 193)
    from_db = await store.read(services.engine)
    assert from_db == facts


def test_the_line_numbers_point_at_the_row(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    BREAKAGES["male+female"][0](data)
    with pytest.raises(DataError) as info:
        read_facts(data)
    assert info.value.line is not None
    lines = (data / "defectors.csv").read_text().splitlines()
    assert lines[info.value.line - 1].startswith("2012,")


def test_the_cli_reports_a_broken_file(tmp_path: Path, database_url: str) -> None:
    import os
    import subprocess
    import sys

    data = _copy(tmp_path)
    BREAKAGES["male+female"][0](data)
    env = {**os.environ, "DATABASE_URL": database_url}
    proc = subprocess.run([sys.executable, "-m", "bot", "load-data", "--data-dir", str(data)],
                          cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 1
    assert "defectors.csv, line 14: male + female = total" in proc.stderr
    ok = subprocess.run([sys.executable, "-m", "bot", "load-data"], env=env,
                        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True,
                        timeout=60)
    assert ok.returncode == 0
    assert "loaded" in ok.stdout
