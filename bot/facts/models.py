"""SQLModel tables of the two data sets (written by the loader, read into a snapshot)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class DefectorPeriodRow(SQLModel, table=True):
    __tablename__ = "defector_period"

    label: str = Field(primary_key=True, max_length=16)
    kind: str = Field(max_length=12)  # year | aggregate | partial
    first_year: int | None = None  # None: since records began
    last_year: int
    total: int
    male: int
    female: int
    note: str = Field(sa_column=Column(Text, nullable=False))
    source: str = Field(sa_column=Column(Text, nullable=False))


class MemberStateRow(SQLModel, table=True):
    __tablename__ = "member_state"

    iso3: str = Field(primary_key=True, max_length=3)
    iso2: str = Field(max_length=2, unique=True)
    iso_numeric: str = Field(max_length=3, unique=True)
    name: str = Field(max_length=80, unique=True)
    aliases: str = Field(sa_column=Column(Text, nullable=False))  # "|"-separated


class RecognitionRow(SQLModel, table=True):
    """The article's snapshot, as of 2023-11-14."""

    __tablename__ = "recognition_2023_11_14"

    iso3: str = Field(primary_key=True, max_length=3, foreign_key="member_state.iso3")
    recognizes_israel: bool
    israel_status: str = Field(max_length=32)
    israel_recognition_date: str = Field(max_length=10)
    recognizes_palestine: bool
    palestine_recognition_date: str = Field(max_length=10)
    confidence: str = Field(max_length=12)
    dispute: str = Field(sa_column=Column(Text, nullable=False))
    note: str = Field(sa_column=Column(Text, nullable=False))


class RecognitionEventRow(SQLModel, table=True):
    __tablename__ = "recognition_event"

    id: int | None = Field(default=None, primary_key=True)
    date: str = Field(max_length=10)  # as published
    effective_date: dt.date = Field(index=True)
    iso3: str = Field(max_length=3, foreign_key="member_state.iso3")
    event: str = Field(max_length=64)
    change: str = Field(max_length=16)
    note: str = Field(sa_column=Column(Text, nullable=False))
    confidence: str = Field(max_length=12)
    source: str = Field(sa_column=Column(Text, nullable=False))


class ArticleFactRow(SQLModel, table=True):
    __tablename__ = "article_fact"

    key: str = Field(primary_key=True, max_length=64)
    topic: str = Field(max_length=16)
    difficulty: str = Field(max_length=8)
    question: str = Field(sa_column=Column(Text, nullable=False))
    answer: str = Field(sa_column=Column(Text, nullable=False))
    distractors: str = Field(sa_column=Column(Text, nullable=False))  # "|"-separated
    explanation: str = Field(sa_column=Column(Text, nullable=False))
    source: str = Field(sa_column=Column(Text, nullable=False))


class DatasetVersion(SQLModel, table=True):
    __tablename__ = "dataset_version"

    name: str = Field(primary_key=True, max_length=32)
    digest: str = Field(max_length=64)
    loaded_at: dt.datetime
