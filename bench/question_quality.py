"""How well a player who guesses by pattern does, per question family.

    python bench/question_quality.py --count 9000 --seed 1

Draws questions through the real ``python -m bot quiz-sample --json`` (the interface players'
questions come from), then scores simple guessing strategies against them:

* ``always_a`` / ``always_last``: a fixed position;
* ``smallest`` / ``largest`` / ``middle``: by value, when every option is a number (``middle``
  is the lower of the two middle options when there are four);
* ``earliest_year``: the earliest, when every option is a year;
* ``pick_1988``: "1988" whenever it is offered;
* ``always_true``: "True" in true/false questions;
* ``pick_oic`` / ``avoid_oic``: the option that is a member of the Organisation of Islamic
  Cooperation (or one that is not), when the options mix both — the shortcut a player uses on
  "which has never recognized Israel";
* ``longest``: the longest option.

A strategy that cannot choose (no number among the options, no OIC member offered, …) is not
scored on that question, and when it leaves a tie it is credited the expected share (1 / the
tied options). Its *gain* is its accuracy minus chance (the mean of 1/options) on the same
questions, in percentage points. The goal: no strategy beats chance by more than 10 points on
any family with ≥ 60 questions in the sample; strategies are judged where they apply to at
least 30 of that family's questions (below that a share moves ±8 points by luck alone).

Per family the bench prints the count, the distinct questions, the key-position shares, the
True share and each strategy's accuracy next to chance. ``max_position_share`` is over the
questions with four options (where 25 % is fair); ``true_share`` over true/false questions.
Last line exactly (one line; wrapped here)::

    questions=… families=… max_position_share=… true_share=…
    worst_guess=<family>/<strategy> worst_guess_gain_pp=…
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.facts.files import read_facts  # noqa: E402

MIN_FAMILY = 60
MIN_APPLIES = 30
# Members of the Organisation of Islamic Cooperation that are UN member states (56; the 57th
# member is Palestine). A player's heuristic, used only to score guessing here: the bot never
# states OIC membership as a fact.
OIC = frozenset((
    "AFG", "ALB", "DZA", "AZE", "BHR", "BGD", "BEN", "BRN", "BFA", "CMR", "TCD", "COM", "DJI",
    "EGY", "GAB", "GMB", "GIN", "GNB", "GUY", "IDN", "IRN", "IRQ", "CIV", "JOR", "KAZ", "KWT",
    "KGZ", "LBN", "LBY", "MYS", "MDV", "MLI", "MRT", "MAR", "MOZ", "NER", "NGA", "OMN", "PAK",
    "QAT", "SAU", "SEN", "SLE", "SOM", "SDN", "SUR", "SYR", "TJK", "TGO", "TUN", "TUR", "TKM",
    "UGA", "ARE", "UZB", "YEM",
))

Choice = dict[int, float]  # option index -> share of the guess (sums to 1)
Strategy = Callable[[dict], Choice | None]


def _number(option: str) -> float | None:
    match = re.fullmatch(r"[^\d−-]*?([−-]?[\d,]*\.?\d+)\s*%?[^\d]*", option)
    if match is None or re.search(r"\d\D+\d", option.replace(",", "").replace(".", "")):
        return None
    return float(match.group(1).replace(",", "").replace("−", "-"))


def _numbers(q: dict) -> list[float] | None:
    values = [_number(o) for o in q["options"]]
    return None if any(v is None for v in values) or len(q["options"]) < 3 else values  # type: ignore[return-value]


def _pick(indices: Sequence[int]) -> Choice | None:
    return {i: 1 / len(indices) for i in indices} if indices else None


def _by_value(select: Callable[[list[float]], float]) -> Strategy:
    def strategy(q: dict) -> Choice | None:
        values = _numbers(q)
        if values is None:
            return None
        target = select(values)
        return _pick([i for i, v in enumerate(values) if v == target])
    return strategy


def _middle(values: list[float]) -> float:
    return sorted(values)[(len(values) - 1) // 2]


def _earliest_year(q: dict) -> Choice | None:
    if not all(re.fullmatch(r"(19|20)\d\d", o) for o in q["options"]) or len(q["options"]) < 3:
        return None
    first = min(q["options"])
    return _pick([i for i, o in enumerate(q["options"]) if o == first])


def _offered(text: str) -> Strategy:
    def strategy(q: dict) -> Choice | None:
        return _pick([i for i, o in enumerate(q["options"]) if o == text])
    return strategy


def _oic(isos: dict[str, str], *, pick: bool) -> Strategy:
    def strategy(q: dict) -> Choice | None:
        codes = [isos.get(o) for o in q["options"]]
        if None in codes:
            return None
        inside = [i for i, c in enumerate(codes) if c in OIC]
        outside = [i for i, c in enumerate(codes) if c not in OIC]
        if not inside or not outside:
            return None
        return _pick(inside if pick else outside)
    return strategy


def _longest(q: dict) -> Choice | None:
    if len(q["options"]) < 3:
        return None
    longest = max(map(len, q["options"]))
    return _pick([i for i, o in enumerate(q["options"]) if len(o) == longest])


def strategies(isos: dict[str, str]) -> dict[str, Strategy]:
    return {
        "always_a": lambda q: {0: 1.0},
        "always_last": lambda q: {len(q["options"]) - 1: 1.0},
        "smallest": _by_value(min),
        "largest": _by_value(max),
        "middle": _by_value(_middle),
        "earliest_year": _earliest_year,
        "pick_1988": _offered("1988"),
        "always_true": _offered("True"),
        "pick_oic": _oic(isos, pick=True),
        "avoid_oic": _oic(isos, pick=False),
        "longest": _longest,
    }


def sample(count: int, seed: int) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "bot", "quiz-sample", "--count", str(count),
                          "--seed", str(seed), "--json"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=9000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    facts = read_facts()
    isos = {m.name: m.iso3 for m in facts.members}
    guesses = strategies(isos)
    questions = sample(args.count, args.seed)
    by_family: dict[str, list[dict]] = defaultdict(list)
    for q in questions:
        by_family[q["family"]].append(q)

    worst = ("-", "-", float("-inf"))
    print(f"# count={args.count} seed={args.seed} families={len(by_family)}")
    print("# family n distinct key_positions(A..D) true_share | strategy=accuracy/chance(n)")
    for name in sorted(by_family):
        qs = by_family[name]
        positions = Counter(q["answer_index"] for q in qs)
        shown = "/".join(f"{positions[i] / len(qs):.2f}" for i in range(4))
        tf = [q for q in qs if q["options"] == ["True", "False"]]
        true_share = f"{sum(q['answer_index'] == 0 for q in tf) / len(tf):.2f}" if tf else "-"
        cells = []
        for label, strategy in guesses.items():
            hits = chance = 0.0
            applies = 0
            for q in qs:
                choice = strategy(q)
                if choice is None:
                    continue
                applies += 1
                hits += choice.get(q["answer_index"], 0.0)
                chance += 1 / len(q["options"])
            if applies < MIN_APPLIES:
                continue
            gain = (hits - chance) / applies * 100
            cells.append(f"{label}={hits / applies:.2f}/{chance / applies:.2f}({applies})")
            if len(qs) >= MIN_FAMILY and gain > worst[2]:
                worst = (name, label, gain)
        distinct = len({q["id"] for q in qs})
        print(f"{name} n={len(qs)} distinct={distinct} keys={shown} true={true_share} | "
              + " ".join(cells))

    four = [q for q in questions if len(q["options"]) == 4]
    shares = Counter(q["answer_index"] for q in four)
    max_share = max(shares.values()) / len(four) if four else float("nan")
    tf_all = [q for q in questions if q["options"] == ["True", "False"]]
    true_all = sum(q["answer_index"] == 0 for q in tf_all) / len(tf_all) if tf_all else float("nan")
    print("# four-option key positions: "
          + " ".join(f"{'ABCD'[i]}={shares[i] / len(four):.3f}" for i in range(4)))
    print(f"questions={len(questions)} families={len(by_family)} max_position_share={max_share:.3f} "
          f"true_share={true_all:.3f} worst_guess={worst[0]}/{worst[1]} "
          f"worst_guess_gain_pp={worst[2]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
