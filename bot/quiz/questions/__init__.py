"""Quiz questions: generation from the fact tables and independent validation.

No Discord imports here: the quiz round code (and the ``quiz-sample`` CLI) call
:func:`generate` / :func:`iter_questions` and show :class:`Question` objects however they like.

How to add a family (three places, one name):

1. **Builder**, in ``_fam_<topic>.py``: a function decorated with
   ``@family("name", topic, *difficulties, params={"year": YEAR, ...})``. It receives its own
   :class:`Family` first and passes it on (``_q(fam, ...)`` / ``make(fam, ...)``), so the name
   is never written again. Declare every parameter it puts in ``params`` with its kind
   (``Param``: year, years, state, date, …): the validator refuses undeclared ones and checks
   each value by its kind (a ``YEAR`` can never be one of MOU's aggregate rows). Set
   ``picture`` to what the reveal should show (``PictureRequest.chart(highlight=...)``,
   ``PictureRequest.map_at(as_of)`` or None).
2. **Solver**, in ``_solve_<topic>.py``: ``@solver("name")`` on a function
   ``(question, facts) -> set of correct option indexes``, derived on its own from ``params``
   and ``_truth.py`` (never from the builder's code: two derivations agreeing is the check).
3. Only for a new topic's modules: import the new ``_fam_*`` and ``_solve_*`` modules in
   ``registry.py`` and add the builder module to ``_ORDER`` (the generator's order).

``tests/quiz/questions`` then covers it automatically: a family without a solver (or the
reverse) fails at import, and every family's raw output must validate.
"""

from bot.quiz.questions.generator import generate, iter_questions
from bot.quiz.questions.model import Question
from bot.quiz.questions.registry import FAMILIES, families_for
from bot.quiz.questions.validator import validate

__all__ = ["FAMILIES", "Question", "families_for", "generate", "iter_questions", "validate"]
