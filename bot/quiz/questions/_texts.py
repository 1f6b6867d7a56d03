"""The text steps of question families in languages other than English (see localize.py).

Each step re-renders one family's text, options' display text and explanation from the
question's params, its options' order and key, and the facts: never a new draw, so the
question stays the one the round asked. The sentences are ``_()`` templates with named
placeholders (English msgids, phrased as the family's English text; the catalogue holds
their translations). Korean needs its particles after a name (은/는, 이/가, 을/를): the
steps pass both ``name`` and the name with its particle, and each template uses the one its
language needs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from bot.facts.format import num, signed
from bot.facts.records import ArticleFact, Category, DefectorPeriod, Facts, IsraelStatus, PeriodKind
from bot.i18n import _, current, pgettext
from bot.quiz.questions import _fam_defectors as dfam
from bot.quiz.questions import _fam_recognition as rec
from bot.quiz.questions import _policy as policy
from bot.quiz.questions._format import ARROW, year_pair
from bot.quiz.questions._textstep import Texts, texts
from bot.quiz.questions.model import TRUE, Question

# --------------------------------------------------------------------------- helpers


def _int(q: Question, name: str) -> int:
    value = q.params[name]
    assert isinstance(value, int), (q.id, name)
    return value


def _seq(q: Question, name: str) -> list[str]:
    value = q.params[name]
    assert isinstance(value, tuple), (q.id, name)
    return [str(v) for v in value]


def _states(q: Question, facts: Facts) -> tuple[list[str], dt.date, dict[str, str], str]:
    """A question whose options are member states: them (in the options' order), its date,
    their names in this language, and the right one."""
    states = _seq(q, "states")
    return (states, dt.date.fromisoformat(str(q.params["as_of"])),
            {i: country(facts, i) for i in states}, states[q.answer_index])


def _batchim(word: str) -> bool | None:
    """Whether a Korean word ends in a consonant (받침); None when it does not end in Hangul
    (then both particle forms are written, as Korean does: 은(는))."""
    last = word.rstrip(" )")[-1:] or " "
    if "가" <= last <= "힣":
        return (ord(last) - 0xAC00) % 28 != 0
    if last.isdigit():  # read as Sino-Korean numerals: 0 영, 1 일, 3 삼, 6 육, 7 칠, 8 팔
        return last in "013678"
    return None


def particle(word: str, after_consonant: str, after_vowel: str) -> str:
    ends = _batchim(word)
    if ends is None:
        return f"{word}{after_consonant}({after_vowel})"
    return word + (after_consonant if ends else after_vowel)


def _names(word: str) -> dict[str, str]:
    """A name with each particle its templates may need (English: the name as it is)."""
    if current().is_default:
        return dict.fromkeys(("name", "name_topic", "name_subject", "name_object"), word)
    return {"name": word, "name_topic": particle(word, "은", "는"),
            "name_subject": particle(word, "이", "가"), "name_object": particle(word, "을", "를")}


def country(facts: Facts, iso3: str) -> str:
    member = facts.member_by_iso3[iso3]
    return current().country(member.iso2, member.name)


def _at(facts: Facts, d: dt.date) -> str:
    lang = current()
    if d == facts.latest_event_date:
        return _("In the latest data ({month})", month=lang.data_date(f"{d:%Y-%m}"))
    return _("As of {date}", date=lang.date(d))


def _tf(q: Question) -> tuple[bool, tuple[str, str]]:
    return q.answer == TRUE, (pgettext("quiz", "True"), pgettext("quiz", "False"))


def _verdict(truth: bool) -> str:
    return pgettext("quiz", "True") if truth else pgettext("quiz", "False")


def _article() -> str:
    return _("Visual Capitalist's article (data as of {date})",
             date=current().date(dt.date(2023, 11, 14)))


# ----------------------------------------------------------------- recognition: true/false


@texts("recognizes_palestine_tf")
def recognizes_palestine_tf(q: Question, facts: Facts) -> Texts:
    iso, form = str(q.params["iso3"]), q.params["form"]
    d = dt.date.fromisoformat(str(q.params["as_of"]))
    truth, options = _tf(q)
    who, when = _names(country(facts, iso)), _at(facts, d)
    if form == "is":
        text = _("True or false? {when}, {name_topic} recognized the State of Palestine.",
                 when=when, **who)
    else:
        text = _("True or false? {when}, {name_topic} had not recognized the State of "
                 "Palestine.", when=when, **who)
    status = rec._statuses(facts, d)[iso]
    if status.recognizes_palestine:
        dated = (iso in rec._pools(facts).date_ok and iso not in policy.PREDECESSOR
                 and iso not in policy.FORMER_FORM and status.palestine_recognition_date)
        if dated:
            said = _("{name_topic} recognized the State of Palestine on {date}.",
                     date=current().data_date(status.palestine_recognition_date), **who)
        else:  # a disputed date, or one of a predecessor state: no date is printed
            said = _("{name_topic} recognized the State of Palestine.", **who)
    else:
        said = _("{when}, {name_topic} had not recognized the State of Palestine.", when=when,
                 **who)
        later = rec._statuses(facts, rec._pools(facts).anchors[-1])[iso]
        if later.recognizes_palestine and later.palestine_recognition_date:
            said += " " + _("It did so later, on {date}.",
                            date=current().data_date(later.palestine_recognition_date))
    return Texts(text, options, f"{_verdict(truth)}. {said}")


@texts("recognizes_israel_tf")
def recognizes_israel_tf(q: Question, facts: Facts) -> Texts:
    iso, form = str(q.params["iso3"]), q.params["form"]
    d = dt.date.fromisoformat(str(q.params["as_of"]))
    truth, options = _tf(q)
    who, when = _names(country(facts, iso)), _at(facts, d)
    if form == "is":
        text = _("True or false? {when}, {name_topic} recognized Israel.", when=when, **who)
    else:
        text = _("True or false? {when}, {name_topic} had not recognized Israel.", when=when,
                 **who)
    status = rec._statuses(facts, d)[iso]
    if status.recognizes_israel:
        said = _("{name_topic} recognizes Israel ({article}).", article=_article(), **who)
    elif status.israel_status is IsraelStatus.WITHDREW:
        said = _("{name_topic} withdrew its recognition of Israel.", **who)
    else:
        said = _("{name_topic} has never recognized Israel.", **who)
    return Texts(text, options, f"{_verdict(truth)}. {said}")


# ------------------------------------------------------------- recognition: which of four


def _category_short(category: Category) -> str:
    return {Category.BOTH: _("both"), Category.ISRAEL_ONLY: _("Israel only"),
            Category.PALESTINE_ONLY: _("Palestine only"),
            Category.NEITHER: _("neither")}[category]


def _category_texts(q: Question, facts: Facts, target: Category) -> Texts:
    states, d, names, key = _states(q, facts)
    statuses = rec._statuses(facts, d)
    when = _at(facts, d)
    who = _names(names[key])
    if target is Category.BOTH:
        text = _("{when}, which of these UN member states recognized both Israel and the "
                 "State of Palestine?", when=when)
        said = _("{name_topic} recognized both Israel and the State of Palestine ({when}).",
                 when=when, **who)
    elif target is Category.ISRAEL_ONLY:
        text = _("{when}, which of these UN member states recognized Israel but not the "
                 "State of Palestine?", when=when)
        said = _("{name_topic} recognized Israel but not the State of Palestine ({when}).",
                 when=when, **who)
    else:
        text = _("{when}, which of these UN member states recognized the State of Palestine "
                 "but not Israel?", when=when)
        said = _("{name_topic} recognized the State of Palestine but not Israel ({when}).",
                 when=when, **who)
    listed = "; ".join(f"{names[i]}: {_category_short(statuses[i].category)}"
                       for i in sorted(names, key=lambda i: names[i]))
    return Texts(text, tuple(names[i] for i in states), f"{said} {listed}.")


@texts("category_both")
def category_both(q: Question, facts: Facts) -> Texts:
    return _category_texts(q, facts, Category.BOTH)


@texts("category_israel_only")
def category_israel_only(q: Question, facts: Facts) -> Texts:
    return _category_texts(q, facts, Category.ISRAEL_ONLY)


@texts("category_palestine_only")
def category_palestine_only(q: Question, facts: Facts) -> Texts:
    return _category_texts(q, facts, Category.PALESTINE_ONLY)


@texts("never_recognized_israel")
def never_recognized_israel(q: Question, facts: Facts) -> Texts:
    states, d, names, key = _states(q, facts)
    others = ", ".join(sorted(names[i] for i in states if i != key))
    text = _("{when}, which of these UN member states had never recognized Israel?",
             when=_at(facts, d))
    explanation = _("{name_topic} has never recognized Israel ({article}); {others_topic} "
                    "recognize it.",
                    article=_article(), others=others,
                    others_topic=particle(others, "은", "는") if not current().is_default
                    else others, **_names(names[key]))
    return Texts(text, tuple(names[i] for i in states), explanation)


# ------------------------------------------------------------------------------- defectors


def _people(n: int) -> str:
    return _("{n} people", n=num(n))


def _figures(rows: list[DefectorPeriod]) -> str:
    ordered = sorted(rows, key=lambda p: p.last_year)
    return "; ".join(_("{year}: {figure}", year=p.last_year, figure=_people(p.total))
                     for p in ordered)


def _span(facts: Facts, a: int, b: int) -> str:
    if (a, b) == (facts.years[0].last_year, facts.years[-1].last_year):
        return _("single years {first}–{last}", first=a, last=b)
    return _("from {first} to {last}", first=a, last=b)


def _as_number(option: str) -> int:
    return int(option.replace(",", ""))


def _year_options(q: Question) -> tuple[str, ...]:
    return tuple(_("year {year}", year=o) for o in q.options)


@texts("arrivals_in_year")
def arrivals_in_year(q: Question, facts: Facts) -> Texts:
    y = _int(q, "year")
    year = facts.year_by_number[y]
    # The builder's own map from a figure to its year (the last such year wins, as there).
    by_total = {p.total: p for p in facts.years if p is not year}
    rows = [by_total[_as_number(o)] for i, o in enumerate(q.options) if i != q.answer_index]
    text = _("According to MOU, how many North Koreans arrived in South Korea in {year}?",
             year=y)
    explanation = _("MOU counts {total} arrivals in {year} ({men} men, {women} women). The "
                    "other options are the totals of other years: {figures}.",
                    total=_people(year.total), year=y, men=_people(year.male),
                    women=_people(year.female), figures=_figures(rows))
    return Texts(text, tuple(_people(_as_number(o)) for o in q.options), explanation)


def _extreme(q: Question, facts: Facts, *, most: bool) -> Texts:
    a, b = _int(q, "first"), _int(q, "last")
    rows = sorted((p for p in facts.years if a <= p.last_year <= b),
                  key=lambda p: p.total, reverse=most)
    best, runner = rows[0], rows[1]
    shown = [facts.year_by_number[int(o)] for o in q.options]
    span = _span(facts, a, b)
    if most:
        text = _("In which year did the most North Koreans arrive in South Korea? "
                 "(MOU figures, {span})", span=span)
        said = _("{year} had the most arrivals {span}: {total} (next: {runner} with "
                 "{runner_total}).", year=best.last_year, span=span, total=_people(best.total),
                 runner=runner.last_year, runner_total=_people(runner.total))
    else:
        text = _("In which year did the fewest North Koreans arrive in South Korea? "
                 "(MOU figures, {span})", span=span)
        said = _("{year} had the fewest arrivals {span}: {total} (next: {runner} with "
                 "{runner_total}).", year=best.last_year, span=span, total=_people(best.total),
                 runner=runner.last_year, runner_total=_people(runner.total))
    explanation = f"{said} " + _("Options: {figures}.", figures=_figures(shown))
    if a == facts.years[0].last_year:
        explanation += " " + _("1998 and 1999–2001 are published only as combined totals, "
                               "so they are not ranked.")
    return Texts(text, _year_options(q), explanation)


@texts("peak_year")
def peak_year(q: Question, facts: Facts) -> Texts:
    return _extreme(q, facts, most=True)


@texts("lowest_year")
def lowest_year(q: Question, facts: Facts) -> Texts:
    return _extreme(q, facts, most=False)


@texts("more_arrivals")
def more_arrivals(q: Question, facts: Facts) -> Texts:
    a, b = (facts.year_by_number[int(y)] for y in _seq(q, "years"))
    more, less = (a, b) if a.total > b.total else (b, a)
    text = _("Which year saw more North Koreans arrive in South Korea: {first} or {second}?",
             first=a.last_year, second=b.last_year)
    explanation = _("{more}: {more_total} arrivals; {less}: {less_total} ({difference} more "
                    "in {more}, MOU figures).", more=more.last_year,
                    more_total=_people(more.total), less=less.last_year,
                    less_total=_people(less.total), difference=_people(more.total - less.total))
    return Texts(text, _year_options(q), explanation)


def _signed_people(n: int) -> str:
    return _("{n} people", n=signed(n))


def _pair(option: str) -> tuple[int, int]:
    first, second = option.split(ARROW)
    return int(first), int(second)


def _change(q: Question, facts: Facts, *, rise: bool) -> Texts:
    a, b = _int(q, "first"), _int(q, "last")
    steps = sorted((s for s in dfam._steps(facts) if a <= s[0].last_year and s[1].last_year <= b),
                   key=lambda s: s[1].total - s[0].total, reverse=rise)
    (x, y), (c, d) = steps[0], steps[1]
    span = _span(facts, a, b)
    if rise:
        text = _("Between which two consecutive years did the number of North Koreans "
                 "arriving in South Korea rise the most? (MOU, {span})", span=span)
    else:
        text = _("Between which two consecutive years did the number of North Koreans "
                 "arriving in South Korea fall the most? (MOU, {span})", span=span)
    by_year = facts.year_by_number
    listed = "; ".join(f"{year_pair(p, q2)}: "
                       f"{_signed_people(by_year[q2].total - by_year[p].total)}"
                       for p, q2 in sorted(_pair(o) for o in q.options))
    values = {"pair": year_pair(x.last_year, y.last_year), "start": _people(x.total),
              "end": _people(y.total), "change": _signed_people(y.total - x.total),
              "span": span, "next_pair": year_pair(c.last_year, d.last_year),
              "next_change": _signed_people(d.total - c.total), "options": listed}
    if rise:
        explanation = _("{pair}: {start} to {end}, {change}, the largest rise between "
                        "consecutive single years {span} (next: {next_pair}, {next_change}). "
                        "Options: {options}.", **values)
    else:
        explanation = _("{pair}: {start} to {end}, {change}, the largest fall between "
                        "consecutive single years {span} (next: {next_pair}, {next_change}). "
                        "Options: {options}.", **values)
    return Texts(text, tuple(q.options), explanation)


@texts("largest_fall")
def largest_fall(q: Question, facts: Facts) -> Texts:
    return _change(q, facts, rise=False)


@texts("largest_rise")
def largest_rise(q: Question, facts: Facts) -> Texts:
    return _change(q, facts, rise=True)


@texts("extreme_in_span")
def extreme_in_span(q: Question, facts: Facts) -> Texts:
    kind = q.params["kind"]
    if kind in ("peak", "lowest"):
        return _extreme(q, facts, most=kind == "peak")
    return _change(q, facts, rise=kind == "largest_rise")


@texts("trend_tf")
def trend_tf(q: Question, facts: Facts) -> Texts:
    kind, a, b = q.params["kind"], _int(q, "a"), _int(q, "b")
    truth, options = _tf(q)
    by_year = facts.year_by_number
    if kind in ("rose_every_year", "fell_every_year"):
        rows = [by_year[y] for y in range(a, b + 1)]
    else:
        rows = [by_year[a], by_year[b]]
    statement = {
        "more_than": _("More North Koreans arrived in South Korea in {a} than in {b}.",
                       a=a, b=b),
        "more_than_double": _("More than twice as many North Koreans arrived in South Korea "
                              "in {a} as in {b}.", a=a, b=b),
        "rose_every_year": _("The number of North Koreans arriving in South Korea rose every "
                             "year from {a} to {b}.", a=a, b=b),
        "fell_every_year": _("The number of North Koreans arriving in South Korea fell every "
                             "year from {a} to {b}.", a=a, b=b),
    }[str(kind)]
    text = _("True or false? {statement}", statement=statement)
    if kind == "more_than_double":
        ratio = by_year[a].total / by_year[b].total
        explanation = _("{verdict}: {a} had {ratio} times as many as {b} ({figures}, MOU).",
                        verdict=_verdict(truth), a=a, b=b, ratio=f"{ratio:.2f}",
                        figures=_figures(rows))
    else:
        explanation = _("{verdict}: {figures} (MOU).", verdict=_verdict(truth),
                        figures=_figures(rows))
    return Texts(text, options, explanation)


@texts("span_total")
def span_total(q: Question, facts: Facts) -> Texts:
    first, last = _int(q, "first"), _int(q, "last")
    rows = [facts.year_by_number[y] for y in range(first, last + 1)]
    answer = sum(p.total for p in rows)
    text = _("How many North Koreans arrived in South Korea in total from {first} to {last} "
             "(both years included), according to MOU?", first=first, last=last)
    explanation = _("{terms} = {total} ({figures}).", terms=" + ".join(num(p.total) for p in rows),
                    total=_people(answer), figures=_figures(rows))
    if len(explanation) > 900:
        explanation = _("{total} in total ({figures}).", total=_people(answer),
                        figures=_figures(rows))
    return Texts(text, tuple(_people(_as_number(o)) for o in q.options), explanation)


@texts("years_above")
def years_above(q: Question, facts: Facts) -> Texts:
    threshold, a, b = _int(q, "threshold"), _int(q, "first"), _int(q, "last")
    rows = [p for p in facts.years if a <= p.last_year <= b]
    hits = [p for p in rows if p.total > threshold]
    text = _("In how many of the single years from {first} to {last} did more than "
             "{threshold} North Koreans arrive in South Korea?", first=a, last=b,
             threshold=num(threshold))
    explanation = _("{count} of the {years} years: {figures} (MOU; every other year had "
                    "fewer).", count=_years(len(hits)), years=num(len(rows)),
                    figures=_figures(hits))
    return Texts(text, tuple(_years(int(o)) for o in q.options), explanation)


def _years(n: int) -> str:
    return _("{n} years", n=num(n))


@texts("year_ratio")
def year_ratio(q: Question, facts: Facts) -> Texts:
    a, b = (facts.year_by_number[y] for y in (_int(q, "first"), _int(q, "last")))
    big, small = (a, b) if a.total > b.total else (b, a)
    ratio = big.total / small.total
    text = _("About how many times as many North Koreans arrived in South Korea in {big} as "
             "in {small}?", big=big.last_year, small=small.last_year)
    explanation = _("{big}: {big_total}; {small}: {small_total}. {big_number} ÷ "
                    "{small_number} = {ratio}.", big=big.last_year,
                    big_total=_people(big.total), small=small.last_year,
                    small_total=_people(small.total), big_number=num(big.total),
                    small_number=num(small.total), ratio=f"{ratio:.2f}")
    if 2.8 <= ratio < 3 and big is b:
        explanation += " " + _("Arrivals nearly tripled.")
    options = tuple(_("{times} times", times=o.split()[0]) for o in q.options)
    return Texts(text, options, explanation)


@texts("first_year_below")
def first_year_below(q: Question, facts: Facts) -> Texts:
    after, threshold = _int(q, "after"), _int(q, "threshold")
    start = facts.year_by_number[after]
    later = [p for p in facts.years if p.last_year > after]
    first = next(p for p in later if p.total < threshold)
    upto = [p for p in later if p.last_year <= first.last_year]
    text = _("After {start} ({start_total} arrivals), in which year did the number of North "
             "Koreans arriving in South Korea first fall below {threshold}?", start=after,
             start_total=_people(start.total), threshold=_people(threshold))
    explanation = _("{first} was the first year after {start} with fewer than {threshold} "
                    "arrivals ({first_total}). {figures}.", first=first.last_year,
                    start=after, threshold=_people(threshold),
                    first_total=_people(first.total), figures=_figures(upto))
    return Texts(text, _year_options(q), explanation)


# ------------------------------------------------------------ recognition: dates of Palestine


def _latest_label(d: dt.date) -> str:
    return _("latest data, {month}", month=current().data_date(f"{d:%Y-%m}"))


def _palestine_said(facts: Facts, iso: str) -> str:
    """What the family's ``_palestine_phrase`` states, from the latest statuses: the date
    only where the data's date is undisputed and the state's own."""
    status = rec._latest(facts)[1][iso]
    who = _names(country(facts, iso))
    if iso in rec._pools(facts).date_ok and iso not in policy.PREDECESSOR \
            and iso not in policy.FORMER_FORM and status.palestine_recognition_date:
        return _("{name_topic} recognized the State of Palestine on {date}.",
                 date=current().data_date(status.palestine_recognition_date), **who)
    return _("{name_topic} recognized the State of Palestine.", **who)


@texts("palestine_recognition_year")
def palestine_recognition_year(q: Question, facts: Facts) -> Texts:
    iso = str(q.params["iso3"])
    d = dt.date.fromisoformat(str(q.params["as_of"]))
    text = _("In which year did {name_topic} recognize the State of Palestine? ({latest})",
             latest=_latest_label(d), **_names(country(facts, iso)))
    return Texts(text, _year_options(q), _palestine_said(facts, iso))


@texts("first_to_recognize_palestine")
def first_to_recognize_palestine(q: Question, facts: Facts) -> Texts:
    states, d, names, key = _states(q, facts)
    statuses = rec._latest(facts)[1]
    listed = "; ".join(f"{names[i]}: {current().data_date(statuses[i].palestine_recognition_date)}"
                       for i in sorted(names, key=lambda i: statuses[i].palestine_recognition_date))
    text = _("Which of these UN member states recognized the State of Palestine first? "
             "({latest})", latest=_latest_label(d))
    explanation = _("{name_subject} was first. {listed}.", listed=listed, **_names(names[key]))
    return Texts(text, tuple(names[i] for i in states), explanation)


@texts("palestine_first_of_two")
def palestine_first_of_two(q: Question, facts: Facts) -> Texts:
    states = _seq(q, "states")
    d = dt.date.fromisoformat(str(q.params["as_of"]))
    key = states[q.answer_index]
    other = next(i for i in states if i != key)
    # The text names the two in the order the builder drew (not always the options' order).
    english = {i: facts.member_by_iso3[i].name for i in states}
    first, second = sorted(states, key=lambda i: q.text.find(f" {english[i]} "))
    text = _("Which recognized the State of Palestine first: {first} or {second}? ({latest})",
             first=country(facts, first), second=country(facts, second),
             latest=_latest_label(d))
    explanation = _("{name_subject} was first: {key_said} {other_said}",
                    key_said=_palestine_said(facts, key),
                    other_said=_palestine_said(facts, other), **_names(country(facts, key)))
    return Texts(text, tuple(country(facts, i) for i in states), explanation)


@texts("recognized_palestine_in")
def recognized_palestine_in(q: Question, facts: Facts) -> Texts:
    states = _seq(q, "states")
    year = _int(q, "year")
    d = dt.date.fromisoformat(str(q.params["as_of"]))
    statuses = rec._latest(facts)[1]
    names = {i: country(facts, i) for i in states}
    key = states[q.answer_index]
    notes = []
    for i in sorted((i for i in states if i != key), key=lambda i: names[i]):
        s = statuses[i]
        if s.recognizes_palestine and s.palestine_recognition_date:
            when = current().data_date(s.palestine_recognition_date)
        elif s.recognizes_palestine:
            when = _("earlier")
        else:
            when = _("not recognized by {date}", date=current().date(d))
        notes.append(f"{names[i]}: {when}")
    text = _("Which of these UN member states recognized the State of Palestine in {year}? "
             "({latest})", year=year, latest=_latest_label(d))
    explanation = _("{said} Others: {notes}.", said=_palestine_said(facts, key),
                    notes="; ".join(notes))
    return Texts(text, tuple(names[i] for i in states), explanation)


# ------------------------------------------------------------------- recognition: groups


def _group(family: str) -> str:
    return _("the EU") if family.startswith("eu_") else _("the G7")


@texts("eu_recognized_palestine_in", "g7_recognized_palestine_in")
def group_recognized_palestine_in(q: Question, facts: Facts) -> Texts:
    rendered = recognized_palestine_in(q, facts)
    d = dt.date.fromisoformat(str(q.params["as_of"]))
    text = _("Which of these members of {group} recognized the State of Palestine in {year}? "
             "({latest})", group=_group(q.family), year=_int(q, "year"),
             latest=_latest_label(d))
    return Texts(text, rendered.options, rendered.explanation)


@texts("eu_not_palestine", "g7_not_palestine")
def group_not_palestine(q: Question, facts: Facts) -> Texts:
    states, d, names, key = _states(q, facts)
    others = ", ".join(sorted(names[i] for i in states if i != key))
    text = _("{when}, which of these members of {group} had NOT recognized the State of "
             "Palestine?", when=_at(facts, d), group=_group(q.family))
    explanation = _("{name_topic} had not recognized the State of Palestine ({date}); "
                    "{others_topic} had.", date=current().date(d), others=others,
                    others_topic=particle(others, "은", "는") if not current().is_default
                    else others, **_names(names[key]))
    return Texts(text, tuple(names[i] for i in states), explanation)


# ---------------------------------------------------------- defectors: totals and women


@texts("cumulative_total")
def cumulative_total(q: Question, facts: Facts) -> Texts:
    y = _int(q, "year")
    year = facts.year_by_number[y]
    answer = dfam._cumulative(facts, y)
    by_value = {dfam._cumulative(facts, p.last_year): p.last_year for p in facts.years
                if p is not year}
    picked = sorted(_as_number(o) for i, o in enumerate(q.options) if i != q.answer_index)
    parts = ", ".join(
        _("{n} recorded up to 1998", n=_people(p.total)) if p.first_year is None else
        _("{n} for {first}–{last} combined", n=_people(p.total), first=p.first_year,
          last=p.last_year)
        for p in dfam._counted(facts, y) if p.kind is PeriodKind.AGGREGATE)
    text = _("By the end of {year}, how many North Koreans had arrived in South Korea in "
             "total since MOU's records began?", year=y)
    explanation = _("MOU's running total reached {total} by the end of {year}: {parts}, plus "
                    "every single year from {first}. The other options are the totals at the "
                    "end of other years ({listed}).", total=_people(answer), year=y,
                    parts=parts, first=facts.years[0].last_year,
                    listed="; ".join(_("{year}: {figure}", year=by_value[v], figure=_people(v))
                                     for v in picked))
    return Texts(text, tuple(_people(_as_number(o)) for o in q.options), explanation)


@texts("women_in_year")
def women_in_year(q: Question, facts: Facts) -> Texts:
    y = _int(q, "year")
    year = facts.year_by_number[y]
    other = {p.female: p for p in facts.years if p is not year}
    for taken in (year.male, year.total):
        other.pop(taken, None)
    picked = [_as_number(o) for i, o in enumerate(q.options) if i != q.answer_index]
    listed = "; ".join(_("{year}: {figure}", year=other[v].last_year, figure=_people(v))
                       for v in sorted(picked, key=lambda v: other[v].last_year))
    text = _("According to MOU, how many women were among the North Koreans who arrived in "
             "{year}?", year=y)
    explanation = _("{women} women and {men} men arrived in {year} ({total} in all). The "
                    "other options are other years' counts of women ({listed}).",
                    women=_people(year.female), men=_people(year.male), year=y,
                    total=_people(year.total), listed=listed)
    return Texts(text, tuple(_people(_as_number(o)) for o in q.options), explanation)


@texts("women_share_overall")
def women_share_overall(q: Question, facts: Facts) -> Texts:
    y = _int(q, "year")
    women, total = dfam._women_by(facts, y)
    if y == facts.years[-1].last_year:
        text = _("Of all {total} North Koreans recorded as arriving in South Korea up to the "
                 "end of {year} (latest data), about what share were women?",
                 total=num(total), year=y)
    else:
        text = _("Of all {total} North Koreans recorded as arriving in South Korea up to the "
                 "end of {year}, about what share were women?", total=num(total), year=y)
    explanation = _("{women} women and {men} men: {share} women, by MOU's running totals "
                    "(everyone recorded up to 1998 and 1999–2001 included).",
                    women=_people(women), men=_people(total - women),
                    share=f"{100 * women / total:.1f}%")
    return Texts(text, tuple(q.options), explanation)


# ------------------------------------------------------------------ defectors: the rest


def _rank(n: int) -> str:
    return pgettext("rank", "{n}", n=n)


@texts("year_rank")
def year_rank(q: Question, facts: Facts) -> Texts:
    y = _int(q, "year")
    # The builder's own ranking (a stable sort, 1st = most), so the neighbours listed are its.
    ordered = sorted(facts.years, key=lambda p: p.total, reverse=True)
    i = next(j for j, p in enumerate(ordered) if p.last_year == y)
    text = _("Ranking the single years {first}–{last} by the number of North Koreans "
             "arriving in South Korea (1st = most), where does {year} come?",
             first=facts.years[0].last_year, last=facts.years[-1].last_year, year=y)
    listed = "; ".join(_("{rank} {year}: {figure}", rank=_rank(j + 1), year=p.last_year,
                         figure=_people(p.total))
                       for j, p in enumerate(ordered) if abs(j - i) <= 1)
    explanation = _("{year} ranks {place} of {count} single years with {total} ({listed}, "
                    "MOU).", year=y, place=_rank(i + 1), count=num(len(ordered)),
                    total=_people(ordered[i].total), listed=listed)
    options = tuple(_rank(int(o.rstrip("stndrh"))) for o in q.options)
    return Texts(text, options, explanation)


@texts("men_outnumbered")
def men_outnumbered(q: Question, facts: Facts) -> Texts:
    shown = [facts.year_by_number[int(o)] for o in q.options]
    key = shown[q.answer_index]
    text = _("In which of these years did more men than women arrive in South Korea from "
             "North Korea?")
    listed = "; ".join(_("{year}: {men} men, {women} women", year=p.last_year,
                         men=_people(p.male), women=_people(p.female))
                       for p in sorted(shown, key=lambda p: p.last_year))
    explanation = _("Women have made up most arrivals in almost every year; {year} is an "
                    "exception. {listed}.", year=key.last_year, listed=listed)
    return Texts(text, _year_options(q), explanation)


@texts("female_share")
def female_share(q: Question, facts: Facts) -> Texts:
    y = _int(q, "year")
    year = facts.year_by_number[y]
    text = _("About what share of the North Koreans who arrived in South Korea in {year} "
             "were women?", year=y)
    # The key's own text is the share the builder computed (one decimal, as every option).
    explanation = _("In {year}, {women} of the {total} arrivals were women ({men} men): "
                    "{share}.", year=y, women=_people(year.female), total=_people(year.total),
                    men=_people(year.male), share=q.options[q.answer_index])
    return Texts(text, tuple(q.options), explanation)


def _bucket(facts: Facts, label: str) -> DefectorPeriod:
    return next(p for p in facts.periods if p.label == label)


@texts("cumulative_milestone")
def cumulative_milestone(q: Question, facts: Facts) -> Texts:
    threshold = _int(q, "threshold")
    y = int(q.options[q.answer_index])
    early, combined = _bucket(facts, "~1998"), _bucket(facts, "1999-2001")
    text = _("In which year did the running total of North Koreans who had arrived in South "
             "Korea since MOU's records began pass {threshold}?",
             threshold=_people(threshold))
    explanation = _("The running total stood at {before} at the end of {previous} and {after} "
                    "at the end of {year} ({arrived} arrived in {year}). It counts everyone "
                    "recorded up to 1998 ({early}) and {first}–{last} ({combined}) as "
                    "published, combined.",
                    before=_people(dfam._cumulative(facts, y - 1)), previous=y - 1,
                    after=_people(dfam._cumulative(facts, y)), year=y,
                    arrived=_people(facts.year_by_number[y].total),
                    early=_people(early.total), first=combined.first_year,
                    last=combined.last_year, combined=_people(combined.total))
    return Texts(text, _year_options(q), explanation)


def _caveat_options(kind: str) -> tuple[str, ...]:
    """The options of ``data_caveat`` in the order of ``CAVEAT_OPTIONS[kind]`` (the builder
    shuffles them; the step maps each shown option back through its place there)."""
    return {
        "combined_1999_2001": (_("1999, 2000 and 2001 combined"), _("2001 alone"),
                               _("Everyone who had arrived by the end of 2001"),
                               _("The yearly average of 1999 to 2001")),
        "half_year_2023": (_("99 covers only January to June 2023"),
                           _("196 also counts arrivals in third countries"),
                           _("99 counts only the women who arrived"),
                           _("MOU later revised 2023 down to 99")),
        "men_before_1999": (_("Men"), _("Women"), _("About as many men as women")),
    }[kind]


@texts("data_caveat")
def data_caveat(q: Question, facts: Facts) -> Texts:
    kind = str(q.params["kind"])
    english, local = dfam.CAVEAT_OPTIONS[kind], _caveat_options(kind)
    options = tuple(local[english.index(o)] for o in q.options)
    if kind == "combined_1999_2001":
        row = _bucket(facts, "1999-2001")
        text = _("MOU's table gives {total} North Koreans arriving in South Korea for "
                 "{first}–{last} (Visual Capitalist's chart labels the bar \"{last}\"). What "
                 "does that figure cover?", total=_people(row.total), first=row.first_year,
                 last=row.last_year)
        explanation = _("{total} is {first}, {middle} and {last} together: MOU does not "
                        "publish those years separately (the running total at the end of "
                        "{last} was {cumulative}).", total=_people(row.total),
                        first=row.first_year, middle=row.last_year - 1, last=row.last_year,
                        cumulative=_people(dfam._cumulative(facts, row.last_year)))
    elif kind == "half_year_2023":
        half, full = _bucket(facts, "2023-H1"), facts.year_by_number[2023]
        text = _("Visual Capitalist's chart of North Korean defectors (1998–2023) shows "
                 "{half} arrivals for 2023; MOU's figure for 2023 is {full}. Why the "
                 "difference?", half=_people(half.total), full=_people(full.total))
        explanation = _("The article was drawn up mid-2023: its {half} covers January–June "
                        "only. The full year, {full}, came later ({women} women, {men} men).",
                        half=_people(half.total), full=_people(full.total),
                        women=_people(full.female), men=_people(full.male))
    else:
        row = _bucket(facts, "~1998")
        text = _("Of the {total} North Koreans recorded as arriving in South Korea up to the "
                 "end of 1998, who made up the majority?", total=_people(row.total))
        explanation = _("{men} men and {women} women: before 1999 men made up most arrivals; "
                        "women have outnumbered men in almost every year since 2002.",
                        men=_people(row.male), women=_people(row.female))
    return Texts(text, options, explanation)


# ------------------------------------------------------------------ recognition: counts


def _countries(n: int) -> str:
    return _("{n} countries", n=num(n))


def _list(names: list[str]) -> str:
    return ", ".join(names)


@texts("palestine_count", "israel_count", "both_count")
def recognition_count(q: Question, facts: Facts) -> Texts:
    which = q.family.removesuffix("_count")
    d = dt.date.fromisoformat(str(q.params["as_of"]))
    snapshot = current().date(rec.SNAPSHOT_DATE)
    if d == rec.SNAPSHOT_DATE:
        whose = _("according to {article}", article=_article())
    else:
        whose = _("under the convention of Visual Capitalist's article of {date}",
                  date=snapshot)
    values = {"when": _at(facts, d), "un": _countries(rec.UN), "whose": whose}
    if which == "palestine":
        text = _("{when}, how many of the {un} UN member states recognized the State of "
                 "Palestine? ({whose})", **values)
    elif which == "israel":
        text = _("{when}, how many of the {un} UN member states recognized Israel? ({whose}: "
                 "Israel counts itself; cutting relations counts as not recognizing)",
                 **values)
    else:
        text = _("{when}, how many of the {un} UN member states recognized both Israel and "
                 "the State of Palestine? ({whose}: cutting relations counts as not "
                 "recognizing Israel)", **values)
    # The builder's explanation, re-derived: the article's count, then who moved since.
    before, after = rec._statuses(facts, rec.SNAPSHOT_DATE), rec._statuses(facts, d)
    count = sum(rec._counted(which, s) for s in after.values())
    base = sum(rec._counted(which, s) for s in before.values())
    now = {i for i in after if rec._counted(which, after[i])}
    then = {i for i in before if rec._counted(which, before[i])}
    gained = sorted(country(facts, i) for i in now - then)
    lost = sorted(country(facts, i) for i in then - now)
    told = {"count": _countries(count), "base": _countries(base), "snapshot": snapshot,
            "date": current().date(d), "gained_n": _countries(len(gained)),
            "gained": _list(gained), "lost_n": _countries(len(lost)), "lost": _list(lost)}
    if d == rec.SNAPSHOT_DATE:
        explanation = _("Visual Capitalist's article counts {count} as of {date}.", **told)
    elif gained and lost:
        explanation = _("{base} in Visual Capitalist's article ({snapshot}); +{gained_n} since "
                        "({gained}); −{lost_n} since ({lost}): {count} as of {date}.", **told)
    elif gained:
        explanation = _("{base} in Visual Capitalist's article ({snapshot}); +{gained_n} since "
                        "({gained}): {count} as of {date}.", **told)
    elif lost:
        explanation = _("{base} in Visual Capitalist's article ({snapshot}); −{lost_n} since "
                        "({lost}): {count} as of {date}.", **told)
    else:
        explanation = _("{count}: Visual Capitalist's {base} of {snapshot}, unchanged by "
                        "{date}.", **told)
    if which == "palestine":
        explanation += " " + _("Wikipedia later also lists {mexico}, which the article (and "
                               "this bot) does not count: that recognition is disputed.",
                               mexico=country(facts, "MEX"))
    else:
        cut = sorted(country(facts, i) for i, s in after.items()
                     if s.israel_status is IsraelStatus.SUSPENDED)
        explanation += " " + _("States that cut or suspended relations count as not "
                               "recognizing Israel ({names}).", names=_list(cut))
    options = tuple(_countries(_as_number(o)) for o in q.options)
    return Texts(text, options, explanation)


# ------------------------------------------------------ recognition: Israel and same day


@texts("relations_with_israel")
def relations_with_israel(q: Question, facts: Facts) -> Texts:
    states = _seq(q, "states")
    kind, year = q.params["kind"], _int(q, "year")
    d = dt.date.fromisoformat(str(q.params["as_of"]))
    names = {i: country(facts, i) for i in states}
    key = states[q.answer_index]
    change = "israel=no" if kind == "cut" else "israel=yes"
    event = next(e for e in facts.events
                 if e.iso3 == key and e.change == change and e.effective.year == year)
    others = ", ".join(sorted(names[i] for i in states if i != key))
    values = {"date": current().data_date(event.date),
              "snapshot": current().date(rec.SNAPSHOT_DATE),
              "others_topic": particle(others, "은", "는") if not current().is_default
              else others, **_names(names[key])}
    if kind == "cut":
        text = _("Which of these UN member states cut diplomatic relations with Israel in "
                 "{year}? ({latest})", year=year, latest=_latest_label(d))
        explanation = _("{name_topic} cut diplomatic relations with Israel on {date} "
                        "(recognition itself was not withdrawn; Visual Capitalist's article "
                        "of {snapshot} counts cut relations as not recognizing). "
                        "{others_topic} made no such change.", **values)
    else:
        text = _("Which of these UN member states restored diplomatic relations with Israel "
                 "in {year}? ({latest})", year=year, latest=_latest_label(d))
        explanation = _("{name_topic} restored diplomatic relations with Israel on {date} "
                        "(recognition itself was not withdrawn; Visual Capitalist's article "
                        "of {snapshot} counts cut relations as not recognizing). "
                        "{others_topic} made no such change.", **values)
    return Texts(text, tuple(names[i] for i in states), explanation)


def _israel_said(facts: Facts, iso: str) -> str:
    when = facts.snapshot_by_iso3[iso].israel_recognition_date
    return _("{name_topic} recognized Israel on {date}.", date=current().data_date(when),
             **_names(country(facts, iso)))


@texts("israel_recognition_year")
def israel_recognition_year(q: Question, facts: Facts) -> Texts:
    iso = str(q.params["iso3"])
    d = dt.date.fromisoformat(str(q.params["as_of"]))
    text = _("In which year did {name_topic} recognize Israel? ({latest})",
             latest=_latest_label(d), **_names(country(facts, iso)))
    explanation = _("{said} (The date in the data; for 1948 rows, de facto or de jure "
                    "recognition as the sources give it.)", said=_israel_said(facts, iso))
    return Texts(text, _year_options(q), explanation)


@texts("recognized_israel_2020")
def recognized_israel_2020(q: Question, facts: Facts) -> Texts:
    states, d, names, key = _states(q, facts)
    statuses = rec._latest(facts)[1]
    notes = []
    for i in sorted((i for i in states if i != key), key=lambda i: names[i]):
        when = facts.snapshot_by_iso3[i].israel_recognition_date
        if when and statuses[i].recognizes_israel:
            note = current().data_date(when)
        elif statuses[i].israel_status is IsraelStatus.NEVER:
            note = _("never recognized")
        else:
            note = _("withdrew recognition")
        notes.append(f"{names[i]}: {note}")
    text = _("Which of these UN member states recognized Israel in {year}? ({latest})",
             year=2020, latest=_latest_label(d))
    explanation = _("{said} Others: {notes}.", said=_israel_said(facts, key),
                    notes="; ".join(notes))
    return Texts(text, tuple(names[i] for i in states), explanation)


@texts("same_day_palestine")
def same_day_palestine(q: Question, facts: Facts) -> Texts:
    ref, states = str(q.params["iso3"]), _seq(q, "states")
    d = dt.date.fromisoformat(str(q.params["as_of"]))
    # The builder's map from a state to its dated recognition (the last such event wins).
    dated = {e.iso3: e for e in facts.events if e.change == "palestine=yes" and len(e.date) == 10}
    names = {i: country(facts, i) for i in states}
    key = states[q.answer_index]
    ref_name = country(facts, ref)
    # Korean joins two names with 와/과, chosen like the other particles.
    ref_with = particle(ref_name, "과", "와") if not current().is_default else ref_name
    text = _("Which of these UN member states recognized the State of Palestine on the same "
             "day as {ref_with}? ({latest})", ref_with=ref_with,
             latest=_latest_label(d))
    listed = "; ".join(f"{names[i]}: {current().data_date(dated[i].date)}"
                       for i in sorted(names, key=lambda i: (dated[i].date, names[i])))
    explanation = _("{ref_with} and {name} both recognized the State of Palestine on {date}. "
                    "{listed}.", ref_with=ref_with,
                    date=current().data_date(dated[ref].date), listed=listed,
                    **_names(names[key]))
    return Texts(text, tuple(names[i] for i in states), explanation)


# ------------------------------------------------------------------------- the articles

_ARTICLE_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_ARTICLE_RANGE = re.compile(r"((?:19|20)\d\d)–((?:19|20)\d\d)")
_ARTICLE_DAY = re.compile(r"\d{1,2} [A-Z][a-z]+ \d{4}")


def _article_is_year(row: ArticleFact) -> bool:
    """A row whose options are all bare years (1979, 1994): written as years, not counts."""
    return all(re.fullmatch(r"(?:19|20)\d\d", o) for o in (row.answer, *row.distractors))


def _article_option(row: ArticleFact, option: str) -> str:
    """An article row's option in the current language. Figures and dates are formatted
    here (a count of people for the defectors' article, of states for the recognition one);
    only words go through the catalogue (context ``article``)."""
    if _ARTICLE_NUMBER.fullmatch(option):
        if _article_is_year(row):
            return _("year {year}", year=option)
        n = int(option.replace(",", ""))
        return _people(n) if row.topic == "defectors" else _countries(n)
    if match := _ARTICLE_RANGE.fullmatch(option):
        return _("from {first} to {last}", first=match[1], last=match[2])
    if _ARTICLE_DAY.fullmatch(option):
        return current().date(dt.datetime.strptime(option, "%d %B %Y").date())
    return pgettext("article", option)


def article_phrases(row: ArticleFact) -> Iterator[str]:
    """The catalogue ids (context ``article``) an article row needs: its question, its
    explanation and the options that are words."""
    yield row.question
    yield row.explanation
    for option in (row.answer, *row.distractors):
        if not (_ARTICLE_NUMBER.fullmatch(option) or _ARTICLE_RANGE.fullmatch(option)
                or _ARTICLE_DAY.fullmatch(option)):
            yield option


@texts("article_defectors", "article_recognition")
def article_fact(q: Question, facts: Facts) -> Texts:
    row = next(a for a in facts.article_facts if a.key == q.params["key"])
    # The options are the row's own strings (the answer, distractors) in the builder's order.
    options = tuple(_article_option(row, o) for o in q.options)
    return Texts(pgettext("article", row.question), options,
                 pgettext("article", row.explanation))
