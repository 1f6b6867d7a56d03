"""The new defectors and article families, and the decoy rules: keys at a uniform rank,
purposeful article distractors, refusals (wrong key, ties, a combined row used as a year).

Expected values are the reference README's (34,537 / 24,944; 99 for 2023-H1; 831 of 947 men up
to 1998; 67 → 196; the U.S. second with 70; 127 asylees) or MOU's running totals."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections import Counter
from dataclasses import replace

import pytest
from qq_helpers import END_2025, draw, q, with_year_total

from bot.quiz.questions.registry import FAMILIES
from bot.quiz.questions.validator import validate

NEW = ("extreme_in_span", "cumulative_milestone", "women_share_overall", "women_in_year",
       "data_caveat", "year_ratio", "year_rank", "years_above")


def problems_of(question, facts) -> str:
    return " | ".join(validate(question, facts))


def _made(facts, family: str, n: int = 400, seed: int = 5):
    rng = random.Random(seed)
    return [x for x in (FAMILIES[family](facts, rng) for _ in range(n)) if x is not None]


@pytest.mark.parametrize("family", NEW)
def test_new_families_validate_and_declare_fact_keys(facts, family) -> None:
    made = _made(facts, family, 150)
    assert made, family
    assert len({x.id for x in made}) > 1, f"{family} can only ask one question"
    for x in made:
        assert validate(x, facts) == [], x.id
        assert x.asks, x.id
        assert x.asks <= x.reveals, x.id  # its own answer is revealed at the end
        assert "http" in x.source


@pytest.mark.parametrize("family", ["arrivals_in_year", "span_total", "cumulative_total",
                                    "female_share", "women_in_year", "year_ratio",
                                    "years_above", "peak_year", "cumulative_milestone"])
def test_the_key_takes_every_rank_among_numeric_options(facts, family) -> None:
    ranks = Counter()
    for x in _made(facts, family, 800):
        assert len(x.options) == 4
        ranks[x.answer_index] += 1  # options are in ascending order: position = rank
    total = sum(ranks.values())
    assert all(0.15 <= ranks[i] / total <= 0.35 for i in range(4)), (family, ranks)


def test_article_numbers_are_not_always_the_middle(facts) -> None:
    numeric = [x for x in _made(facts, "article_defectors", 1500) if x.options[0][0].isdigit()]
    positions = Counter(x.answer_index for x in numeric)
    assert len(positions) == 4
    assert max(positions.values()) < 0.4 * len(numeric)


def test_article_text_names_the_article_and_decoys_are_believable(facts) -> None:
    famine = draw(facts, "article_defectors", "article_defectors:famine_deaths_low")
    assert "Visual Capitalist's 'Charted: The Number of North Korean Defectors" in famine.text
    assert "the article" not in famine.text
    covid = draw(facts, "article_defectors", "article_defectors:covid_borders")
    assert not {"Opened a land corridor to the South",
                "Signed a repatriation treaty with Mongolia"} & set(covid.options)
    oslo = draw(facts, "article_recognition", "article_recognition:oslo_year")
    assert "as of" not in oslo.text.lower()  # a historical fact carries no as-of date


def test_unhcr_second_host_and_asylees(facts) -> None:
    host = draw(facts, "article_defectors", "article_defectors:unhcr_2022_second_host")
    assert host.answer == "United States"
    assert "Germany" in host.options
    asylees = draw(facts, "article_defectors", "article_defectors:unhcr_2022_asylees")
    assert asylees.answer == "127"
    refugees = draw(facts, "article_defectors", "article_defectors:unhcr_2022_refugees")
    assert "127" not in refugees.options  # the asylees' figure is another reading
    assert "article:unhcr_2022_asylees" in refugees.reveals  # its explanation says 127


def test_counts_that_changed_later_are_not_offered(facts) -> None:
    # G20: 9 in Nov 2023, 13 by Dec 2025 (14 counting Mexico); EU 9 → 12 → 15.
    for key, banned in (("g20_palestine", {str(n) for n in range(10, 15)}),
                        ("eu_palestine", {str(n) for n in range(8, 17)} - {"9"}),
                        ("g7_palestine", {"Two", "Three"})):
        row = next(a for a in facts.article_facts if a.key == key)
        assert not banned & set(row.distractors), key
        assert "since changed" in row.explanation


def test_milestones(facts) -> None:
    assert draw(facts, "cumulative_milestone", "cumulative_milestone:10000").answer == "2007"
    assert draw(facts, "cumulative_milestone", "cumulative_milestone:30000").answer == "2016"
    good = draw(facts, "cumulative_milestone", "cumulative_milestone:10000")
    wrong = replace(good, answer_index=(good.answer_index + 1) % 4)
    assert "wrong answer key" in problems_of(wrong, facts)
    # 1,000 was passed inside 1999–2001: no year can be named.
    inside = replace(good, id="cumulative_milestone:1000", params={"threshold": 1000})
    assert "inside 1999-2001" in problems_of(inside, facts)
    assert "1000" not in {x.params["threshold"] for x in _made(facts, "cumulative_milestone")}


def test_women_share_over_everyone(facts) -> None:
    latest = draw(facts, "women_share_overall", "women_share_overall:2025")
    assert latest.answer == "72.2%"
    assert "34,537" in latest.text
    assert "latest data" in latest.text
    assert latest.picture is not None
    assert latest.picture.kind == "gender"
    close = replace(latest, options=("62.0%", "70.0%", "72.2%", "80.0%"))
    assert "within 5.0 points" in problems_of(close, facts)


def test_caveats(facts) -> None:
    bucket = draw(facts, "data_caveat", "data_caveat:combined_1999_2001")
    assert bucket.answer == "1999, 2000 and 2001 combined"
    half = draw(facts, "data_caveat", "data_caveat:half_year_2023")
    assert half.answer == "99 covers only January to June 2023"
    assert "196" in half.text
    men = draw(facts, "data_caveat", "data_caveat:men_before_1999")
    assert men.answer == "Men"
    assert "831 men" in men.explanation
    assert "wrong answer key" in problems_of(
        replace(men, answer_index=men.options.index("Women")), facts)
    invented = replace(men, options=("Men", "Women", "Children"),
                       answer_index=0)
    assert "not a claim" in problems_of(invented, facts)


def test_nearly_tripled(facts) -> None:
    x = draw(facts, "year_ratio", "year_ratio:2022-2023")
    assert x.answer == "2.9 times"
    assert "nearly tripled" in x.explanation
    assert "wrong answer key" in problems_of(
        replace(x, answer_index=(x.answer_index + 1) % 4), facts)


def test_rank_of_a_year(facts) -> None:
    x = draw(facts, "year_rank", "year_rank:2009", tries=20_000)
    assert x.answer == "1st"
    # 2012 (1,502) and 2013 (1,514) are 0.8% apart: their ranks are not asked.
    bad = replace(x, id="year_rank:2013", params={"year": 2013}, picture=None)
    assert "too close" in problems_of(bad, facts)


def test_the_span_families_refuse_ties_and_combined_rows(facts) -> None:
    fall = q(id="extreme_in_span:largest_fall:2013-2019", family="extreme_in_span",
             topic="defectors", difficulty="hard", as_of=END_2025,
             text="Between which two consecutive years did the number of North Koreans "
                  "arriving in South Korea fall the most? (MOU, from 2013 to 2019)",
             options=("2013 → 2014", "2014 → 2015", "2016 → 2017", "2018 → 2019"),
             answer_index=2,
             params={"kind": "largest_fall", "first": 2013, "last": 2019})
    assert validate(fall, facts) == []  # 1,418 → 1,127: −291
    assert "wrong answer key" in problems_of(replace(fall, answer_index=0), facts)
    # 2015 → 2016 made as large a fall as 2016 → 2017: too close to call.
    tied = with_year_total(facts, 2014, 1_566)  # 2014 → 2015 becomes −291 as well
    assert "too close" in problems_of(fall, tied)
    bucket = replace(fall, id="extreme_in_span:largest_fall:2000-2019",
                     params={"kind": "largest_fall", "first": 2000, "last": 2019})
    assert "1999-2001" in problems_of(bucket, facts)


def test_years_above_and_women_in_year(facts) -> None:
    x = draw(facts, "years_above", "years_above:2500:2004-2012", tries=50_000)
    # 2007 2,554; 2008 2,803; 2009 2,914; 2011 2,706 (2010: 2,402).
    assert x.answer == "4"
    # Above 2,000 is never asked for 2004–2012: 2006's 2,028 sits on the line.
    line = replace(x, id="years_above:2000:2004-2012",
                   params={"threshold": 2000, "first": 2004, "last": 2012})
    assert "too close" in problems_of(line, facts)
    assert "wrong answer key" in problems_of(
        replace(x, answer_index=(x.answer_index + 1) % 4), facts)
    w = draw(facts, "women_in_year", "women_in_year:2009")
    assert w.answer == "2,252"
    with_men = replace(w, options=tuple("662" if o != w.answer and i == 0 else o
                                        for i, o in enumerate(w.options)))
    if "662" in with_men.options:
        assert "misreading" in problems_of(with_men, facts)


def test_arrivals_never_offers_the_half_year_for_2023(facts) -> None:
    good = draw(facts, "arrivals_in_year", "arrivals_in_year:2023")
    values = list(good.options)
    values[(good.answer_index + 1) % 4] = "99"
    sneaky = replace(good, options=tuple(sorted(values, key=lambda o: int(o.replace(",", "")))))
    sneaky = replace(sneaky, answer_index=sneaky.options.index("196"))
    assert "2023-H1" in problems_of(sneaky, facts)


def test_peak_and_low_vary_but_keep_their_answers(facts) -> None:
    peaks = _made(facts, "peak_year")
    assert len({x.id for x in peaks}) > 20
    assert {x.answer for x in peaks} == {"2009"}
    lows = _made(facts, "lowest_year")
    assert len({x.id for x in lows}) > 5
    assert {x.answer for x in lows} == {"2021"}
    assert dt.date(2025, 12, 31) == peaks[0].as_of
    assert dataclasses.is_dataclass(peaks[0])
