"""The command tree in other languages: discord.py's :class:`app_commands.Translator`, fed by
the ``commands`` catalogue. At sync discord.py asks it for every name, description and choice
in every locale Discord knows and sends what it returns as ``name_localizations`` /
``description_localizations``; ``None`` (English, or a string the catalogue lacks) sends none.

The catalogue's context says what a string is, because the same English word can be a name
(Discord's naming rules apply) and a choice or description (free text)."""

from __future__ import annotations

import logging

from discord import Locale, app_commands
from discord.app_commands import TranslationContextLocation as Where

from bot import i18n

log = logging.getLogger(__name__)

NAMES = {Where.command_name, Where.group_name, Where.parameter_name}
CHOICES = {Where.choice_name}


def kind(location: Where) -> str:
    """The catalogue context for a place in the command tree."""
    if location in NAMES:
        return "name"
    if location in CHOICES:
        return "choice"
    return "description"


def lookup(code: str, context: str, message: str) -> str | None:
    """The translation of a command-tree string, or None when the catalogue has none."""
    translated = i18n.translations(code, "commands").pgettext(context, message)
    # The same text as English needs no localization (e.g. a description that is only "…").
    return None if translated == message else translated


class CatalogueTranslator(app_commands.Translator):
    async def translate(self, string: app_commands.locale_str, locale: Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        code = i18n.code_for(locale.value)
        if code == i18n.DEFAULT or not locale.value.startswith(code):
            return None
        return lookup(code, kind(context.location), string.message)
