"""How well a header matches a field's synonyms: the header itself, words in it, or words in its
question text, each phrase limited to where it may match (see ``synonyms``)."""

from __future__ import annotations

from ..i18n import _
from .synonyms import HEADERS

# Survey tools' metadata columns whose names look like a field but are not one (Qualtrics'
# DistributionChannel is how the survey was sent, not the customer's channel).
NEVER = {"distributionchannel", "distribution channel", "status", "ipaddress", "ip address",
         "progress", "finished", "userlanguage", "collector id", "network id", "responseset",
         "response set"}


def has_words(haystack: str, phrase: str) -> bool:
    return f" {phrase} " in f" {haystack} "


def _covers(text: str, phrase: str) -> bool:
    """The phrase is at least half of the text's words: 'Ticket Channel', not a long question."""
    return 2 * len(phrase.split()) >= len(text.split())


def _within(text: str, phrase: str, mode: str) -> bool:
    return bool(text) and len(phrase) >= 3 and has_words(text, phrase) \
        and (mode == "~" or _covers(text, phrase))


def match_level(name: str, label: str, phrase: str, mode: str = "") -> int:
    """3: the header is the phrase; 2: the phrase in the header; 1: in its question text; 0."""
    if name == phrase or name.replace(" ", "") == phrase.replace(" ", ""):
        return 3
    if mode == "=":
        return 1 if label and label == phrase else 0
    if _within(name, phrase, mode):
        return 2
    if _within(label, phrase, mode):
        return 1
    return 0


def _phrase(raw: str) -> tuple[str, str]:
    return (raw[0], raw[1:]) if raw[:1] in "=~" else ("", raw)


def header_matches(kind: str, columns: list[str], names: dict[str, str], texts: dict[str, str]
                   ) -> list[tuple[tuple[int, int, int], str, str, str]]:
    """Every (rank, field, column, phrase) where a synonym matches, best first: the level of the
    match, then the earlier synonym, then the longer phrase."""
    found = []
    for fld, phrases in HEADERS[kind].items():
        for idx, raw in enumerate(phrases):
            mode, phrase = _phrase(raw)
            for c in columns:
                level = match_level(names[c], texts[c], phrase, mode)
                if level:
                    found.append(((level, -idx, len(phrase)), fld, c, phrase))
    found.sort(key=lambda x: x[0], reverse=True)
    return found


def why_matched(level: int, phrase: str, label: str) -> str:
    if level == 3:
        return _("its name is the synonym '{phrase}'").format(phrase=phrase)
    if level == 2:
        return _("the words '{phrase}' in its name").format(phrase=phrase)
    return _("the words '{phrase}' in its question '{question}'").format(phrase=phrase, question=label)
