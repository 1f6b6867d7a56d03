"""End to end: generated questions state the facts the articles and data files state.

Expected values come from the reference README (peak 2,914 in 2009, the 1,204 fall in 2012,
138 / 156 recognizing Palestine, …) or are read straight from ``data/*.csv`` with the csv
module, never from the code under test.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter

import pytest
from qq_helpers import DATA, csv_totals, draw

from bot.quiz.questions.generator import generate
from bot.quiz.questions.validator import validate


@pytest.fixture(scope="module")
def sample(facts):
    return generate(facts, 2_500, 1) + generate(facts, 1_500, 2, "defectors") + \
        generate(facts, 1_500, 3, "recognition")


def _first(sample, family: str):
    found = [q for q in sample if q.family == family]
    assert found, family
    return found


def _num(text: str) -> int:
    return int(text.replace(",", ""))


def test_peak_lowest_and_largest_changes(sample) -> None:
    assert {q.answer for q in _first(sample, "peak_year")} == {"2009"}
    assert {q.answer for q in _first(sample, "lowest_year")} == {"2021"}
    assert {q.answer for q in _first(sample, "largest_fall")} == {"2011 → 2012"}
    assert {q.answer for q in _first(sample, "largest_rise")} == {"2005 → 2006"}
    peak = _first(sample, "peak_year")[0]
    assert "2,914" in peak.explanation
    assert "−1,204" in _first(sample, "largest_fall")[0].explanation


def test_which_of_two_years_is_the_larger_total(sample) -> None:
    totals = csv_totals()
    questions = _first(sample, "more_arrivals")
    assert len(questions) > 20
    for q in questions:
        a, b = (int(o) for o in q.options)
        assert int(q.answer) == (a if totals[a][0] > totals[b][0] else b)


def test_arrivals_and_shares_match_the_file(sample) -> None:
    totals = csv_totals()
    for q in _first(sample, "arrivals_in_year"):
        assert _num(q.answer) == totals[q.params["year"]][0]
    for q in _first(sample, "female_share"):
        total, _, female = totals[q.params["year"]]
        assert q.answer == f"{100 * female / total:.1f}%"
    for q in _first(sample, "men_outnumbered"):
        total, male, female = totals[int(q.answer)]
        assert male > female
        assert all(totals[int(o)][2] > totals[int(o)][1] for o in q.options if o != q.answer)


def test_running_totals(facts, sample) -> None:
    # 33,882 at the end of 2022 and 34,537 at the end of 2025 are MOU's published totals.
    assert draw(facts, "cumulative_total", "cumulative_total:2022").answer == "33,882"
    assert draw(facts, "cumulative_total", "cumulative_total:2025").answer == "34,537"
    totals = csv_totals()
    for q in _first(sample, "span_total"):
        first, last = q.params["first"], q.params["last"]
        assert _num(q.answer) == sum(totals[y][0] for y in range(first, last + 1))


@pytest.mark.parametrize(("family", "day", "expected"), [
    ("palestine_count", "2023-11-14", "138"),
    ("palestine_count", "2025-12-09", "156"),
    ("israel_count", "2023-11-14", "163"),
    ("both_count", "2023-11-14", "108"),
])
def test_counts(facts, family, day, expected) -> None:
    q = draw(facts, family, f"{family}@{day}")
    assert q.answer == expected
    assert validate(q, facts) == []
    assert q.as_of == dt.date.fromisoformat(day)


def test_counts_in_the_sample_are_the_only_options_that_fit(sample) -> None:
    for q in _first(sample, "palestine_count"):
        for option in q.options:
            if option != q.answer:
                assert abs(_num(option) - _num(q.answer)) >= 5


def test_recognized_in_year_matches_the_events_file(sample) -> None:
    with (DATA / "recognition_events.csv").open(encoding="utf-8", newline="") as fh:
        recognized = {(r["iso3"], int(r["date"][:4])) for r in csv.DictReader(fh)
                      if r["change"] == "palestine=yes"}
    for q in _first(sample, "recognized_palestine_in"):
        answer_iso = q.params["states"][q.answer_index]
        assert (answer_iso, q.params["year"]) in recognized
        for iso in q.params["states"]:
            if iso != answer_iso:
                assert (iso, q.params["year"]) not in recognized


def test_nothing_is_asked_about_what_must_not_be_asked(sample) -> None:
    not_years = {"~1998", "1999-2001", "2023-H1"}
    disputed = {"MEX", "SDN", "CZE", "PNG", "ISR"}
    cut = {"BLZ", "BOL", "MDV", "MLI", "MRT", "NER", "VEN", "COL", "NIC"}
    israel_families = {"recognizes_israel_tf", "category_both", "category_israel_only",
                       "category_palestine_only", "never_recognized_israel"}
    date_families = {"palestine_recognition_year", "first_to_recognize_palestine"}
    for q in sample:
        assert not not_years & set(q.options), q.id
        if q.topic == "defectors" and not q.family.startswith("article"):
            for key in ("year", "a", "b", "first", "last", "after"):
                assert q.params.get(key) not in {1998, 1999, 2000, 2001}, q.id
        isos = set(q.params.get("states", ())) | ({q.params["iso3"]} if "iso3" in q.params
                                                  else set())
        assert not isos & disputed, q.id
        if q.family in israel_families:
            assert not isos & cut, q.id
        if q.family in date_families:
            assert not isos & {"RUS", "SVK", "SRB"}, q.id


def test_answers_are_spread_over_positions(sample) -> None:
    """Shuffled options: the key is not always in the same place."""
    four = [q.answer_index for q in sample if len(q.options) == 4
            and q.family in ("peak_year", "category_both", "never_recognized_israel")]
    assert len(Counter(four)) == 4


def test_true_false_questions_are_balanced(sample) -> None:
    tf = [q for q in sample if q.options == ("True", "False")]
    share_true = sum(q.answer == "True" for q in tf) / len(tf)
    assert 0.3 < share_true < 0.7
