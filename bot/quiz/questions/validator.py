"""Check a question against the tables before anyone is asked it.

``validate(question, facts)`` returns the list of problems (empty = fit to ask). Two layers:

1. **Structure**, the same for every family: registered family and matching topic; exactly
   the parameters the family declares, each checked by its declared kind (so no MOU
   aggregate or partial row — ``~1998``, ``1999-2001``, ``2023-H1`` — as a year parameter)
   and carried in the id; 2–4 distinct options (also distinct as numbers: "2,914" vs
   "2914"), each ≤ 80 characters, none an aggregate or partial row; text ≤ 256; an
   ``answer_index`` in range; ``as_of`` by the convention in :mod:`model` (recognition
   questions also state it in the text); a reveal picture that shows what is asked (the map
   on the question's date; the chart with one of its single years, or a span of them).
2. **Re-derivation**: a per-family solver (``_solve_*.py``) computes, from ``params``, the
   option texts and its own reading of the tables (``_truth.py``, which replays recognition
   events itself and re-selects single years from the raw periods), the set of options that
   are correct. Exactly one option must be, and it must be the keyed one. Solvers also refuse
   questions that are unfair although keyed right: ties and near-ties, distractors a
   provisional figure or another counting convention could make right, numeric distractors
   outside ×0.25–×4 of the answer, disputed or cut-relations states, predecessor states'
   dates, statuses that change within two days of the question's date.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.facts.records import SNAPSHOT_DATE, Facts
from bot.quiz.questions import _policy as policy
from bot.quiz.questions._family import Family, Param
from bot.quiz.questions._solve_recognition import presentation_problems
from bot.quiz.questions._truth import Problem, latest_event, not_years, single_years, year
from bot.quiz.questions.model import (
    DIFFICULTIES,
    MAX_FIELD,
    MAX_OPTION,
    MAX_OPTIONS,
    MAX_TEXT,
    MIN_OPTIONS,
    ParamValue,
    Question,
)
from bot.quiz.questions.registry import FAMILIES, SOLVERS

__all__ = ["SOLVERS", "validate"]
_ARTICLE_DATES = {"defectors": policy.DEFECTORS_ARTICLE_DATE,
                  "recognition": policy.RECOGNITION_ARTICLE_DATE}


def validate(question: Question, facts: Facts) -> list[str]:
    """Every reason not to ask ``question``; an empty list means it is fit to ask."""
    problems = _structure(question, facts)
    if problems:
        return problems  # the solver could not make sense of a malformed question
    solver = SOLVERS.get(question.family)
    if solver is None:
        return [f"no solver for family {question.family!r}"]
    try:
        correct = solver(question, facts)
        if question.topic == "recognition" and not question.family.startswith("article_"):
            problems.extend(presentation_problems(question, facts))
    except Problem as exc:
        return [str(exc)]
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        return [f"malformed params or options: {exc!r}"]
    shown = [question.options[i] for i in sorted(correct)]
    if not correct:
        problems.append("no option is correct according to the data")
    elif question.answer_index not in correct:
        problems.append(f"wrong answer key: {question.answer!r} is keyed, but the data says "
                        f"{' / '.join(map(repr, shown))}")
    elif len(correct) > 1:
        problems.append(f"more than one option is correct: {' / '.join(map(repr, shown))}")
    return problems


def _norm(option: str) -> str:
    text = re.sub(r"\s+", " ", option).strip().casefold()
    return text.replace(",", "") if re.fullmatch(r"[\d,]+", text) else text


def _structure(q: Question, facts: Facts) -> list[str]:
    out: list[str] = []
    fam = FAMILIES.get(q.family)
    if fam is None:
        return [f"unknown family {q.family!r}"]
    if q.topic != fam.topic:
        out.append(f"topic {q.topic!r} does not match family {q.family!r} ({fam.topic})")
    if q.difficulty not in DIFFICULTIES or q.difficulty not in fam.difficulties:
        out.append(f"difficulty {q.difficulty!r} is not one of {sorted(fam.difficulties)}")
    if not re.fullmatch(rf"{re.escape(q.family)}([:@].+)?", q.id):
        out.append(f"id {q.id!r} does not start with its family")
    out += _params(q, fam, facts)
    out += _texts(q)
    out += _options(q, facts)
    out += _dates(q, facts)
    out += _picture(q, fam, facts)
    return out


def _params(q: Question, fam: Family, facts: Facts) -> list[str]:
    """Every parameter is one the family declares, of the kind it declares."""
    out = []
    for key in fam.params:
        if key not in q.params:
            out.append(f"params lack {key!r}, which family {q.family!r} declares")
    for key, value in q.params.items():
        kind = fam.params.get(key)
        if kind is None:
            out.append(f"parameter {key!r} is not declared by family {q.family!r} "
                       f"(it declares {', '.join(fam.params) or 'none'})")
            continue
        parts = value if isinstance(value, tuple) else (value,)
        # Stable ids carry their parameters, so a stored id always names the same question.
        if kind.in_id and any(str(p) not in q.id for p in parts):
            out.append(f"id {q.id!r} does not carry parameter {key}={value!r}")
        out += _kind_problems(key, kind, value, facts)
    return out


def _kind_problems(key: str, kind: Param, value: ParamValue, facts: Facts) -> list[str]:
    many = kind in (Param.YEARS, Param.STATES)
    if many != isinstance(value, tuple) or (many and not value):
        shape = "a non-empty tuple" if many else "a single value"
        return [f"parameter {key}={value!r} should be {shape} ({kind})"]
    values = value if isinstance(value, tuple) else (value,)
    out = []
    for v in values:
        if kind in (Param.YEAR, Param.YEARS):
            # Never a year inside one of MOU's aggregate or partial rows.
            try:
                year(facts, v, f"parameter {key}")
            except Problem as exc:
                out.append(str(exc))
        elif kind in (Param.CALENDAR_YEAR, Param.NUMBER):
            if not isinstance(v, int) or isinstance(v, bool) or (kind is Param.NUMBER and v <= 0):
                out.append(f"parameter {key}={v!r} is not a {kind.replace('_', ' ')}")
        elif kind is Param.DATE:
            if not isinstance(v, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
                out.append(f"parameter {key}={v!r} is not an ISO date")
        elif not isinstance(v, str) or not v.strip():
            out.append(f"parameter {key}={v!r} is not a {kind} (a non-empty string)")
    return out


def _picture(q: Question, fam: Family, facts: Facts) -> list[str]:
    """The reveal's picture must show what the question is about: the map on the question's
    date, or the chart with a single year (one of its year parameters) or a span of them."""
    pic = q.picture
    if pic is None:
        return []
    if pic.kind == "map":
        if q.topic != "recognition":
            return [f"a {q.topic} question cannot reveal the recognition map"]
        if pic.highlight is not None or pic.span is not None:
            return ["a map has no highlighted year or span"]
        if pic.as_of != q.as_of:
            return [f"the map is dated {pic.as_of}, the question {q.as_of}"]
        return []
    if pic.kind not in ("chart", "cumulative", "gender"):
        return [f"unknown picture kind {pic.kind!r}"]
    if pic.kind != "chart" and pic.span is not None:
        return [f"the {pic.kind} chart shows every year; it has no span"]
    if q.topic != "defectors":
        return [f"a {q.topic} question cannot reveal the arrivals chart"]
    if pic.as_of is not None:
        return ["the chart has no date"]
    if pic.highlight is not None and pic.span is not None:
        return ["the chart highlights a year or shows a span, not both"]
    asked: set[object] = set()
    for key, kind in fam.params.items():
        if kind in (Param.YEAR, Param.YEARS) and key in q.params:
            value = q.params[key]
            asked.update(value if isinstance(value, tuple) else (value,))
    shown = [pic.highlight] if pic.highlight is not None else list(pic.span or ())
    out = []
    for y in shown:
        try:
            year(facts, y, "highlighted year" if pic.span is None else "span year")
        except Problem as exc:
            out.append(str(exc))
            continue
        if y not in asked:
            out.append(f"the chart shows {y}, which is not a year the question asks about")
    if pic.span is not None and not pic.span[0] < pic.span[1]:
        out.append(f"the chart's span {pic.span} does not run forward")
    return out


def _texts(q: Question) -> list[str]:
    out = []
    if not isinstance(q.text, str) or not q.text.strip():
        out.append("empty text")
    elif len(q.text) > MAX_TEXT:
        out.append(f"text is {len(q.text)} characters (max {MAX_TEXT})")
    for name, value in (("explanation", q.explanation), ("source", q.source)):
        if not isinstance(value, str) or not value.strip():
            out.append(f"empty {name}")
        elif len(value) > MAX_FIELD:
            out.append(f"{name} is {len(value)} characters (max {MAX_FIELD})")
    if isinstance(q.source, str) and "http" not in q.source:
        out.append("source has no URL")
    return out


def _options(q: Question, facts: Facts) -> list[str]:
    out = []
    options = q.options
    if not isinstance(options, tuple) or not all(isinstance(o, str) for o in options):
        return ["options must be a tuple of strings"]
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        out.append(f"{len(options)} options (need {MIN_OPTIONS}–{MAX_OPTIONS})")
    for o in options:
        if not o.strip():
            out.append("an option is empty")
        elif len(o) > MAX_OPTION:
            out.append(f"option {o[:20]!r}… is {len(o)} characters (max {MAX_OPTION})")
    if len({_norm(o) for o in options}) != len(options):
        out.append("duplicate options")
    if not isinstance(q.answer_index, int) or isinstance(q.answer_index, bool) \
            or not 0 <= q.answer_index < len(options):
        out.append(f"answer_index {q.answer_index!r} is out of range")
    labels = [p.label.casefold() for p in not_years(facts)]
    for o in options:
        flat = o.casefold().replace("–", "-").replace("—", "-")
        if any(label in flat for label in labels) or "as of june" in flat:
            out.append(f"option {o!r} is one of MOU's aggregate or partial periods, not a year")
    return out


def _dates(q: Question, facts: Facts) -> list[str]:
    if not isinstance(q.as_of, dt.date):
        return ["as_of is not a date"]
    shown = f"{q.as_of.day} {q.as_of:%B %Y}"
    out = []
    if q.family.startswith("article_"):
        if q.as_of != _ARTICLE_DATES[q.topic]:
            out.append(f"as_of {q.as_of} is not the {q.topic} article's date")
    elif q.topic == "defectors":
        end = dt.date(max(single_years(facts)), 12, 31)
        if q.as_of != end:
            out.append(f"as_of {q.as_of} should be the end of the last year in the data, {end}")
    else:
        latest = latest_event(facts)
        if not SNAPSHOT_DATE <= q.as_of <= latest:
            out.append(f"as_of {q.as_of} is outside the data ({SNAPSHOT_DATE} to {latest})")
    # The latest data date may be shown by the data's own label instead of as a day; article
    # facts carry their own dates in the text where they have one ("As of November 2023"),
    # and a historical fact (1948, 1993) gets no as-of date.
    label = policy.latest_label(q.as_of) if q.as_of == latest_event(facts) else None
    if q.topic == "recognition" and shown not in q.text and not q.family.startswith(
            "article_") and (label is None or label not in q.text):
        out.append(f"a recognition question must state its date ({shown}) in the text")
    return out

