"""A member's copy of everything the quiz stores about them on one server (``/quiz my-data``).

The export is the data itself, not a summary: the rows of each table that hold the member's
id, with the question each answer was to. It reads one server only: a server's data belongs to
that server's context, and a member of two servers asks in each. Nothing here changes data."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.quiz.models import (
    Answer,
    ChannelRule,
    Lifeline,
    ModAction,
    Player,
    PointsAdjustment,
    QuizRound,
    RoleAward,
    RoundQuestion,
)

FORMAT = "factquiz-my-data/1"


def _value(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return (v if v.tzinfo else v.replace(tzinfo=dt.UTC)).isoformat()
    if hasattr(v, "value"):  # a StrEnum such as RoundStatus
        return v.value
    return v


def _rows(result: Any) -> list[dict[str, Any]]:
    return [{k: _value(v) for k, v in row._mapping.items()} for row in result]


def names_member(detail: str, user_id: int) -> bool:
    """True when an audit detail names ``user_id`` (``member=<id>``), not a longer id."""
    return re.search(rf"\bmember={user_id}(?!\d)", detail) is not None


async def export_member(engine: AsyncEngine, guild_id: int, user_id: int, *,
                        now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything stored about ``user_id`` on ``guild_id``, ready for ``json.dumps``."""
    async with engine.connect() as conn:
        answers = _rows(await conn.execute(
            select(col(Answer.round_id), col(Answer.question_index),
                   col(RoundQuestion.question_id), col(Answer.option_index),
                   col(Answer.correct), col(Answer.points), col(Answer.elapsed_ms),
                   col(Answer.answered_at))
            .join(RoundQuestion, (col(RoundQuestion.round_id) == col(Answer.round_id))
                  & (col(RoundQuestion.index) == col(Answer.question_index)), isouter=True)
            .where(col(Answer.guild_id) == guild_id, col(Answer.user_id) == user_id)
            .order_by(col(Answer.answered_at), col(Answer.id))))
        lifelines = _rows(await conn.execute(
            select(col(Lifeline.round_id), col(Lifeline.question_index), col(Lifeline.kind),
                   col(Lifeline.shown), col(Lifeline.used_at))
            .where(col(Lifeline.guild_id) == guild_id, col(Lifeline.user_id) == user_id)
            .order_by(col(Lifeline.used_at), col(Lifeline.id))))
        awards = _rows(await conn.execute(
            select(col(RoleAward.role_id), col(RoleAward.awarded_at))
            .where(col(RoleAward.guild_id) == guild_id, col(RoleAward.user_id) == user_id)
            .order_by(col(RoleAward.awarded_at))))
        player = _rows(await conn.execute(
            select(col(Player.display_name), col(Player.updated_at))
            .where(col(Player.guild_id) == guild_id, col(Player.user_id) == user_id)))
        adjustments = _rows(await conn.execute(
            select(col(PointsAdjustment.user_id), col(PointsAdjustment.amount),
                   col(PointsAdjustment.reason), col(PointsAdjustment.moderator_id),
                   col(PointsAdjustment.created_at))
            .where(col(PointsAdjustment.guild_id) == guild_id,
                   or_(col(PointsAdjustment.user_id) == user_id,
                       col(PointsAdjustment.moderator_id) == user_id))
            .order_by(col(PointsAdjustment.created_at), col(PointsAdjustment.id))))
        rounds = _rows(await conn.execute(
            select(col(QuizRound.id).label("round_id"), col(QuizRound.channel_id),
                   col(QuizRound.topic), col(QuizRound.difficulty),
                   col(QuizRound.question_count), col(QuizRound.time_limit),
                   col(QuizRound.status), col(QuizRound.started_at), col(QuizRound.ended_at))
            .where(col(QuizRound.guild_id) == guild_id, col(QuizRound.starter_id) == user_id)
            .order_by(col(QuizRound.id))))
        channel_rules = _rows(await conn.execute(
            select(col(ChannelRule.channel_id), col(ChannelRule.allowed),
                   col(ChannelRule.updated_at))
            .where(col(ChannelRule.guild_id) == guild_id,
                   col(ChannelRule.moderator_id) == user_id)))
        # LIKE narrows the scan; the regex drops ids that merely start with this one.
        audit = [row for row in _rows(await conn.execute(
            select(col(ModAction.moderator_id), col(ModAction.action), col(ModAction.detail),
                   col(ModAction.created_at), col(ModAction.interaction_id))
            .where(col(ModAction.guild_id) == guild_id,
                   or_(col(ModAction.moderator_id) == user_id,
                       col(ModAction.detail).like(f"%member={user_id}%")))
            .order_by(col(ModAction.created_at), col(ModAction.id))))
            if row["moderator_id"] == user_id or names_member(row["detail"], user_id)]
    return {
        "format": FORMAT,
        "exported_at": _value(now or dt.datetime.now(dt.UTC)),
        "guild_id": str(guild_id),
        "user_id": str(user_id),
        # Ids as strings: JSON readers that use doubles would round a 64-bit snowflake.
        "player_name": player[0] if player else None,
        "answers": answers,
        "lifelines_used": lifelines,
        "reward_roles": [{**a, "role_id": str(a["role_id"])} for a in awards],
        "point_adjustments": [{**a, "user_id": str(a["user_id"]),
                               "moderator_id": str(a["moderator_id"])} for a in adjustments],
        "rounds_started": [{**r, "channel_id": str(r["channel_id"])} for r in rounds],
        "channel_rules_set": [{**c, "channel_id": str(c["channel_id"])} for c in channel_rules],
        "audit_entries": [{**e, "moderator_id": str(e["moderator_id"]),
                           "interaction_id": None if e["interaction_id"] is None
                           else str(e["interaction_id"])} for e in audit],
    }
