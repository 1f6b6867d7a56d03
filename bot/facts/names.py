"""Turn what a user types into a UN member state: names, aliases, ISO codes, then fuzzy.

Also knows the places people ask about that are not rows of the table (Palestine, the Holy
See, Kosovo, Taiwan, Western Sahara), so those get an explanation instead of "not found".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from rapidfuzz import fuzz, process

from bot.facts.records import Facts, MemberState
from bot.i18n import LOCALES, N_, Lang, _

NOT_MEMBERS: dict[str, tuple[tuple[str, ...], str]] = {
    N_("Palestine"): (
        ("Palestine", "State of Palestine", "PSE", "PS", "Palestinian territories",
         "Palestinian Authority", "Gaza", "West Bank",
         "팔레스타인", "팔레스타인국", "팔레스타인 자치정부", "가자", "가자지구", "요르단강 서안"),
        N_("The State of Palestine is not a UN member state (it has been a non-member observer "
        "state since 2012), so it is not a row of this table. Its recognition by the 193 "
        "members is what this table records: try `/recognition summary`. In the Oslo Accords "
        "(1993) the PLO recognized the State of Israel."),
    ),
    N_("Holy See"): (
        ("Holy See", "Vatican", "Vatican City", "VAT", "VA", "교황청", "바티칸", "바티칸 시국"),
        N_("The Holy See (Vatican City) is a non-member observer state of the UN, not one of "
           "the 193 member states, so it is not a row of this table."),
    ),
    N_("Kosovo"): (
        ("Kosovo", "XK", "XKX", "코소보"),
        N_("Kosovo is not a UN member state, so it is not a row of this table."),
    ),
    N_("Taiwan"): (
        ("Taiwan", "Republic of China", "ROC", "TWN", "TW", "Chinese Taipei", "대만", "타이완",
         "중화민국"),
        N_("Taiwan (Republic of China) is not a UN member state, so it is not a row of this "
           "table."),
    ),
    N_("Western Sahara"): (
        ("Western Sahara", "Sahrawi Arab Democratic Republic", "SADR", "ESH", "EH", "서사하라",
         "사하라 아랍 민주 공화국"),
        N_("Western Sahara is not a UN member state, so it is not a row of this table."),
    ),
}

ISRAEL_NOTE = N_(
    "Israel is one of the 193 UN member states. Following the article, it counts itself among "
    "the states recognizing Israel; it does not recognize the State of Palestine."
)

# What Korean speakers type beyond CLDR's names (which every language's index gets, see
# NameIndex): the everyday names of the two Koreas and a few common short forms.
EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "KP": ("북한", "조선", "조선민주주의인민공화국", "북조선"),
    "KR": ("남한", "한국", "대한민국", "남조선"),
    "US": ("미국", "미합중국"),
    "GB": ("영국", "영연방 왕국"),
    "CN": ("중국", "중화인민공화국"),
    "RU": ("러시아", "러시아 연방"),
    "CI": ("코트디부아르", "아이보리코스트"),
    "CD": ("콩고민주공화국", "민주콩고"),
    "CG": ("콩고 공화국", "콩고"),
    "MM": ("미얀마", "버마"),
    "CZ": ("체코", "체코 공화국"),
    "TR": ("튀르키예", "터키"),
    "AE": ("아랍에미리트", "아랍 에미리트"),
    "SA": ("사우디", "사우디아라비아"),
    "NZ": ("뉴질랜드",),
    "ZA": ("남아공", "남아프리카 공화국"),
}


def localized_names(member: MemberState) -> tuple[str, ...]:
    """The names of ``member`` in the bot's other languages (CLDR), plus EXTRA_ALIASES."""
    names = [Lang(code).country(member.iso2, "") for code in LOCALES if code != "en"]
    return tuple(n for n in (*names, *EXTRA_ALIASES.get(member.iso2, ())) if n)

AUTO_ACCEPT = 90  # fuzzy score at which a typo resolves without asking
SUGGEST = 55  # weakest score still worth suggesting
AUTOCOMPLETE_FUZZY = 75


