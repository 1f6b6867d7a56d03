"""Read and validate the files in ``data/`` into a :class:`Facts` snapshot.

Validation happens here, before anything touches the database, and every failure names the
file, the line and the rule broken, so a bad edit is fixed in seconds and never half-loaded.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.resources
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.facts.recognition import category_counts, status_at
from bot.facts.records import (
    SNAPSHOT_DATE,
    ArticleFact,
    DefectorPeriod,
    Facts,
    IsraelStatus,
    MemberState,
    PeriodKind,
    Recognition,
    RecognitionEvent,
    parse_partial_date,
)


def _shipped_data_dir() -> Path:
    """The fact files (and the map geometry under ``geo/``) as shipped with the package.

    A wheel carries the top-level ``data/`` folder as the package data ``bot/data``
    (pyproject's ``package-dir``); a source checkout (editable install, ``python -m bot`` in
    the repository) reads ``data/`` beside the package, where the maintainers edit it.
    """
    shipped = importlib.resources.files("bot") / "data"
    if shipped.is_dir():
        return Path(str(shipped))  # an installed wheel is unpacked on disk: a real path
    return Path(__file__).resolve().parents[2] / "data"


DEFAULT_DATA_DIR = _shipped_data_dir()

DEFECTORS = "defectors.csv"
MEMBERS = "un_members.csv"
SNAPSHOT = "recognition_2023-11-14.csv"
EVENTS = "recognition_events.csv"
ARTICLE = "article_facts.csv"
FILES = (DEFECTORS, MEMBERS, SNAPSHOT, EVENTS, ARTICLE)

# The published totals the files must reproduce (reference README; MOU end of 2025).
CUMULATIVE_TOTAL, CUMULATIVE_MALE, CUMULATIVE_FEMALE = 34_537, 9_593, 24_944
UN_MEMBERS = 193
SNAPSHOT_COUNTS = {"israel": 163, "palestine": 138, "both": 108, "israel_only": 55,
                   "palestine_only": 30, "neither": 0}

CHANGES = {"palestine=yes", "israel=no", "israel=yes", "none"}
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


@dataclass
class DataError(Exception):
    file: str
    line: int | None  # 1-based line in the file; None for whole-file rules
    rule: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        return f"{where}: {self.rule}"


def data_digest(data_dir: Path = DEFAULT_DATA_DIR) -> str:
    """A digest of every data file: unchanged files mean nothing to reload."""
    h = hashlib.sha256()
    for name in FILES:
        h.update(name.encode())
        h.update((data_dir / name).read_bytes())
    return h.hexdigest()[:16]


def _rows(data_dir: Path, name: str, columns: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    path = data_dir / name
    if not path.exists():
        raise DataError(name, None, "file is missing")
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != columns:
            raise DataError(name, 1, f"header must be {','.join(columns)}")
        for row in reader:
            if None in row or any(v is None for v in row.values()):
                raise DataError(name, reader.line_num, f"expected {len(columns)} columns")
            yield reader.line_num, {k: v.strip() for k, v in row.items()}


def _optional_int(name: str, line: int, row: dict[str, str], col: str) -> int | None:
    return None if row[col] == "" else _int(name, line, row, col)


def _int(name: str, line: int, row: dict[str, str], col: str) -> int:
    value = row[col]
    if not value.isdigit():
        raise DataError(name, line, f"{col} must be a whole number ≥ 0, got {value!r}")
    return int(value)


def _date_text(name: str, line: int, row: dict[str, str], col: str) -> str:
    value = row[col]
    if value and not _DATE.fullmatch(value):
        raise DataError(name, line, f"{col} must be YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    if value:
        try:
            parse_partial_date(value)
        except ValueError:
            raise DataError(name, line, f"{col} is not a real date: {value!r}") from None
    return value


def _choice(name: str, line: int, row: dict[str, str], col: str, allowed: set[str]) -> str:
    if row[col] not in allowed:
        raise DataError(name, line, f"{col} must be one of {'/'.join(sorted(allowed))}, "
                                    f"got {row[col]!r}")
    return row[col]


def read_periods(data_dir: Path) -> tuple[DefectorPeriod, ...]:
    cols = ["label", "kind", "first_year", "last_year", "total", "male", "female", "note", "source"]
    periods: list[DefectorPeriod] = []
    labels: set[str] = set()
    for line, row in _rows(data_dir, DEFECTORS, cols):
        kind = PeriodKind(_choice(DEFECTORS, line, row, "kind", {k.value for k in PeriodKind}))
        total, male, female = (_int(DEFECTORS, line, row, c) for c in ("total", "male", "female"))
        first = _optional_int(DEFECTORS, line, row, "first_year")
        last = _int(DEFECTORS, line, row, "last_year")
        if male + female != total:
            raise DataError(DEFECTORS, line, f"male + female = total ({male} + {female} ≠ {total})")
        if row["label"] in labels:
            raise DataError(DEFECTORS, line, f"duplicate period {row['label']!r}")
        if kind is PeriodKind.YEAR and not (row["label"] == str(first) == str(last)):
            raise DataError(DEFECTORS, line, "a year row needs label = first_year = last_year")
        if first is not None and first > last:
            raise DataError(DEFECTORS, line, "first_year must not be after last_year")
        if not row["source"]:
            raise DataError(DEFECTORS, line, "every figure needs a source")
        labels.add(row["label"])
        periods.append(DefectorPeriod(row["label"], kind, first, last, total, male, female,
                                      row["note"], row["source"]))
    years = [p.last_year for p in periods if p.is_year]
    if len(set(years)) != len(years):
        raise DataError(DEFECTORS, None, "a calendar year appears twice")
    # Partial periods are superseded by their full year, so they are not part of the total.
    counted = [p for p in periods if p.kind is not PeriodKind.PARTIAL]
    sums = tuple(sum(getattr(p, c) for p in counted) for c in ("total", "male", "female"))
    if sums != (CUMULATIVE_TOTAL, CUMULATIVE_MALE, CUMULATIVE_FEMALE):
        raise DataError(DEFECTORS, None, f"all periods must sum to {CUMULATIVE_TOTAL:,} "
                        f"({CUMULATIVE_MALE:,} men, {CUMULATIVE_FEMALE:,} women); they sum to "
                        f"{sums[0]:,} ({sums[1]:,}, {sums[2]:,})")
    return tuple(periods)


def read_members(data_dir: Path) -> tuple[MemberState, ...]:
    members: list[MemberState] = []
    seen: dict[str, set[str]] = {"iso2": set(), "iso3": set(), "iso_numeric": set(), "name": set()}
    for line, row in _rows(data_dir, MEMBERS, ["name", "iso2", "iso3", "iso_numeric", "aliases"]):
        patterns = {"iso2": r"[A-Z]{2}", "iso3": r"[A-Z]{3}", "iso_numeric": r"\d{3}"}
        for col, pattern in patterns.items():
            if not re.fullmatch(pattern, row[col]):
                raise DataError(MEMBERS, line, f"{col} {row[col]!r} is not an ISO 3166-1 code")
        for col, values in seen.items():
            if row[col] in values:
                rule = f"duplicate {col} {row[col]!r}: codes and names must be unique"
                raise DataError(MEMBERS, line, rule)
            values.add(row[col])
        aliases = tuple(a for a in row["aliases"].split("|") if a)
        members.append(MemberState(row["iso3"], row["iso2"], row["iso_numeric"], row["name"],
                                   aliases))
    if len(members) != UN_MEMBERS:
        rule = f"expected {UN_MEMBERS} UN member states, found {len(members)}"
        raise DataError(MEMBERS, None, rule)
    return tuple(members)


def read_snapshot(data_dir: Path, members: dict[str, MemberState]) -> tuple[Recognition, ...]:
    cols = ["iso3", "name", "recognizes_israel", "israel_status", "israel_recognition_date",
            "recognizes_palestine", "palestine_recognition_date", "confidence", "dispute",
            "sources_and_notes"]
    rows: list[Recognition] = []
    for line, row in _rows(data_dir, SNAPSHOT, cols):
        member = members.get(row["iso3"])
        if member is None:
            raise DataError(SNAPSHOT, line, f"{row['iso3']} is not in {MEMBERS}")
        if member.name != row["name"]:
            raise DataError(SNAPSHOT, line, f"name {row['name']!r} differs from {MEMBERS}")
        israel = _choice(SNAPSHOT, line, row, "recognizes_israel", {"yes", "no", "self"})
        status = IsraelStatus(_choice(SNAPSHOT, line, row, "israel_status",
                                      {s.value for s in IsraelStatus}))
        consistent = {"yes": {IsraelStatus.RECOGNIZES}, "self": {IsraelStatus.SELF},
                      "no": {IsraelStatus.NEVER, IsraelStatus.WITHDREW, IsraelStatus.SUSPENDED}}
        if status not in consistent[israel]:
            raise DataError(SNAPSHOT, line, f"israel_status {status} contradicts "
                                            f"recognizes_israel {israel}")
        palestine = _choice(SNAPSHOT, line, row, "recognizes_palestine", {"yes", "no"})
        pal_date = _date_text(SNAPSHOT, line, row, "palestine_recognition_date")
        if pal_date and palestine == "no":
            rule = "a Palestine recognition date needs recognizes_palestine yes"
            raise DataError(SNAPSHOT, line, rule)
        _choice(SNAPSHOT, line, row, "confidence", {"verified", "likely"})
        rows.append(Recognition(
            iso3=row["iso3"], recognizes_israel=israel != "no", israel_status=status,
            israel_recognition_date=_date_text(SNAPSHOT, line, row, "israel_recognition_date"),
            recognizes_palestine=palestine == "yes", palestine_recognition_date=pal_date,
            confidence=row["confidence"], dispute=row["dispute"], note=row["sources_and_notes"],
        ))
    counted = Counter(r.iso3 for r in rows)
    if dup := [c for c, n in counted.items() if n > 1]:
        raise DataError(SNAPSHOT, None, f"states listed twice: {', '.join(dup)}")
    if missing := sorted(set(members) - set(counted)):
        raise DataError(SNAPSHOT, None, f"{len(missing)} member states have no row: "
                                        f"{', '.join(missing[:5])}")
    return tuple(rows)


def read_events(data_dir: Path, members: dict[str, MemberState]) -> tuple[RecognitionEvent, ...]:
    cols = ["date", "iso3", "country", "event", "change", "note", "confidence", "source"]
    events: list[RecognitionEvent] = []
    for line, row in _rows(data_dir, EVENTS, cols):
        if not row["date"] or _date_text(EVENTS, line, row, "date") != row["date"]:
            raise DataError(EVENTS, line, "date is required")
        if parse_partial_date(row["date"]) <= SNAPSHOT_DATE:
            raise DataError(EVENTS, line, f"events must come after {SNAPSHOT_DATE.isoformat()}")
        if row["iso3"] not in members:
            raise DataError(EVENTS, line, f"{row['iso3']} is not in {MEMBERS}")
        _choice(EVENTS, line, row, "change", CHANGES)
        if not row["source"]:
            raise DataError(EVENTS, line, "every event needs a source")
        events.append(RecognitionEvent(row["date"], row["iso3"], row["event"], row["change"],
                                       row["note"], row["confidence"], row["source"]))
    return tuple(sorted(events, key=lambda e: (e.effective, e.iso3)))


def read_article_facts(data_dir: Path) -> tuple[ArticleFact, ...]:
    cols = ["key", "topic", "difficulty", "question", "answer", "distractors", "explanation",
            "source"]
    facts: list[ArticleFact] = []
    keys: set[str] = set()
    for line, row in _rows(data_dir, ARTICLE, cols):
        _choice(ARTICLE, line, row, "topic", {"defectors", "recognition"})
        _choice(ARTICLE, line, row, "difficulty", {"easy", "medium", "hard"})
        distractors = tuple(d.strip() for d in row["distractors"].split("|") if d.strip())
        options = [row["answer"], *distractors]
        # Up to six: a numeric fact keeps candidates on both sides of its answer, and the quiz
        # shows three of them, placing the answer at a random rank.
        if not 1 <= len(distractors) <= 6 or len({o.casefold() for o in options}) != len(options):
            rule = "needs 1–6 distinct distractors, none equal to the answer"
            raise DataError(ARTICLE, line, rule)
        if row["key"] in keys:
            raise DataError(ARTICLE, line, f"duplicate key {row['key']!r}")
        if not row["source"]:
            raise DataError(ARTICLE, line, "every fact needs a source")
        keys.add(row["key"])
        facts.append(ArticleFact(row["key"], row["topic"], row["difficulty"], row["question"],
                                 row["answer"], distractors, row["explanation"], row["source"]))
    return tuple(facts)


def read_facts(data_dir: Path = DEFAULT_DATA_DIR) -> Facts:
    """Parse and validate every file; raise :class:`DataError` on the first broken rule."""
    periods = read_periods(data_dir)
    members = read_members(data_dir)
    by_iso3 = {m.iso3: m for m in members}
    facts = Facts(
        periods=tuple(sorted(periods, key=lambda p: (p.last_year, p.kind is PeriodKind.PARTIAL))),
        members=tuple(sorted(members, key=lambda m: m.name)),
        snapshot=tuple(sorted(read_snapshot(data_dir, by_iso3), key=lambda r: r.iso3)),
        events=read_events(data_dir, by_iso3),
        article_facts=tuple(sorted(read_article_facts(data_dir), key=lambda a: a.key)),
        version=data_digest(data_dir),
    )
    counts = category_counts(status_at(facts, SNAPSHOT_DATE))
    if counts != SNAPSHOT_COUNTS:
        wrong = ", ".join(f"{k} {counts[k]} (expected {v})" for k, v in SNAPSHOT_COUNTS.items()
                          if counts[k] != v)
        raise DataError(SNAPSHOT, None, f"the 2023-11-14 counts must match the article: {wrong}")
    return facts
