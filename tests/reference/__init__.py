"""A verbatim copy of the verified reference set (``../shared/reference``), the oracle the
tests check the bot against. It is independent of ``data/`` on purpose: ``data/`` is built
from it by ``scripts/build_data.py``, and a test that compared ``data/`` with itself could
never fail."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

HERE = Path(__file__).resolve().parent


def rows(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def defectors() -> list[dict[str, str]]:
    return rows("defectors.csv")


def recognition_at(date: dt.date) -> dict[str, tuple[bool, bool]]:
    """ISO3 → (recognizes Israel, recognizes Palestine) at the end of ``date``, derived
    from the reference files alone (the article's convention, events applied in order)."""
    status = {r["iso3"]: (r["recognizes_israel"] in ("yes", "self"),
                          r["recognizes_palestine"] == "yes")
              for r in rows("recognition_2023-11-14.csv")}
    for event in sorted(rows("recognition_events_after_2023-11-14.csv"), key=lambda e: e["date"]):
        parts = [int(p) for p in event["date"].split("-")] + [1, 1]
        if dt.date(*parts[:3]) > date:
            continue
        israel, palestine = status[event["iso3"]]
        change = event["changes_article_status"]
        if change == "palestine=yes":
            palestine = True
        elif change == "israel=no":
            israel = False
        elif change == "israel=yes":
            israel = True
        status[event["iso3"]] = (israel, palestine)
    return status
