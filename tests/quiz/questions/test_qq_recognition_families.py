"""The recognition families added for issue 12, and the decoy rules: each family's own
questions validate, a wrong key / a disputed row / a second defensible option is refused."""

from __future__ import annotations

import dataclasses
import random

import pytest

from bot.quiz.questions import _policy as policy
from bot.quiz.questions.model import freeze_params
from bot.quiz.questions.registry import FAMILIES
from bot.quiz.questions.validator import validate

NEW = ["relations_with_israel", "g7_recognized_palestine_in", "eu_recognized_palestine_in",
       "g7_not_palestine", "eu_not_palestine", "israel_recognition_year",
       "recognized_israel_2020", "same_day_palestine", "palestine_first_of_two"]


def _some(facts, family: str, n: int = 30):
    fam = FAMILIES[family]
    out = [q for s in range(400) if (q := fam(facts, random.Random(s))) is not None]
    assert out, family
    return out[:n]


def _with_states(q, isos, names):
    opts = tuple(names[i] for i in isos)
    return dataclasses.replace(q, options=opts, params=freeze_params({**q.params, "states": tuple(isos)}))


@pytest.mark.parametrize("family", NEW)
def test_new_family_validates_and_refuses_a_wrong_key(facts, family) -> None:
    for q in _some(facts, family):
        assert validate(q, facts) == [], (q.id, validate(q, facts))
        wrong = dataclasses.replace(q, answer_index=(q.answer_index + 1) % len(q.options))
        assert validate(wrong, facts), q.id


@pytest.mark.parametrize("family", [f for f in NEW if f not in ("israel_recognition_year",)])
def test_new_family_refuses_a_second_defensible_option(facts, family) -> None:
    names = {m.iso3: m.name for m in facts.members}
    q = _some(facts, family, 1)[0]
    isos = list(q.params["states"])
    key = isos[q.answer_index]
    # Another question's key, in place of a decoy, makes two options right (or is refused).
    for other in _some(facts, family):
        k2 = other.params["states"][other.answer_index]
        if k2 != key and k2 not in isos and other.params.get("year") == q.params.get("year") \
                and other.params.get("iso3") == q.params.get("iso3"):
            decoy = next(i for i in range(len(isos)) if i != q.answer_index)
            isos[decoy] = k2
            assert validate(_with_states(q, isos, names), facts)
            return
    pytest.skip(f"{family} has a single key for these params")


@pytest.mark.parametrize(("family", "disputed"), [("eu_not_palestine", "CZE"),
                                                  ("recognized_israel_2020", "SDN"),
                                                  ("category_palestine_only", "MEX")])
def test_disputed_row_among_options_is_refused(facts, family, disputed) -> None:
    names = {m.iso3: m.name for m in facts.members}
    q = _some(facts, family, 1)[0]
    isos = list(q.params["states"])
    isos[(q.answer_index + 1) % 4] = disputed
    assert "disputed" in " ".join(validate(_with_states(q, isos, names), facts))


def test_israel_recognition_year_refuses_sudan_and_the_ussr(facts) -> None:
    q = _some(facts, "israel_recognition_year", 1)[0]
    for iso, why in (("SDN", "disputed"), ("RUS", "ussr")):
        name = {m.iso3: m.name for m in facts.members}[iso]
        bad = dataclasses.replace(q, id=f"israel_recognition_year:{iso}@{q.as_of}",
                                  text=f"In which year did {name} recognize Israel? "
                                       f"({policy.latest_label(q.as_of)})",
                                  params=freeze_params({**q.params, "iso3": iso}))
        assert why in " ".join(validate(bad, facts)).lower()


def test_mixed_oic_options_are_refused(facts) -> None:
    names = {m.iso3: m.name for m in facts.members}
    q = _some(facts, "never_recognized_israel", 1)[0]
    isos = list(q.params["states"])
    inside = isos[q.answer_index] in policy.OIC
    swap = "FRA" if inside else "EGY"  # both recognize Israel
    isos[(q.answer_index + 1) % 4] = swap
    assert "oic" in " ".join(validate(_with_states(q, isos, names), facts)).lower()


def test_true_false_balanced_and_forms_checked(facts) -> None:
    for family in ("recognizes_israel_tf", "recognizes_palestine_tf"):
        qs = _some(facts, family, 400)
        share = sum(q.answer_index == 0 for q in qs) / len(qs)
        assert 0.4 <= share <= 0.6, (family, share)
        q = qs[0]
        flipped = dataclasses.replace(q, params=freeze_params(
            {**q.params, "form": "not" if q.params["form"] == "is" else "is"}))
        assert validate(flipped, facts)


def test_year_key_is_not_mostly_1988(facts) -> None:
    qs = _some(facts, "palestine_recognition_year", 400)
    assert sum(q.answer == "1988" for q in qs) / len(qs) < 0.35
    assert sum(q.answer_index == 0 for q in qs) / len(qs) < 0.35


def test_counts_never_offer_an_earlier_dates_count(facts) -> None:
    for q in _some(facts, "palestine_count", 50):
        wrong = [o for i, o in enumerate(q.options) if i != q.answer_index]
        for earlier in ("138", "147", "156"):
            assert earlier not in wrong, q.options


def test_fact_keys_and_latest_label(facts) -> None:
    for family in [*NEW, "recognizes_israel_tf", "category_both", "palestine_count"]:
        q = _some(facts, family, 1)[0]
        assert q.subjects, family
        assert q.asks, family
        assert q.asks <= q.reveals, family
    q = _some(facts, "relations_with_israel", 1)[0]
    assert "latest data, December 2025" in q.text


def test_former_form_note_on_soviet_republics_dates(facts) -> None:
    qs = [q for q in _some(facts, "recognizes_palestine_tf", 2000)
          if q.params["iso3"] in ("UKR", "BLR") and "1988" in q.explanation]
    assert qs
    assert all("as a Soviet republic" in q.explanation for q in qs)
    bad = dataclasses.replace(qs[0], explanation=qs[0].explanation.replace(
        " (as a Soviet republic)", ""))
    assert "present form" in " ".join(validate(bad, facts))
