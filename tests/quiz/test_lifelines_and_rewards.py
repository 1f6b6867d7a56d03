"""50/50 uses and reward roles in the core: a member's are theirs (exported by /quiz my-data,
deleted by forget-me and with the server's data), and a reward is granted once however many
round ends settle it at the same moment."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, select
from sqlmodel import col

from bot.quiz import admin, privacy
from bot.quiz.models import Lifeline, QuizRound, RoleAward, RoleReward, RoundStatus
from bot.services import Services

GUILD, MEMBER, OTHER, ROLE = 1001, 2002, 3003, 4004
NOW = dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC)


async def _seed(services: Services) -> int:
    async with services.engine.begin() as conn:
        round_id = (await conn.execute(insert(QuizRound).values(
            guild_id=GUILD, channel_id=5, active_channel_id=None, starter_id=MEMBER,
            topic="mixed", question_count=5, time_limit=20, seed=1,
            status=RoundStatus.FINISHED, started_at=NOW).returning(col(QuizRound.id)))).scalar_one()
        for user, slot in ((MEMBER, 0), (OTHER, 0)):
            await conn.execute(insert(Lifeline).values(
                round_id=round_id, question_index=0, guild_id=GUILD, user_id=user,
                kind="fifty_fifty", slot=slot, shown="1,3", used_at=NOW))
        await conn.execute(insert(RoleReward).values(
            guild_id=GUILD, role_id=ROLE, points=100, period="all-time", moderator_id=OTHER,
            created_at=NOW))
        for user in (MEMBER, OTHER):
            await conn.execute(insert(RoleAward).values(
                guild_id=GUILD, role_id=ROLE, user_id=user, awarded_at=NOW))
    return int(round_id)


async def _count(services: Services, table: type[Lifeline] | type[RoleAward],
                 user_id: int | None = None) -> int:
    query = select(func.count()).select_from(table).where(col(table.guild_id) == GUILD)
    if user_id is not None:
        query = query.where(col(table.user_id) == user_id)
    async with services.engine.connect() as conn:
        return int((await conn.execute(query)).scalar_one())


async def test_my_data_exports_the_members_lifelines_and_reward_roles(services: Services) -> None:
    round_id = await _seed(services)
    data = await privacy.export_member(services.engine, GUILD, MEMBER, now=NOW)
    assert [(u["round_id"], u["kind"], u["shown"]) for u in data["lifelines_used"]] == [
        (round_id, "fifty_fifty", "1,3")]
    assert [a["role_id"] for a in data["reward_roles"]] == [str(ROLE)]


async def test_forget_me_deletes_them_and_nobody_elses(services: Services) -> None:
    await _seed(services)
    await admin.remove_member(services.engine, admin.Actor(GUILD, MEMBER), MEMBER,
                              action="forget-me", everything=True)
    assert await _count(services, Lifeline, MEMBER) == 0
    assert await _count(services, RoleAward, MEMBER) == 0
    assert await _count(services, Lifeline, OTHER) == 1
    assert await _count(services, RoleAward, OTHER) == 1


async def test_the_servers_data_goes_with_the_bot(services: Services) -> None:
    await _seed(services)
    await admin.forget_guild(services.engine, GUILD)
    assert await _count(services, Lifeline) == 0
    assert await _count(services, RoleAward) == 0
    async with services.engine.connect() as conn:
        rewards = (await conn.execute(select(func.count()).select_from(RoleReward))).scalar_one()
    assert rewards == 0


async def test_a_reward_is_granted_once_when_two_round_ends_settle_at_once(
        services: Services) -> None:
    """Two rounds of one server end at the same moment (two channels, or two processes) and
    both settle the same member past the threshold: one award, reported by one of them."""
    import asyncio

    from bot.quiz import rewards
    from bot.quiz.models import ScoreTotal

    async with services.engine.begin() as conn:
        await conn.execute(insert(RoleReward).values(
            guild_id=GUILD, role_id=ROLE, points=100, period="all-time", moderator_id=OTHER,
            created_at=NOW))
        await conn.execute(insert(ScoreTotal).values(
            guild_id=GUILD, user_id=MEMBER, points=150, answered=1, correct=1,
            current_streak=1, best_streak=1))
    results = await asyncio.gather(*(
        rewards.settle(services.engine, GUILD, [MEMBER], remove_below=True, now=NOW)
        for _ in range(6)))
    granted = [change for result in results for change in result.granted]
    assert [(c.user_id, c.role_id) for c in granted] == [(MEMBER, ROLE)]
    assert await _count(services, RoleAward, MEMBER) == 1
