"""Human-readable citations, taken from the rows a question uses.

Defector rows carry full citations ("name URL | name URL"); snapshot rows carry source keys
(``VC-ISR``, ``WP-PSE`` …) that are expanded here; events carry URLs. A citation goes into one
embed field, so it is capped at :data:`MAX_FIELD` and says how many more rows it left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.facts.records import DefectorPeriod, Facts, Recognition, RecognitionEvent
from bot.quiz.questions.model import MAX_FIELD

# The article's URL, as in data/article_facts.csv.
VC_RECOGNITION = (
    "Visual Capitalist, 'Mapped: Which Countries Recognize Israel or Palestine, or Both?' "
    "(data as of 14 November 2023) "
    "https://www.visualcapitalist.com/recognition-of-israel-and-palestine-map/"
)
WP_PALESTINE = (
    "Wikipedia, 'International recognition of the State of Palestine' "
    "https://en.wikipedia.org/wiki/International_recognition_of_the_State_of_Palestine"
)
WP_ISRAEL = (
    "Wikipedia, 'International recognition of Israel' "
    "https://en.wikipedia.org/wiki/International_recognition_of_Israel"
)
# How the text names its article wherever a row says "the article" (data/SOURCES.md).
ARTICLE_NAME = {
    "defectors": "Visual Capitalist's 'Charted: The Number of North Korean Defectors "
                 "(1998-2023)'",
    "recognition": "Visual Capitalist's 'Mapped: Which Countries Recognize Israel or "
                   "Palestine, or Both?' (14 November 2023)",
}


def named(text: str, topic: str) -> str:
    """The row's question with "the article" replaced by the article's name."""
    return text.replace("the article", ARTICLE_NAME[topic])


_URL = re.compile(r"https?://[^\s;,)]+")
_SEP = " ; "


def cap(parts: Iterable[str], *, more: str = "rows") -> str:
    """Join distinct citations in order, stopping before the embed-field limit."""
    unique = list(dict.fromkeys(p for p in parts if p))
    out: list[str] = []
    for i, part in enumerate(unique):
        remaining = len(unique) - i - 1
        # Keep room for the "(+N more …)" note in case the next part does not fit.
        reserve = len(f"{_SEP}(+{remaining} more {more})") if remaining else 0
        if len(_SEP.join([*out, part])) + reserve > MAX_FIELD:
            out.append(f"(+{remaining + 1} more {more})")
            break
        out.append(part)
    return _SEP.join(out)


def defector_rows(periods: Iterable[DefectorPeriod]) -> str:
    """The first (primary) citation of each row used, e.g. MOU's statistics table."""
    firsts = [p.source.split(" | ")[0].strip() for p in periods]
    return cap(firsts, more="sources in data/defectors.csv")


def snapshot_rows(rows: Iterable[Recognition], *, dates: str = "") -> list[str]:
    """The article (always), plus the Wikipedia list a row's notes cite for the recognition
    date shown (``dates``: "palestine" or "israel")."""
    key, citation = {"palestine": ("WP-PSE", WP_PALESTINE),
                     "israel": ("WP-ISR", WP_ISRAEL)}.get(dates, ("", ""))
    out = [VC_RECOGNITION]
    if key and any(key in row.note for row in rows):
        out.append(citation)
    return out


def event_rows(facts: Facts, events: Iterable[RecognitionEvent]) -> list[str]:
    """One "Country, date: URL" per event; rows that say "same as X row" borrow the URL of
    an event published on the same date."""
    out: list[str] = []
    names = facts.member_by_iso3
    for event in events:
        url = _first_url(event.source) or next(
            (u for e in facts.events if e.date == event.date and (u := _first_url(e.source))),
            "",
        )
        out.append(f"{names[event.iso3].name}, {event.date}: {url or event.source}")
    return out


def _first_url(text: str) -> str:
    match = _URL.search(text)
    return match.group(0) if match else ""
