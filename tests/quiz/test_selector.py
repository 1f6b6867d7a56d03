"""The round selector: memory per server, family shares, subjects and give-aways."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Iterable

import pytest
import sqlalchemy as sa

from bot.db import migrate
from bot.db.engine import create_engine
from bot.quiz import admin, selector
from bot.quiz.questions.model import Question
from bot.quiz.selector import Selector, pick

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def q(qid: str, family: str, *, subjects: Iterable[str] = (), asks: Iterable[str] = (),
      reveals: Iterable[str] = (), difficulty: str = "easy") -> Question:
    return Question(id=qid, family=family, topic="defectors", difficulty=difficulty,  # type: ignore[arg-type]
                    text=f"{qid}?", options=("1", "2"), answer_index=0, explanation="",
                    source="", as_of=dt.date(2025, 12, 31), subjects=frozenset(subjects),
                    asks=frozenset(asks), reveals=frozenset(reveals))


def pools(families: int = 6, size: int = 20) -> dict[str, list[Question]]:
    return {f"f{f}": [q(f"f{f}:{i}", f"f{f}", subjects=[f"s:{f}:{i}"]) for i in range(size)]
            for f in range(families)}


def test_no_repeats_until_the_pool_is_exhausted_then_least_recently_asked() -> None:
    p = pools(families=5, size=4)  # 20 questions
    history: dict[str, dt.datetime] = {}
    asked: list[str] = []
    for r in range(4):  # 4 rounds of 5 use the pool exactly
        chosen = pick(p, history, 5, random.Random(r))
        assert len(chosen) == 5
        asked += [c.id for c in chosen]
        history.update({c.id: T0 + dt.timedelta(hours=r) for c in chosen})
    assert len(asked) == len(set(asked)) == 20
    fifth = pick(p, history, 5, random.Random(9))
    # Exhausted: the first round's questions (the oldest) come back first.
    assert {c.id for c in fifth} == set(asked[:5])


def test_family_share_cap_and_tiny_families_come_back_rarely() -> None:
    p = pools(families=8, size=40)
    p["tiny"] = [q("tiny:1", "tiny", subjects=["s:tiny"])]
    history: dict[str, dt.datetime] = {}
    families: Counter[str] = Counter()
    for r in range(30):
        chosen = pick(p, history, 10, random.Random(r))
        per_round = Counter(c.family for c in chosen)
        assert max(per_round.values()) <= 2  # 20 % of 10
        families.update(per_round)
        history.update({c.id: T0 + dt.timedelta(hours=r) for c in chosen})
    assert families["tiny"] <= 1
    assert max(families.values()) / 300 <= 0.2


def test_no_subject_twice_and_no_give_away_in_a_round() -> None:
    p = {"a": [q("a:2010", "a", subjects=["year:2010"], asks=["arrivals:2010"],
                 reveals=["arrivals:2011"])],
         "b": [q("b:2010", "b", subjects=["year:2010"], asks=["women:2010"])],
         "c": [q("c:2011", "c", subjects=["year:2011b"], asks=["arrivals:2011"])],
         "d": [q("d:x", "d", subjects=["year:2012"], asks=["arrivals:2012"])]}
    for seed in range(30):
        chosen = pick(p, {}, 2, random.Random(seed))
        ids = {c.id for c in chosen}
        assert not {"a:2010", "b:2010"} <= ids  # one subject
        order = [c.id for c in chosen]
        assert not (order[:1] == ["a:2010"] and "c:2011" in order)  # a reveals what c asks


def test_difficulty_uses_the_injected_measure() -> None:
    p = {"a": [q("a:1", "a", difficulty="easy"), q("a:2", "a", difficulty="easy")]}
    measured = {"a:1": "hard", "a:2": "easy"}
    chosen = pick(p, {}, 2, random.Random(1), difficulty="hard",
                  difficulty_of=lambda x: measured[x.id])
    assert [c.id for c in chosen] == ["a:1"]


@pytest.fixture
async def engine(database_url: str):  # type: ignore[no-untyped-def]
    eng = create_engine(database_url)
    await migrate.upgrade(eng)
    yield eng
    await eng.dispose()


@pytest.fixture
def fake_pools(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Question]]:
    p = pools(families=5, size=10)
    monkeypatch.setattr(selector, "candidates", lambda _facts, _topic: p)
    return p


async def history_ids(engine, guild_id: int) -> set[str]:  # type: ignore[no-untyped-def]
    async with engine.connect() as conn:
        return set((await conn.execute(sa.text(
            "SELECT question_id FROM quiz_question_history WHERE guild_id = :g"),
            {"g": guild_id})).scalars())


async def test_history_is_per_guild_and_survives_a_new_selector(engine, fake_pools) -> None:  # type: ignore[no-untyped-def]
    first = Selector(engine, lambda: None)  # type: ignore[arg-type, return-value]
    a = await first.draw(guild_id=1, count=5, seed=1, now=T0)
    again = Selector(engine, lambda: None)  # type: ignore[arg-type, return-value]  # a restart
    b = await again.draw(guild_id=1, count=5, seed=1, now=T0 + dt.timedelta(hours=1))
    assert not {x.id for x in a} & {x.id for x in b}
    other = await again.draw(guild_id=2, count=5, seed=1, now=T0)
    assert [x.id for x in other] == [x.id for x in a]  # guild 2 has no history of its own
    assert await history_ids(engine, 1) == {x.id for x in a + b}
    async with engine.connect() as conn:
        subjects = (await conn.execute(sa.text(
            "SELECT subjects FROM quiz_question_history WHERE question_id = :q"),
            {"q": a[0].id})).scalar()
    assert subjects == " ".join(sorted(a[0].subjects))


async def test_history_is_bounded_per_guild(engine, fake_pools) -> None:  # type: ignore[no-untyped-def]
    sel = Selector(engine, lambda: None, history_limit=12)  # type: ignore[arg-type, return-value]
    drawn = []
    for r in range(5):
        drawn.append(await sel.draw(guild_id=1, count=5, seed=r,
                                    now=T0 + dt.timedelta(hours=r)))
    kept = await history_ids(engine, 1)
    assert len(kept) == 12
    assert {x.id for x in drawn[-1] + drawn[-2]} <= kept  # the newest are the ones kept


async def test_history_is_deleted_with_the_guilds_data(engine, fake_pools) -> None:  # type: ignore[no-untyped-def]
    sel = Selector(engine, lambda: None)  # type: ignore[arg-type, return-value]
    await sel.draw(guild_id=1, count=5, seed=1, now=T0)
    await sel.draw(guild_id=2, count=5, seed=1, now=T0)
    await admin.forget_guild(engine, 1)
    assert await history_ids(engine, 1) == set()
    assert len(await history_ids(engine, 2)) == 5


async def test_quiz_rounds_json_keys_and_determinism(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.facts.files import read_facts
    from bot.quiz.questions import round_sample

    facts = read_facts()
    argv = ["--rounds", "3", "--questions", "10", "--seed", "7", "--topic", "defectors",
            "--json"]
    assert await round_sample.main(argv, facts) == 0
    first = capsys.readouterr().out.splitlines()
    assert await round_sample.main(["quiz-rounds", *argv], facts) == 0
    assert capsys.readouterr().out.splitlines() == first
    rows = [json.loads(line) for line in first]
    assert len(rows) == 30
    sample_keys = set(next(iter(selector.candidates(facts, "defectors").values()))[0]
                      .to_json_dict())
    assert all(set(r) == sample_keys | {"round", "position"} for r in rows)
    assert [(r["round"], r["position"]) for r in rows] == [
        (n, p) for n in range(1, 4) for p in range(1, 11)]
    assert len({r["id"] for r in rows}) == 30  # no repeats across the rounds
