"""Fairness rules shared by the question families and the validator.

These are policy, not computation: both sides read the same thresholds, but each derives the
facts it applies them to on its own (see ``_truth.py`` for the validator's side).
"""

from __future__ import annotations

import datetime as dt

# --- numbers -------------------------------------------------------------------------------
# A numeric distractor must lie within ×0.25–×4 of the answer (and be ≥ 0): further away it is
# an obvious throw-away, so the question would test nothing.
BAND_LOW, BAND_HIGH = 0.25, 4.0
# MOU's provisional reports differ from the final figures by up to ~1.3% (2009: 2,927–2,952
# against the final 2,914). An exact-number distractor closer than 3% to the answer, or a
# comparison of two totals closer than 2%, could be "right" for a player who read a
# provisional report, so neither is asked.
NUMERIC_MIN_GAP = 0.03
REVISION_MARGIN = 0.02
# "Largest rise/fall" must win by 3% of the runner-up's size for the same reason.
CHANGE_MARGIN = 0.03
# "About what share …" options are one-decimal percentages at least 5 points apart, so
# rounding can never make two of them defensible.
PERCENT_MIN_GAP = 5.0
# "More than double": a ratio inside 1.9–2.1 is too close to call for a player.
DOUBLE_LOW, DOUBLE_HIGH = 1.9, 2.1

# --- recognition ---------------------------------------------------------------------------
# Rows whose status sources dispute (reference README): never asked about at state level.
DISPUTED = frozenset({"MEX", "SDN", "CZE", "PNG"})
# Their recognition dates are their predecessor states': never asked in a date question.
PREDECESSOR = {"RUS": "the USSR", "CZE": "Czechoslovakia", "SVK": "Czechoslovakia",
               "SRB": "Yugoslavia"}
# Words in a row's notes that flag a date sources disagree on.
UNCERTAIN_DATE_WORDS = ("differ", "disagree", "corrected", "unverified")
# Israel counts itself in the article's 163; a question about "Israel recognizing Israel" or
# Israel's own category would only confuse.
SELF = "ISR"
# A recognition question's status must not change within this many days of its date: events
# are reported in different time zones, and Bolivia's restoration is dated 9 or 10 Dec 2025.
STABLE_DAYS = 2


def around(day: dt.date) -> list[dt.date]:
    """The days within STABLE_DAYS of ``day`` (both sides): a status, or a count, asked about
    must be the same on every one of them."""
    return [day + dt.timedelta(days=k) for k in range(-STABLE_DAYS, STABLE_DAYS + 1)]


# Counts: a distractor must be this far outside every count a different reasonable convention
# gives (disputed rows flipped, cut relations counted as recognition, Israel not counting
# itself).
COUNT_MARGIN = 3
# Year options in a recognition-year question are at least this many years apart from the
# answer, so a date near New Year or a source's off-by-one year cannot make two defensible.
YEAR_MIN_GAP = 2
# Palestine was proclaimed on 15 November 1988: no state recognized it earlier.
FIRST_PALESTINE_YEAR = 1988

# The anchor dates recognition questions are asked "as of" (the latest event date is added at
# run time). None lies within STABLE_DAYS of an event in the current data; the validator
# checks that for whichever date a question carries.
ANCHOR_DATES = (
    dt.date(2023, 11, 14),
    dt.date(2024, 1, 1),
    dt.date(2024, 7, 1),
    dt.date(2025, 1, 1),
    dt.date(2025, 7, 1),
    dt.date(2025, 10, 1),
)

# --- article facts -------------------------------------------------------------------------
RECOGNITION_ARTICLE_DATE = dt.date(2023, 11, 14)  # "as of November 14, 2023"
DEFECTORS_ARTICLE_DATE = dt.date(2023, 6, 30)  # its newest figure is "2023 (as of June)"

# --- recognition: decoys and groups ---------------------------------------------------------
# Where a date predates the state's present form (beyond PREDECESSOR): the note the text must
# carry whenever that date's year is shown. Such dates are kept out of date questions, like
# PREDECESSOR's.
FORMER_FORM = {"UKR": "as a Soviet republic", "BLR": "as a Soviet republic",
               "YEM": "before Yemen's unification", "NAM": "before Namibia's independence"}


def latest_label(day: dt.date) -> str:
    """How the latest data date is shown to players: the data's own label ("latest data,
    December 2025"), not an event's day, which reads as if something happened on it."""
    return f"latest data, {day:%B %Y}"


# Members of the Organisation of Islamic Cooperation that are UN member states (56; the 57th is
# Palestine), from https://www.oic-oci.org/states/?lan=en (the same list the question-quality
# bench scores "pick the OIC member" with). NEVER shown to players as a fact: it only
# stratifies decoys, so that "pick (or avoid) the Muslim-majority state" is no shortcut
# (every option of a question is drawn from the key's own stratum).
OIC = frozenset((
    "AFG", "ALB", "DZA", "AZE", "BHR", "BGD", "BEN", "BRN", "BFA", "CMR", "TCD", "COM", "DJI",
    "EGY", "GAB", "GMB", "GIN", "GNB", "GUY", "IDN", "IRN", "IRQ", "CIV", "JOR", "KAZ", "KWT",
    "KGZ", "LBN", "LBY", "MYS", "MDV", "MLI", "MRT", "MAR", "MOZ", "NER", "NGA", "OMN", "PAK",
    "QAT", "SAU", "SEN", "SLE", "SOM", "SDN", "SUR", "SYR", "TJK", "TGO", "TUN", "TUR", "TKM",
    "UGA", "ARE", "UZB", "YEM",
))

# Group memberships (not in the fact tables; shown to players, so each carries its official
# source, also listed in data/SOURCES.md). Both were unchanged from 2023 to 2025.
G7 = frozenset({"CAN", "FRA", "DEU", "ITA", "JPN", "GBR", "USA"})
G7_SOURCE = ("G7 members (Council of the EU, 'G7') "
             "https://www.consilium.europa.eu/en/policies/g7/")
EU = frozenset({"AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU",
                "GRC", "HUN", "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT",
                "ROU", "SVK", "SVN", "ESP", "SWE"})
EU_SOURCE = ("EU member countries (European Union) "
             "https://european-union.europa.eu/principles-countries-history/eu-countries_en")

# --- ratios --------------------------------------------------------------------------------
# "About how many times as many": one-decimal ratios at least 12% apart, so rounding can never
# make two options defensible.
RATIO_MIN_GAP = 0.12
