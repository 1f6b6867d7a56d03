"""Write validated facts into the database, and read the snapshot back out.

Loading is all-or-nothing: the files are parsed and checked first (``files.read_facts``), then
every table is replaced inside one transaction. An unchanged digest means nothing is written,
so loading twice changes nothing and a restart with the same files is instant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col

from bot.facts.files import DEFAULT_DATA_DIR, read_facts
from bot.facts.models import (
    ArticleFactRow,
    DatasetVersion,
    DefectorPeriodRow,
    MemberStateRow,
    RecognitionEventRow,
    RecognitionRow,
)
from bot.facts.records import (
    ArticleFact,
    DefectorPeriod,
    Facts,
    IsraelStatus,
    MemberState,
    PeriodKind,
    Recognition,
    RecognitionEvent,
)

DATASET = "facts"
# Children first when deleting, parents first when inserting (foreign keys).
_TABLES = (RecognitionEventRow, RecognitionRow, ArticleFactRow, DefectorPeriodRow, MemberStateRow)


@dataclass(frozen=True)
class LoadResult:
    changed: bool
    digest: str
    rows: int


async def stored_digest(conn: AsyncConnection) -> str | None:
    row = await conn.execute(select(col(DatasetVersion.digest)).where(
        col(DatasetVersion.name) == DATASET))
    return row.scalar_one_or_none()


async def load(engine: AsyncEngine, data_dir: Path = DEFAULT_DATA_DIR) -> LoadResult:
    """Validate ``data_dir`` and replace the fact tables with it (raises ``DataError``)."""
    facts = read_facts(data_dir)  # validates everything before a single write
    async with engine.begin() as conn:
        if await stored_digest(conn) == facts.version:
            return LoadResult(False, facts.version, 0)
        for table in _TABLES:
            await conn.execute(delete(table))
        rows = _rows(facts)
        for table in reversed(_TABLES):
            if rows[table]:
                await conn.execute(insert(table), rows[table])
        await conn.execute(delete(DatasetVersion).where(col(DatasetVersion.name) == DATASET))
        await conn.execute(insert(DatasetVersion).values(
            name=DATASET, digest=facts.version, loaded_at=dt.datetime.now(dt.UTC)
        ))
    return LoadResult(True, facts.version, sum(len(v) for v in rows.values()))


def _rows(facts: Facts) -> dict[type, list[dict[str, object]]]:
    return {
        DefectorPeriodRow: [
            dict(label=p.label, kind=p.kind.value, first_year=p.first_year, last_year=p.last_year,
                 total=p.total, male=p.male, female=p.female, note=p.note, source=p.source)
            for p in facts.periods
        ],
        MemberStateRow: [
            dict(iso3=m.iso3, iso2=m.iso2, iso_numeric=m.iso_numeric, name=m.name,
                 aliases="|".join(m.aliases))
            for m in facts.members
        ],
        RecognitionRow: [
            dict(iso3=r.iso3, recognizes_israel=r.recognizes_israel,
                 israel_status=r.israel_status.value,
                 israel_recognition_date=r.israel_recognition_date,
                 recognizes_palestine=r.recognizes_palestine,
                 palestine_recognition_date=r.palestine_recognition_date,
                 confidence=r.confidence, dispute=r.dispute, note=r.note)
            for r in facts.snapshot
        ],
        RecognitionEventRow: [
            dict(date=e.date, effective_date=e.effective, iso3=e.iso3, event=e.event,
                 change=e.change, note=e.note, confidence=e.confidence, source=e.source)
            for e in facts.events
        ],
        ArticleFactRow: [
            dict(key=a.key, topic=a.topic, difficulty=a.difficulty, question=a.question,
                 answer=a.answer, distractors="|".join(a.distractors),
                 explanation=a.explanation, source=a.source)
            for a in facts.article_facts
        ],
    }


async def read(engine: AsyncEngine) -> Facts | None:
    """The snapshot stored in the database, or ``None`` when nothing was loaded yet."""
    async with engine.connect() as conn:
        digest = await stored_digest(conn)
        if digest is None:
            return None

        async def all_rows(table: type) -> list:
            return list((await conn.execute(select(table))).mappings())

        periods = [
            DefectorPeriod(r["label"], PeriodKind(r["kind"]), r["first_year"], r["last_year"],
                           r["total"], r["male"], r["female"], r["note"], r["source"])
            for r in await all_rows(DefectorPeriodRow)
        ]
        members = [
            MemberState(r["iso3"], r["iso2"], r["iso_numeric"], r["name"],
                        tuple(a for a in r["aliases"].split("|") if a))
            for r in await all_rows(MemberStateRow)
        ]
        snapshot = [
            Recognition(r["iso3"], r["recognizes_israel"], IsraelStatus(r["israel_status"]),
                        r["israel_recognition_date"], r["recognizes_palestine"],
                        r["palestine_recognition_date"], r["confidence"], r["dispute"], r["note"])
            for r in await all_rows(RecognitionRow)
        ]
        events = [
            RecognitionEvent(r["date"], r["iso3"], r["event"], r["change"], r["note"],
                             r["confidence"], r["source"])
            for r in await all_rows(RecognitionEventRow)
        ]
        article = [
            ArticleFact(r["key"], r["topic"], r["difficulty"], r["question"], r["answer"],
                        tuple(d for d in r["distractors"].split("|") if d), r["explanation"],
                        r["source"])
            for r in await all_rows(ArticleFactRow)
        ]
    return Facts(
        periods=tuple(sorted(periods, key=lambda p: (p.last_year, p.kind is PeriodKind.PARTIAL))),
        members=tuple(sorted(members, key=lambda m: m.name)),
        snapshot=tuple(sorted(snapshot, key=lambda r: r.iso3)),
        events=tuple(sorted(events, key=lambda e: (e.effective, e.iso3))),
        article_facts=tuple(sorted(article, key=lambda a: a.key)),
        version=digest,
    )
