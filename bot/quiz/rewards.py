"""Role rewards: a member reaching a server's threshold (all-time points, or this calendar
month's) earns a role. This module decides and writes down who holds which reward; the cog
gives and takes the roles on Discord and reports what Discord refused.

An award is a row of ``quiz_role_award`` (primary key guild, role, member), inserted with
ON CONFLICT DO NOTHING: however many rounds or processes see a member cross the threshold at
once, one insert wins and only that one gives the role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.db.dialect import insert, utcnow
from bot.quiz import admin
from bot.quiz.models import RoleAward, RoleReward, ScorePeriod, ScoreTotal

PERIODS = ("all-time", "month")
MAX_REWARDS = 10  # per server: every round's end checks each one for each player


@dataclass(frozen=True)
class Reward:
    role_id: int
    points: int
    period: str


@dataclass(frozen=True)
class Change:
    user_id: int
    role_id: int


@dataclass(frozen=True)
class Settled:
    granted: tuple[Change, ...] = ()
    revoked: tuple[Change, ...] = ()


async def add(engine: AsyncEngine, actor: admin.Actor, role_id: int, points: int,
              period: str) -> None:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}")
    async with engine.begin() as conn:
        stmt = insert(conn, RoleReward).values(
            guild_id=actor.guild_id, role_id=role_id, points=points, period=period,
            moderator_id=actor.user_id, created_at=utcnow())
        await conn.execute(stmt.on_conflict_do_update(
            index_elements=["guild_id", "role_id"],
            set_={"points": stmt.excluded.points, "period": stmt.excluded.period}))
        await admin._audit(conn, actor, "rewards.add",
                           f"role={role_id} points={points} period={period}")


async def remove(engine: AsyncEngine, actor: admin.Actor, role_id: int) -> list[int]:
    """Forget a reward; returns the members who held it (the cog takes the role back)."""
    async with engine.begin() as conn:
        holders = list((await conn.execute(delete(RoleAward).where(
            col(RoleAward.guild_id) == actor.guild_id, col(RoleAward.role_id) == role_id)
            .returning(col(RoleAward.user_id)))).scalars())
        done = await conn.execute(delete(RoleReward).where(
            col(RoleReward.guild_id) == actor.guild_id, col(RoleReward.role_id) == role_id))
        if done.rowcount:
            await admin._audit(conn, actor, "rewards.remove", f"role={role_id}")
    return [int(u) for u in holders] if done.rowcount else []


async def rewards(engine: AsyncEngine, guild_id: int) -> list[Reward]:
    async with engine.connect() as conn:
        rows = (await conn.execute(
            select(col(RoleReward.role_id), col(RoleReward.points), col(RoleReward.period))
            .where(col(RoleReward.guild_id) == guild_id)
            .order_by(col(RoleReward.points)))).all()
    return [Reward(int(r), int(p), str(period)) for r, p, period in rows]


async def settle(engine: AsyncEngine, guild_id: int, user_ids: list[int], *,
                 remove_below: bool, now: dt.datetime | None = None) -> Settled:
    """Awards for these members (the players of a round that just ended): new ones at or
    above a threshold, and (``remove_below``) those whose holder fell below it."""
    found = await rewards(engine, guild_id)
    if not found or not user_ids:
        return Settled()
    now = now or utcnow()
    month = dt.date(now.year, now.month, 1)
    granted: list[Change] = []
    revoked: list[Change] = []
    async with engine.begin() as conn:
        all_time = dict((await conn.execute(
            select(col(ScoreTotal.user_id), col(ScoreTotal.points)).where(
                col(ScoreTotal.guild_id) == guild_id,
                col(ScoreTotal.user_id).in_(user_ids)))).all())
        this_month = dict((await conn.execute(
            select(col(ScorePeriod.user_id), col(ScorePeriod.points)).where(
                col(ScorePeriod.guild_id) == guild_id, col(ScorePeriod.period) == "month",
                col(ScorePeriod.starts) == month,
                col(ScorePeriod.user_id).in_(user_ids)))).all())
        for reward in found:
            points = all_time if reward.period == "all-time" else this_month
            for user_id in user_ids:
                if int(points.get(user_id, 0)) >= reward.points:
                    stmt = insert(conn, RoleAward).values(
                        guild_id=guild_id, role_id=reward.role_id, user_id=user_id,
                        awarded_at=now).on_conflict_do_nothing()
                    if (await conn.execute(stmt)).rowcount:
                        granted.append(Change(user_id, reward.role_id))
                elif remove_below:
                    gone = await conn.execute(delete(RoleAward).where(
                        col(RoleAward.guild_id) == guild_id,
                        col(RoleAward.role_id) == reward.role_id,
                        col(RoleAward.user_id) == user_id))
                    if gone.rowcount:
                        revoked.append(Change(user_id, reward.role_id))
    return Settled(tuple(granted), tuple(revoked))


async def undo(engine: AsyncEngine, guild_id: int, change: Change) -> None:
    """Discord refused the role: forget the award, so a later round tries again."""
    async with engine.begin() as conn:
        await conn.execute(delete(RoleAward).where(
            col(RoleAward.guild_id) == guild_id, col(RoleAward.role_id) == change.role_id,
            col(RoleAward.user_id) == change.user_id))


async def reset(engine: AsyncEngine, guild_id: int) -> list[Change]:
    """The leaderboard was reset: every award goes (the cog takes the roles back)."""
    async with engine.begin() as conn:
        rows = (await conn.execute(delete(RoleAward).where(
            col(RoleAward.guild_id) == guild_id)
            .returning(col(RoleAward.user_id), col(RoleAward.role_id)))).all()
    return [Change(int(u), int(r)) for u, r in rows]


async def report(engine: AsyncEngine, guild_id: int, detail: str) -> None:
    """A reward Discord refused, in the server's audit log (the bot acted: moderator 0)."""
    await admin.record(engine, admin.Actor(guild_id, 0), "rewards.failed", detail)
