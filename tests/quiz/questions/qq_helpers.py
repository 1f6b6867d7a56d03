"""Helpers for the quiz question tests (a unique module name: tests/ has no packages)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import random
from pathlib import Path

from bot.facts.records import Facts
from bot.quiz.questions.model import Question, freeze_params
from bot.quiz.questions.registry import FAMILIES

DATA = Path(__file__).resolve().parents[3] / "data"
MOU_SOURCE = "MOU statistics page https://www.unikorea.go.kr/cn_unikorea/news/statistics1/defectors/"
VC_SOURCE = "Visual Capitalist https://www.visualcapitalist.com/recognition-of-israel-and-palestine-map/"
END_2025 = dt.date(2025, 12, 31)


def csv_totals() -> dict[int, tuple[int, int, int]]:
    """Single calendar years straight from data/defectors.csv: year → (total, male, female).
    Read with the csv module, not through Facts, so tests compare against the file itself."""
    with (DATA / "defectors.csv").open(encoding="utf-8", newline="") as fh:
        return {int(r["label"]): (int(r["total"]), int(r["male"]), int(r["female"]))
                for r in csv.DictReader(fh) if r["kind"] == "year"}


def with_year_total(facts: Facts, year: int, total: int) -> Facts:
    """A copy of ``facts`` where one single year has another total (women adjusted so the
    split still sums): for ties the real data does not contain."""
    periods = tuple(
        dataclasses.replace(p, total=total, female=total - p.male)
        if p.is_year and p.last_year == year else p
        for p in facts.periods
    )
    return dataclasses.replace(facts, periods=periods)  # a fresh memo comes with the copy


def q(**fields: object) -> Question:
    """A hand-made question; ``params`` may be a plain dict."""
    base: dict[str, object] = {"explanation": "because", "source": MOU_SOURCE,
                               "difficulty": "medium"}
    base.update(fields)
    base["params"] = freeze_params(base.get("params", {}))  # type: ignore[arg-type]
    base["options"] = tuple(base["options"])  # type: ignore[arg-type]
    return Question(**base)  # type: ignore[arg-type]


def draw(facts: Facts, family: str, want_id: str, tries: int = 5_000) -> Question:
    """Run one family with successive seeds until it produces the question ``want_id``."""
    fam = FAMILIES[family]
    for seed in range(tries):
        got = fam(facts, random.Random(seed))
        if got is not None and got.id == want_id:
            return got
    raise AssertionError(f"{family} never produced {want_id}")
