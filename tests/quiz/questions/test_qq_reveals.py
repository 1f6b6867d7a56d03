"""Declared ``reveals`` cannot drift from the explanations: every figure an explanation
states for a year ("2010: 2,402", "229 (2020)", "2008 with 2,803") and every recognition date
it gives a state ("Trinidad and Tobago: on 2 May 2024") is among the question's reveals, so
the selector's give-away rule sees what players read. Checked over every family's whole pool
as the selector discovers it."""

from __future__ import annotations

import re

import pytest

from bot.facts.files import read_facts
from bot.facts.records import Facts
from bot.quiz.questions._fam_defectors import _cumulative
from bot.quiz.questions.model import Question
from bot.quiz.selector import candidates

N = r"(\d{1,3}(?:,\d{3})+|\d+)"
Y = r"((?:19|20)\d\d)"
# "YEAR: N" (not "from 2004 to 2022: 2,914", where the year ends a span, nor "N men"),
# "N (YEAR)", "YEAR with N" and "A → B: N to M".
YEAR_FIGURE = [re.compile(rf"(?<![\d,→–])(?<!to )(?<!→ )(?<!end of ){Y}: {N}(?![\d,]| men| women|\.\d)"),
               re.compile(rf"(?<![\d,]){N} \({Y}\)"),
               re.compile(rf"(?<![\d,]){Y} with {N}(?![\d,])")]
# The date a statement is taken at, not an event date of a state.
AS_OF = re.compile(r"\(\d{1,2} \w+ \d{4}\)|\(?(?:data )?as of \d{1,2} \w+ \d{4}\)?|latest data, \w+ \d{4}"
                   r"|Visual Capitalist's article")
DATE_KEYS = ("palestine_date", "israel_date", "relations")


@pytest.fixture(scope="module")
def pools() -> tuple[Facts, dict[str, tuple[Question, ...]]]:
    facts = read_facts()
    return facts, candidates(facts, "mixed")


def _year_figures(text: str) -> list[tuple[int, int]]:
    out = []
    for i, pattern in enumerate(YEAR_FIGURE):
        for m in pattern.finditer(text):
            year, figure = (m.group(2), m.group(1)) if i == 1 else (m.group(1), m.group(2))
            out.append((int(year), int(figure.replace(",", ""))))
    # "2011 → 2012: 2,706 to 1,502": both years' figures.
    for m in re.finditer(rf"{Y} → {Y}: {N} to {N}", text):
        out += [(int(m.group(1)), int(m.group(3).replace(",", ""))),
                (int(m.group(2)), int(m.group(4).replace(",", "")))]
    return out


def _values(facts: Facts, key: str) -> set[int]:
    """The figures a fact key stands for (a year's total, women, men, running total)."""
    kind, _, year = key.rpartition(":")
    if not year.isdigit() or int(year) not in facts.year_by_number:
        return set()
    p = facts.year_by_number[int(year)]
    if kind == "arrivals":
        return {p.total}
    if kind == "women":
        return {p.female}
    if kind == "men":
        return {p.male}
    if kind == "cumulative":
        return {_cumulative(facts, int(year))}
    return set()


def test_every_year_figure_an_explanation_states_is_revealed(pools) -> None:
    facts, by_family = pools
    missing = []
    for qs in by_family.values():
        for q in qs:
            for year, figure in _year_figures(q.explanation):
                if year not in facts.year_by_number:
                    continue  # a recognition year, an article's date, …
                declared = [k for k in q.reveals if k.endswith(f":{year}")]
                if not any(figure in _values(facts, k) for k in declared):
                    missing.append(f"{q.id}: {year}: {figure}")
    assert not missing, missing[:20]


def test_every_state_date_an_explanation_states_is_revealed(pools) -> None:
    facts, by_family = pools
    # Longest names first, each span masked once matched ("Guinea" inside "Guinea-Bissau").
    names = sorted(((m.name, m.iso3) for m in facts.members if m.iso3 != "ISR"),
                   key=lambda t: -len(t[0]))
    missing = []
    for qs in by_family.values():
        for q in qs:
            text = AS_OF.sub(" ", q.explanation)
            for name, iso in names:
                pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
                for m in pattern.finditer(text):
                    clause = re.split(r"[;.]|, (?=[A-Z])", text[m.end():], maxsplit=1)[0]
                    if re.search(r"\b(?:19|20)\d\d\b", clause) and \
                            not {f"{k}:{iso}" for k in DATE_KEYS} & q.reveals:
                        missing.append(f"{q.id}: {name}{clause[:50]}")
                text = pattern.sub("#" * len(name), text)
    assert not missing, missing[:20]


def test_span_questions_ask_what_gives_their_answer_away(pools) -> None:
    """A span's total (or count of years) rests on every figure in it: any of them told
    earlier keeps it out. A span's extreme is given away by the answer's own figures, so it
    asks those: asking every year would keep it out after any explanation naming one year,
    and the selector would fill the round with repeats instead."""
    _facts, by_family = pools
    for q in by_family["span_total"]:
        a, b = int(q.params["first"]), int(q.params["last"])
        assert {f"arrivals:{y}" for y in range(a, b + 1)} <= q.asks, q.id
    for name in ("peak_year", "lowest_year"):
        for q in by_family[name]:
            assert f"arrivals:{q.answer}" in q.asks, q.id
    for name in ("largest_fall", "largest_rise"):
        for q in by_family[name]:
            first, second = (int(y) for y in re.findall(r"\d{4}", q.answer)[:2])
            assert {f"arrivals:{first}", f"arrivals:{second}"} <= q.asks, q.id
