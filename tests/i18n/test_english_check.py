"""The English-leak check itself: it flags prose and leaves names, code and links alone."""

from __future__ import annotations

from tests.i18n.english import english_words


def test_flags_english_prose() -> None:
    assert english_words("2012년: 1,502 arrivals") == ["arrivals"]


def test_leaves_code_links_mentions_paths_and_names() -> None:
    text = ("`/탈북민 연도:2012` [MOU statistics](https://example.org) <@123> data/SOURCES.md "
            "Visual Capitalist의 지도, ISO 코드, YYYY-MM-DD")
    assert english_words(text) == []


def test_what_the_user_typed_may_be_echoed() -> None:
    assert english_words("“Korea”(이)라는 유엔 회원국은 찾지 못했습니다.", typed="Korea") == []
