"""Build the project's ``data/`` files from the verified reference set.

Run by a maintainer when ``../shared/reference`` changes (``python scripts/build_data.py``);
the bot itself only reads ``data/``. Figures are copied, never recomputed or rounded: the
script only reshapes columns, adds ISO numeric codes (from pycountry, a build-time-only
dependency) and the aliases users type, and fails if anything does not line up.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"
DATA = ROOT / "data"

# Names users type that neither the article's name nor pycountry's names cover.
ALIASES: dict[str, list[str]] = {
    "GBR": ["UK", "U.K.", "Britain", "Great Britain", "England", "Scotland", "Wales"],
    "USA": ["USA", "US", "U.S.", "U.S.A.", "America", "United States of America"],
    "CIV": ["Ivory Coast", "Cote d'Ivoire"],
    "CZE": ["Czechia"],
    "TUR": ["Türkiye", "Turkiye"],
    "COD": ["DRC", "DR Congo", "Congo-Kinshasa", "Zaire"],
    "COG": ["Congo", "Congo-Brazzaville", "Congo Republic"],
    "GMB": ["Gambia"],
    "FSM": ["Micronesia"],
    "TLS": ["East Timor"],
    "MMR": ["Burma"],
    "SWZ": ["Swaziland"],
    "CPV": ["Cabo Verde"],
    "MKD": ["Macedonia", "FYROM"],
    "KOR": ["Republic of Korea", "ROK"],  # plain "Korea" stays ambiguous on purpose
    "PRK": ["DPRK", "Democratic People's Republic of Korea"],
    "RUS": ["Russian Federation"],
    "LAO": ["Lao PDR", "Lao People's Democratic Republic"],
    "VNM": ["Viet Nam"],
    "IRN": ["Persia", "Islamic Republic of Iran"],
    "SYR": ["Syrian Arab Republic"],
    "BOL": ["Plurinational State of Bolivia"],
    "VEN": ["Bolivarian Republic of Venezuela"],
    "TZA": ["United Republic of Tanzania"],
    "MDA": ["Republic of Moldova"],
    "BRN": ["Brunei Darussalam"],
    "STP": ["Sao Tome and Principe", "São Tomé", "Sao Tome"],
    "KNA": ["St Kitts and Nevis", "St. Kitts and Nevis", "Saint Kitts"],
    "LCA": ["St Lucia", "St. Lucia"],
    "VCT": ["St Vincent and the Grenadines", "St. Vincent", "Saint Vincent"],
    "ARE": ["UAE", "U.A.E.", "Emirates"],
    "SAU": ["KSA"],
    "NLD": ["Holland", "The Netherlands"],
    "BIH": ["Bosnia"],
    "ATG": ["Antigua"],
    "TTO": ["Trinidad"],
    "PNG": ["PNG"],
    "CAF": ["CAR"],
    "BHS": ["The Bahamas"],
    "NZL": ["NZ", "Aotearoa"],
    "ZAF": ["RSA"],
}

# Plain statements of the four rows the sources disagree on (reference README).
DISPUTES: dict[str, str] = {
    "MEX": "Palestine: disputed. The article (and Wikipedia in November 2023) count Mexico as "
    "not recognizing Palestine; from May 2024 Wikipedia lists Mexico as recognizing it since "
    "2023-06-02, with no new Mexican act. This bot follows the article (no).",
    "SDN": "Israel: disputed. Sudan agreed to normalize relations with Israel on 2020-10-23 "
    "(Abraham Accords) but never ratified or finalized it; the article and Wikipedia count "
    "Sudan as recognizing Israel, and so does this bot.",
    "CZE": "Palestine: disputed. Wikipedia marks the Czech Republic's recognition (inherited "
    "from Czechoslovakia, 1988-11-18) as disputed; the article counts it as yes, and so does "
    "this bot.",
    "PNG": "Palestine: disputed. Wikipedia marks Papua New Guinea's recognition (1995-01-13) as "
    "disputed; the article counts it as yes, and so does this bot.",
}


def _fail(msg: str) -> None:
    print(f"build_data: {msg}", file=sys.stderr)
    raise SystemExit(1)


def _read(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _write(name: str, fields: list[str], rows: list[dict[str, object]]) -> None:
    with (DATA / name).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def build_defectors() -> None:
    out = []
    for row in _read("defectors.csv"):
        label = row["year"]
        if re.fullmatch(r"\d{4}", label):
            kind, first, last = "year", label, label
        elif label == "~1998":
            # Cumulative since records began: no first year is published.
            kind, first, last = "aggregate", "", "1998"
        elif label == "1999-2001":
            kind, first, last = "aggregate", "1999", "2001"
        elif label == "2023-H1":
            kind, first, last = "partial", "2023", "2023"
        else:
            _fail(f"defectors.csv: unknown period label {label!r}")
        out.append(
            {
                "label": label,
                "kind": kind,
                "first_year": first,
                "last_year": last,
                "total": row["total"],
                "male": row["male"],
                "female": row["female"],
                "note": row["period_note"],
                "source": row["source"],
            }
        )
    _write("defectors.csv", list(out[0]), out)


def build_recognition() -> None:
    import pycountry  # build-time only

    members, recognition = [], []
    for row in _read("recognition_2023-11-14.csv"):
        country = pycountry.countries.get(alpha_3=row["iso3"])
        if country is None or country.alpha_2 != row["iso2"]:
            _fail(f"recognition: {row['name']} has ISO codes pycountry does not know")
        aliases = set(ALIASES.get(row["iso3"], []))
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value and value != row["name"]:
                aliases.add(value)
        members.append(
            {
                "name": row["name"],
                "iso2": row["iso2"],
                "iso3": row["iso3"],
                "iso_numeric": country.numeric,
                "aliases": "|".join(sorted(aliases, key=str.casefold)),
            }
        )
        recognition.append(
            {
                "iso3": row["iso3"],
                "name": row["name"],
                "recognizes_israel": row["recognizes_israel"],
                "israel_status": row["israel_status"],
                "israel_recognition_date": row["israel_recognition_date"],
                "recognizes_palestine": row["recognizes_palestine"],
                "palestine_recognition_date": row["palestine_recognition_date"],
                "confidence": row["confidence"],
                "dispute": DISPUTES.get(row["iso3"], ""),
                "sources_and_notes": row["sources_and_notes"],
            }
        )
    unused = set(ALIASES) - {m["iso3"] for m in members}
    if unused:
        _fail(f"aliases for codes that are not members: {sorted(unused)}")
    _write("un_members.csv", ["name", "iso2", "iso3", "iso_numeric", "aliases"], members)
    _write("recognition_2023-11-14.csv", list(recognition[0]), recognition)

    events = [
        {
            "date": row["date"],
            "iso3": row["iso3"],
            "country": row["country"],
            "event": row["event"],
            "change": row["changes_article_status"],
            "note": row["note"],
            "confidence": row["confidence"],
            "source": row["source"],
        }
        for row in _read("recognition_events_after_2023-11-14.csv")
    ]
    _write("recognition_events.csv", list(events[0]), events)


if __name__ == "__main__":
    DATA.mkdir(exist_ok=True)
    build_defectors()
    build_recognition()
    print(f"build_data: wrote {sorted(p.name for p in DATA.glob('*.csv'))}")
