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
from collections.abc import Callable, Iterable
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
from bot.quiz.questions._build import (
    ascending,
    in_band,
    length_fair,
    make,
    pick_spread,
    shuffled,
    true_false,
)
from bot.quiz.questions._family import (
    CALENDAR_YEAR,
    DATE,
    STATE,
    STATES,
    WORD,
    Family,
    Param,
    family,
)
from bot.quiz.questions._format import day, join_names, partial_date
from bot.quiz.questions._sources import cap, event_rows, snapshot_rows
from bot.quiz.questions.model import Difficulty, PictureRequest, Question

UN = 193
PALESTINE = "the State of Palestine"
# "The article", named wherever the text relies on it.
ARTICLE = "Visual Capitalist's article (data as of 14 November 2023)"


def _at(facts: Facts, d: dt.date) -> str:
    """"As of 1 July 2025", or for the latest data date its label ("In the latest data
    (December 2025)"): an event's day reads as if something happened on it."""
    if d == facts.latest_event_date:
        return f"In the {policy.latest_label(d)}"
    return f"As of {day(d)}"




def _peers(rng: random.Random, key: str, pool: list[str], k: int = 3) -> list[str] | None:
    """``k`` decoys from ``pool`` in the key's own OIC stratum, so "pick (or avoid) the
    Muslim-majority state" carries no information: a "not Israel" question then offers
    Muslim-majority states that do recognize Israel, a "Palestine in 2024" question only
    non-OIC states. None if the stratum is too small."""
    inside = key in policy.OIC
    same = [i for i in pool if (i in policy.OIC) is inside and i != key]
    if len(same) < k:
        return None
    # Lengths are left to the family's length_fair wrapper, which balances how often the key
    # is the longest name over the key's choice too (decoys alone cannot make "Chad" longest).
    return rng.sample(same, k)


def _order(rng: random.Random, names: dict[str, str], iso: str,
           others: list[str]) -> tuple[list[str], tuple[str, ...]]:
    options = shuffled(rng, names[iso], [names[i] for i in others])
    return options, tuple(next(i for i in names if names[i] == o) for o in options)


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
        if iso not in policy.PREDECESSOR and iso not in policy.FORMER_FORM and not doubtful:
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
    if iso not in pools.date_ok and iso not in policy.PREDECESSOR \
            and iso not in policy.FORMER_FORM:
        # The row's notes say sources disagree on the date: do not print one.
        return f"{who} recognized {PALESTINE} (sources differ on the date)."
    when = partial_date(_palestine_date(status)) if _palestine_date(status) else ""
    if iso in policy.PREDECESSOR:
        who += f" (as {policy.PREDECESSOR[iso]}, its predecessor state)"
    elif iso in policy.FORMER_FORM:
        who += f" ({policy.FORMER_FORM[iso]})"
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
       answer: str, explanation: str, source: str, d: dt.date, params: dict, *,
       subjects: Iterable[str], asks: Iterable[str], reveals: Iterable[str] = ()) -> Question:
    # The reveal shows the map on the very date the question is asked about. Fact keys (see
    # model.py): what an explanation states is revealed, and what is asked is revealed too.
    return make(fam, key=f"{key}@{d.isoformat()}", difficulty=difficulty, text=text,
                options=options, answer=answer, explanation=explanation, source=source,
                as_of=d, params={**params, "as_of": d.isoformat()},
                picture=PictureRequest.map_at(d), subjects=frozenset(subjects),
                asks=frozenset(asks), reveals=frozenset(asks) | frozenset(reveals))


def _states_keys(isos: list[str] | tuple[str, ...], *kinds: str) -> set[str]:
    return {f"{k}:{i}" for i in isos for k in kinds}


# --- true / false ----------------------------------------------------------------------------

_ASPECT: dict[str, Callable[[StateStatus], object]] = {
    "palestine": lambda s: s.recognizes_palestine,
    "israel": lambda s: s.recognizes_israel,
    "category": lambda s: s.category,
}
# A true/false statement is made in the positive ("X recognized Israel") or the negative ("X
# had not recognized Israel") form, half each, about a state drawn regardless of its status:
# so True and False are each right half the time whatever the base rate (most states
# recognize Israel), and each form has as many true as false questions to draw from.
_TF: dict[str, Param] = {"iso3": STATE, "as_of": DATE, "form": WORD}
FORMS = ("is", "not")


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
              aspect: str) -> tuple[dt.date, str, str, bool] | None:
    """(date, state, form, truth): the truth is drawn first, half True, then a state that
    makes the drawn form's statement come out that way."""
    form, wanted = rng.choice(FORMS), rng.random() < 0.5
    d, candidates = _date_and_pool(facts, rng, pool, aspect)
    statuses = _statuses(facts, d)
    status_wanted = wanted if form == "is" else not wanted
    matching = facts.memo(("recognition-tf", pool, aspect, d, candidates, status_wanted),
                          lambda: [i for i in candidates
                                   if _ASPECT[aspect](statuses[i]) is status_wanted])
    return (d, rng.choice(matching), form, wanted) if matching else None


