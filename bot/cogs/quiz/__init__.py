"""/quiz as a feature folder: ``cog`` (the commands), ``views`` (embeds and the answer
button, the one home of its custom_id), ``presenter`` (how a round shows itself in its
channel). This module only sets the extension up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs import _confirm
from bot.cogs.quiz.cog import Quiz, forget_confirmed
from bot.cogs.quiz.views import AnswerButton, FiftyFiftyButton

if TYPE_CHECKING:
    from bot.app import FactQuiz


async def setup(bot: FactQuiz) -> None:
    _confirm.register(bot, "forgetme", forget_confirmed)
    bot.add_dynamic_items(AnswerButton, FiftyFiftyButton)
    await bot.add_cog(Quiz(bot))
