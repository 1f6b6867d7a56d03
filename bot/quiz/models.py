"""The quiz's tables: settings, channel rules, rounds, their questions, the answer log,
player name snapshots, point adjustments and the moderator audit log."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlmodel import Field, SQLModel


class RoundStatus(enum.StrEnum):
    """``quiz_round.status``. The column stores these values as plain strings (VARCHAR(12)),
    so rows written before the enum existed read back unchanged."""

    RUNNING = "running"
    FINISHED = "finished"
    STOPPED = "stopped"
    IDLE = "idle"
    INTERRUPTED = "interrupted"


def _snowflake(primary_key: bool = False, *, nullable: bool = False, index: bool | None = None,
               unique: bool | None = None) -> Column[int]:
    # Discord ids exceed 32 bits: BIGINT on PostgreSQL (SQLite integers are 64-bit anyway).
    return Column(BigInteger, primary_key=primary_key, autoincrement=False, nullable=nullable,
                  index=index, unique=unique)


class GuildSettings(SQLModel, table=True):
    __tablename__ = "quiz_guild_settings"

    guild_id: int = Field(sa_column=_snowflake(primary_key=True))
    time_limit: int = 20  # seconds per question
    default_questions: int = 10
    allowed_topics: str = Field(default="defectors,recognition", max_length=32)
    reveal_pictures: bool = True
    reveal_time: int = 4  # seconds a reveal stays before the next question (revision 0006)
    lead_in: int = 3  # seconds before the first question (revision 0006)
    # Lifelines and role rewards (revision 0009): the 50/50 on 4-option questions, how many
    # a member may use per round, and whether a reward role goes when points fall below.
    fifty_fifty: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    fifty_fifty_per_round: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    rewards_remove_below: bool = Field(default=True,
                                       sa_column_kwargs={"server_default": true()})
    # The language of the server's public round messages: "auto" (the server's Discord
    # locale), "ko" or "en" (revision 0011).
    language: str = Field(default="auto", max_length=8)
    updated_at: dt.datetime


class ChannelRule(SQLModel, table=True):
    __tablename__ = "quiz_channel_rule"

    guild_id: int = Field(sa_column=_snowflake(primary_key=True))
    channel_id: int = Field(sa_column=_snowflake(primary_key=True))
    allowed: bool  # True: on the allow-list; False: quizzes refused here
    moderator_id: int = Field(sa_column=_snowflake())
    updated_at: dt.datetime


class QuizRound(SQLModel, table=True):
    __tablename__ = "quiz_round"

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_column=_snowflake(index=True))
    channel_id: int = Field(sa_column=_snowflake())
    # Set while the round runs, NULL after: the unique constraint allows one running round per
    # channel, across every process sharing the database (NULLs never collide).
    active_channel_id: int | None = Field(sa_column=_snowflake(nullable=True, unique=True))
    starter_id: int = Field(sa_column=_snowflake())
    topic: str = Field(max_length=16)
    difficulty: str | None = Field(default=None, max_length=8)
    question_count: int
    time_limit: int
    seed: int = Field(sa_column=_snowflake())
    # A string column, not a database enum: SQLAlchemy's Enum would store the member names
    # and, on PostgreSQL, need a type of its own; the values are the stored strings.
    status: RoundStatus = Field(sa_type=String(12))
    end_reason: str | None = Field(default=None, max_length=200)
    start_message_id: int | None = Field(default=None, sa_column=_snowflake(nullable=True))
    started_at: dt.datetime
    ended_at: dt.datetime | None = None
    # The process running the round and until when it vouches for it (revision 0007): it
    # renews the lease while it runs the round, so another process (a rolling deploy's new
    # one) closes the round only once the lease expired, i.e. its owner is gone.
    owner: str | None = Field(default=None, max_length=32)
    lease_until: dt.datetime | None = None
    # A `/quiz stop` that reached a process not running the round: the owner sees it at its
    # next poll and stops the round itself (it holds the clock, the open question, the board).
    stop_requested_at: dt.datetime | None = None
    stop_requested_by: int | None = Field(default=None, sa_column=_snowflake(nullable=True))


class RoundQuestion(SQLModel, table=True):
    __tablename__ = "quiz_round_question"

    round_id: int = Field(primary_key=True, foreign_key="quiz_round.id")
    index: int = Field(primary_key=True)
    question_id: str = Field(max_length=120)
    difficulty: str = Field(max_length=8)
    answer_index: int
    payload: str = Field(sa_column=Column(Text, nullable=False))  # the question as JSON
    message_id: int | None = Field(sa_column=_snowflake(nullable=True))
    asked_at: dt.datetime
    deadline: dt.datetime
    revealed: bool = False


class Answer(SQLModel, table=True):
    """One answer per (round, question, user), enforced by the database; the points are part
    of the same row, so they are written in the same transaction as the answer."""

    __tablename__ = "quiz_answer"
    __table_args__ = (
        UniqueConstraint("round_id", "question_index", "user_id", name="uq_quiz_answer_once"),
        Index("ix_quiz_answer_guild_user", "guild_id", "user_id"),
        Index("ix_quiz_answer_guild_time", "guild_id", "answered_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="quiz_round.id")
    question_index: int
    guild_id: int = Field(sa_column=_snowflake())
    user_id: int = Field(sa_column=_snowflake())
    option_index: int
    correct: bool
    points: int
    elapsed_ms: int
    answered_at: dt.datetime
    # Folded into the score totals (revision 0008; see bot.quiz.totals): set in the
    # transaction that adds the answer to them, so no answer is added twice or skipped.
    tallied: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class Player(SQLModel, table=True):
    """The display name last seen for a member (the bot has no members intent)."""

    __tablename__ = "quiz_player"

    guild_id: int = Field(sa_column=_snowflake(primary_key=True))
    user_id: int = Field(sa_column=_snowflake(primary_key=True))
    display_name: str = Field(max_length=100)
    updated_at: dt.datetime


class PointsAdjustment(SQLModel, table=True):
    __tablename__ = "quiz_points_adjustment"
    __table_args__ = (Index("ix_quiz_adjust_guild_user", "guild_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_column=_snowflake())
    user_id: int = Field(sa_column=_snowflake())
    amount: int
    reason: str = Field(max_length=200)
    moderator_id: int = Field(sa_column=_snowflake())
    created_at: dt.datetime


class ModAction(SQLModel, table=True):
    """Every moderator action, kept for the server's own audit."""

    __tablename__ = "quiz_mod_action"
    __table_args__ = (Index("ix_quiz_mod_action_guild", "guild_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_column=_snowflake())
    moderator_id: int = Field(sa_column=_snowflake())
    action: str = Field(max_length=40)
    detail: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime
    # The interaction that made the change (NULL for entries from before revision 0003).
    interaction_id: int | None = Field(default=None, sa_column=_snowflake(nullable=True))


class QuestionHistory(SQLModel, table=True):
    """When each question was last asked in a server, for the round selector
    (:mod:`bot.quiz.selector`); bounded per guild, deleted with the server's data."""

    __tablename__ = "quiz_question_history"
    __table_args__ = (Index("ix_quiz_question_history_guild_time", "guild_id", "asked_at"),)

    guild_id: int = Field(sa_column=_snowflake(primary_key=True))
    question_id: str = Field(primary_key=True, max_length=120)
    asked_at: dt.datetime
    # What the question was about ("year:2010 state:TTO"), space-separated.
    subjects: str = Field(default="", sa_column=Column(Text, nullable=False))


class QuestionStat(SQLModel, table=True):
    """Answers to one question across all servers (see :mod:`bot.quiz.difficulty`): added to
    when a round reveals the question, in the transaction that marks it revealed."""

    __tablename__ = "quiz_question_stats"

    question_id: str = Field(primary_key=True, max_length=120)  # as RoundQuestion.question_id
    answered: int
    correct: int
    updated_at: dt.datetime


class ScoreTotal(SQLModel, table=True):
    """A member's all-time score on a server, kept up to date (revision 0008): the counted
    answers (see ``bot.quiz.leaderboard.counted``) and point adjustments folded in as they
    happen, so the leaderboard reads this table instead of summing the answer log."""

    __tablename__ = "quiz_score_total"
    __table_args__ = (Index("ix_quiz_score_total_board", "guild_id", "points"),)

    guild_id: int = Field(sa_column=_snowflake(primary_key=True))
    user_id: int = Field(sa_column=_snowflake(primary_key=True))
    # 64-bit: a long-lived server's sums pass 2**31.
    points: int = Field(sa_column=Column(BigInteger, nullable=False))
    answered: int = Field(sa_column=Column(BigInteger, nullable=False))
    correct: int = Field(sa_column=Column(BigInteger, nullable=False))
    current_streak: int
    best_streak: int
    # The newest answer folded into the streaks, in the log's order (answered_at, round,
    # question): an answer folded later but older than this makes the streaks be recounted.
    last_answered_at: dt.datetime | None = None
    last_round_id: int | None = None
    last_question_index: int | None = None


class ScorePeriod(SQLModel, table=True):
    """A member's points in one calendar period on a server (UTC): ``period`` is "week" (ISO
    week, ``starts`` on its Monday) or "month" (``starts`` on the 1st). Answers fall in the
    period of ``answered_at``, adjustments in that of ``created_at``, as the boards show them."""

    __tablename__ = "quiz_score_period"
    __table_args__ = (
        Index("ix_quiz_score_period_board", "guild_id", "period", "starts", "points"),)

    guild_id: int = Field(sa_column=_snowflake(primary_key=True))
    period: str = Field(primary_key=True, max_length=5)
    starts: dt.date = Field(primary_key=True)
    user_id: int = Field(sa_column=_snowflake(primary_key=True))
    points: int = Field(sa_column=Column(BigInteger, nullable=False))
    answered: int = Field(sa_column=Column(BigInteger, nullable=False))
    correct: int = Field(sa_column=Column(BigInteger, nullable=False))


class Lifeline(SQLModel, table=True):
    """A lifeline a member used on one question (revision 0009). The database keeps it to
    the rules across processes: once per question (a second press shows the same pair), and
    ``slot`` (0, 1, …: the member's n-th use in the round) unique, so two presses at once on
    two questions cannot both take the last allowed use."""

    __tablename__ = "quiz_lifeline"
    __table_args__ = (
        UniqueConstraint("round_id", "question_index", "user_id", "kind",
                         name="uq_quiz_lifeline_question"),
        UniqueConstraint("round_id", "user_id", "kind", "slot", name="uq_quiz_lifeline_slot"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="quiz_round.id")
    question_index: int
    guild_id: int = Field(sa_column=_snowflake(index=True))
    user_id: int = Field(sa_column=_snowflake())
    kind: str = Field(max_length=12)  # "fifty_fifty"
    slot: int
    shown: str = Field(max_length=40)  # the option indexes shown, "1,3"
    used_at: dt.datetime


class RoleReward(SQLModel, table=True):
    """A role a member earns at ``points`` (all-time, or this calendar month: ``period``)."""

    __tablename__ = "quiz_role_reward"

    guild_id: int = Field(sa_column=_snowflake(primary_key=True))
    role_id: int = Field(sa_column=_snowflake(primary_key=True))
    points: int = Field(sa_column=Column(BigInteger, nullable=False))
    period: str = Field(max_length=8)  # "all-time" or "month"
    moderator_id: int = Field(sa_column=_snowflake())
    created_at: dt.datetime


class RoleAward(SQLModel, table=True):
    """A reward role given to a member: the primary key makes the award happen once, however
    many answers or processes reach the threshold at the same moment."""

    __tablename__ = "quiz_role_award"

    guild_id: int = Field(sa_column=_snowflake(primary_key=True))
    role_id: int = Field(sa_column=_snowflake(primary_key=True))
    user_id: int = Field(sa_column=_snowflake(primary_key=True))
    awarded_at: dt.datetime


class DailySchedule(SQLModel, table=True):
    """A server's question of the day (revision 0010; see :mod:`bot.quiz.daily`): where and
    when (UTC "HH:MM"), on what, open for how long. Turned off rather than deleted, so the
    reason (a moderator, or a channel the bot lost) stays for `/quizadmin daily show`."""

    __tablename__ = "quiz_daily_schedule"

    guild_id: int = Field(sa_column=_snowflake(primary_key=True))
    channel_id: int = Field(sa_column=_snowflake())
    post_time: str = Field(max_length=5)  # "HH:MM", UTC
    topic: str = Field(max_length=16)
    open_hours: int
    enabled: bool
    # Posts are due from this moment on: a schedule set at 10:00 for 09:00 starts tomorrow,
    # it does not post a "missed" question at once.
    since: dt.datetime
    moderator_id: int = Field(sa_column=_snowflake())
    updated_at: dt.datetime
    off_reason: str | None = Field(default=None, max_length=200)


class DailyPost(SQLModel, table=True):
    """One server's question of one day. The row is the claim: inserted before the post, and
    the (guild, day) unique constraint lets exactly one process win it, so a day is posted
    at most once however many processes run or restart. The question itself is a
    one-question round (``round_id``) answered through the rounds' answer path."""

    __tablename__ = "quiz_daily_post"
    __table_args__ = (UniqueConstraint("guild_id", "day", name="uq_quiz_daily_post_day"),
                      Index("ix_quiz_daily_post_open", "status", "closes_at"))

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_column=_snowflake())
    day: dt.date
    channel_id: int = Field(sa_column=_snowflake())
    owner: str = Field(max_length=32)  # the process that claimed it
    status: str = Field(max_length=8)  # claimed → open → closed, or failed
    round_id: int | None = None
    message_id: int | None = Field(default=None, sa_column=_snowflake(nullable=True))
    due_at: dt.datetime
    posted_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    late: bool = False
    claimed_at: dt.datetime


class DailyStreak(SQLModel, table=True):
    """Daily questions answered right in a row, per member and server: updated once per
    daily question, in the transaction that closes it."""

    __tablename__ = "quiz_daily_streak"
    __table_args__ = (Index("ix_quiz_daily_streak_board", "guild_id", "current"),)

    guild_id: int = Field(sa_column=_snowflake(primary_key=True))
    user_id: int = Field(sa_column=_snowflake(primary_key=True))
    current: int
    best: int
    last_day: dt.date | None = None
