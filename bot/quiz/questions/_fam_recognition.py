"""Question families on which UN member states recognize Israel, Palestine or both.

Statuses come from :func:`bot.facts.recognition.status_at` on a handful of anchor dates (see
``_policy.ANCHOR_DATES``) plus the latest event date, always written in the question. State
questions draw only from rows nobody disputes:

* never Mexico, Sudan, the Czech Republic or Papua New Guinea (disputed), nor Israel itself;
* never a state with a news-only event (Malta's reaffirmation, Belgium's conditional
  announcement, …), which players may have read as a change of status;
* Israel-dependent questions never use a state whose relations were suspended or cut (their
  "no" holds only under the article's convention) or were later restored;
* date questions never use Russia, Czech Republic, Slovakia or Serbia (their dates are the
  USSR's, Czechoslovakia's, Yugoslavia's) nor a date the row's notes say sources dispute.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from bot.facts.format import num
from bot.facts.recognition import StateStatus, status_at
from bot.facts.records import (
    SNAPSHOT_DATE,
    Category,
    Facts,
    IsraelStatus,
    RecognitionEvent,
    parse_partial_date,
)
from bot.quiz.questions import _policy as policy
from bot.quiz.questions._build import ascending, in_band, make, pick_spread, shuffled, true_false
from bot.quiz.questions._family import (
    CALENDAR_YEAR,
    DATE,
    STATE,
    STATES,
    Family,
    Param,
    family,
)
from bot.quiz.questions._format import day, join_names, partial_date
from bot.quiz.questions._sources import cap, event_rows, snapshot_rows
from bot.quiz.questions.model import Difficulty, PictureRequest, Question

UN = 193
PALESTINE = "the State of Palestine"


@dataclass(frozen=True, slots=True)
class _Pools:
    anchors: tuple[dt.date, ...]
    any_state: tuple[str, ...]  # safe for Palestine-only questions
    israel_clean: tuple[str, ...]  # also safe when the answer depends on Israel status
    date_ok: tuple[str, ...]  # also safe when the answer depends on a recognition date
    palestine_years: tuple[int, ...]  # every year in which some state recognized Palestine


def _pools(facts: Facts) -> _Pools:
    return facts.memo("recognition-pools", lambda: _compute_pools(facts))


def _compute_pools(facts: Facts) -> _Pools:
    latest = facts.latest_event_date
    anchors = tuple(sorted({d for d in policy.ANCHOR_DATES if SNAPSHOT_DATE <= d <= latest}
                           | {latest}))
    news_only = {e.iso3 for e in facts.events if e.change == "none"}
    israel_moved = {e.iso3 for e in facts.events if e.change.startswith("israel=")}
    any_state, israel_clean, date_ok = [], [], []
    for row in sorted(facts.snapshot, key=lambda r: r.iso3):
        iso = row.iso3
        if iso in policy.DISPUTED or row.dispute or iso == policy.SELF or iso in news_only:
            continue
        any_state.append(iso)
        if row.israel_status is not IsraelStatus.SUSPENDED and iso not in israel_moved:
            israel_clean.append(iso)
        doubtful = any(w in row.note.lower() for w in policy.UNCERTAIN_DATE_WORDS)
        if iso not in policy.PREDECESSOR and not doubtful:
            date_ok.append(iso)
    years = {parse_partial_date(r.palestine_recognition_date).year
             for r in facts.snapshot if r.palestine_recognition_date}
    years |= {e.effective.year for e in facts.events if e.change == "palestine=yes"}
    return _Pools(anchors, tuple(any_state), tuple(israel_clean), tuple(date_ok),
                  tuple(sorted(years)))


def _statuses(facts: Facts, d: dt.date) -> dict[str, StateStatus]:
    # status_at memoizes per date itself; dates before the snapshot read as the snapshot.
    return status_at(facts, max(d, SNAPSHOT_DATE))


def _stable(facts: Facts, iso: str, d: dt.date) -> bool:
    """Same status on every day within STABLE_DAYS of ``d``."""
    return iso in facts.memo(("recognition-stable", d), lambda: _stable_set(facts, d))


def _stable_pool(facts: Facts, pool: str, d: dt.date) -> tuple[str, ...]:
    """The states of one pool (``any_state``, ``israel_clean``, ``date_ok``) stable at ``d``."""
    return facts.memo(("recognition-pool", pool, d), lambda: tuple(
        i for i in getattr(_pools(facts), pool) if _stable(facts, i, d)))


def _stable_set(facts: Facts, d: dt.date) -> frozenset[str]:
    days = [_statuses(facts, x) for x in policy.around(d)]
    return frozenset(
        iso for iso in days[0]
        if len({(s[iso].recognizes_israel, s[iso].recognizes_palestine) for s in days}) == 1
    )


def _name(facts: Facts, iso: str) -> str:
    """The name exactly as in the data: what options (button labels) show."""
    return facts.member_by_iso3[iso].name


# Names that read with "the" inside a sentence ("As of …, the Philippines recognized …").
_WITH_THE = frozenset({"BHS", "CAF", "COM", "CZE", "COD", "DOM", "FSM", "MDV", "MHL", "NLD",
                       "PHL", "COG", "SYC", "SLB", "ARE", "GBR", "USA"})


def _prose(facts: Facts, iso: str) -> str:
    name = _name(facts, iso)
    return f"the {name}" if iso in _WITH_THE else name


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _palestine_date(status: StateStatus) -> str:
    return status.palestine_recognition_date


def _palestine_phrase(facts: Facts, iso: str, status: StateStatus) -> str:
    who = _sentence(_prose(facts, iso))
    pools = _pools(facts)
    if iso not in pools.date_ok and iso not in policy.PREDECESSOR:
        # The row's notes say sources disagree on the date: do not print one.
        return f"{who} recognized {PALESTINE} (sources differ on the date)."
    when = partial_date(_palestine_date(status)) if _palestine_date(status) else ""
    if iso in policy.PREDECESSOR:
        who += f" (as {policy.PREDECESSOR[iso]}, its predecessor state)"
    return f"{who} recognized {PALESTINE} {when}".rstrip() + "."


def _source(facts: Facts, isos: list[str], d: dt.date, *, dates: str = "") -> str:
    """``dates``: "palestine" or "israel" when the question shows that recognition date."""
    rows = [facts.snapshot_by_iso3[i] for i in isos]
    events = [e for e in facts.events if e.iso3 in isos and e.effective <= d]
    return cap([*snapshot_rows(rows, dates=dates), *event_rows(facts, events)],
               more="rows in data/")


# Every recognition question carries its date: in the id, the text and the params.
_ONE: dict[str, Param] = {"iso3": STATE, "as_of": DATE}
_FOUR: dict[str, Param] = {"states": STATES, "as_of": DATE}


def _q(fam: Family, key: str, difficulty: Difficulty, text: str, options: list[str],
       answer: str, explanation: str, source: str, d: dt.date, params: dict) -> Question:
    # The reveal shows the map on the very date the question is asked about.
    return make(fam, key=f"{key}@{d.isoformat()}", difficulty=difficulty, text=text,
                options=options, answer=answer, explanation=explanation, source=source,
                as_of=d, params={**params, "as_of": d.isoformat()},
                picture=PictureRequest.map_at(d))


# --- true / false ----------------------------------------------------------------------------

_ASPECT: dict[str, Callable[[StateStatus], object]] = {
    "palestine": lambda s: s.recognizes_palestine,
    "israel": lambda s: s.recognizes_israel,
    "category": lambda s: s.category,
}


def _date_and_pool(facts: Facts, rng: random.Random, pool: str,
                   aspect: str) -> tuple[dt.date, tuple[str, ...]]:
    """Mostly the latest date with the whole pool; sometimes an earlier anchor, and then only
    the states whose ``aspect`` was different then. So the date always matters, and the same
    state is not asked again under another date with the same answer."""
    pools = _pools(facts)
    latest = pools.anchors[-1]
    earlier = facts.memo(("recognition-changed", pool, aspect), lambda: {
        d: changed for d in pools.anchors[:-1]
        if (changed := _changed(facts, pool, aspect, d, latest))})
    if not earlier or rng.random() >= 0.3:
        return latest, _stable_pool(facts, pool, latest)
    d = rng.choice(sorted(earlier))
    return d, earlier[d]


def _changed(facts: Facts, pool: str, aspect: str, d: dt.date,
             latest: dt.date) -> tuple[str, ...]:
    then, now, key = _statuses(facts, d), _statuses(facts, latest), _ASPECT[aspect]
    steady = set(_stable_pool(facts, pool, latest))
    return tuple(i for i in _stable_pool(facts, pool, d)
                 if i in steady and key(then[i]) != key(now[i]))


def _tf_state(facts: Facts, rng: random.Random, pool: str,
              aspect: str) -> tuple[dt.date, str] | None:
    wanted = rng.random() < 0.5  # as many true as false statements
    d, candidates = _date_and_pool(facts, rng, pool, aspect)
    statuses = _statuses(facts, d)
    matching = facts.memo(("recognition-tf", pool, aspect, d, candidates, wanted), lambda: [
        i for i in candidates if _ASPECT[aspect](statuses[i]) is wanted])
    return (d, rng.choice(matching)) if matching else None


@family("recognizes_palestine_tf", "recognition", "easy", params=_ONE)
def recognizes_palestine_tf(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """True/false: state X recognized the State of Palestine as of a date."""
    pools = _pools(facts)
    picked = _tf_state(facts, rng, "any_state", "palestine")
    if picked is None:
        return None
    d, iso = picked
    status = _statuses(facts, d)[iso]
    truth = status.recognizes_palestine
    name = _prose(facts, iso)
    if truth:
        explanation = f"True. {_palestine_phrase(facts, iso, status)}"
    else:
        later = _statuses(facts, pools.anchors[-1])[iso]
        explanation = f"False. As of {day(d)}, {name} had not recognized {PALESTINE}."
        if later.recognizes_palestine:
            explanation += f" It did so later, {partial_date(later.palestine_recognition_date)}."
    text = f"True or false? As of {day(d)}, {name} recognized {PALESTINE}."
    options, answer = true_false(truth)
    return _q(fam, iso, "easy", text, options, answer,
              explanation, _source(facts, [iso], pools.anchors[-1], dates="palestine"), d,
              {"iso3": iso})


def _israel_phrase(facts: Facts, iso: str, status: StateStatus) -> str:
    # No date: the data's Israel dates mix de facto, de jure and normalization agreements,
    # and the answer does not need one.
    name = _sentence(_prose(facts, iso))
    if status.recognizes_israel:
        return f"{name} recognizes Israel (the article's data)."
    if status.israel_status is IsraelStatus.WITHDREW:
        return f"{name} withdrew its recognition of Israel."
    return f"{name} has never recognized Israel."


@family("recognizes_israel_tf", "recognition", "easy", params=_ONE)
def recognizes_israel_tf(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """True/false: state X recognized Israel as of a date (no cut-relations states)."""
    picked = _tf_state(facts, rng, "israel_clean", "israel")
    if picked is None:
        return None
    d, iso = picked
    status = _statuses(facts, d)[iso]
    truth = status.recognizes_israel
    text = f"True or false? As of {day(d)}, {_prose(facts, iso)} recognized Israel."
    explanation = f"{'True' if truth else 'False'}. {_israel_phrase(facts, iso, status)}"
    options, answer = true_false(truth)
    return _q(fam, iso, "easy", text, options, answer,
              explanation, _source(facts, [iso], d), d, {"iso3": iso})


# --- which of these four -----------------------------------------------------------------------

_CATEGORY_TEXT = {
    Category.BOTH: "recognized both Israel and the State of Palestine",
    Category.ISRAEL_ONLY: "recognized Israel but not the State of Palestine",
    Category.PALESTINE_ONLY: "recognized the State of Palestine but not Israel",
}
_CATEGORY_SHORT = {Category.BOTH: "both", Category.ISRAEL_ONLY: "Israel only",
                   Category.PALESTINE_ONLY: "Palestine only", Category.NEITHER: "neither"}


def _split(facts: Facts, d: dt.date, target: Category,
           allowed: set[str]) -> tuple[list[str], list[str]]:
    """Answer candidates (in ``target``, among ``allowed``) and distractors (not in it)."""
    statuses = _statuses(facts, d)
    stable = _stable_pool(facts, "israel_clean", d)
    return ([i for i in stable if statuses[i].category is target and i in allowed],
            [i for i in stable if statuses[i].category is not target])


def _category_family(name: str, target: Category) -> Family:
    def build(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
        d, changed = _date_and_pool(facts, rng, "israel_clean", "category")
        statuses = _statuses(facts, d)
        right, wrong = facts.memo(("recognition-category", target, d, changed),
                            lambda: _split(facts, d, target, set(changed)))
        if not right or len(wrong) < 3:
            return None
        iso = rng.choice(right)
        others = rng.sample(wrong, 3)
        names = {i: _name(facts, i) for i in [iso, *others]}
        text = f"As of {day(d)}, which of these UN member states {_CATEGORY_TEXT[target]}?"
        listed = "; ".join(f"{names[i]}: {_CATEGORY_SHORT[statuses[i].category]}"
                           for i in sorted(names, key=lambda i: names[i]))
        explanation = (f"{_sentence(_prose(facts, iso))} {_CATEGORY_TEXT[target]} as of "
                       f"{day(d)}. {listed}.")
        options = shuffled(rng, names[iso], [names[i] for i in others])
        states = tuple(next(i for i in names if names[i] == o) for o in options)
        return _q(fam, iso, "medium", text, options, names[iso], explanation,
                  _source(facts, list(states), d), d, {"states": states})

    build.__doc__ = f"Which of four states {_CATEGORY_TEXT[target]}."
    return family(name, "recognition", "medium", params=_FOUR)(build)


category_both = _category_family("category_both", Category.BOTH)
category_israel_only = _category_family("category_israel_only", Category.ISRAEL_ONLY)
category_palestine_only = _category_family("category_palestine_only", Category.PALESTINE_ONLY)


@family("never_recognized_israel", "recognition", "medium", params=_FOUR)
def never_recognized_israel(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """Which of four states has never recognized Israel (per the article's data)."""
    # "Never" does not change with the date for these states: ask it once, at the latest.
    d = _pools(facts).anchors[-1]
    statuses = _statuses(facts, d)
    stable = _stable_pool(facts, "israel_clean", d)
    never = [i for i in stable if statuses[i].israel_status is IsraelStatus.NEVER]
    yes = [i for i in stable if statuses[i].recognizes_israel]
    if not never or len(yes) < 3:
        return None
    iso = rng.choice(never)
    others = rng.sample(yes, 3)
    names = {i: _name(facts, i) for i in [iso, *others]}
    text = f"As of {day(d)}, which of these UN member states had never recognized Israel?"
    explanation = (f"{_sentence(_prose(facts, iso))} has never recognized Israel (the "
                   f"article's data); {join_names(sorted(_prose(facts, i) for i in others))} "
                   f"recognize it.")
    options = shuffled(rng, names[iso], [names[i] for i in others])
    states = tuple(next(i for i in names if names[i] == o) for o in options)
    return _q(fam, iso, "medium", text, options, names[iso],
              explanation, _source(facts, list(states), d), d, {"states": states})


# --- counts ------------------------------------------------------------------------------------

def _counted(which: str, s: StateStatus) -> bool:
    if which == "palestine":
        return s.recognizes_palestine
    if which == "israel":
        return s.recognizes_israel
    return s.recognizes_israel and s.recognizes_palestine


def _count_range(facts: Facts, d: dt.date, which: str) -> tuple[int, int, int]:
    """The count, and the lowest and highest counts another reasonable convention gives:
    a disputed row flipped, cut relations counted as recognition, Israel not counting itself."""
    return facts.memo(("recognition-count", d, which), lambda: _compute_range(facts, d, which))


def _compute_range(facts: Facts, d: dt.date, which: str) -> tuple[int, int, int]:
    statuses = _statuses(facts, d)
    count = sum(_counted(which, s) for s in statuses.values())
    lo = hi = count
    for iso, s in statuses.items():
        flips = iso in policy.DISPUTED or facts.snapshot_by_iso3[iso].dispute != ""
        if which != "palestine":
            flips |= s.israel_status is IsraelStatus.SUSPENDED or iso == policy.SELF
        if flips:
            if _counted(which, s):
                lo -= 1
            else:
                hi += 1
    return count, lo, hi


_COUNT_TEXT = {
    "palestine": ("recognized the State of Palestine, by the article's count", "medium"),
    "israel": ("recognized Israel (article's convention: Israel counts itself; cutting "
               "relations counts as not recognizing)", "medium"),
    "both": ("recognized both Israel and the State of Palestine (article's convention: "
             "cutting relations counts as not recognizing Israel)", "hard"),
}


def _count_dates(facts: Facts, which: str) -> tuple[dt.date, ...]:
    """One anchor date per distinct count: the snapshot, else the latest, else the earliest
    date with that count. Dates where the count changes within STABLE_DAYS are left out."""
    anchors = _pools(facts).anchors
    stable = [d for d in anchors
              if len({_count_range(facts, x, which)[0] for x in policy.around(d)}) == 1]
    by_count: dict[int, list[dt.date]] = {}
    for d in stable:
        by_count.setdefault(_count_range(facts, d, which)[0], []).append(d)
    chosen = []
    for dates in by_count.values():
        preferred = [d for d in (SNAPSHOT_DATE, anchors[-1]) if d in dates]
        chosen.append(preferred[0] if preferred else dates[0])
    return tuple(sorted(chosen))


def _count_family(which: str) -> Family:
    phrase, difficulty = _COUNT_TEXT[which]

    def build(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
        d = rng.choice(facts.memo(("recognition-count-dates", which),
                            lambda: _count_dates(facts, which)))
        count, lo, hi = _count_range(facts, d, which)
        steps = [count + k for k in range(-40, 41) if k]

        def ok(c: int, chosen: list[int]) -> bool:
            return (c not in chosen and 0 <= c <= UN
                    and not lo - policy.COUNT_MARGIN <= c <= hi + policy.COUNT_MARGIN
                    and abs(c - count) >= policy.NUMERIC_MIN_GAP * count
                    and in_band(c, count, policy.BAND_LOW, policy.BAND_HIGH)
                    and all(abs(c - x) >= 3 for x in chosen))

        picked = pick_spread(rng, steps, 3, ok)
        if picked is None:
            return None
        text = f"As of {day(d)}, how many of the {UN} UN member states {phrase}?"
        explanation, changed = facts.memo(("recognition-count-why", d, which),
                                    lambda: _count_explanation(facts, d, which, count))
        source = cap([*snapshot_rows([]), *event_rows(facts, changed)],
                     more="events in data/recognition_events.csv")
        return _q(fam, "", difficulty, text, ascending(count, picked, num), num(count),
                  explanation, source, d, {})

    build.__doc__ = f"How many UN members {phrase.split(' (')[0]} as of a date."
    return family(f"{which}_count", "recognition", difficulty, params={"as_of": DATE})(build)


def _count_explanation(facts: Facts, d: dt.date, which: str,
                       count: int) -> tuple[str, list[RecognitionEvent]]:
    before, after = _statuses(facts, SNAPSHOT_DATE), _statuses(facts, d)
    base = sum(_counted(which, s) for s in before.values())
    now = {i for i in after if _counted(which, after[i])}
    then = {i for i in before if _counted(which, before[i])}
    gained = sorted(now - then, key=lambda i: _name(facts, i))
    lost = sorted(then - now, key=lambda i: _name(facts, i))
    if d == SNAPSHOT_DATE:
        text = f"The article counts {num(count)} as of {day(d)}."
    elif not gained and not lost:
        text = (f"{num(count)}: the article's {num(base)} of {day(SNAPSHOT_DATE)}, unchanged by "
                f"{day(d)}.")
    else:
        text = f"{num(base)} at the article's snapshot ({day(SNAPSHOT_DATE)})"
        if gained:
            text += f"; +{len(gained)} since ({join_names([_name(facts, i) for i in gained])})"
        if lost:
            text += f"; −{len(lost)} since ({join_names([_name(facts, i) for i in lost])})"
        text += f": {num(count)} as of {day(d)}."
    if which == "palestine":
        text += (" Wikipedia later also lists Mexico, which the article (and this bot) does not "
                 "count: that recognition is disputed.")
    else:
        cut = sorted((_name(facts, i) for i, s in after.items()
                      if s.israel_status is IsraelStatus.SUSPENDED), key=str.casefold)
        text += (f" States that cut or suspended relations count as not recognizing Israel "
                 f"({join_names(cut)}).")
    moved = set(gained) | set(lost)
    changed = [e for e in facts.events if e.iso3 in moved and e.effective <= d]
    return text, changed


palestine_count = _count_family("palestine")
israel_count = _count_family("israel")
both_count = _count_family("both")


# --- dates -------------------------------------------------------------------------------------

def _recognized_by(facts: Facts, d: dt.date, pool: str) -> list[str]:
    statuses = _statuses(facts, d)
    return [i for i in _stable_pool(facts, pool, d) if statuses[i].recognizes_palestine]


def _year_of(status: StateStatus) -> int:
    return int(status.palestine_recognition_date[:4])  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"


@family("palestine_recognition_year", "recognition", "hard", params=_ONE)
def palestine_recognition_year(fam: Family, facts: Facts,
                               rng: random.Random) -> Question | None:
    """In which year state X recognized the State of Palestine."""
    pools = _pools(facts)
    d = pools.anchors[-1]  # a recognition year does not change with the date asked
    statuses = _statuses(facts, d)
    candidates = [i for i in _recognized_by(facts, d, "date_ok")
                  if _palestine_date(statuses[i])]
    if not candidates:
        return None
    iso = rng.choice(candidates)
    status = statuses[iso]
    year = _year_of(status)

    def ok(y: int, chosen: list[int]) -> bool:
        return (y not in chosen and abs(y - year) >= policy.YEAR_MIN_GAP
                and policy.FIRST_PALESTINE_YEAR <= y <= d.year)

    picked = pick_spread(rng, list(pools.palestine_years), 3, ok)
    if picked is None:
        return None
    text = (f"In which year did {_prose(facts, iso)} recognize {PALESTINE}? "
            f"(Data as of {day(d)}.)")
    explanation = _palestine_phrase(facts, iso, status)
    return _q(fam, iso, "hard", text,
              ascending(year, picked, str), str(year), explanation,
              _source(facts, [iso], d, dates="palestine"), d, {"iso3": iso})


@family("recognized_palestine_in", "recognition", "medium",
        params={"year": CALENDAR_YEAR, **_FOUR})
def recognized_palestine_in(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """Which of four states recognized the State of Palestine in a given year (2024, 2025)."""
    d = _pools(facts).anchors[-1]  # the latest event date
    statuses = _statuses(facts, d)
    years = sorted({e.effective.year for e in facts.events if e.change == "palestine=yes"})
    if not years:
        return None
    year = rng.choice(years)
    stable = _stable_pool(facts, "date_ok", d)
    right = [i for i in stable if statuses[i].recognizes_palestine
             and _year_of(statuses[i]) == year]
    # Distractors: states that have not recognized Palestine, or did so in another year.
    wrong = [i for i in stable if not (statuses[i].recognizes_palestine
                                       and _year_of(statuses[i]) == year)]
    if not right or len(wrong) < 3:
        return None
    iso = rng.choice(right)
    others = rng.sample(wrong, 3)
    names = {i: _name(facts, i) for i in [iso, *others]}
    text = (f"Which of these UN member states recognized {PALESTINE} in {year}? "
            f"(Data as of {day(d)}.)")
    notes = []
    for i in sorted(others, key=lambda i: names[i]):
        s = statuses[i]
        notes.append(f"{names[i]}: " + (partial_date(s.palestine_recognition_date)
                                         if s.recognizes_palestine and i not in policy.PREDECESSOR
                                         else "earlier" if s.recognizes_palestine
                                         else f"not recognized by {day(d)}"))
    explanation = f"{_palestine_phrase(facts, iso, statuses[iso])} Others: {'; '.join(notes)}."
    options = shuffled(rng, names[iso], [names[i] for i in others])
    states = tuple(next(i for i in names if names[i] == o) for o in options)
    return _q(fam, f"{year}:{iso}", "medium", text, options,
              names[iso], explanation, _source(facts, list(states), d, dates="palestine"), d,
              {"year": year, "states": states})


def _by_year(facts: Facts, d: dt.date) -> dict[int, list[str]]:
    statuses = _statuses(facts, d)
    by_year: dict[int, list[str]] = {}
    for i in _recognized_by(facts, d, "date_ok"):
        if _palestine_date(statuses[i]):
            by_year.setdefault(_year_of(statuses[i]), []).append(i)
    return by_year


@family("first_to_recognize_palestine", "recognition", "hard", params=_FOUR)
def first_to_recognize_palestine(fam: Family, facts: Facts,
                                 rng: random.Random) -> Question | None:
    """Which of four states recognized the State of Palestine first (years ≥ 2 apart)."""
    d = _pools(facts).anchors[-1]  # who came first does not change with the date asked
    statuses = _statuses(facts, d)
    by_year = facts.memo(("recognition-by-year", d), lambda: _by_year(facts, d))
    years = sorted(by_year)
    if len(years) < 4:
        return None
    first_year = rng.choice(years[:-3])
    later = [y for y in years if y >= first_year + policy.YEAR_MIN_GAP]
    if len(later) < 3:
        return None
    chosen_years = rng.sample(later, 3)
    iso = rng.choice(by_year[first_year])
    others = [rng.choice(by_year[y]) for y in chosen_years]
    names = {i: _name(facts, i) for i in [iso, *others]}
    text = (f"Which of these UN member states recognized {PALESTINE} first? "
            f"(Data as of {day(d)}.)")
    listed = "; ".join(f"{names[i]}: {partial_date(_palestine_date(statuses[i]))}"
                       for i in sorted(names, key=lambda i: _palestine_date(statuses[i])))
    explanation = f"{names[iso]} was first. {listed}."
    options = shuffled(rng, names[iso], [names[i] for i in others])
    states = tuple(next(i for i in names if names[i] == o) for o in options)
    return _q(fam, iso, "hard", text, options, names[iso],
              explanation, _source(facts, list(states), d, dates="palestine"), d,
              {"states": states})

