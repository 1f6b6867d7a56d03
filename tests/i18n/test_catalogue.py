"""The catalogues: complete for Korean, consistent with the English, and English as the
fallback for anything missing (logged once, never shown as a key)."""

from __future__ import annotations

import logging
import string

import pytest

from bot import i18n
from bot.i18n import catalogue


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_id_has_a_korean_translation() -> None:
    ids = catalogue.all_ids()
    assert len(ids) > 150
    missing = catalogue.untranslated(catalogue.read("ko"), ids)
    assert not missing, "untranslated (run python -m bot.i18n.catalogue ko):\n" + "\n".join(
        f"[{c or ''}] {m!r}" for c, m in missing)


@pytest.mark.parametrize("domain", i18n.DOMAINS)
def test_translations_keep_the_fields_of_the_english(domain: str) -> None:
    for message in catalogue.read("ko", domain):
        if not message.id:
            continue
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        korean = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set().union(*(fields(e) for e in english))
        for text in korean:
            assert fields(text) == wanted, (message.id, text)


def test_the_catalogue_has_no_stale_ids() -> None:
    """An id the code no longer uses is dead weight that reviewers would still read."""
    live = {(c, m[0] if isinstance(m, tuple) else m) for c, m in catalogue.all_ids()}
    stale = [(m.context, m.id) for m in catalogue.read("ko") if m.id and
             (m.context, m.id[0] if isinstance(m.id, tuple) else m.id) not in live]
    assert not stale


def test_korean_says_it_in_korean() -> None:
    ko = i18n.Lang("ko")
    assert ko.gettext("Women") == "여성"
    assert ko.gettext("{year}: {total}", year=2012, total=ko.number(1502)) == "2012년: 1,502명"
    assert ko.pgettext("rank", "{n}", n=9) == "9위"
    assert ko.ngettext("{n} page", "{n} pages", 3) == "3쪽"


def test_numbers_dates_and_countries_follow_the_language() -> None:
    import datetime as dt

    ko, en = i18n.Lang("ko"), i18n.EN
    assert ko.number(34537) == en.number(34537) == "34,537"
    assert ko.date(dt.date(2023, 11, 14)) == "2023년 11월 14일"
    assert en.date(dt.date(2023, 11, 14)) == "14 Nov 2023"
    assert ko.data_date("2024-05") == "2024년 5월"
    assert ko.data_date("1988-11-15") == "1988년 11월 15일"
    assert en.data_date("2024-05") == "2024-05"
    assert ko.country("KP", "North Korea") == "북한"
    assert ko.country("KR", "South Korea") == "대한민국"
    assert ko.country("US", "United States") == "미국"
    assert ko.country("PS", "Palestine") == "팔레스타인"  # the bot's name, not CLDR's 지구
    assert en.country("KP", "North Korea") == "North Korea"


def test_a_missing_string_falls_back_to_english_and_is_logged_once(
        caplog: pytest.LogCaptureFixture) -> None:
    ko = i18n.Lang("ko")
    with caplog.at_level(logging.WARNING, logger="bot.i18n"):
        first = ko.gettext("A sentence nobody translated, {who}.", who="x")
        second = ko.gettext("A sentence nobody translated, {who}.", who="y")
    assert (first, second) == ("A sentence nobody translated, x.",
                               "A sentence nobody translated, y.")
    logged = [r for r in caplog.records if "nobody translated" in r.getMessage()]
    assert len(logged) == 1


def test_unknown_locales_speak_english() -> None:
    assert i18n.lang_for("fr").code == "en"
    assert i18n.lang_for("en-GB").code == "en"
    assert i18n.lang_for(None).code == "en"
    assert i18n.lang_for("ko").code == "ko"


def test_the_current_language_is_scoped() -> None:
    assert i18n.current() is i18n.EN
    with i18n.speaking(i18n.Lang("ko")):
        assert i18n._("Women") == "여성"
    assert i18n._("Women") == "Women"
