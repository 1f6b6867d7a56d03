"""Charts and maps in Korean: titles, legends and footers through the catalogue, drawn with
a font that has Hangul (no tofu boxes); English when no such font is installed (logged);
cached per language."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from bot.facts.files import read_facts
from bot.facts.records import Facts
from bot.pictures import _figure, chart, worldmap
from bot.pictures.renderer import PictureRenderer


@pytest.fixture(scope="module")
def facts() -> Facts:
    return read_facts()


def texts(fig: Any) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))
            if t.get_text()]


def hangul(text: str) -> bool:
    return any("가" <= ch <= "힣" for ch in text)


def covers(family: str, text: str) -> bool:
    """Whether the font file matplotlib picks for ``family`` has a glyph for every Hangul
    character of ``text``."""
    path = font_manager.findfont(font_manager.FontProperties(family=family),
                                 fallback_to_default=False)
    face = FT2Font(path)
    return all(face.get_char_index(ord(ch)) for ch in text if hangul(ch))


needs_font = pytest.mark.skipif(_figure.hangul_family() is None,
                                reason="no Hangul font installed (make hangul-font)")


@needs_font
def test_the_chart_and_the_map_in_korean(facts: Facts) -> None:
    with _figure.drawing_in("ko") as lang:
        assert lang.code == "ko"
        family = _figure.font()
        shown = texts(chart.build_defectors_chart(facts, highlight_year=2012).figure)
        drawn = texts(worldmap.build_recognition_map(facts, facts.latest_event_date))
    assert "한국에 입국한 탈북민, 2002–2025년" in shown
    assert "출처: 대한민국 통일부." in shown
    assert "최다\n2,914명" in shown
    assert "이스라엘·팔레스타인 국가 승인 현황" in drawn
    assert any(t.startswith("둘 다: ") for t in drawn)
    assert "유엔 회원국 아님" in drawn
    for text in (*shown, *drawn):
        if hangul(text):
            assert covers(family, text), text
    assert _figure.font() == _figure.FONT  # English again outside


def test_without_a_hangul_font_pictures_stay_english(
        facts: Facts, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(_figure, "HANGUL_FONT_FILES", ())
    monkeypatch.delenv("FACTQUIZ_HANGUL_FONT", raising=False)
    monkeypatch.setattr(_figure, "_warned", set())
    _figure.hangul_family.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="bot.pictures._figure"):
            with _figure.drawing_in("ko") as lang:
                shown = texts(chart.build_defectors_chart(facts).figure)
            with _figure.drawing_in("ko"):
                pass
        assert lang.is_default
        assert "Arrivals per calendar year" in shown
        assert len([r for r in caplog.records if "Hangul" in r.getMessage()]) == 1
    finally:
        _figure.hangul_family.cache_clear()


@needs_font
async def test_pictures_are_cached_per_language(facts: Facts) -> None:
    renderer = PictureRenderer()
    try:
        english = await renderer.defectors_chart(facts)
        korean = await renderer.defectors_chart(facts, lang="ko")
        again = await renderer.defectors_chart(facts, lang="ko")
        assert korean.filename.endswith("-ko.png")
        assert english.data != korean.data
        assert again is korean
        assert renderer.renders == 2
    finally:
        await renderer.close()


async def test_a_korean_server_gets_korean_fact_pictures(discord: Any, services: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command that posts a chart or the map asks the renderer for the server's
    language (the pictures go out publicly, beside the Korean embed)."""
    asked: list[tuple[str, str]] = []
    renderer = services.pictures
    for name in ("defectors_chart", "recognition_map"):
        real = getattr(renderer, name)

        def spy(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            asked.append((_name, kwargs.get("lang", "en")))
            return _real(*args, **kwargs)

        monkeypatch.setattr(renderer, name, spy)
    discord.guild.locale = "ko"
    # One member per picture: a member's pictures have a cooldown.
    minji, jisoo, hana, yuna = (discord.member(name) for name in ("minji", "jisoo", "hana",
                                                                  "yuna"))
    overview = await discord.invoke("/defectors", user=minji, timeout=60)
    year = await discord.invoke("/defectors year:2012", user=jisoo)
    assert year.message is not None
    chart = await discord.click(year.message, custom_id="defectors:chart:2012", user=jisoo,
                                timeout=60)
    span = await discord.invoke("/defectors year:2012 to_year:2020", user=hana, timeout=60)
    world = await discord.invoke("/recognition map", user=yuna, timeout=60)
    for reply in (overview, chart, span, world):
        assert reply.message is not None
        assert reply.message["attachments"], reply.text
    assert asked == [("defectors_chart", "ko")] * 3 + [("recognition_map", "ko")]
    # An English server in the same process keeps English pictures.
    discord.guild.locale = "en-US"
    await discord.invoke("/recognition map", user=discord.member("bob"), timeout=60)
    assert asked[-1] == ("recognition_map", "en")