def _word_starts(text: str, key: str) -> bool:
    return text.startswith(key) or f" {key}" in text


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ")
    text = re.sub(r"[^\w\s-]", "", text)  # "Côte d'Ivoire" → "cote divoire", "U.K." → "uk"
    text = re.sub(r"[\s_-]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


@dataclass(frozen=True, slots=True)
class Resolved:
    state: MemberState
    note: str = ""  # e.g. the Israel explanation


@dataclass(frozen=True, slots=True)
class NotMember:
    name: str
    explanation: str


@dataclass(frozen=True, slots=True)
class Unknown:
    query: str
    suggestions: tuple[MemberState, ...]


class NameIndex:
    """Exact and fuzzy lookup over names, aliases and ISO codes of one :class:`Facts`."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self._exact: dict[str, MemberState] = {}
        self._keys: list[str] = []  # fuzzy keys, parallel to _owners
        self._owners: list[MemberState] = []
        self._labels: list[str] = []  # the text shown for each key
        for m in facts.members:
            for text in (m.name, *m.aliases, *localized_names(m)):
                key = normalize(text)
                self._exact.setdefault(key, m)
                self._keys.append(key)
                self._owners.append(m)
                self._labels.append(text)
            for code in (m.iso2, m.iso3):
                self._exact.setdefault(normalize(code), m)
        self._not_members = {
            normalize(alias): (name, text)
            for name, (aliases, text) in NOT_MEMBERS.items()
            for alias in aliases
        }

    def resolve(self, query: str) -> Resolved | NotMember | Unknown:
        key = normalize(query)
        if key in self._not_members:
            name, text = self._not_members[key]
            return NotMember(name, text)
        state = self._exact.get(key)
        if state is None and key:
            ranked = self._ranked(key, limit=8)
            if ranked and ranked[0][1] >= AUTO_ACCEPT and (
                len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= 5
            ):
                state = ranked[0][0]
            else:
                # Only suggestions close to the best one: "korea" → the two Koreas, not Eritrea.
                floor = max(SUGGEST, ranked[0][1] - 15) if ranked else SUGGEST
                suggestions = tuple(m for m, score in ranked if score >= floor)[:3]
                return Unknown(query, suggestions)
        if state is None:
            return Unknown(query, ())
        return Resolved(state, ISRAEL_NOTE if state.iso3 == "ISR" else "")

    def _ranked(self, key: str, limit: int, scorer: Any = fuzz.WRatio
                ) -> list[tuple[MemberState, float]]:
        """Best score per distinct state, best first."""
        best: dict[str, tuple[MemberState, float]] = {}
        for _match, score, idx in process.extract(key, self._keys, scorer=scorer, limit=limit * 3):
            owner = self._owners[idx]
            if owner.iso3 not in best or best[owner.iso3][1] < score:
                best[owner.iso3] = (owner, score)
        return sorted(best.values(), key=lambda t: (-t[1], t[0].name))[:limit]

    @cached_property
    def _sorted_names(self) -> list[MemberState]:
        return sorted(self.facts.members, key=lambda m: normalize(m.name))

    def autocomplete(self, partial: str, limit: int = 25,
                     localize: Callable[[MemberState], str] | None = None
                     ) -> list[tuple[str, str]]:
        """(label, value) pairs for Discord's autocomplete: prefix matches first, then fuzzy.

        ``localize`` names a state in the reader's language for the label; the value stays
        the English name, which the index resolves whatever language is asked in."""
        named = localize or (lambda m: m.name)
        key = normalize(partial)
        if not key:
            return [(named(m), m.name) for m in self._sorted_names[:limit]]
        out: dict[str, tuple[str, str]] = {}

        def add(m: MemberState, label: str) -> None:
            if m.iso3 not in out and len(out) < limit:
                name = named(m)
                shown = (name if normalize(label) in (normalize(m.name), normalize(name))
                         else f"{name} ({label})")
                out[m.iso3] = (shown[:100], m.name)

        if key in self._exact:  # an exact name, alias or ISO code goes first
            m = self._exact[key]
            is_code = key in (m.iso2.casefold(), m.iso3.casefold())
            add(m, key.upper() if is_code else m.name)
        # Whole names first, then any word of a name ("kor" → North Korea, South Korea).
        for test in (str.startswith, _word_starts):
            for k, owner, label in zip(self._keys, self._owners, self._labels, strict=True):
                if test(k, key):
                    add(owner, label)
        # Typos: only when plain matching found little, and only for close matches, so the
        # list never fills up with noise (and the fuzzy pass stays off the common path).
        # Whole-string similarity here: partial matching would suggest "Andorra" for "pal".
        if len(out) < 3 and len(key) >= 4:
            for m, score in self._ranked(key, limit=5, scorer=fuzz.ratio):
                if score >= AUTOCOMPLETE_FUZZY:
                    add(m, m.name)
        choices = list(out.values())
        # Places people ask about that are not rows (Palestine, Taiwan, …): offered too, so
        # picking one leads to the explanation instead of an empty list.
        for name, (aliases, _text) in NOT_MEMBERS.items():
            # By its English name, or by any alias when typed in another script (팔레스타인).
            if _word_starts(normalize(name), key) or (
                    not key.isascii() and any(_word_starts(normalize(a), key) for a in aliases)):
                choices.append((_("{name} (not a UN member state)", name=_(name)), name))
        return choices[:limit]
