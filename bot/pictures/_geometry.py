"""Country outlines from ``data/geo/countries-50m.json``, projected once per process.

The file is Natural Earth 1:50m as TopoJSON (npm ``world-atlas`` 2.0.2, see
``data/geo/PROVENANCE.md``): shared borders are stored once as quantized, delta-encoded *arcs*,
and each country lists the arcs that make up its rings. Decoding it needs nothing but json and
numpy, which is why we use it rather than a GIS stack (those download data at run time).

Everything here is pure geometry. Which polygon gets which colour is the map's business
(:mod:`bot.pictures.worldmap`).
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.facts.files import DEFAULT_DATA_DIR

# Shipped beside the fact files (package data in a wheel, data/geo in a checkout).
GEO_FILE = DEFAULT_DATA_DIR / "geo" / "countries-50m.json"

Ring = npt.NDArray[np.float64]  # shape (n, 2): lon/lat degrees, later projected x/y

# Equal Earth (Šavrič, Patterson & Jenny 2018): an equal-area projection with a closed form,
# so numpy projects all ~100k vertices in one vectorised pass.
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


def equal_earth(
    lon: npt.ArrayLike, lat: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Project degrees to Equal Earth on the unit sphere (x in ±2.71, y in ±1.32)."""
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    theta = np.arcsin(_M * np.sin(np.radians(np.asarray(lat, dtype=np.float64))))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    x = lam * np.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    return x, y


X_EDGE = float(equal_earth(180.0, 0.0)[0])  # half the projected width, at the equator


# --- TopoJSON ---------------------------------------------------------------------------------


def _decode_arcs(topology: dict[str, Any]) -> list[Ring]:
    """Quantized, delta-encoded arcs → absolute lon/lat arrays."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    scale, offset = np.array([sx, sy]), np.array([tx, ty])
    return [np.cumsum(np.asarray(arc, dtype=np.float64), axis=0) * scale + offset
            for arc in topology["arcs"]]


def _ring(arcs: list[Ring], indices: list[int]) -> Ring:
    """Join a ring's arcs; ``~i`` means arc ``i`` reversed, and arcs share their end points."""
    parts = []
    for k, i in enumerate(indices):
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        parts.append(arc if k == 0 else arc[1:])
    return np.concatenate(parts)


@dataclass(frozen=True, slots=True)
class Shape:
    """One Natural Earth unit in lon/lat: polygons, each an exterior ring then its holes."""

    id: str  # ISO 3166-1 numeric, zero-padded; "" for units without one (e.g. Kosovo)
    name: str  # Natural Earth's short name, used only to attach units without an id
    polygons: tuple[tuple[Ring, ...], ...]


def decode_topology(topology: dict[str, Any], layer: str = "countries") -> list[Shape]:
    arcs = _decode_arcs(topology)
    shapes = []
    for geometry in topology["objects"][layer]["geometries"]:
        kind = geometry["type"]
        if kind == "Polygon":
            polygons = [geometry["arcs"]]
        elif kind == "MultiPolygon":
            polygons = geometry["arcs"]
        else:  # the countries layer has only these two; anything else has no area to fill
            continue
        shapes.append(Shape(
            id=str(geometry.get("id", "")),
            name=str(geometry.get("properties", {}).get("name", "")),
            polygons=tuple(tuple(_ring(arcs, ring) for ring in polygon) for polygon in polygons),
        ))
    return shapes


# --- Antimeridian ------------------------------------------------------------------------------


def unwrap_ring(ring: Ring) -> list[Ring]:
    """The ring made continuous across ±180°, plus a copy shifted by 360° if it spills over.

    Russia's mainland, Wrangel Island and one Fijian island are stored with a jump from 180 to
    −180. Projected as is, that jump becomes a stroke across the whole map. Unwrapped, the ring
    reaches past 180°; the copy shifted by 360° draws the spilled part on the other edge, and the
    map clips both to the globe's outline.
    """
    lon = ring[:, 0]
    if not np.any(np.abs(np.diff(lon)) > 180):
        return [ring]
    unwrapped = ring.copy()
    unwrapped[:, 0] = np.unwrap(lon, period=360)
    shift = np.array([360.0, 0.0])
    rings = [unwrapped]
    if unwrapped[:, 0].max() > 180:
        rings.append(unwrapped - shift)
    if unwrapped[:, 0].min() < -180:
        rings.append(unwrapped + shift)
    return rings


