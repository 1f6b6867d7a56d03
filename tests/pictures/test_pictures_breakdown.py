"""The running-total and women/men charts, and the renderer's one dispatch by request."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable

import numpy as np
import numpy.typing as npt
import pytest

from bot.facts.records import Facts
from bot.pictures.breakdown import (
    HIGHLIGHT_WOMEN_RGB,
    MEN_RGB,
    WOMEN_RGB,
    build_cumulative_chart,
    build_gender_chart,
    render_cumulative_chart,
    render_gender_chart,
)
from bot.pictures.chart import HIGHLIGHT_RGB
from bot.pictures.renderer import PictureRenderer
from bot.quiz.questions.model import PictureRequest

Decode = Callable[[bytes], npt.NDArray[np.uint8]]


def _texts(fig) -> str:
    return " ".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))


def _has(image, rgb) -> bool:
    return bool((image == np.array(rgb, dtype=np.uint8)).all(axis=-1).any())


def test_cumulative_chart_shows_mous_running_total(facts: Facts, decode: Decode) -> None:
    fig = build_cumulative_chart(facts, highlight_year=2005)
    text = _texts(fig)
    assert "34,537" in text  # the end of 2025, the reference's cumulative total
    assert "7,699" in text  # the end of 2005: the running total, not 2005's 1,384
    assert "1,990 recorded before 2002" in text  # 947 + 1,043, named, never a bar
    bars = [p for p in fig.axes[0].patches]
    assert len(bars) == len(facts.years)
    image = decode(render_cumulative_chart(facts, highlight_year=2005))
    assert image.shape[:2] == (560, 1000)
    assert _has(image, HIGHLIGHT_RGB)


def test_gender_chart_stacks_women_on_men(facts: Facts, decode: Decode) -> None:
    fig = build_gender_chart(facts, highlight_year=2020)
    text = _texts(fig)
    assert "24,944 women of 34,537 (72.2%)" in text
    assert "157 women" in text
    assert "72 men" in text
    heights = sorted({round(p.get_height()) for p in fig.axes[0].patches})
    assert 2252 in heights
    assert 662 in heights
    image = decode(render_gender_chart(facts, highlight_year=2020))
    for rgb in (WOMEN_RGB, MEN_RGB, HIGHLIGHT_RGB, HIGHLIGHT_WOMEN_RGB):
        assert _has(image, rgb), rgb
    assert not _has(decode(render_gender_chart(facts)), HIGHLIGHT_RGB)


@pytest.fixture
async def renderer() -> AsyncIterator[PictureRenderer]:
    r = PictureRenderer()
    yield r
    await r.close()


async def test_for_request_dispatches_every_kind_and_caches(
        renderer: PictureRenderer, facts: Facts, size_of: Callable[[bytes], tuple[int, int]]
) -> None:
    cumulative = await renderer.for_request(facts, PictureRequest.cumulative(highlight=2005))
    assert cumulative.filename == "defectors-cumulative-highlight-2005.png"
    gender = await renderer.for_request(facts, PictureRequest.gender())
    assert gender.filename == "defectors-gender.png"
    chart = await renderer.for_request(facts, PictureRequest.chart(span=(2005, 2010)))
    assert chart.filename == "defectors-2005-2010.png"
    assert size_of(gender.data) == size_of(chart.data) == (1000, 560)
    again = await renderer.for_request(facts, PictureRequest.cumulative(highlight=2005))
    assert again.data == cumulative.data
    assert renderer.cache_info().hits == 1
    with pytest.raises(ValueError, match="without a date"):
        await renderer.for_request(facts, PictureRequest("map"))
    mapped = await renderer.for_request(facts, PictureRequest.map_at(dt.date(2023, 11, 14)))
    assert mapped.filename == "recognition-map-2023-11-14.png"
