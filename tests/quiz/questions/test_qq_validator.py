"""The validator rejects every kind of bad question, and accepts the good ones they came from.

Each case starts from a hand-made question that must validate cleanly (so a validator that
rejects everything fails here too), then breaks one thing and expects a matching complaint.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from qq_helpers import END_2025, VC_SOURCE, q, with_year_total

from bot.facts.records import Facts
from bot.quiz.questions.model import PictureRequest, Question, freeze_params
from bot.quiz.questions.registry import FAMILIES
from bot.quiz.questions.validator import SOLVERS, validate


def replace(question: Question, **changes: object) -> Question:
    if "params" in changes:
        changes["params"] = freeze_params(changes["params"])  # type: ignore[arg-type]
    return dataclasses.replace(question, **changes)  # type: ignore[arg-type]


def problems_of(question: Question, facts: Facts) -> str:
    return " | ".join(validate(question, facts)).lower()


@pytest.fixture
def arrivals_2012() -> Question:
    return q(id="arrivals_in_year:2012", family="arrivals_in_year", topic="defectors",
             text="According to MOU, how many North Koreans arrived in South Korea in 2012?",
             options=("1,127", "1,502", "2,028", "2,914"), answer_index=1, as_of=END_2025,
             params={"year": 2012})


@pytest.fixture
def peak() -> Question:
    return q(id="peak_year:2002-2025", family="peak_year", topic="defectors",
             difficulty="easy",
             text="In which year did the most North Koreans arrive in South Korea? "
                  "(MOU figures, single years 2002–2025)",
             options=("2008", "2009", "2012", "2021"), answer_index=1, as_of=END_2025,
             params={"first": 2002, "last": 2025})


@pytest.fixture
def two_years() -> Question:
    return q(id="more_arrivals:2009,2021", family="more_arrivals", topic="defectors",
             text="Which year saw more North Koreans arrive in South Korea: 2009 or 2021?",
             options=("2009", "2021"), answer_index=0, as_of=END_2025,
             params={"years": (2009, 2021)})


LATEST = dt.date(2025, 12, 9)


def tf_palestine(iso: str, name: str, day: dt.date, truth: bool) -> Question:
    shown = f"{day.day} {day:%B %Y}"
    return q(id=f"recognizes_palestine_tf:is:{iso}@{day}", family="recognizes_palestine_tf",
             topic="recognition", difficulty="easy", source=VC_SOURCE,
             text=f"True or false? As of {shown}, {name} recognized the State of Palestine.",
             options=("True", "False"), answer_index=0 if truth else 1, as_of=day,
             params={"iso3": iso, "as_of": day.isoformat(), "form": "is"})


def both_of_four(names: tuple[str, ...], isos: tuple[str, ...], answer: int,
                 day: dt.date = LATEST) -> Question:
    shown = f"{day.day} {day:%B %Y}"
    return q(id=f"category_both:{isos[answer]}@{day}", family="category_both",
             topic="recognition", source=VC_SOURCE,
             text=f"As of {shown}, which of these UN member states recognized both Israel and "
                  f"the State of Palestine?",
             options=names, answer_index=answer, as_of=day,
             params={"states": isos, "as_of": day.isoformat()})


def palestine_count(options: tuple[str, ...], answer: int, day: dt.date) -> Question:
    shown = f"{day.day} {day:%B %Y}"
    return q(id=f"palestine_count@{day}", family="palestine_count", topic="recognition",
             source=VC_SOURCE,
             text=f"As of {shown}, how many of the 193 UN member states recognized the State of "
                  f"Palestine, by the article's count?",
             options=options, answer_index=answer, as_of=day, params={"as_of": day.isoformat()})


# --- the good ones pass ---------------------------------------------------------------------------

def test_hand_made_good_questions_pass(facts, arrivals_2012, peak, two_years) -> None:
    good = [
        arrivals_2012, peak, two_years,
        tf_palestine("ESP", "Spain", LATEST, True),
        tf_palestine("ESP", "Spain", dt.date(2024, 1, 1), False),
        # One OIC stratum: mixed options would make "pick the OIC member" a shortcut.
        both_of_four(("Spain", "Germany", "Cuba", "Japan"),
                     ("ESP", "DEU", "CUB", "JPN"), 0),
        palestine_count(("120", "138", "150", "170"), 1, dt.date(2023, 11, 14)),
        # Not 145 or 138: those were the count on earlier dates (see the test below).
        palestine_count(("130", "144", "156", "175"), 2, LATEST),
    ]
    for question in good:
        assert validate(question, facts) == [], question.id


def test_every_registered_family_has_a_solver() -> None:
    assert set(FAMILIES) == set(SOLVERS)


# --- wrong key, ties, second defensible option ----------------------------------------------------

def test_wrong_key(facts, arrivals_2012, peak, two_years) -> None:
    assert "wrong answer key" in problems_of(replace(arrivals_2012, answer_index=3), facts)
    assert "wrong answer key" in problems_of(replace(peak, answer_index=0), facts)
    assert "wrong answer key" in problems_of(replace(two_years, answer_index=1), facts)
    spain_2024 = tf_palestine("ESP", "Spain", dt.date(2024, 1, 1), True)  # not yet
    assert "wrong answer key" in problems_of(spain_2024, facts)
    count = palestine_count(("120", "138", "150", "170"), 2, dt.date(2023, 11, 14))
    assert "wrong answer key" in problems_of(count, facts)


def test_tie_between_years(facts, peak, two_years) -> None:
    tied = with_year_total(facts, 2008, 2_914)  # 2008 now equals the 2009 peak
    assert "tie" in problems_of(peak, tied)
    tied_pair = with_year_total(facts, 2021, 2_914)
    assert "tie" in problems_of(two_years, tied_pair)
    # The unmodified data has no tie: the same questions pass.
    assert validate(peak, facts) == validate(two_years, facts) == []


def test_near_tie_between_years_is_too_close_to_call(facts) -> None:
    close = q(id="more_arrivals:2017,2018", family="more_arrivals", topic="defectors",
              text="Which year saw more North Koreans arrive in South Korea: 2017 or 2018?",
              options=("2017", "2018"), answer_index=1, as_of=END_2025,
              params={"years": (2017, 2018)})  # 1,127 vs 1,137
    assert "too close" in problems_of(close, facts)


def test_second_defensible_option(facts) -> None:
    two_both = both_of_four(("Spain", "France", "Germany", "Japan"),
                            ("ESP", "FRA", "DEU", "JPN"), 0)  # France recognizes both too
    assert "more than one option is correct" in problems_of(two_both, facts)
    # 157 is Wikipedia's count (it adds Mexico): defensible, so not allowed as a distractor.
    wiki = palestine_count(("130", "145", "156", "157"), 2, LATEST)
    assert validate(wiki, facts)
    # 168 recognize Israel if the seven states that cut relations are counted as recognizing:
    # far enough from 163 for the 3% rule, but defensible under that convention.
    day = dt.date(2023, 11, 14)
    convention = q(id=f"israel_count@{day}", family="israel_count", topic="recognition",
                   source=VC_SOURCE,
                   text="As of 14 November 2023, how many of the 193 UN member states "
                        "recognized Israel?",
                   options=("120", "140", "163", "168"), answer_index=2, as_of=day,
                   params={"as_of": day.isoformat()})
    assert "another counting convention" in problems_of(convention, facts)
    fair = replace(convention, options=("120", "140", "163", "185"))
    assert validate(fair, facts) == []


def test_equal_numeric_options_and_formatting(facts, arrivals_2012) -> None:
    same = replace(arrivals_2012, options=("1,127", "1,502", "1502", "2,914"))
    assert "duplicate options" in problems_of(same, facts)
    unformatted = replace(arrivals_2012, options=("1,127", "1502", "2,028", "2,914"))
    assert "thousands separators" in problems_of(unformatted, facts) or \
        "written like 2,914" in problems_of(unformatted, facts)
    equal_counts = palestine_count(("138", "138", "150", "170"), 0, dt.date(2023, 11, 14))
    assert "duplicate options" in problems_of(equal_counts, facts)


def test_distractor_too_close_to_the_answer(facts, arrivals_2012) -> None:
    close = replace(arrivals_2012, options=("1,127", "1,502", "1,514", "2,914"))
    assert "within 3%" in problems_of(close, facts)


def test_implausibly_far_distractor(facts, arrivals_2012) -> None:
    far_low = replace(arrivals_2012, options=("63", "1,502", "2,028", "2,914"))
    assert "implausibly far" in problems_of(far_low, facts)
    far_high = palestine_count(("138", "150", "170", "600"), 0, dt.date(2023, 11, 14))
    assert "implausibly far" in problems_of(far_high, facts) or \
        "exceeds" in problems_of(far_high, facts)


# --- structure ------------------------------------------------------------------------------------

def test_duplicate_options(facts, peak) -> None:
    assert "duplicate options" in problems_of(
        replace(peak, options=("2009", "2009", "2012", "2021")), facts)
    assert "duplicate options" in problems_of(
        replace(peak, options=("2009", " 2009 ", "2012", "2021")), facts)
    spain = both_of_four(("Spain", "Spain", "Germany", "Japan"), ("ESP", "ESP", "DEU", "JPN"), 0)
    assert "duplicate options" in problems_of(spain, facts)


def test_bad_option_count(facts, peak, arrivals_2012) -> None:
    assert "1 options" in problems_of(replace(peak, options=("2009",), answer_index=0), facts)
    five = ("1,127", "1,502", "2,028", "2,554", "2,914")
    assert "5 options" in problems_of(replace(arrivals_2012, options=five), facts)


def test_answer_index_out_of_range(facts, peak) -> None:
    assert "out of range" in problems_of(replace(peak, answer_index=4), facts)
    assert "out of range" in problems_of(replace(peak, answer_index=-1), facts)


def test_over_long_text_and_options(facts, peak) -> None:
    assert "characters" in problems_of(replace(peak, text="x" * 257), facts)
    long_option = ("2009", "2012", "2021", "y" * 81)
    assert "characters" in problems_of(replace(peak, options=long_option), facts)


def test_id_must_carry_its_parameters(facts, arrivals_2012) -> None:
    assert "does not carry" in problems_of(replace(arrivals_2012, id="arrivals_in_year:2013"),
                                           facts)


def test_unknown_family_and_wrong_topic(facts, peak) -> None:
    assert "unknown family" in problems_of(replace(peak, family="nope", id="nope"), facts)
    assert "topic" in problems_of(replace(peak, topic="recognition"), facts)


# --- periods that are not years -------------------------------------------------------------------

@pytest.mark.parametrize("label", ["~1998", "1999-2001", "1999–2001", "2023-H1"])
def test_aggregate_or_partial_period_as_an_option(facts, peak, label) -> None:
    bad = replace(peak, options=("2009", "2012", "2021", label))
    assert "aggregate or partial" in problems_of(bad, facts)


@pytest.mark.parametrize("year", [1998, 1999, 2000, 2001])
def test_year_inside_a_bucket_as_a_parameter(facts, arrivals_2012, year) -> None:
    bad = replace(arrivals_2012, id=f"arrivals_in_year:{year}", params={"year": year},
                  text=f"According to MOU, how many North Koreans arrived in South Korea in "
                       f"{year}?", options=("947", "1,043", "1,502", "2,028"))
    assert "not a single calendar year" in problems_of(bad, facts)


def test_bucket_year_as_a_year_option(facts, two_years) -> None:
    bad = replace(two_years, options=("2001", "2021"), params={"years": (2001, 2021)},
                  text="Which year saw more North Koreans arrive in South Korea: 2001 or 2021?")
    assert "not a single calendar year" in problems_of(bad, facts)


# --- states that must not be asked about ----------------------------------------------------------

@pytest.mark.parametrize(("iso", "name"), [("MEX", "Mexico"), ("CZE", "Czech Republic"),
                                           ("PNG", "Papua New Guinea"), ("SDN", "Sudan")])
def test_disputed_state(facts, iso, name) -> None:
    truth = iso != "MEX"  # the article's answer: it would be "keyed right", and still refused
    assert "disputed" in problems_of(tf_palestine(iso, name, LATEST, truth), facts)


def test_disputed_state_among_options(facts) -> None:
    bad = both_of_four(("Spain", "Germany", "Saudi Arabia", "Mexico"),
                       ("ESP", "DEU", "SAU", "MEX"), 0)
    assert "disputed" in problems_of(bad, facts)


@pytest.mark.parametrize(("iso", "name"), [("BLZ", "Belize"), ("BOL", "Bolivia"),
                                           ("COL", "Colombia")])
def test_cut_relations_state_in_an_israel_question(facts, iso, name) -> None:
    day = dt.date(2025, 7, 1)
    shown = f"{day.day} {day:%B %Y}"
    bad = q(id=f"recognizes_israel_tf:is:{iso}@{day}", family="recognizes_israel_tf",
            topic="recognition", difficulty="easy", source=VC_SOURCE,
            text=f"True or false? As of {shown}, {name} recognized Israel.",
            options=("True", "False"), answer_index=1, as_of=day,
            params={"iso3": iso, "as_of": day.isoformat(), "form": "is"})
    assert "cut or suspended" in problems_of(bad, facts)


def test_predecessor_state_date(facts) -> None:
    bad = q(id=f"palestine_recognition_year:RUS@{LATEST}", family="palestine_recognition_year",
            topic="recognition", difficulty="hard", source=VC_SOURCE,
            text="In which year did Russia recognize the State of Palestine? "
                 "(Data as of 9 December 2025.)",
            options=("1988", "1995", "2004", "2011"), answer_index=0, as_of=LATEST,
            params={"iso3": "RUS", "as_of": LATEST.isoformat()})
    assert "the ussr" in problems_of(bad, facts)


def test_partial_date_shown_as_a_day(facts) -> None:
    good = q(id=f"palestine_recognition_year:GNQ@{LATEST}", family="palestine_recognition_year",
             topic="recognition", difficulty="hard", source=VC_SOURCE,
             text="In which year did Equatorial Guinea recognize the State of Palestine? "
                  "(Data as of 9 December 2025.)",
             options=("1989", "1995", "2004", "2011"), answer_index=0, as_of=LATEST,
             explanation="Equatorial Guinea recognized the State of Palestine in May 1989.",
             params={"iso3": "GNQ", "as_of": LATEST.isoformat()})
    assert validate(good, facts) == []
    invented = replace(good, explanation="Equatorial Guinea recognized it on 1 May 1989.")
    assert "exact day" in problems_of(invented, facts)


def test_status_changing_around_the_date(facts) -> None:
    on_the_day = tf_palestine("ESP", "Spain", dt.date(2024, 5, 28), True)
    assert "changes within" in problems_of(on_the_day, facts)
    # Bolivia restored relations on 9 (or 10) December 2025: the Israel count is unsettled.
    shown = "9 December 2025"
    count = q(id=f"israel_count@{LATEST}", family="israel_count", topic="recognition",
              source=VC_SOURCE,
              text=f"As of {shown}, how many of the 193 UN member states recognized Israel?",
              options=("120", "140", "162", "185"), answer_index=2, as_of=LATEST,
              params={"as_of": LATEST.isoformat()})
    assert "changes within" in problems_of(count, facts)


def test_recognition_question_must_state_its_date(facts) -> None:
    good = tf_palestine("ESP", "Spain", LATEST, True)
    undated = replace(good, text="True or false? Spain recognized the State of Palestine.")
    assert "state its date" in problems_of(undated, facts)
    too_late = replace(good, as_of=dt.date(2027, 1, 1), params={"iso3": "ESP", "form": "is",
                                                               "as_of": "2027-01-01"})
    assert "outside the data" in problems_of(too_late, facts)


def test_percentages_need_about_and_distance(facts) -> None:
    good = q(id="female_share:2012", family="female_share", topic="defectors",
             difficulty="hard",
             text="About what share of the North Koreans who arrived in South Korea in 2012 "
                  "were women?",
             options=("55.3%", "63.1%", "73.1%", "83.3%"), answer_index=2, as_of=END_2025,
             params={"year": 2012})  # 1,098 / 1,502 = 73.1%
    assert validate(good, facts) == []
    close = replace(good, options=("55.3%", "63.1%", "73.1%", "76.0%"))
    assert "within 5.0 points" in problems_of(close, facts)
    no_about = replace(good, text=good.text.replace("About what", "What"))
    assert "about" in problems_of(no_about, facts)


def test_article_fact_options_must_be_the_rows(facts) -> None:
    good = q(id="article_defectors:escape_north", family="article_defectors",
             topic="defectors", difficulty="easy", as_of=dt.date(2023, 6, 30),
             text="Which country to the north do North Korean defectors try to reach, "
                  "travelling through China or Russia?",
             options=("Japan", "Mongolia", "Taiwan", "Philippines"), answer_index=1,
             params={"key": "escape_north"})
    assert validate(good, facts) == []
    assert "wrong answer key" in problems_of(replace(good, answer_index=0), facts)
    invented = replace(good, options=("Japan", "Mongolia", "Taiwan", "Kazakhstan"))
    assert "neither the fact's answer" in problems_of(invented, facts)


def test_article_numeric_distractors_outside_the_band(facts) -> None:
    """A fact file offering 24,000 and 2,400,000 against 240,000 (×0.1, ×10)."""
    far = ("24,000", "35,000", "2,400,000")
    facts = replace(facts, article_facts=tuple(
        replace(a, distractors=far) if a.key == "famine_deaths_low" else a
        for a in facts.article_facts))
    row = q(id="article_defectors:famine_deaths_low", family="article_defectors",
            topic="defectors", difficulty="hard", as_of=dt.date(2023, 6, 30),
            text="What is the lowest estimate of deaths in North Korea's 1994–1998 famine "
                 "cited by the article?",
            options=("24,000", "35,000", "240,000", "2,400,000"), answer_index=2,
            params={"key": "famine_deaths_low"})
    assert "implausibly far" in problems_of(row, facts)


def test_disputed_date_is_not_shown(facts) -> None:
    tf = tf_palestine("IDN", "Indonesia", LATEST, True)
    assert validate(replace(tf, explanation="True. Indonesia recognized it (sources differ "
                                            "on the date)."), facts) == []
    shown = replace(tf, explanation="True. Indonesia recognized it on 15 November 1988.")
    assert "sources disagree" in problems_of(shown, facts)


# --- declared parameters --------------------------------------------------------------------------

def test_a_parameter_the_family_does_not_declare_is_refused(facts, arrivals_2012, peak) -> None:
    stray = replace(arrivals_2012, params={"year": 2012, "yaer": 2013})
    assert "parameter 'yaer' is not declared" in problems_of(stray, facts)
    # A new year parameter can no longer slip past the not-a-year check by its name alone.
    sneaky = replace(peak, id="peak_year:1999", params={"first": 2002, "last": 2025,
                                                        "start": 1999})
    assert "not declared" in problems_of(sneaky, facts)


def test_a_declared_parameter_missing_or_of_the_wrong_kind(facts, arrivals_2012,
                                                           two_years) -> None:
    assert "params lack 'year'" in problems_of(replace(arrivals_2012, params={}), facts)
    assert "should be a non-empty tuple" in problems_of(
        replace(two_years, params={"years": 2009}), facts)
    tf = tf_palestine("ESP", "Spain", LATEST, True)
    assert "not an iso date" in problems_of(
        replace(tf, params={"iso3": "ESP", "as_of": "9 Dec", "form": "is"}), facts)
    assert "not a state" in problems_of(
        replace(tf, params={"iso3": "", "as_of": LATEST.isoformat()}), facts)


# --- the reveal's picture -------------------------------------------------------------------------

def test_consistent_pictures_pass(facts, arrivals_2012, peak) -> None:
    assert validate(replace(arrivals_2012, picture=PictureRequest.chart(highlight=2012)),
                    facts) == []
    assert validate(replace(peak, picture=PictureRequest.chart()), facts) == []
    tf = tf_palestine("ESP", "Spain", LATEST, True)
    assert validate(replace(tf, picture=PictureRequest.map_at(LATEST)), facts) == []


def test_inconsistent_pictures_are_refused(facts, arrivals_2012, peak) -> None:
    tf = tf_palestine("ESP", "Spain", LATEST, True)
    wrong_day = replace(tf, picture=PictureRequest.map_at(dt.date(2024, 1, 1)))
    assert "the map is dated 2024-01-01" in problems_of(wrong_day, facts)
    assert "cannot reveal the arrivals chart" in problems_of(
        replace(tf, picture=PictureRequest.chart()), facts)
    assert "cannot reveal the recognition map" in problems_of(
        replace(peak, picture=PictureRequest.map_at(END_2025)), facts)
    bucket = replace(arrivals_2012, picture=PictureRequest.chart(highlight=2000))
    assert "not a single calendar year" in problems_of(bucket, facts)
    other = replace(arrivals_2012, picture=PictureRequest.chart(highlight=2009))
    assert "not a year the question asks about" in problems_of(other, facts)
    both = replace(arrivals_2012, picture=PictureRequest.chart(highlight=2012,
                                                                span=(2011, 2012)))
    assert "not both" in problems_of(both, facts)