# --- Projected world ---------------------------------------------------------------------------


def _signed_area(ring: Ring) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def _centroid(ring: Ring) -> tuple[float, float]:
    x, y = ring[:, 0], ring[:, 1]
    xn, yn = np.roll(x, -1), np.roll(y, -1)
    cross = x * yn - xn * y
    area = cross.sum() / 2
    if abs(area) < 1e-15:  # degenerate sliver: the mean vertex is good enough for a dot
        return float(x.mean()), float(y.mean())
    cx = ((x + xn) * cross).sum() / (6 * area)
    cy = ((y + yn) * cross).sum() / (6 * area)
    return float(cx), float(cy)


def _project(ring: Ring) -> Ring:
    x, y = equal_earth(ring[:, 0], ring[:, 1])
    return np.column_stack([x, y])


@dataclass(frozen=True, slots=True)
class Feature:
    """A unit projected to Equal Earth (unit sphere), ready to draw."""

    id: str
    name: str
    # Exteriors counter-clockwise, holes clockwise, so matplotlib's non-zero fill rule cuts the
    # holes (Lesotho out of South Africa) whatever orientation the file used.
    rings: tuple[Ring, ...]
    area: float  # projected area on the unit sphere, holes subtracted
    largest: float  # area of the largest single polygon: a scatter of specks reads as nothing
    anchor: tuple[float, float]  # centroid of the largest exterior: where a dot goes


def _feature(shape: Shape) -> Feature:
    rings: list[Ring] = []
    area = 0.0
    best = (-1.0, (0.0, 0.0))
    for polygon in shape.polygons:
        for index, lonlat in enumerate(polygon):
            for copy_index, piece in enumerate(unwrap_ring(lonlat)):
                projected = _project(piece)
                signed = _signed_area(projected)
                exterior = index == 0
                if (signed < 0) == exterior:  # wrong orientation for its role: reverse
                    projected = projected[::-1]
                rings.append(projected)
                if copy_index:  # a shifted copy adds no area and must not pull the anchor
                    continue
                area += abs(signed) if exterior else -abs(signed)
                if exterior and abs(signed) > best[0]:
                    best = (abs(signed), _centroid(projected))
    return Feature(shape.id, shape.name, tuple(rings), max(area, 0.0),
                   max(best[0], 0.0), best[1])


@dataclass(frozen=True, slots=True)
class World:
    features: tuple[Feature, ...]
    outline: Ring  # the globe's edge (±180°), closed, projected


def _outline(steps: int = 181) -> Ring:
    lat = np.linspace(-90, 90, steps)
    east = _project(np.column_stack([np.full(steps, 180.0), lat]))
    west = _project(np.column_stack([np.full(steps, -180.0), lat[::-1]]))
    return np.concatenate([east, west, east[:1]])


def clip_ring(ring: Ring, lat: float, *, north: bool) -> Ring | None:
    """The part of a lon/lat ring north (or south) of a parallel; ``None`` if nothing is left.

    Sutherland–Hodgman against one half-plane. A ring that crosses the parallel several times
    comes back as one ring whose pieces are joined by zero-width seams along the parallel,
    which fill exactly like separate pieces.
    """
    pts = ring[:-1] if len(ring) > 1 and np.array_equal(ring[0], ring[-1]) else ring
    inside = pts[:, 1] >= lat if north else pts[:, 1] <= lat
    if inside.all():
        return ring
    if not inside.any():
        return None
    out: list[npt.NDArray[np.float64]] = []
    for i in range(len(pts)):
        prev, cur = pts[i - 1], pts[i]
        if inside[i] != inside[i - 1]:
            t = (lat - prev[1]) / (cur[1] - prev[1])
            out.append(np.array([prev[0] + t * (cur[0] - prev[0]), lat]))
        if inside[i]:
            out.append(cur)
    if len(out) < 3:
        return None
    out.append(out[0])
    return np.array(out)