def _statement(form: str, what: str) -> str:
    return f"recognized {what}" if form == "is" else f"had not recognized {what}"


@family("recognizes_palestine_tf", "recognition", "easy", params=_TF)
def recognizes_palestine_tf(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """True/false: state X recognized (or had not recognized) the State of Palestine."""
    pools = _pools(facts)
    picked = _tf_state(facts, rng, "any_state", "palestine")
    if picked is None:
        return None
    d, iso, form, truth = picked
    status = _statuses(facts, d)[iso]
    name = _prose(facts, iso)
    verdict = "True" if truth else "False"
    if status.recognizes_palestine:
        explanation = f"{verdict}. {_palestine_phrase(facts, iso, status)}"
    else:
        later = _statuses(facts, pools.anchors[-1])[iso]
        explanation = f"{verdict}. {_at(facts, d)}, {name} had not recognized {PALESTINE}."
        if later.recognizes_palestine:
            explanation += f" It did so later, {partial_date(later.palestine_recognition_date)}."
    text = f"True or false? {_at(facts, d)}, {name} {_statement(form, PALESTINE)}."
    options, answer = true_false(truth)
    return _q(fam, f"{form}:{iso}", "easy", text, options, answer,
              explanation, _source(facts, [iso], pools.anchors[-1], dates="palestine"), d,
              {"iso3": iso, "form": form}, subjects={f"state:{iso}"},
              asks={f"palestine:{iso}"}, reveals={f"palestine_date:{iso}"})


def _israel_phrase(facts: Facts, iso: str, status: StateStatus) -> str:
    # No date: the data's Israel dates mix de facto, de jure and normalization agreements,
    # and the answer does not need one.
    name = _sentence(_prose(facts, iso))
    if status.recognizes_israel:
        return f"{name} recognizes Israel ({ARTICLE})."
    if status.israel_status is IsraelStatus.WITHDREW:
        return f"{name} withdrew its recognition of Israel."
    return f"{name} has never recognized Israel."


@family("recognizes_israel_tf", "recognition", "easy", params=_TF)
def recognizes_israel_tf(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """True/false: state X recognized (or had not recognized) Israel (no cut-relations
    states)."""
    picked = _tf_state(facts, rng, "israel_clean", "israel")
    if picked is None:
        return None
    d, iso, form, truth = picked
    status = _statuses(facts, d)[iso]
    text = f"True or false? {_at(facts, d)}, {_prose(facts, iso)} {_statement(form, 'Israel')}."
    explanation = f"{'True' if truth else 'False'}. {_israel_phrase(facts, iso, status)}"
    options, answer = true_false(truth)
    return _q(fam, f"{form}:{iso}", "easy", text, options, answer,
              explanation, _source(facts, [iso], d), d, {"iso3": iso, "form": form},
              subjects={f"state:{iso}"}, asks={f"israel:{iso}"})


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
        if not right:
            return None
        iso = rng.choice(right)
        others = _peers(rng, iso, wrong)
        if others is None:
            return None
        names = {i: _name(facts, i) for i in [iso, *others]}
        text = f"{_at(facts, d)}, which of these UN member states {_CATEGORY_TEXT[target]}?"
        listed = "; ".join(f"{names[i]}: {_CATEGORY_SHORT[statuses[i].category]}"
                           for i in sorted(names, key=lambda i: names[i]))
        explanation = (f"{_sentence(_prose(facts, iso))} {_CATEGORY_TEXT[target]} "
                       f"({_at(facts, d)[0].lower()}{_at(facts, d)[1:]}). {listed}.")
        options, states = _order(rng, names, iso, others)
        return _q(fam, iso, "medium", text, options, names[iso], explanation,
                  _source(facts, list(states), d), d, {"states": states},
                  subjects=_states_keys(states, "state"),
                  asks=_states_keys(states, "israel", "palestine"))

    build.__doc__ = f"Which of four states {_CATEGORY_TEXT[target]}."
    return family(name, "recognition", "medium", params=_FOUR)(length_fair(build))


category_both = _category_family("category_both", Category.BOTH)
category_israel_only = _category_family("category_israel_only", Category.ISRAEL_ONLY)
category_palestine_only = _category_family("category_palestine_only", Category.PALESTINE_ONLY)


@family("never_recognized_israel", "recognition", "medium", params=_FOUR)
@length_fair
def never_recognized_israel(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """Which of four states has never recognized Israel (per the article's data); the
    decoys are Muslim-majority states that do, when the key is one."""
    # "Never" does not change with the date for these states: ask it once, at the latest.
    d = _pools(facts).anchors[-1]
    statuses = _statuses(facts, d)
    stable = _stable_pool(facts, "israel_clean", d)
    never = [i for i in stable if statuses[i].israel_status is IsraelStatus.NEVER]
    yes = [i for i in stable if statuses[i].recognizes_israel]
    if not never:
        return None
    iso = rng.choice(never)
    others = _peers(rng, iso, yes)
    if others is None:
        return None
    names = {i: _name(facts, i) for i in [iso, *others]}
    text = f"{_at(facts, d)}, which of these UN member states had never recognized Israel?"
    explanation = (f"{_sentence(_prose(facts, iso))} has never recognized Israel ({ARTICLE}); "
                   f"{join_names(sorted(_prose(facts, i) for i in others))} recognize it.")
    options, states = _order(rng, names, iso, others)
    return _q(fam, iso, "medium", text, options, names[iso],
              explanation, _source(facts, list(states), d), d, {"states": states},
              subjects=_states_keys(states, "state"), asks=_states_keys(states, "israel"))


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


def _ever_counted(facts: Facts, which: str) -> frozenset[int]:
    """Every count the article's convention gives on any day of the data (138 in 2023, 147
    in 2024, 156 now …): such a figure was true at another date, so it is never offered as a
    wrong option (other conventions at the question's date are kept out by COUNT_MARGIN)."""
    def compute() -> frozenset[int]:
        days = {SNAPSHOT_DATE} | {e.effective for e in facts.events}
        return frozenset(_count_range(facts, d, which)[0] for d in days)
    return facts.memo(("recognition-ever", which), compute)


def _count_text(facts: Facts, d: dt.date, which: str) -> str:
    whose = (f"according to {ARTICLE}" if d == SNAPSHOT_DATE
             else "under the convention of Visual Capitalist's article of 14 November 2023")
    return {
        "palestine": f"recognized the State of Palestine, {whose}",
        "israel": f"recognized Israel ({whose}: Israel counts itself; cutting relations counts "
                  f"as not recognizing)",
        "both": f"recognized both Israel and the State of Palestine ({whose}: cutting "
                f"relations counts as not recognizing Israel)",
    }[which]


_COUNT_DIFFICULTY: dict[str, Difficulty] = {"palestine": "medium", "israel": "medium",
                                            "both": "hard"}


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


def _with_fixed(ok: Callable[[int, list[int]], bool],
                fixed: list[int]) -> Callable[[int, list[int]], bool]:
    """``ok`` that also sees the distractors already chosen on the other side."""
    def check(c: int, chosen: list[int]) -> bool:
        return ok(c, [*fixed, *chosen])
    return check


def ranked(rng: random.Random, answer: int, below: list[int], above: list[int],
           ok: Callable[[int, list[int]], bool]) -> list[int] | None:
    """Three distractors placing ``answer`` at a uniformly drawn rank among four ascending
    options (so its position, and "smallest" / "largest", say nothing); other ranks are
    tried in random order when one cannot be filled."""
    ranks = [0, 1, 2, 3]
    rng.shuffle(ranks)
    for r in ranks:
        low = pick_spread(rng, below, r, ok) if r else []
        if low is None:
            continue
        high = pick_spread(rng, above, 3 - r, _with_fixed(ok, list(low))) if r < 3 else []
        if high is not None:
            return [*low, *high]
    return None


def _count_family(which: str) -> Family:
    difficulty = _COUNT_DIFFICULTY[which]

    def build(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
        d = rng.choice(facts.memo(("recognition-count-dates", which),
                            lambda: _count_dates(facts, which)))
        count, lo, hi = _count_range(facts, d, which)
        ever = _ever_counted(facts, which)

        def ok(c: int, chosen: list[int]) -> bool:
            # At most one two-digit decoy beside a three-digit count: "pick the longest"
            # would otherwise find the key.
            short = sum(x < 100 <= count for x in [*chosen, c])
            return (c not in chosen and 0 <= c <= UN and c not in ever and short <= 1
                    and not lo - policy.COUNT_MARGIN <= c <= hi + policy.COUNT_MARGIN
                    and abs(c - count) >= policy.NUMERIC_MIN_GAP * count
                    and in_band(c, count, policy.BAND_LOW, policy.BAND_HIGH)
                    and all(abs(c - x) >= 3 for x in chosen))

        picked = ranked(rng, count, [count - k for k in range(1, 41)],
                        [count + k for k in range(1, 41)], ok)
        if picked is None:
            return None
        text = f"{_at(facts, d)}, how many of the {UN} UN member states {_count_text(facts, d, which)}?"
        explanation, changed = facts.memo(("recognition-count-why", d, which),
                                    lambda: _count_explanation(facts, d, which, count))
        source = cap([*snapshot_rows([]), *event_rows(facts, changed)],
                     more="events in data/recognition_events.csv")
        return _q(fam, "", difficulty, text, ascending(count, picked, num), num(count),
                  explanation, source, d, {}, subjects={f"date:{d.isoformat()}"},
                  asks={f"count:{which}@{d.isoformat()}"},
                  # The explanation names every state that changed since the snapshot, which
                  # dates its recognition (or its cut relations) to after 14 November 2023.
                  reveals=_states_keys([e.iso3 for e in changed], *(
                      ("israel", "relations") if which == "israel"
                      else ("palestine", "palestine_date"))))

    build.__doc__ = f"How many UN members recognized {which} as of a date."
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
        text = f"Visual Capitalist's article counts {num(count)} as of {day(d)}."
    elif not gained and not lost:
        text = (f"{num(count)}: Visual Capitalist's {num(base)} of {day(SNAPSHOT_DATE)}, "
                f"unchanged by {day(d)}.")
    else:
        text = f"{num(base)} in Visual Capitalist's article ({day(SNAPSHOT_DATE)})"
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


# Half of all dated recognitions of Palestine are from 1988, so a key drawn by state would be
# 1988 half the time and always the earliest option. Instead the key's rank among the four
# (ascending) years is drawn uniformly; a rank-0 key is 1988 with this probability, and when
# earlier years are needed 1988 is among them with the next, so "pick 1988" and "pick the
# earliest" both stay at chance.
KEY_1988 = 0.6
DECOY_1988 = 0.8


@family("palestine_recognition_year", "recognition", "hard", params=_ONE)
def palestine_recognition_year(fam: Family, facts: Facts,
                               rng: random.Random) -> Question | None:
    """In which year state X recognized the State of Palestine."""
    pools = _pools(facts)
    d = pools.anchors[-1]  # a recognition year does not change with the date asked
    statuses = _statuses(facts, d)
    candidates = [i for i in _recognized_by(facts, d, "date_ok")
                  if _palestine_date(statuses[i])]
    first = policy.FIRST_PALESTINE_YEAR
    years = [y for y in pools.palestine_years if first <= y <= d.year]
    rank = rng.randrange(4)

    def fits(y: int) -> bool:
        below = [x for x in years if x <= y - policy.YEAR_MIN_GAP]
        above = [x for x in years if x >= y + policy.YEAR_MIN_GAP]
        return len(below) >= rank and len(above) >= 3 - rank

    if rank == 0 and rng.random() < KEY_1988:
        # 1988 has as many rows as all later years together; question ids name the state, so
        # only every fifth 1988 state (a fixed subset) is a key, or 1988 would be most keys.
        keys = sorted(i for i in candidates if _year_of(statuses[i]) == first)[::5]
    else:
        keys = [i for i in candidates if _year_of(statuses[i]) != first
                and fits(_year_of(statuses[i]))]
    if not keys:
        return None
    iso = rng.choice(keys)
    status = statuses[iso]
    year = _year_of(status)

    def ok(y: int, chosen: list[int]) -> bool:
        return y not in chosen and y != year and all(
            abs(y - x) >= policy.YEAR_MIN_GAP for x in [year])

    below = [x for x in years if x <= year - policy.YEAR_MIN_GAP]
    above = [x for x in years if x >= year + policy.YEAR_MIN_GAP]
    low: list[int] = []
    if rank and first in below and rng.random() < DECOY_1988:
        low = [first]
    rest = pick_spread(rng, [x for x in below if x not in low], rank - len(low), ok) \
        if rank - len(low) > 0 else []
    high = pick_spread(rng, above, 3 - rank, ok) if rank < 3 else []
    if rest is None or high is None:
        return None
    picked = [*low, *rest, *high]
    text = (f"In which year did {_prose(facts, iso)} recognize {PALESTINE}? "
            f"({policy.latest_label(d)})")
    explanation = _palestine_phrase(facts, iso, status)
    return _q(fam, iso, "hard", text,
              ascending(year, picked, str), str(year), explanation,
              _source(facts, [iso], d, dates="palestine"), d, {"iso3": iso},
              subjects={f"state:{iso}"}, asks={f"palestine_date:{iso}"},
              reveals={f"palestine:{iso}"})


def _others_notes(facts: Facts, statuses: dict[str, StateStatus], isos: list[str],
                  d: dt.date) -> str:
    notes = []
    for i in sorted(isos, key=lambda i: _name(facts, i)):
        s = statuses[i]
        notes.append(f"{_name(facts, i)}: " + (partial_date(s.palestine_recognition_date)
                                               if s.recognizes_palestine
                                               and s.palestine_recognition_date
                                               else "earlier" if s.recognizes_palestine
                                               else f"not recognized by {day(d)}"))
    return "; ".join(notes)


@family("recognized_palestine_in", "recognition", "medium",
        params={"year": CALENDAR_YEAR, **_FOUR})
@length_fair
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
    if not right:
        return None
    iso = rng.choice(right)
    others = _peers(rng, iso, wrong)
    if others is None:
        return None
    names = {i: _name(facts, i) for i in [iso, *others]}
    text = (f"Which of these UN member states recognized {PALESTINE} in {year}? "
            f"({policy.latest_label(d)})")
    explanation = (f"{_palestine_phrase(facts, iso, statuses[iso])} Others: "
                   f"{_others_notes(facts, statuses, others, d)}.")
    options, states = _order(rng, names, iso, others)
    return _q(fam, f"{year}:{iso}", "medium", text, options,
              names[iso], explanation, _source(facts, list(states), d, dates="palestine"), d,
              {"year": year, "states": states}, subjects=_states_keys(states, "state"),
              asks=_states_keys(states, "palestine_date", "palestine"))


def _by_year(facts: Facts, d: dt.date) -> dict[int, list[str]]:
    statuses = _statuses(facts, d)
    by_year: dict[int, list[str]] = {}
    for i in _recognized_by(facts, d, "date_ok"):
        if _palestine_date(statuses[i]):
            by_year.setdefault(_year_of(statuses[i]), []).append(i)
    return by_year


@family("first_to_recognize_palestine", "recognition", "hard", params=_FOUR)
@length_fair
def first_to_recognize_palestine(fam: Family, facts: Facts,
                                 rng: random.Random) -> Question | None:
    """Which of four states recognized the State of Palestine first (years ≥ 2 apart); all
    four from the key's OIC stratum."""
    d = _pools(facts).anchors[-1]  # who came first does not change with the date asked
    statuses = _statuses(facts, d)
    by_year = facts.memo(("recognition-by-year", d), lambda: _by_year(facts, d))
    inside = rng.random() < 0.5
    strat = {y: [i for i in isos if (i in policy.OIC) is inside] for y, isos in by_year.items()}
    years = sorted(y for y, isos in strat.items() if isos)
    if len(years) < 4:
        return None
    first_year = rng.choice(years[:-3])
    later = [y for y in years if y >= first_year + policy.YEAR_MIN_GAP]
    if len(later) < 3:
        return None
    chosen_years = rng.sample(later, 3)
    iso = rng.choice(strat[first_year])
    others = [rng.choice(strat[y]) for y in chosen_years]
    names = {i: _name(facts, i) for i in [iso, *others]}
    text = (f"Which of these UN member states recognized {PALESTINE} first? "
            f"({policy.latest_label(d)})")
    listed = "; ".join(f"{names[i]}: {partial_date(_palestine_date(statuses[i]))}"
                       for i in sorted(names, key=lambda i: _palestine_date(statuses[i])))
    explanation = f"{names[iso]} was first. {listed}."
    options, states = _order(rng, names, iso, others)
    return _q(fam, iso, "hard", text, options, names[iso],
              explanation, _source(facts, list(states), d, dates="palestine"), d,
              {"states": states}, subjects=_states_keys(states, "state"),
              asks=_states_keys(states, "palestine_date"))


# --- new families: relations, groups, Israel's dated recognitions, same day, two states -------

def _latest(facts: Facts) -> tuple[dt.date, dict[str, StateStatus]]:
    d = _pools(facts).anchors[-1]
    return d, _statuses(facts, d)


_RELATIONS = {"cut": ("israel=no", "cut diplomatic relations with"),
              "restored": ("israel=yes", "restored diplomatic relations with")}


@family("relations_with_israel", "recognition", "medium",
        params={"kind": WORD, "year": CALENDAR_YEAR, **_FOUR})
@length_fair
def relations_with_israel(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """Which of four states cut (or restored) diplomatic relations with Israel in a year:
    worded as relations, since none withdrew recognition."""
    d, statuses = _latest(facts)
    news_only = {e.iso3 for e in facts.events if e.change == "none"}
    events = [e for e in facts.events if e.change in ("israel=no", "israel=yes")
              and e.iso3 not in policy.DISPUTED and e.iso3 not in news_only]
    if not events:
        return None
    event = rng.choice(events)
    kind = next(k for k, (c, _) in _RELATIONS.items() if c == event.change)
    year, iso = event.effective.year, event.iso3
    pool = [i for i in _stable_pool(facts, "israel_clean", d) if statuses[i].recognizes_israel]
    others = _peers(rng, iso, pool)
    if others is None:
        return None
    names = {i: _name(facts, i) for i in [iso, *others]}
    verb = _RELATIONS[kind][1]
    text = (f"Which of these UN member states {verb} Israel in {year}? "
            f"({policy.latest_label(d)})")
    explanation = (f"{_sentence(_prose(facts, iso))} {verb} Israel "
                   f"{partial_date(event.date)} (recognition itself was not withdrawn; "
                   f"{ARTICLE} counts cut relations as not recognizing). "
                   f"{join_names(sorted(names[i] for i in others))} made no such change.")
    options, states = _order(rng, names, iso, others)
    return _q(fam, f"{kind}:{year}:{iso}", "medium", text, options, names[iso], explanation,
              _source(facts, list(states), d), d,
              {"kind": kind, "year": year, "states": states},
              subjects=_states_keys(states, "state"), asks=_states_keys(states, "relations"),
              reveals={f"israel:{iso}"})


_GROUPS = {"g7": ("G7", policy.G7, policy.G7_SOURCE), "eu": ("EU", policy.EU, policy.EU_SOURCE)}


def _group_in_family(group: str) -> Family:
    label, members, citation = _GROUPS[group]

    def build(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
        d, statuses = _latest(facts)
        stable = [i for i in _stable_pool(facts, "date_ok", d) if i in members]
        years = sorted({e.effective.year for e in facts.events
                        if e.change == "palestine=yes" and e.iso3 in members})
        if not years:
            return None
        year = rng.choice(years)
        right = [i for i in stable if statuses[i].recognizes_palestine
                 and _year_of(statuses[i]) == year]
        wrong = [i for i in stable if i not in right]
        if not right:
            return None
        iso = rng.choice(right)
        others = _peers(rng, iso, wrong)
        if others is None:
            return None
        names = {i: _name(facts, i) for i in [iso, *others]}
        text = (f"Which of these {label} members recognized {PALESTINE} in {year}? "
                f"({policy.latest_label(d)})")
        explanation = (f"{_palestine_phrase(facts, iso, statuses[iso])} Others: "
                       f"{_others_notes(facts, statuses, others, d)}.")
        options, states = _order(rng, names, iso, others)
        source = cap([citation, _source(facts, list(states), d, dates="palestine")])
        return _q(fam, f"{year}:{iso}", "medium", text, options, names[iso], explanation,
                  source, d, {"year": year, "states": states},
                  subjects=_states_keys(states, "state") | {f"group:{group}"},
                  asks=_states_keys(states, "palestine_date", "palestine"))

    build.__doc__ = f"Which {label} member recognized the State of Palestine in 2024 or 2025."
    return family(f"{group}_recognized_palestine_in", "recognition", "medium",
                  params={"year": CALENDAR_YEAR, **_FOUR})(length_fair(build))


def _group_not_family(group: str) -> Family:
    label, members, citation = _GROUPS[group]

    def build(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
        d = rng.choice(_pools(facts).anchors)
        statuses = _statuses(facts, d)
        stable = [i for i in _stable_pool(facts, "any_state", d) if i in members]
        right = [i for i in stable if not statuses[i].recognizes_palestine]
        yes = [i for i in stable if statuses[i].recognizes_palestine]
        if not right or len(yes) < 3:
            return None
        iso = rng.choice(right)
        others = rng.sample(yes, 3)
        names = {i: _name(facts, i) for i in [iso, *others]}
        text = f"{_at(facts, d)}, which of these {label} members had NOT recognized {PALESTINE}?"
        explanation = (f"{_sentence(_prose(facts, iso))} had not recognized {PALESTINE} "
                       f"({day(d)}); {join_names(sorted(names[i] for i in others))} had.")
        options, states = _order(rng, names, iso, others)
        source = cap([citation, _source(facts, list(states), d)])
        return _q(fam, iso, "medium", text, options, names[iso], explanation, source, d,
                  {"states": states},
                  subjects=_states_keys(states, "state") | {f"group:{group}"},
                  asks=_states_keys(states, "palestine"))

    build.__doc__ = f"Which {label} member had not recognized the State of Palestine."
    return family(f"{group}_not_palestine", "recognition", "medium",
                  params=_FOUR)(length_fair(build))


g7_recognized_palestine_in = _group_in_family("g7")
eu_recognized_palestine_in = _group_in_family("eu")
g7_not_palestine = _group_not_family("g7")
eu_not_palestine = _group_not_family("eu")


def _israel_dated(facts: Facts) -> dict[int, list[str]]:
    """States with a recognition of Israel dated in the data, by year; never a disputed row
    (Sudan's 2020 agreement was never finalized), a predecessor's date (the USSR's), a state
    whose relations changed since, or one with a news-only event."""
    def compute() -> dict[int, list[str]]:
        clean = set(_pools(facts).israel_clean)
        out: dict[int, list[str]] = {}
        for r in sorted(facts.snapshot, key=lambda r: r.iso3):
            if r.israel_recognition_date and r.iso3 in clean \
                    and r.iso3 not in policy.PREDECESSOR and r.recognizes_israel:
                out.setdefault(int(r.israel_recognition_date[:4]), []).append(r.iso3)
        return out
    return facts.memo("recognition-israel-dated", compute)


@family("israel_recognition_year", "recognition", "hard", params=_ONE)
def israel_recognition_year(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """In which year state X recognized Israel (Egypt 1979, Jordan 1994, the 2020
    normalizations, …): the key's year is drawn first, so 1948's many rows do not dominate."""
    d = _pools(facts).anchors[-1]
    dated = _israel_dated(facts)
    if len(dated) < 4:
        return None
    year = rng.choice(sorted(dated))
    iso = rng.choice(dated[year])
    far = [y for y in sorted(dated) if abs(y - year) >= policy.YEAR_MIN_GAP]
    if len(far) < 3:
        return None
    picked = rng.sample(far, 3)
    when = facts.snapshot_by_iso3[iso].israel_recognition_date
    text = f"In which year did {_prose(facts, iso)} recognize Israel? ({policy.latest_label(d)})"
    explanation = (f"{_sentence(_prose(facts, iso))} recognized Israel {partial_date(when)} "
                   f"(the date in the data; for 1948 rows, de facto or de jure as the sources "
                   f"give it).")
    return _q(fam, iso, "hard", text, ascending(year, picked, str), str(year), explanation,
              _source(facts, [iso], d, dates="israel"), d, {"iso3": iso},
              subjects={f"state:{iso}"}, asks={f"israel_date:{iso}"},
              reveals={f"israel:{iso}"})


@family("recognized_israel_2020", "recognition", "medium", params=_FOUR)
@length_fair
def recognized_israel_2020(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """Which of four states recognized Israel in 2020 (UAE, Bahrain, Morocco, Bhutan; never
    Sudan, whose agreement was never finalized). Decoys: states that have never recognized
    Israel, or did so in another year in the data."""
    d, statuses = _latest(facts)
    dated = _israel_dated(facts)
    right = dated.get(2020, [])
    if not right:
        return None
    never = [i for i in _stable_pool(facts, "israel_clean", d)
             if not statuses[i].recognizes_israel]
    earlier = [i for y, isos in dated.items() if y != 2020 for i in isos]
    iso = rng.choice(right)
    others = _peers(rng, iso, sorted({*never, *earlier}))
    if others is None:
        return None
    names = {i: _name(facts, i) for i in [iso, *others]}
    notes = []
    for i in sorted(others, key=lambda i: names[i]):
        when = facts.snapshot_by_iso3[i].israel_recognition_date
        notes.append(f"{names[i]}: " + (partial_date(when) if when and statuses[i].recognizes_israel
                                        else "never" if statuses[i].israel_status
                                        is IsraelStatus.NEVER else "withdrew recognition"))
    text = f"Which of these UN member states recognized Israel in 2020? ({policy.latest_label(d)})"
    when = facts.snapshot_by_iso3[iso].israel_recognition_date
    explanation = (f"{_sentence(_prose(facts, iso))} recognized Israel {partial_date(when)}. "
                   f"Others: {'; '.join(notes)}.")
    options, states = _order(rng, names, iso, others)
    return _q(fam, iso, "medium", text, options, names[iso], explanation,
              _source(facts, list(states), d, dates="israel"), d, {"states": states},
              subjects=_states_keys(states, "state"),
              asks=_states_keys(states, "israel_date", "israel"))


@family("same_day_palestine", "recognition", "hard", params={"iso3": STATE, **_FOUR})
@length_fair
def same_day_palestine(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """Which of four states recognized the State of Palestine on the same day as X (the
    2024–25 waves); decoys recognized more than STABLE_DAYS away from that day."""
    d, _ = _latest(facts)
    ok = set(_stable_pool(facts, "date_ok", d))
    dated = {e.iso3: e for e in facts.events
             if e.change == "palestine=yes" and e.iso3 in ok and len(e.date) == 10}
    by_day: dict[dt.date, list[str]] = {}
    for iso, e in sorted(dated.items()):
        by_day.setdefault(e.effective, []).append(iso)
    waves = [isos for isos in by_day.values() if len(isos) >= 2]
    if not waves:
        return None
    wave = rng.choice(waves)
    ref, iso = rng.sample(wave, 2)
    when = dated[ref].effective
    far = sorted(i for i, e in dated.items()
                 if abs((e.effective - when).days) > policy.STABLE_DAYS)
    others = _peers(rng, iso, far)
    if others is None:
        return None
    names = {i: _name(facts, i) for i in [iso, *others]}
    text = (f"Which of these UN member states recognized {PALESTINE} on the same day as "
            f"{_prose(facts, ref)}? ({policy.latest_label(d)})")
    listed = "; ".join(f"{names[i]}: {partial_date(dated[i].date)}"
                       for i in sorted(names, key=lambda i: (dated[i].date, names[i])))
    explanation = (f"{_sentence(_prose(facts, ref))} and {_prose(facts, iso)} both recognized "
                   f"{PALESTINE} {partial_date(dated[ref].date)}. {listed}.")
    options, states = _order(rng, names, iso, others)
    return _q(fam, f"{ref}:{iso}", "hard", text, options, names[iso], explanation,
              _source(facts, [ref, *states], d, dates="palestine"), d,
              {"iso3": ref, "states": states},
              subjects=_states_keys([ref, *states], "state"),
              asks=_states_keys([ref, *states], "palestine_date"))


@family("palestine_first_of_two", "recognition", "medium", params=_FOUR)
def palestine_first_of_two(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """Which of two states recognized the State of Palestine first (years ≥ 2 apart, both
    from one OIC stratum)."""
    d, statuses = _latest(facts)
    by_year = facts.memo(("recognition-by-year", d), lambda: _by_year(facts, d))
    inside = rng.random() < 0.5
    strat = {y: [i for i in isos if (i in policy.OIC) is inside] for y, isos in by_year.items()}
    years = sorted(y for y, isos in strat.items() if isos)
    if len(years) < 2:
        return None
    a, b = sorted(rng.sample(years, 2))
    if b - a < policy.YEAR_MIN_GAP:
        return None
    iso, other = rng.choice(strat[a]), rng.choice(strat[b])
    names = {i: _name(facts, i) for i in (iso, other)}
    text = (f"Which recognized {PALESTINE} first: {names[iso]} or {names[other]}? "
            f"({policy.latest_label(d)})")
    if rng.random() < 0.5:
        text = (f"Which recognized {PALESTINE} first: {names[other]} or {names[iso]}? "
                f"({policy.latest_label(d)})")
    explanation = (f"{names[iso]} was first: {_palestine_phrase(facts, iso, statuses[iso])} "
                   f"{_palestine_phrase(facts, other, statuses[other])}")
    options, states = _order(rng, names, iso, [other])
    return _q(fam, f"{iso}:{other}", "medium", text, options, names[iso], explanation,
              _source(facts, list(states), d, dates="palestine"), d, {"states": states},
              subjects=_states_keys(states, "state"), asks=_states_keys(states, "palestine_date"))
