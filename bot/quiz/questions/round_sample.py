"""``python -m bot quiz-rounds``: the questions of N consecutive rounds in one channel, picked
exactly as the bot picks them (:class:`bot.quiz.selector.Selector`, with its history), on a
throwaway SQLite database in a temporary folder.

With ``--json`` each line is one object: exactly the keys of :meth:`Question.to_json_dict`
plus ``round`` and ``position`` (both 1-based); scripted checks depend on that form. Round
``r`` uses the seed ``"<seed>:<r>"`` and is asked one hour after round ``r - 1``, so the same
seed and facts always print the same rounds. :func:`play_rounds` is the shared code path
(``bench/round_quality.py`` measures it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

from bot.facts.records import Facts
from bot.quiz.questions.model import Question
from bot.quiz.questions.sample import _positive, add_common_options

PROG = "python -m bot quiz-rounds"
GUILD_ID = 1  # the throwaway database holds one server with one channel
START = dt.datetime(2026, 1, 1, 20, 0, tzinfo=dt.UTC)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description=(
        "Print the questions of consecutive quiz rounds in one channel, as the selector "
        "picks them with its per-server history."))
    p.add_argument("--rounds", type=_positive, required=True, help="how many rounds")
    p.add_argument("--questions", type=_positive, required=True, help="questions per round")
    add_common_options(p)
    return p


async def play_rounds(facts: Facts, *, rounds: int, questions: int, seed: int | str,
                      topic: str = "mixed", difficulty: str | None = None
                      ) -> list[list[Question]]:
    """``rounds`` consecutive rounds of one server, through the real selector and history."""
    from bot.db import migrate
    from bot.db.engine import create_engine
    from bot.quiz.selector import Selector

    with tempfile.TemporaryDirectory(prefix="quiz-rounds-") as tmp:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(tmp) / 'rounds.db'}")
        try:
            await migrate.upgrade(engine)
            selector = Selector(engine, lambda: facts)
            return [await selector.draw(guild_id=GUILD_ID, count=questions,
                                        seed=f"{seed}:{r}", topic=topic,
                                        difficulty=difficulty,
                                        now=START + dt.timedelta(hours=r))
                    for r in range(1, rounds + 1)]
        finally:
            await engine.dispose()


async def main(argv: list[str], facts: Facts) -> int:
    args = _parser().parse_args(argv[1:] if argv[:1] == ["quiz-rounds"] else argv)
    played = await play_rounds(facts, rounds=args.rounds, questions=args.questions,
                               seed=args.seed, topic=args.topic, difficulty=args.difficulty)
    short = [r for r, qs in enumerate(played, 1) if len(qs) < args.questions]
    if short:
        print(f"{PROG}: rounds {', '.join(map(str, short))} have fewer than "
              f"{args.questions} questions", file=sys.stderr)
    for r, qs in enumerate(played, 1):
        if not args.json:
            print(f"Round {r}")
        for position, q in enumerate(qs, 1):
            if args.json:
                print(json.dumps({**q.to_json_dict(), "round": r, "position": position},
                                 ensure_ascii=False))
            else:
                print(_text(position, q))
    return 1 if not any(played) else 0


def _text(n: int, q: Question) -> str:
    lines = [f"  {n}. [{q.family}/{q.difficulty}] {q.text}"]
    lines += [f"     {'*' if i == q.answer_index else ' '} {chr(ord('A') + i)}. {o}"
              for i, o in enumerate(q.options)]
    lines.append(f"     Why: {q.explanation}")
    return "\n".join(lines)
