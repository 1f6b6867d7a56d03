"""How fair a server's consecutive rounds are: repeats, family shares, give-aways, key positions.

    python bench/round_quality.py --rounds 30 --questions 10 --seed 1

For each topic (mixed, defectors, recognition) it runs the real selector with its history,
through the real ``python -m bot quiz-rounds --json`` (the same code path as the bot's
``/quiz start``, on a throwaway database), and prints:

* ``repeats``: questions whose id was already asked in an earlier round (or earlier in the
  same round) of that run;
* ``max_family_share``: the largest share of one family among all the run's questions;
* ``giveaways``: the share of questions answered by an earlier question of the same round.
  Measured from the text alone, **independently of the declared fact keys**: let the
  *record* of an earlier question be its explanation plus its answer; a later question is
  given away when its subjects (the four-digit years and the UN member state names in its
  text; any of them) appear in an earlier record and, for a multiple-choice question, the
  record states its answer (as a whole token: "2,402" does not match "12,402"; a year only
  with its figure, "2021: 63", since a year that merely bounds a span — "from 2009 to
  2021" — tells nothing about which year was highest); a true/false question, whose answer
  ("True") no explanation prints, and a comparison, whose answer is one of its subjects
  ("2013 or 2022?"), are given away when all of their subjects appear in one
  earlier record (e.g. "Trinidad and Tobago: on 2 May 2024" before "Did Trinidad and Tobago
  recognize …?"). This over-counts a little (a record that names a year without its figure)
  rather than miss a give-away;
* the key-position shares over four-option questions (25 % each is fair).

Last line exactly: ``rounds=… repeats=… max_family_share=… giveaways=… max_position_share=…``
with ``repeats`` summed over the topics and the shares the worst topic's. The goal: 0 repeats,
no family above 20 %, give-aways ≤ 1 %.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.facts.files import read_facts  # noqa: E402

TOPICS = ("mixed", "defectors", "recognition")
YEAR = re.compile(r"(?<![\d,.])(?:19|20)\d\d(?![\d,])")


def play(topic: str, rounds: int, questions: int, seed: int) -> list[list[dict]]:
    out = subprocess.run([sys.executable, "-m", "bot", "quiz-rounds", "--rounds", str(rounds),
                          "--questions", str(questions), "--seed", str(seed), "--topic", topic,
                          "--json"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    played: list[list[dict]] = [[] for _ in range(rounds)]
    for line in out.splitlines():
        if line.strip():
            q = json.loads(line)
            played[q["round"] - 1].append(q)
    return played


def _contains(text: str, token: str) -> bool:
    return re.search(rf"(?<![\w,.]){re.escape(token)}(?![\w]|,\d)", text) is not None


def _states(record: str, answer: str) -> bool:
    """The record states the answer. A year is stated only with its figure ("2021: 63",
    "63 (2021)", "2011 → 2012: 2,706 to 1,502"): a year that only bounds a span ("from 2009
    to 2021") says nothing about which year was highest or lowest."""
    if not YEAR.fullmatch(answer):
        return _contains(record, answer)
    figure = r"[−+-]?\d[\d,]*"
    return re.search(rf"(?<!\d){answer}(?: → \d{{4}})?: {figure}|{figure} \({answer}\)"
                     rf"|\d{{4}} → {answer}: {figure}", record) is not None


def subjects(q: dict, states: list[str]) -> set[str]:
    text = q["text"]
    return set(YEAR.findall(text)) | {s for s in states if _contains(text, s)}


def given_away(q: dict, earlier: list[dict], states: list[str]) -> bool:
    subs = subjects(q, states)
    if not subs:
        return False
    answer = q["options"][q["answer_index"]]
    # True/false ("True" is printed by no explanation) and comparisons (the answer is one
    # of the subjects, "2013 or 2022?"): every subject stated in one earlier record.
    every = set(q["options"]) == {"True", "False"} or answer in subs
    for e in earlier:
        record = f"{e['explanation']} {e['options'][e['answer_index']]}"
        if every:
            if all(_contains(record, s) for s in subs):
                return True
        elif _states(record, answer) and any(_contains(record, s) for s in subs):
            return True
    return False


@dataclass
class Measured:
    questions: int
    repeats: int
    family: str
    max_family_share: float
    giveaways: float
    giveaway_ids: list[str]
    positions: list[float]

    @property
    def max_position_share(self) -> float:
        return max(self.positions, default=0.0)


def measure(played: list[list[dict]], states: list[str]) -> Measured:
    flat = [q for r in played for q in r]
    seen: set[str] = set()
    repeats = 0
    for q in flat:
        repeats += q["id"] in seen
        seen.add(q["id"])
    families = Counter(q["family"] for q in flat)
    top, top_count = families.most_common(1)[0] if families else ("-", 0)
    giveaways = [q for r in played for i, q in enumerate(r) if given_away(q, r[:i], states)]
    four = [q for q in flat if len(q["options"]) == 4]
    positions = Counter(q["answer_index"] for q in four)
    n = max(len(flat), 1)
    return Measured(len(flat), repeats, top, top_count / n, len(giveaways) / n,
                    [q["id"] for q in giveaways],
                    [positions[i] / max(len(four), 1) for i in range(4)])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=30)
    p.add_argument("--questions", type=int, default=10)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    states = [m.name for m in read_facts().members]
    results = []
    for topic in TOPICS:
        m = measure(play(topic, args.rounds, args.questions, args.seed), states)
        results.append(m)
        pos = " ".join(f"{'ABCD'[i]}={s:.1%}" for i, s in enumerate(m.positions))
        print(f"{topic:12s} questions={m.questions} repeats={m.repeats} "
              f"max_family={m.family} ({m.max_family_share:.1%}) "
              f"giveaways={m.giveaways:.1%} key positions {pos}")
        for qid in m.giveaway_ids:
            print(f"{'':12s} given away: {qid}")
    print(f"rounds={args.rounds} repeats={sum(m.repeats for m in results)} "
          f"max_family_share={max(m.max_family_share for m in results):.3f} "
          f"giveaways={max(m.giveaways for m in results):.3f} "
          f"max_position_share={max(m.max_position_share for m in results):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
