"""``python -m bot quiz-sample``: print generated questions, as text or as JSON lines.

``main(argv, facts)`` takes the arguments after the subcommand (a leading "quiz-sample" is
tolerated too). With ``--json`` each line is one object with exactly the keys of
:meth:`Question.to_json_dict`; scripted checks depend on that form. Bad arguments exit with
argparse's usage error (status 2).
"""

from __future__ import annotations

import argparse
import json
import sys

from bot.facts.records import Facts
from bot.i18n import LOCALES, lang_for
from bot.quiz.questions.generator import generate
from bot.quiz.questions.localize import localize
from bot.quiz.questions.model import DIFFICULTIES, TOPICS, Question

PROG = "python -m bot quiz-sample"


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description="Print sample quiz questions.")
    p.add_argument("--count", type=_positive, required=True, help="how many questions")
    add_common_options(p)
    p.add_argument("--locale", choices=LOCALES, default="en",
                   help="the language of the texts (same questions, ids and answers)")
    return p


def add_common_options(p: argparse.ArgumentParser) -> None:
    """The options quiz-sample and quiz-rounds share (scripted checks rely on both)."""
    p.add_argument("--seed", type=int, required=True, help="random seed (same seed, same output)")
    p.add_argument("--topic", choices=("mixed", *TOPICS), default="mixed")
    p.add_argument("--difficulty", choices=DIFFICULTIES, default=None)
    p.add_argument("--json", action="store_true", help="one JSON object per line")


def main(argv: list[str], facts: Facts) -> int:
    args = _parser().parse_args(argv[1:] if argv[:1] == ["quiz-sample"] else argv)
    questions = generate(facts, args.count, args.seed, args.topic, args.difficulty)
    if len(questions) < args.count:
        print(f"{PROG}: only {len(questions)} questions could be generated", file=sys.stderr)
        if not questions:
            return 1
    lang = lang_for(args.locale)
    # Generated first, in English, then rendered: the draw never depends on the language.
    questions = [localize(q, lang, facts) for q in questions]
    for n, q in enumerate(questions, 1):
        if args.json:
            print(json.dumps(q.to_json_dict(), ensure_ascii=False))
        else:
            print(_text(n, q))
    return 0


def _text(n: int, q: Question) -> str:
    lines = [f"{n}. [{q.topic}/{q.difficulty}] {q.id}", f"   {q.text}"]
    for i, option in enumerate(q.options):
        mark = "*" if i == q.answer_index else " "
        lines.append(f"   {mark} {chr(ord('A') + i)}. {option}")
    lines += [f"   Why: {q.explanation}", f"   Source: {q.source}",
              f"   As of: {q.as_of.isoformat()}", ""]
    return "\n".join(lines)
