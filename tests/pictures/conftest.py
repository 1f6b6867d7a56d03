"""Shared fixtures: the real data set, and each picture rendered once per test session."""

from __future__ import annotations

import datetime as dt
import io
import struct
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from bot.facts.files import read_facts
from bot.facts.records import SNAPSHOT_DATE, Facts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which must come first after the signature."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def pixels(data: bytes) -> npt.NDArray[np.uint8]:
    """The decoded image as a (rows, columns, 3) RGB array."""
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


@pytest.fixture(scope="session")
def facts() -> Facts:
    return read_facts()


@pytest.fixture(scope="session")
def decode() -> Callable[[bytes], npt.NDArray[np.uint8]]:
    return pixels


@pytest.fixture(scope="session")
def size_of() -> Callable[[bytes], tuple[int, int]]:
    return png_size


@pytest.fixture(scope="session")
def snapshot_map(facts: Facts) -> bytes:
    from bot.pictures.worldmap import render_recognition_map

    return render_recognition_map(facts, SNAPSHOT_DATE)


@pytest.fixture(scope="session")
def latest_map(facts: Facts) -> bytes:
    from bot.pictures.worldmap import render_recognition_map

    return render_recognition_map(facts, facts.latest_event_date)


@pytest.fixture(scope="session")
def maps(snapshot_map: bytes, latest_map: bytes, facts: Facts) -> dict[dt.date, bytes]:
    return {SNAPSHOT_DATE: snapshot_map, facts.latest_event_date: latest_map}


@pytest.fixture(scope="session")
def default_chart(facts: Facts) -> bytes:
    from bot.pictures.chart import render_defectors_chart

    return render_defectors_chart(facts)