def _clip_shape(shape: Shape, lat: float, *, north: bool, unit_id: str, name: str) -> Shape:
    polygons = []
    for polygon in shape.polygons:
        exterior = clip_ring(polygon[0], lat, north=north)
        if exterior is None:
            continue
        holes = (clip_ring(h, lat, north=north) for h in polygon[1:])
        polygons.append((exterior, *(h for h in holes if h is not None)))
    return Shape(unit_id, name, tuple(polygons))


Split = tuple[str, float, str, str]  # (unit id, latitude, id and name for the part south of it)


def apply_splits(shapes: list[Shape], splits: tuple[Split, ...]) -> list[Shape]:
    """Cut units along a parallel; the southern part becomes (part of) another unit."""
    result = list(shapes)
    for unit_id, lat, south_id, south_name in splits:
        for i, shape in enumerate(result):
            if shape.id != unit_id:
                continue
            result[i] = _clip_shape(shape, lat, north=True, unit_id=shape.id, name=shape.name)
            result.append(_clip_shape(shape, lat, north=False, unit_id=south_id,
                                      name=south_name))
            break
    return [s for s in result if s.polygons]


def build_world(topology: dict[str, Any], *, south: float,
                splits: tuple[Split, ...] = ()) -> World:
    """Project every unit that reaches north of ``south`` (drops Antarctica at −60°)."""
    shapes = [s for s in apply_splits(decode_topology(topology), splits)
              if max(float(r[:, 1].max()) for p in s.polygons for r in p) > south]
    return World(tuple(_feature(s) for s in shapes), _outline())


@functools.cache
def load_world(path: Path = GEO_FILE, south: float = -60.0,
               splits: tuple[Split, ...] = ()) -> World:
    """Read, decode and project the file once per process (~0.2 s); later calls are free."""
    with path.open(encoding="utf-8") as fh:
        topology = json.load(fh)
    return build_world(topology, south=south, splits=splits)


# --- Where things land in the image ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MapFrame:
    """Where the projected globe sits in the image, so pixels can be computed exactly.

    The map's axes are placed from these numbers (no automatic aspect adjustment), so
    :meth:`to_pixel` is the same transform matplotlib applies when it draws.
    """

    width_px: int  # the whole image
    height_px: int
    left_px: float  # the map box inside it, measured from the image's top-left corner
    top_px: float
    scale: float  # pixels per projected unit, the same on both axes
    north: float  # latitude at the top edge of the map box
    south: float  # latitude at the bottom edge

    @property
    def y_top(self) -> float:
        return float(equal_earth(0.0, self.north)[1])

    @property
    def y_bottom(self) -> float:
        return float(equal_earth(0.0, self.south)[1])

    @property
    def box_px(self) -> tuple[float, float]:
        """Width and height of the map box in pixels."""
        return 2 * X_EDGE * self.scale, (self.y_top - self.y_bottom) * self.scale

    def axes_rect(self) -> tuple[float, float, float, float]:
        """The map box as matplotlib's (left, bottom, width, height) figure fractions."""
        w, h = self.box_px
        bottom = self.height_px - self.top_px - h
        return (self.left_px / self.width_px, bottom / self.height_px,
                w / self.width_px, h / self.height_px)

    def limits(self) -> tuple[tuple[float, float], tuple[float, float]]:
        return (-X_EDGE, X_EDGE), (self.y_bottom, self.y_top)

    def to_pixel(self, lon: float, lat: float) -> tuple[float, float]:
        """(lon, lat) in degrees → (column, row) in the PNG, measured from its top-left corner.

        Pixel ``(int(column), int(row))`` is the one that contains the point.
        """
        x, y = equal_earth(lon, lat)
        return self.xy_to_pixel(float(x), float(y))

    def xy_to_pixel(self, x: float, y: float) -> tuple[float, float]:
        """Projected (x, y) → (column, row) in the PNG."""
        return self.left_px + (x + X_EDGE) * self.scale, self.top_px + (self.y_top - y) * self.scale
