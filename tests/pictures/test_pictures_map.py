"""The recognition map: colours sampled from the rendered PNG at known places."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pytest
from matplotlib.text import Text

from bot.facts.recognition import AsOfError, category_counts, status_at
from bot.facts.records import SNAPSHOT_DATE, Category, Facts
from bot.pictures.worldmap import (
    HEIGHT_PX,
    NON_MEMBER_RGB,
    OCEAN_RGB,
    PALETTE,
    WIDTH_PX,
    build_recognition_map,
    map_pixel,
    small_state_pixels,
    unplaced_members,
)

Decode = Callable[[bytes], npt.NDArray[np.uint8]]

# Interior points, well away from any border or coast at this scale.
INTERIOR = {
    "BRA": (-50.0, -10.0),
    "USA": (-100.0, 40.0),
    "SAU": (45.0, 24.0),
    "JPN": (138.3, 36.3),
    "DZA": (3.0, 28.0),
    "ESP": (-3.7, 40.0),
}
NON_MEMBERS = {
    "Western Sahara": (-13.0, 26.0),  # inside the part Natural Earth files under Morocco
    "Greenland": (-42.0, 72.0),
    "Taiwan": (120.95, 23.7),
}


def sample(image: npt.NDArray[np.uint8], lon: float, lat: float) -> tuple[int, int, int]:
    column, row = map_pixel(lon, lat)
    r, g, b = image[int(row), int(column)]
    return int(r), int(g), int(b)


def sample_pixel(image: npt.NDArray[np.uint8], at: tuple[float, float]) -> tuple[int, int, int]:
    r, g, b = image[int(at[1]), int(at[0])]
    return int(r), int(g), int(b)


def test_png_has_the_expected_size(
    maps: dict[dt.date, bytes], size_of: Callable[[bytes], tuple[int, int]]
) -> None:
    for data in maps.values():
        assert size_of(data) == (WIDTH_PX, HEIGHT_PX) == (1200, 660)


def test_spain_changes_category_between_the_two_dates(facts: Facts) -> None:
    # What makes the sampling test below prove that the date is applied.
    before = status_at(facts, SNAPSHOT_DATE)["ESP"].category
    after = status_at(facts, facts.latest_event_date)["ESP"].category
    assert (before, after) == (Category.ISRAEL_ONLY, Category.BOTH)


@pytest.mark.parametrize("when", ["snapshot", "latest"])
@pytest.mark.parametrize("iso3", list(INTERIOR))
def test_member_is_drawn_in_its_category_colour(
    facts: Facts, maps: dict[dt.date, bytes], decode: Decode, iso3: str, when: str
) -> None:
    as_of = SNAPSHOT_DATE if when == "snapshot" else facts.latest_event_date
    image = decode(maps[as_of])
    expected = PALETTE[status_at(facts, as_of)[iso3].category]
    assert sample(image, *INTERIOR[iso3]) == expected


@pytest.mark.parametrize("place", list(NON_MEMBERS))
def test_non_member_territory_is_grey(
    latest_map: bytes, decode: Decode, place: str
) -> None:
    assert sample(decode(latest_map), *NON_MEMBERS[place]) == NON_MEMBER_RGB


def test_somaliland_takes_somalias_colour(facts: Facts, latest_map: bytes,
                                          decode: Decode) -> None:
    somalia = status_at(facts, facts.latest_event_date)["SOM"].category
    assert sample(decode(latest_map), 46.0, 9.5) == PALETTE[somalia]


def test_ocean_is_ocean(latest_map: bytes, decode: Decode) -> None:
    assert sample(decode(latest_map), -30.0, 0.0) == OCEAN_RGB  # mid-Atlantic


@pytest.mark.parametrize("iso3", ["TUV", "MCO", "SMR", "NRU", "LUX", "BRB"])
@pytest.mark.parametrize("when", ["snapshot", "latest"])
def test_small_state_has_a_dot_in_its_colour(
    facts: Facts, maps: dict[dt.date, bytes], decode: Decode, iso3: str, when: str
) -> None:
    as_of = SNAPSHOT_DATE if when == "snapshot" else facts.latest_event_date
    centre = small_state_pixels(facts)[iso3]
    expected = PALETTE[status_at(facts, as_of)[iso3].category]
    assert sample_pixel(decode(maps[as_of]), centre) == expected


def test_monacos_dot_follows_the_date(facts: Facts) -> None:
    # Monaco recognized Palestine on 2025-09-22: its dot must change colour (checked above).
    before = status_at(facts, SNAPSHOT_DATE)["MCO"].category
    after = status_at(facts, facts.latest_event_date)["MCO"].category
    assert before != after


def test_tuvalu_is_placed_by_hand_near_funafuti(facts: Facts) -> None:
    column, row = small_state_pixels(facts)["TUV"]
    expected_column, expected_row = map_pixel(179.2, -8.5)
    assert abs(column - expected_column) < 8
    assert abs(row - expected_row) < 8


def test_every_member_is_drawn(facts: Facts) -> None:
    assert unplaced_members(facts) == []


def test_dots_do_not_cover_each_other(facts: Facts) -> None:
    centres = np.array(list(small_state_pixels(facts).values()))
    gaps = np.hypot(*(centres[:, None, :] - centres[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(gaps, np.inf)
    assert gaps.min() >= 6.0  # the dot diameter


@pytest.mark.parametrize("when", ["snapshot", "latest"])
def test_legend_counts_and_title_date(facts: Facts, when: str) -> None:
    as_of = SNAPSHOT_DATE if when == "snapshot" else facts.latest_event_date
    figure = build_recognition_map(facts, as_of)
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    counts = category_counts(status_at(facts, as_of))
    assert legend[:4] == [
        f"Both: {counts['both']:,}",
        f"Israel only: {counts['israel_only']:,}",
        f"Palestine only: {counts['palestine_only']:,}",
        f"Neither: {counts['neither']:,}",
    ]
    texts = " ".join(t.get_text() for t in figure.findobj(Text))
    assert f"{as_of.day} {as_of:%B %Y}" in texts
    assert "Visual Capitalist" in texts
    assert "2023-11-14" in texts


def test_snapshot_legend_matches_the_article(facts: Facts) -> None:
    figure = build_recognition_map(facts, SNAPSHOT_DATE)
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend[:3] == ["Both: 108", "Israel only: 55", "Palestine only: 30"]


def test_pixel_mapping_matches_matplotlibs_transform(facts: Facts) -> None:
    from bot.pictures._geometry import equal_earth

    figure = build_recognition_map(facts, SNAPSHOT_DATE)
    ax = figure.axes[0]
    for lon, lat in [*INTERIOR.values(), (0.0, 0.0), (179.0, -50.0), (-179.0, 80.0)]:
        x, y = equal_earth(lon, lat)
        display_x, display_y = ax.transData.transform((float(x), float(y)))
        column, row = map_pixel(lon, lat)
        assert column == pytest.approx(display_x, abs=1e-6)
        assert row == pytest.approx(HEIGHT_PX - display_y, abs=1e-6)


def test_date_before_the_snapshot_is_refused(facts: Facts) -> None:
    with pytest.raises(AsOfError):
        build_recognition_map(facts, dt.date(2023, 1, 1))
