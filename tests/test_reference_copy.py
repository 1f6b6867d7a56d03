"""The in-repo oracle must stay a verbatim copy of the shared reference set."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reference import HERE

SHARED = Path(__file__).resolve().parents[2] / "shared" / "reference"


@pytest.mark.skipif(not SHARED.exists(), reason="the shared reference set is not on this machine")
@pytest.mark.parametrize("name", ["defectors.csv", "recognition_2023-11-14.csv",
                                  "recognition_events_after_2023-11-14.csv"])
def test_the_copy_matches_the_shared_reference(name: str) -> None:
    assert (HERE / name).read_bytes() == (SHARED / name).read_bytes()
