"""What the ``messages`` catalogue must translate, and keeping its ``.po`` files in step.

Two kinds of message ids: the sentences in the code, found by Babel's own extractor (the
keywords ``_``, ``N_``, ``pgettext``, ``ngettext``, as ``pybabel extract`` would), and the
free text of the fact files that replies show as it is (recognition events, their notes,
disputes, confidence; the article rows quiz questions ask), under the contexts ``event``,
``data``, ``confidence`` and ``article``.

``python -m bot.i18n.catalogue`` (a maintainer's tool, like ``pybabel update``) rewrites each
language's ``messages.po`` with every current id, keeping the translations it has, and lists
the ids still untranslated; ``tests/i18n`` fails while any is.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.i18n import CATALOGUE_DIR, DEFAULT, LOCALES

KEYWORDS = {"_": None, "N_": None, "pgettext": ((1, "c"), 2), "ngettext": (1, 2)}
BOT_DIR = Path(__file__).resolve().parents[1]
MessageId = tuple[str | None, str | tuple[str, str]]  # (context, id or (singular, plural))


def code_ids(root: Path = BOT_DIR) -> Iterator[MessageId]:
    for _file, _line, message, _comments, context in extract_from_dir(
            root, method_map=[("**.py", "python")], keywords=KEYWORDS):
        if isinstance(message, tuple):  # ngettext, or pgettext's (context, id)
            parts = tuple(m for m in message if m)
            yield context, parts[0] if len(parts) == 1 else (parts[0], parts[1])
        elif message:
            yield context, message


def data_ids() -> Iterator[MessageId]:
    """The fact files' free text that replies show (see bot/cogs/recognition.py), and the
    article rows' question texts (see bot/quiz/questions/localize.py)."""
    from bot.facts.files import (
        DEFAULT_DATA_DIR,
        read_article_facts,
        read_events,
        read_members,
        read_snapshot,
    )
    from bot.quiz.questions.localize import article_phrases

    members = {m.iso3: m for m in read_members(DEFAULT_DATA_DIR)}
    for event in read_events(DEFAULT_DATA_DIR, members):
        yield "event", event.event.replace("_", " ")
        if event.note:
            yield "data", event.note
    for row in read_snapshot(DEFAULT_DATA_DIR, members):
        if row.dispute:
            yield "data", row.dispute
        yield "confidence", row.confidence
    for fact in read_article_facts(DEFAULT_DATA_DIR):
        for phrase in article_phrases(fact):
            yield "article", phrase


def all_ids() -> list[MessageId]:
    return list(dict.fromkeys([*code_ids(), *data_ids()]))


def po_path(locale: str, domain: str = "messages") -> Path:
    return CATALOGUE_DIR / locale / "LC_MESSAGES" / f"{domain}.po"


def read(locale: str, domain: str = "messages") -> Catalog:
    with po_path(locale, domain).open("rb") as source:
        return read_po(source, locale=locale, domain=domain)


def untranslated(catalog: Catalog, ids: list[MessageId]) -> list[MessageId]:
    missing = []
    for context, message in ids:
        key = message[0] if isinstance(message, tuple) else message
        found = catalog.get(key, context=context)
        strings = (found.string if isinstance(found.string, tuple) else (found.string,)) \
            if found is not None else ("",)
        if found is None or found.fuzzy or not all(strings):
            missing.append((context, message))
    return missing


def update(locale: str) -> list[MessageId]:
    """Rewrite ``locale``'s messages.po with the current ids; returns the untranslated."""
    ids = all_ids()
    path = po_path(locale)
    old = read(locale) if path.exists() else Catalog(locale=locale, domain="messages")
    new = Catalog(locale=locale, domain="messages", project="factquiz", version="",
                  header_comment=old.header_comment, fuzzy=False, msgid_bugs_address="",
                  last_translator="factquiz maintainers", language_team=locale)
    for context, message in ids:
        key = message[0] if isinstance(message, tuple) else message
        found = old.get(key, context=context)
        new.add(message, found.string if found is not None else "", context=context,
                user_comments=found.user_comments if found is not None else ())
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        write_po(out, new, width=0, omit_header=False, no_location=True)
    return untranslated(new, ids)


def main(argv: list[str]) -> int:
    status = 0
    for locale in argv or [code for code in LOCALES if code != DEFAULT]:
        missing = update(locale)
        print(f"{locale}: {len(missing)} untranslated")
        for context, message in missing:
            print(f"  [{context or ''}] {message!r}")
        status |= bool(missing)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
