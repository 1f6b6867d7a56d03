"""TopoJSON decoding, the Equal Earth projection and the antimeridian fix."""

from __future__ import annotations

import json
from itertools import pairwise

import numpy as np
import pytest

from bot.facts.records import Facts
from bot.pictures._dots import spread
from bot.pictures._geometry import (
    GEO_FILE,
    X_EDGE,
    clip_ring,
    decode_topology,
    equal_earth,
    load_world,
    unwrap_ring,
)


def test_equal_earth_origin_symmetry_and_aspect() -> None:
    x, y = equal_earth(0.0, 0.0)
    assert (float(x), float(y)) == (0.0, 0.0)
    x1, y1 = equal_earth([30.0, -30.0], [45.0, -45.0])
    assert x1[0] == pytest.approx(-x1[1])
    assert y1[0] == pytest.approx(-y1[1])
    # Equal Earth's published width-to-height ratio is about 2.05:1.
    pole = float(equal_earth(0.0, 90.0)[1])
    assert X_EDGE / pole == pytest.approx(2.05, abs=0.01)
    # Meridians bend inward toward the poles: 180° spans less x at 60° than at the equator.
    assert float(equal_earth(180.0, 60.0)[0]) < X_EDGE


def test_equal_earth_is_equal_area() -> None:
    # Two lon/lat cells with the same area on the sphere get the same projected area.
    def cell_area(lat0: float, lat1: float) -> float:
        lon = np.array([0, 10, 10, 0, 0], dtype=float)
        lat = np.array([lat0, lat0, lat1, lat1, lat0], dtype=float)
        lon_fine = np.concatenate([np.linspace(a, b, 50) for a, b in pairwise(lon)])
        lat_fine = np.concatenate([np.linspace(a, b, 50) for a, b in pairwise(lat)])
        x, y = equal_earth(lon_fine, lat_fine)
        return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))

    sphere_band = lambda a, b: np.sin(np.radians(b)) - np.sin(np.radians(a))  # noqa: E731
    equator, north = cell_area(0, 10), cell_area(60, 70)
    assert equator / north == pytest.approx(sphere_band(0, 10) / sphere_band(60, 70), rel=1e-3)


def _tiny_topology() -> dict[str, object]:
    return {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.25], "translate": [-1.0, 10.0]},
        "arcs": [
            [[0, 0], [2, 0], [0, 2]],  # (0,0) → (2,0) → (2,2), delta-encoded
            [[2, 2], [-2, 0], [0, -2]],  # (2,2) → (0,2) → (0,0)
        ],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "id": "001", "properties": {"name": "A"}, "arcs": [[0, 1]]},
            {"type": "MultiPolygon", "id": "002", "properties": {"name": "B"},
             "arcs": [[[~1, ~0]]]},
            {"type": "Point", "id": "003", "coordinates": [0, 0]},
        ]}},
    }


def test_decode_joins_arcs_applies_transform_and_reverses() -> None:
    shapes = decode_topology(_tiny_topology())
    assert [s.id for s in shapes] == ["001", "002"]  # the point has no area to fill
    quantized_a = [(0, 0), (2, 0), (2, 2), (0, 2), (0, 0)]
    expected_a = [(-1 + 0.5 * qx, 10 + 0.25 * qy) for qx, qy in quantized_a]
    np.testing.assert_allclose(shapes[0].polygons[0][0], expected_a)
    quantized_b = [(0, 0), (0, 2), (2, 2), (2, 0), (0, 0)]
    expected_b = [(-1 + 0.5 * qx, 10 + 0.25 * qy) for qx, qy in quantized_b]
    np.testing.assert_allclose(shapes[1].polygons[0][0], expected_b)


def test_ring_crossing_the_antimeridian_is_unwrapped_and_copied() -> None:
    ring = np.array([[178, -1], [-178, -1], [-178, 1], [178, 1], [178, -1]], dtype=float)
    pieces = unwrap_ring(ring)
    assert len(pieces) == 2
    for piece in pieces:
        assert np.abs(np.diff(piece[:, 0])).max() < 180
    spans = sorted((p[:, 0].min(), p[:, 0].max()) for p in pieces)
    assert spans == [(-182, -178), (178, 182)]


def test_ring_away_from_the_antimeridian_is_untouched() -> None:
    ring = np.array([[10, 0], [20, 0], [20, 5], [10, 0]], dtype=float)
    (piece,) = unwrap_ring(ring)
    assert piece is ring


def test_russia_needs_the_fix_and_gets_it() -> None:
    with GEO_FILE.open(encoding="utf-8") as fh:
        raw = next(s for s in decode_topology(json.load(fh)) if s.id == "643")
    jumps = [r for p in raw.polygons for r in p if np.abs(np.diff(r[:, 0])).max() > 180]
    assert jumps  # the file stores a 180 → −180 jump ...
    russia = next(f for f in load_world().features if f.id == "643")
    for ring in russia.rings:  # ... which, projected, must not become a stroke across the map
        assert np.abs(np.diff(ring[:, 0])).max() < 0.2 * X_EDGE


def test_clip_ring_at_a_parallel() -> None:
    square = np.array([[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], dtype=float)
    north = clip_ring(square, 4.0, north=True)
    south = clip_ring(square, 4.0, north=False)
    assert north is not None
    assert south is not None
    assert north[:, 1].min() == 4.0
    assert south[:, 1].max() == 4.0
    assert clip_ring(square, 20.0, north=True) is None
    assert clip_ring(square, -5.0, north=True) is square


def test_every_member_but_tuvalu_is_in_the_file(facts: Facts) -> None:
    ids = {f.id for f in load_world().features}
    missing = sorted(m.name for m in facts.members if m.iso_numeric not in ids)
    assert missing == ["Tuvalu"]


def test_antarctica_is_not_drawn() -> None:
    assert "010" not in {f.id for f in load_world().features}


def test_spread_separates_close_points_and_leaves_far_ones() -> None:
    points = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 0.0], [100.0, 100.0]])
    moved = spread(points, 5.0)
    gaps = np.hypot(*(moved[:, None, :] - moved[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(gaps, np.inf)
    assert gaps.min() >= 5.0 - 1e-9
    np.testing.assert_allclose(moved[3], points[3])
    np.testing.assert_allclose(spread(points, 5.0), moved)  # deterministic
