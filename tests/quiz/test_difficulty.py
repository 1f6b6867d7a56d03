"""Honest difficulty, the pure part: the prior, the Beta blend, the thresholds, the reveal line."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.quiz import difficulty
from bot.quiz.difficulty import QuestionStats
from bot.quiz.questions.model import Difficulty, Question


def q(options: tuple[str, ...], answer_index: int = 0, family: str = "arrivals_in_year",
      declared: Difficulty = "medium", qid: str = "test:1") -> Question:
    return Question(id=qid, family=family, topic="defectors", difficulty=declared,
                    text="How many?", options=options, answer_index=answer_index,
                    explanation="Because.", source="Test data", as_of=dt.date(2025, 12, 31))


def test_the_prior_falls_as_numeric_decoys_close_in_on_the_key() -> None:
    # The nearest decoy moves from 80 % away to 1 % away: the prior falls at every step.
    gaps = [0.8, 0.5, 0.3, 0.2, 0.1, 0.05, 0.01]
    priors = [difficulty.prior(q(("1,000", f"{round(1000 * (1 + g)):,}", "3,000", "4,000")))
              for g in gaps]
    assert priors == sorted(priors, reverse=True)
    assert len(set(priors)) == len(priors)  # strictly
    assert all(0.25 <= p <= 1 for p in priors)  # never below a blind guess among four
    # Only the nearest decoy matters, on either side of the key.
    assert difficulty.prior(q(("900", "1,000", "5,000"), 1)) == pytest.approx(
        difficulty.prior(q(("1,100", "1,000", "5,000"), 1)))


def test_shares_and_years_are_measured_too() -> None:
    near, far = (difficulty.prior(q((f"{k}%", f"{d}%", "90.0%"), family="female_share"))
                 for k, d in (("70.0", "71.0"), ("70.0", "50.0")))
    assert near < far
    years = [difficulty.prior(q(("2009", str(2009 + gap), "1990", "1995"), family="peak_year"))
             for gap in (10, 5, 2, 1)]
    assert years == sorted(years, reverse=True)
    assert len(set(years)) == 4


def test_states_and_true_false_are_judged_by_the_family_alone() -> None:
    states = q(("Niger", "Norway", "Andorra", "Eswatini"), family="first_to_recognize_palestine")
    assert difficulty.separation(states.options, 0) == 1.0
    k = difficulty.FAMILY_KNOWLEDGE["first_to_recognize_palestine"]
    assert difficulty.prior(states) == pytest.approx(0.25 + 0.75 * k)
    tf = q(("True", "False"), family="recognizes_israel_tf")
    assert difficulty.prior(tf) == pytest.approx(
        0.5 + 0.5 * difficulty.FAMILY_KNOWLEDGE["recognizes_israel_tf"])
    # Well known subjects are easier than obscure ones with the same kind of options.
    assert difficulty.prior(q(("2009", "2003", "2016", "2020"), family="peak_year")) > \
        difficulty.prior(q(("2009", "2003", "2016", "2020"), family="largest_rise"))


def test_a_family_without_a_base_rate_follows_its_declared_difficulty() -> None:
    opts = ("Opened talks", "Closed a border", "Signed a treaty")
    priors = {d: difficulty.prior(q(opts, family="new_family", declared=d))
              for d in ("easy", "medium", "hard")}
    assert priors["easy"] > priors["medium"] > priors["hard"] > 1 / 3


def test_the_blend_moves_from_the_prior_to_the_measured_share() -> None:
    question = q(("Niger", "Norway", "Andorra", "Eswatini"), family="first_to_recognize_palestine")
    p0 = difficulty.prior(question)
    assert difficulty.blended_share(question, None) == p0
    assert difficulty.blended_share(question, QuestionStats(0, 0)) == p0
    measured = 0.9
    distances = []
    for n in (10, 20, 50, 100, 1_000, 100_000):
        share = difficulty.blended_share(question, QuestionStats(n, round(measured * n)))
        assert p0 < share < measured
        distances.append(measured - share)
    assert distances == sorted(distances, reverse=True)
    assert distances[-1] < 0.001
    # At k = 20 answers, prior and measurement weigh the same.
    half = difficulty.blended_share(question, QuestionStats(20, 18))
    assert half == pytest.approx((p0 + measured) / 2)


@pytest.mark.parametrize(("share", "level"), [
    (1.0, "easy"), (0.65, "easy"), (0.6499, "medium"), (0.40, "medium"), (0.3999, "hard"),
    (0.0, "hard")])
def test_thresholds(share: float, level: Difficulty) -> None:
    assert difficulty.level(share) == level


def test_measured_answers_change_the_effective_difficulty() -> None:
    question = q(("True", "False"), family="recognizes_israel_tf")
    assert difficulty.effective_difficulty(question, None) == "easy"
    assert difficulty.effective_difficulty(question, QuestionStats(5, 1)) == "easy"  # few: prior
    assert difficulty.effective_difficulty(question, QuestionStats(200, 60)) == "hard"
    judge = difficulty.difficulty_of({"test:1": QuestionStats(200, 100)})
    assert judge(question) == "medium"
    assert judge(q(("True", "False"), family="recognizes_israel_tf", qid="other")) == "easy"


def test_the_reveal_line() -> None:
    assert difficulty.share_line(None) is None
    assert difficulty.share_line(QuestionStats(9, 9)) is None  # fewer than 10 answers: nothing
    assert difficulty.share_line(QuestionStats(10, 3)) == "30 % of 10 players got this right"
    assert difficulty.share_line(QuestionStats(212, 87)) == "41 % of 212 players got this right"
    assert difficulty.share_line(QuestionStats(12_345, 0)) == \
        "0 % of 12,345 players got this right"
    assert difficulty.share_line(QuestionStats(200, 25)) == "13 % of 200 players got this right"
    assert difficulty.share_line(QuestionStats(1_000_000, 1_000_000)) == \
        "100 % of 1,000,000 players got this right"


def test_every_generated_question_gets_a_prior_between_chance_and_one() -> None:
    from bot.facts.files import read_facts
    from bot.quiz.questions.generator import generate

    facts = read_facts()
    for question in generate(facts, 300, 7):
        p0 = difficulty.prior(question)
        assert 1 / len(question.options) <= p0 <= 1, question.id
