"""Shared fixtures for the quiz question tests: the real data, loaded and validated once."""

from __future__ import annotations

import pytest

from bot.facts.files import read_facts
from bot.facts.records import Facts


@pytest.fixture(scope="session")
def facts() -> Facts:
    return read_facts()
