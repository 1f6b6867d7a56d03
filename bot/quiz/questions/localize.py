"""Questions in other languages, from the same parameters.

A question's id, options' identity (their order) and key (``answer_index``) never depend on
the language: a Korean and an English player in one round answer the same question. What a
language changes is the text, the options' display text and the explanation. The English
texts are the ones the family built (:class:`Question` holds them); another language gets
them from the family's *text step*, a function of the question's params and facts that the
family registers with :func:`texts` and writes through ``_()`` with named placeholders, so
the catalogue holds one template per sentence, not one entry per question.

A family without a text step is shown in English (logged once per family and language):
the round still works, with the same question.
"""

from __future__ import annotations

import dataclasses
import logging

from bot.facts.records import Facts
from bot.i18n import Lang, speaking
from bot.quiz.questions import _texts  # registers the text steps
from bot.quiz.questions._textstep import _STEPS, Texts, texts, translated_families
from bot.quiz.questions.model import Question

__all__ = ["Texts", "article_phrases", "localize", "texts", "translated_families", "use_facts"]

# The catalogue ids of the articles' rows (the catalogue tool lists them with the data's).
article_phrases = _texts.article_phrases

log = logging.getLogger(__name__)


_FACTS: list[Facts] = []  # the facts the bot runs on, set once at start (see use_facts)
_warned: set[tuple[str, str]] = set()


def use_facts(facts: Facts) -> None:
    """The facts text steps read (a Discord adapter renders without holding them)."""
    _FACTS[:] = [facts]


def localize(question: Question, lang: Lang, facts: Facts | None = None) -> Question:
    """``question`` as ``lang`` writes it: the same id, params, options' order and key."""
    if lang.is_default:
        return question
    step = _STEPS.get(question.family)
    facts = facts or (_FACTS[0] if _FACTS else None)
    if step is None or facts is None:
        if (lang.code, question.family) not in _warned:
            _warned.add((lang.code, question.family))
            log.warning("no %s texts for question family %r%s: shown in English", lang.code,
                        question.family, "" if facts is not None else " (no facts loaded)")
        return question
    with speaking(lang):
        rendered = step(question, facts)
    if len(rendered.options) != len(question.options):
        raise ValueError(f"{question.family}: text step gave {len(rendered.options)} options "
                         f"for {len(question.options)}")
    return dataclasses.replace(question, text=rendered.text, options=rendered.options,
                               explanation=rendered.explanation)
