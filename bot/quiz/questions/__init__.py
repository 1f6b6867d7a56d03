"""Quiz questions: generation from the fact tables and independent validation.

No Discord imports here: the quiz round code (and the ``quiz-sample`` CLI) call
:func:`generate` / :func:`iter_questions` and show :class:`Question` objects however they like.
"""

from bot.quiz.questions.generator import generate, iter_questions
from bot.quiz.questions.model import Question
from bot.quiz.questions.registry import FAMILIES, families_for
from bot.quiz.questions.validator import validate

__all__ = ["FAMILIES", "Question", "families_for", "generate", "iter_questions", "validate"]
