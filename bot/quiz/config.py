"""Per-server quiz settings and channel rules."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.db.dialect import insert, utcnow
from bot.i18n import _, pgettext
from bot.quiz.models import ChannelRule, GuildSettings

TOPIC_SETS = {"both": ("defectors", "recognition"), "defectors": ("defectors",),
              "recognition": ("recognition",)}


# Bounds of every number setting, checked here as well as by Discord's option ranges: a
# server admin's client, a stale command definition or a hand-edited row must not be able to
# set a 0-second question or an hour-long pause.
LANGUAGES = ("auto", "en", "ko")
BOUNDS = {"time_limit": (10, 60), "default_questions": (5, 20), "reveal_time": (2, 30),
          "lead_in": (0, 30), "fifty_fifty_per_round": (0, 5)}


class OutOfBounds(ValueError):
    pass


def setting_name(name: str) -> str:
    """A number setting as a refusal names it ("time limit"; 문제당 시간 in Korean)."""
    names = {"time_limit": pgettext("setting", "time limit"),
             "default_questions": pgettext("setting", "default questions"),
             "reveal_time": pgettext("setting", "reveal time"),
             "lead_in": pgettext("setting", "lead in"),
             "fifty_fifty_per_round": pgettext("setting", "fifty fifty per round")}
    return names.get(name, name.replace("_", " "))


def topic_word(topic: str) -> str:
    """A topic value as settings and refusals show it: the value itself in English (what
    moderators have always seen), the story's name in other languages."""
    words = {"defectors": pgettext("topic", "defectors"),
             "recognition": pgettext("topic", "recognition"),
             "mixed": pgettext("topic", "mixed")}
    return words.get(topic, topic)


def topic_words(topics: tuple[str, ...]) -> str:
    """"defectors and recognition" (탈북민 입국·국가 승인): at most two topics exist."""
    words = [topic_word(t) for t in topics]
    if len(words) < 2:
        return "".join(words)
    return _("{first} and {second}", first=", ".join(words[:-1]), second=words[-1])


@dataclass(frozen=True)
class QuizConfig:
    time_limit: int = 20
    default_questions: int = 10
    allowed_topics: tuple[str, ...] = ("defectors", "recognition")
    reveal_pictures: bool = True
    # Pacing: seconds a reveal stays up before the next question (time to read the answer),
    # and seconds between "Quiz round starting" and the first question.
    reveal_time: int = 4
    lead_in: int = 3
    # The 50/50 lifeline (on questions with at least 4 options) and how many a member may
    # use per round; whether a reward role goes when its holder's points fall below it.
    fifty_fifty: bool = True
    fifty_fifty_per_round: int = 1
    rewards_remove_below: bool = True
    # The language of public round messages: "auto" follows the server's Discord locale
    # (``guild_locale``); "ko"/"en" override it. Receipts follow each member's own client.
    language: str = "auto"

    def check(self) -> None:
        """Raise ``OutOfBounds`` naming the first setting outside its bounds."""
        for name, (low, high) in BOUNDS.items():
            value = getattr(self, name)
            if not low <= value <= high:
                raise OutOfBounds(_("{setting} must be {low}–{high} (got {value})",
                                    setting=setting_name(name), low=low, high=high,
                                    value=value))
        if self.language not in LANGUAGES:
            raise OutOfBounds(_("language must be one of {choices} (got {value})",
                                choices=", ".join(LANGUAGES), value=self.language))

    def topic_allowed(self, topic: str) -> bool:
        wanted = ("defectors", "recognition") if topic == "mixed" else (topic,)
        return all(t in self.allowed_topics for t in wanted)

    @property
    def default_topic(self) -> str:
        return "mixed" if len(self.allowed_topics) > 1 else self.allowed_topics[0]


async def get_config(engine: AsyncEngine, guild_id: int) -> QuizConfig:
    async with engine.connect() as conn:
        row = (await conn.execute(select(GuildSettings).where(
            col(GuildSettings.guild_id) == guild_id))).mappings().first()
    if row is None:
        return QuizConfig()
    # Not clamped on reading: the engine takes any time limit (tests run 2-second rounds);
    # what a moderator can set is bounded where it is set (``QuizConfig.check``).
    return QuizConfig(row["time_limit"], row["default_questions"],
                      tuple(t for t in row["allowed_topics"].split(",") if t),
                      row["reveal_pictures"], row.get("reveal_time", QuizConfig.reveal_time),
                      row.get("lead_in", QuizConfig.lead_in),
                      row.get("fifty_fifty", QuizConfig.fifty_fifty),
                      row.get("fifty_fifty_per_round", QuizConfig.fifty_fifty_per_round),
                      row.get("rewards_remove_below", QuizConfig.rewards_remove_below),
                      row.get("language") or QuizConfig.language)


async def save_config(engine: AsyncEngine, guild_id: int, config: QuizConfig) -> None:
    values = {"guild_id": guild_id, "time_limit": config.time_limit,
              "default_questions": config.default_questions,
              "allowed_topics": ",".join(config.allowed_topics),
              "reveal_pictures": config.reveal_pictures, "reveal_time": config.reveal_time,
              "lead_in": config.lead_in, "fifty_fifty": config.fifty_fifty,
              "fifty_fifty_per_round": config.fifty_fifty_per_round,
              "rewards_remove_below": config.rewards_remove_below,
              "language": config.language, "updated_at": utcnow()}
    async with engine.begin() as conn:
        stmt = insert(conn, GuildSettings).values(**values)
        await conn.execute(stmt.on_conflict_do_update(
            index_elements=["guild_id"], set_={k: stmt.excluded[k] for k in values
                                               if k != "guild_id"}))


@dataclass(frozen=True)
class ChannelRules:
    allowed: tuple[int, ...]
    denied: tuple[int, ...]

    def permits(self, channel_id: int) -> bool:
        if channel_id in self.denied:
            return False
        return not self.allowed or channel_id in self.allowed


async def channel_rules(engine: AsyncEngine, guild_id: int) -> ChannelRules:
    async with engine.connect() as conn:
        rows = (await conn.execute(
            select(col(ChannelRule.channel_id), col(ChannelRule.allowed)).where(
                col(ChannelRule.guild_id) == guild_id))).all()
    return ChannelRules(tuple(sorted(c for c, a in rows if a)),
                        tuple(sorted(c for c, a in rows if not a)))


async def set_channel_rule(engine: AsyncEngine, guild_id: int, channel_id: int,
                           allowed: bool | None, moderator_id: int) -> None:
    """Allow or deny a channel; ``None`` forgets the rule."""
    async with engine.begin() as conn:
        if allowed is None:
            await conn.execute(delete(ChannelRule).where(
                col(ChannelRule.guild_id) == guild_id,
                col(ChannelRule.channel_id) == channel_id))
            return
        values = {"guild_id": guild_id, "channel_id": channel_id, "allowed": allowed,
                  "moderator_id": moderator_id, "updated_at": utcnow()}
        stmt = insert(conn, ChannelRule).values(**values)
        await conn.execute(stmt.on_conflict_do_update(
            index_elements=["guild_id", "channel_id"],
            set_={k: stmt.excluded[k] for k in ("allowed", "moderator_id", "updated_at")}))
