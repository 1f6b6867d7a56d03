"""Languages: the message catalogues (gettext ``.po`` files read with Babel), numbers, dates
and country names by locale (Babel's CLDR data), and the language a reply is written in.

Discord-free, so the core (facts, quiz) may mark its sentences for translation too. English
is the source language and the fallback: the msgids *are* the English text, so a string the
catalogue lacks is shown in English (and logged once), never as a key.

Which language: a reply only the user sees follows the user's client (``interaction.locale``);
a public message follows the server (``interaction.guild_locale``). The Discord layer picks the
:class:`Lang` and makes it current (:func:`use`, :func:`speaking`); the code that writes the
sentences calls :func:`_` and the formatters, which read the current language.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import gettext
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

__all__ = [
    "DEFAULT",
    "DOMAINS",
    "EN",
    "LOCALES",
    "N_",
    "Lang",
    "_",
    "current",
    "lang_for",
    "ngettext",
    "pgettext",
    "speaking",
    "use",
]

log = logging.getLogger(__name__)

DEFAULT = "en"
LOCALES = ("en", "ko")  # the languages with a catalogue (English needs none)
DOMAINS = ("messages", "commands")  # what the bot says; the command tree's names and descriptions
CATALOGUE_DIR = Path(__file__).parent / "locales"


class _Missing(gettext.NullTranslations):
    """The fallback behind a catalogue: the English msgid, and one log line per missing id."""

    def __init__(self, locale: str, domain: str) -> None:
        super().__init__()
        self._where = f"{locale}/{domain}"
        self._seen: set[tuple[str | None, str]] = set()

    def _missing(self, context: str | None, message: str) -> None:
        if (context, message) not in self._seen:
            self._seen.add((context, message))
            log.warning("no %s translation for %r%s", self._where, message,
                        f" (context {context})" if context else "")

    def gettext(self, message: str) -> str:
        self._missing(None, message)
        return message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        self._missing(None, msgid1)
        return msgid1 if n == 1 else msgid2

    def pgettext(self, context: str, message: str) -> str:
        self._missing(context, message)
        return message


@cache
def translations(locale: str, domain: str = "messages") -> gettext.NullTranslations:
    """The catalogue of ``domain`` for ``locale``, compiled from its ``.po`` file on first use
    (no compiled ``.mo`` to keep in step with the source), falling back to English."""
    if locale == DEFAULT:
        return gettext.NullTranslations()
    path = CATALOGUE_DIR / locale / "LC_MESSAGES" / f"{domain}.po"
    with path.open("rb") as source:
        catalog = read_po(source, locale=locale, domain=domain)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)  # a fuzzy entry is not a translation yet
    compiled.seek(0)
    result = Translations(compiled, domain=domain)
    result.add_fallback(_Missing(locale, domain))
    return result


def code_for(locale: str | None) -> str:
    """Discord's locale value ("ko", "en-US", …) → a language with a catalogue."""
    language = (locale or DEFAULT).split("-")[0].lower()
    return language if language in LOCALES else DEFAULT


# The bot's own spelling of some territories where CLDR's is not the one a Korean text on
# this subject uses (CLDR: 팔레스타인 지구, "the Palestinian territories"; the state is meant).
_TERRITORY_OVERRIDES: dict[str, dict[str, str]] = {
    "ko": {"PS": "팔레스타인"},
}


@dataclass(frozen=True, slots=True)
class Lang:
    """One language: its sentences, numbers, dates and country names."""

    code: str = DEFAULT

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.code)

    @property
    def is_default(self) -> bool:
        return self.code == DEFAULT

    def gettext(self, message: str, /, **values: Any) -> str:
        text = translations(self.code).gettext(message)
        return text.format(**values) if values else text

    def pgettext(self, context: str, message: str, /, **values: Any) -> str:
        text = translations(self.code).pgettext(context, message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, /, **values: Any) -> str:
        text = translations(self.code).ngettext(singular, plural, n)
        return text.format(n=self.number(n), **values)

    def number(self, n: int | float) -> str:
        """1502 → "1,502" (CLDR's grouping for the language; never rounded)."""
        return format_decimal(n, locale=self.code)

    def date(self, date: dt.date) -> str:
        """A date in prose: "14 Nov 2023" (the bot's English style), "2023년 11월 14일"."""
        if self.is_default:
            return f"{date.day} {date:%b %Y}"
        return format_date(date, format="long", locale=self.code)

    def data_date(self, text: str) -> str:
        """A date as the data files write it (ISO, possibly only "2024-05" or "2024"): kept as
        it is in English, written out in other languages ("2024년 5월")."""
        if self.is_default:
            return text
        parts = [int(p) for p in text.split("-")]
        if len(parts) == 3:
            return self.date(dt.date(*parts))
        if len(parts) == 2:
            return format_skeleton("yMMMM", dt.date(parts[0], parts[1], 1), locale=self.code)
        return format_skeleton("y", dt.date(parts[0], 1, 1), locale=self.code)

    def country(self, iso2: str, name: str) -> str:
        """A UN member's name: the bot's own English ``name``, or CLDR's name in the language
        (with the overrides above), falling back to ``name`` where CLDR has none."""
        if self.is_default:
            return name
        own = _TERRITORY_OVERRIDES.get(self.code, {}).get(iso2.upper())
        return own or self.locale.territories.get(iso2.upper()) or name


EN = Lang()
_current: contextvars.ContextVar[Lang] = contextvars.ContextVar("factquiz_lang", default=EN)


def lang_for(locale: str | None) -> Lang:
    return Lang(code_for(locale))


def current() -> Lang:
    return _current.get()


def use(lang: Lang) -> None:
    """Make ``lang`` current for the rest of this task (one interaction's handling)."""
    _current.set(lang)


@contextlib.contextmanager
def speaking(lang: Lang) -> Iterator[Lang]:
    """Make ``lang`` current inside the block only (e.g. a public message in the server's
    language, inside an interaction otherwise answered in the user's)."""
    token = _current.set(lang)
    try:
        yield lang
    finally:
        _current.reset(token)


def _(message: str, /, **values: Any) -> str:
    """``message`` (English, with ``{name}`` fields) in the current language."""
    return current().gettext(message, **values)


def N_(message: str, /) -> str:
    """Marks a message for the catalogue without translating it yet (translated where used)."""
    return message


def pgettext(context: str, message: str, /, **values: Any) -> str:
    """``message`` in the current language, where ``context`` tells identical English apart."""
    return current().pgettext(context, message, **values)


def ngettext(singular: str, plural: str, n: int, /, **values: Any) -> str:
    """The form for ``n`` (``{n}`` in the text is the number, formatted for the language)."""
    return current().ngettext(singular, plural, n, **values)
