"""The word lists of :mod:`okrkit.wording`, compiled once at import: regexes and their gates.

The lists live in ``okrkit/wording_lexicon.json`` (:data:`LEXICON_PATH`), one block per language;
the messages in the ``wording`` section of ``okrkit/locale``. Each list gets a regex and a gate
that skips the regex for a text without any of its words (:class:`Gate`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from okrkit.findings import Finding
from okrkit.text import LANGUAGES, Lang, texts

__all__ = [
    "BAR_WORDS",
    "CLOCK",
    "DELIVERABLE_WORDS",
    "FUZZY_MIN",
    "HEAD_KINDS",
    "ISO_DATE",
    "LEXICON_PATH",
    "LIST_MARKER",
    "MAX_CHARS",
    "NOT_QUANTITIES",
    "NUMBER_RE",
    "NUMBER_WORDS",
    "OBJECT_RE",
    "OBJECT_WORDS",
    "PLACEHOLDER",
    "PLACEHOLDER_WORDS",
    "RULES",
    "SIGNS",
    "SUBJECT_WORDS",
    "SV_SUFFIXES",
    "UNIT_AFTER",
    "WORD_LISTS",
    "WORD_RE",
    "Gate",
    "Head",
    "Hint",
    "Index",
    "Rules",
    "Seen",
    "WordList",
    "alternation",
    "compile_ci",
    "entry_regex",
    "gate_of",
    "one_deletions",
    "word_list",
]

#: The word lists, one block per language (see ``docs/wording.md``).
LEXICON_PATH = Path(__file__).parent.with_name("wording_lexicon.json")

#: Only the first this many characters of a text are read; a key result is one sentence.
MAX_CHARS = 1000

WORD_LISTS = (
    "stopwords",
    "fillers",
    "modals",
    "conjunctions",
    "phrase_ends",
    "task_verbs",
    "weak_verbs",
    "activity_nouns",
    "milestone_verbs",
    "acquire_verbs",
    "deliverable_nouns",
    "done_states",
    "task_states",
    "judging_verbs",
    "judges",
    "judgement_clauses",
    "judgement_bars",
    "vague_verbs",
    "down_verbs",
    "up_verbs",
    "comparatives",
    "vague_words",
    "abstract_nouns",
    "number_words",
    "quantity_phrases",
    "label_words",
    "time_words",
    "months",
)
HEAD_KINDS = ("task", "milestone", "acquire", "weak", "vague")  # priority on equal length
OBJECT_WORDS = 4  # how far after the leading verb its object is looked for
DELIVERABLE_WORDS = 6  # "Achieve SOC 2 Type II certification"
SUBJECT_WORDS = 4  # the most words before a judging verb ("Our new sales reps rate ...")
BAR_WORDS = 8  # how far after a judging verb its bar is looked for
FUZZY_MIN = 6  # the shortest verb (and typed word) that typo matching tries
SV_SUFFIXES = ("erna", "arna", "orna", "heten", "ningen", "ningar", "andet", "erar", "era")

Head = tuple[str, re.Match[str]]

# --- the word lists, compiled ----------------------------------------------------------------

WORD_RE = re.compile(r"\w+")


def entry_regex(entry: str) -> str:
    """The regex of one list entry: spaces match spaces or hyphens; ``*`` matches letters."""
    body = r"[\s\-]+".join(re.escape(w) for w in entry.strip("*").split())
    return (
        (r"\w*" if entry.startswith("*") else "") + body + (r"\w*" if entry.endswith("*") else "")
    )


def alternation(entries: Iterable[str]) -> str:
    ordered = sorted(set(entries), key=lambda e: (-len(e), e))  # longest first
    return "(?:" + "|".join(entry_regex(e) for e in ordered) + ")"


def compile_ci(regex: str) -> re.Pattern[str]:
    return re.compile(regex, re.IGNORECASE)


class Seen(NamedTuple):
    """What the gates read of a text: its words and the whole text, in lower case."""

    words: frozenset[str]
    low: str


@dataclass(frozen=True, slots=True)
class Gate:
    """Whether a word list can match a text at all, decided without its regex.

    Python's ``re`` tries a long alternation at every position of a text (and a ``*`` entry
    such as ``"*möten"`` at every letter), which is what made a call slow; most texts contain
    no word of most lists, and a set lookup says so at once. Every match of an entry contains
    a whole word of the text that is in ``words``, or a piece of text in ``pieces`` (the
    starred word of an entry, used as a prefix, suffix or infix: ``"implement"``, ``"möte"``,
    ``"workshop"``). An entry with no letter or digit (``"&"``) opens the gate for every text.
    The gate may open for a text the list does not match; then the regex decides.
    """

    words: frozenset[str]
    pieces: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    always: bool = False

    def admits(self, word: str) -> bool:
        """Whether ``word`` (lower case) can be the first word of an entry (``first`` gates)."""
        return self.always or word in self.words or word.startswith(self.prefixes)

    def open(self, seen: Seen) -> bool:
        """Whether an entry can match the text ``seen``."""
        if self.always or not self.words.isdisjoint(seen.words):
            return True
        return bool(self.pieces) and any(piece in seen.low for piece in self.pieces)


def gate_of(entries: Iterable[str], *, first: bool = False) -> Gate:
    """The gate of a list: per entry its longest word that must stand whole in the text, else
    its starred word (a prefix, suffix or infix). With ``first``, the entry's first word only,
    for lists matched at a position (:meth:`Gate.admits` the word there)."""
    words: set[str] = set()
    pieces: set[str] = set()
    prefixes: list[str] = []
    for entry in entries:
        body = entry.strip("*")
        tokens = list(WORD_RE.finditer(body))
        if not tokens or (first and (entry.startswith("*") or tokens[0].start() > 0)):
            return Gate(frozenset(), always=True)
        lead = entry.startswith("*") and tokens[0].start() == 0
        trail = entry.endswith("*") and tokens[-1].end() == len(body)
        if first:
            tokens = tokens[:1]
            trail = trail and tokens[0].end() == len(body)
        whole = [
            t.group()
            for i, t in enumerate(tokens)
            if not (lead and i == 0) and not (trail and i == len(tokens) - 1)
        ]
        if whole:
            words.add(max(whole, key=len))
        elif lead:
            pieces.add(tokens[0].group())
        else:
            pieces.add(tokens[-1].group())
            prefixes.append(tokens[-1].group())
    # "möte" also finds "möten" and "mötet": keep the pieces that hold no other piece
    kept = sorted(p for p in pieces if not any(q != p and q in p for q in pieces))
    return Gate(frozenset(words), tuple(kept), tuple(prefixes))


@dataclass(frozen=True, slots=True)
class WordList:
    """A compiled word list: its regex, and the gate that skips the regex when it cannot match."""

    pattern: re.Pattern[str]
    gate: Gate

    def search(self, text: str, pos: int, seen: Seen) -> re.Match[str] | None:
        return self.pattern.search(text, pos) if self.gate.open(seen) else None

    def finditer(self, text: str, pos: int, seen: Seen) -> Iterable[re.Match[str]]:
        return self.pattern.finditer(text, pos) if self.gate.open(seen) else ()

    def within(self, text: str, a: int, b: int, seen: Seen) -> re.Match[str] | None:
        """The first match that starts in ``text[a:b]``; its look-arounds see the whole text."""
        m = self.search(text, a, seen)
        return m if m and m.start() < b else None


def word_list(entries: Iterable[str], *, hyphen_joins: bool = False) -> WordList:
    """Whole-word matcher; with ``hyphen_joins`` "class" is not found in "world-class"."""
    edge = r"\w\-" if hyphen_joins else r"\w"
    entries = tuple(entries)
    return WordList(
        re.compile(rf"(?<![{edge}]){alternation(entries)}(?![{edge}])", re.IGNORECASE),
        gate_of(entries),
    )


@dataclass(frozen=True, slots=True)
class Index:
    """The gates of several lists in one: which of them open for a text, in list order."""

    words: Mapping[str, tuple[int, ...]]
    pieces: tuple[tuple[str, int], ...]
    always: tuple[int, ...]

    @classmethod
    def of(cls, gates: Iterable[Gate]) -> Index:
        words: dict[str, list[int]] = {}
        pieces: list[tuple[str, int]] = []
        always: list[int] = []
        for i, gate in enumerate(gates):
            if gate.always:
                always.append(i)
            for word in gate.words:
                words.setdefault(word, []).append(i)
            pieces.extend((piece, i) for piece in gate.pieces)
        return cls({w: tuple(ids) for w, ids in words.items()}, tuple(pieces), tuple(always))

    def open(self, seen: Seen) -> list[int]:
        found = {i for word in seen.words for i in self.words.get(word, ())}
        found.update(i for piece, i in self.pieces if piece in seen.low)
        found.update(self.always)
        return sorted(found)


@dataclass(frozen=True, slots=True)
class Hint:
    """A metric to suggest when the text mentions a topic ("loyalty" → repeat purchases)."""

    words: WordList
    metric: str
    unit: str
    down: bool


@dataclass(frozen=True, slots=True)
class Rules:
    """One language's word lists, compiled."""

    lang: Lang
    vocabulary: frozenset[str]  # words only this language has, for detect_language
    fillers: re.Pattern[str]
    modal: re.Pattern[str]
    modal_end: re.Pattern[str]  # a modal ending a subject: "Managers will" (rate ...)
    conjunction: re.Pattern[str]
    conjunctions: frozenset[str]
    heads: tuple[tuple[str, re.Pattern[str], Gate], ...]
    any_head: Gate  # whether any listed verb can start with a word
    fuzzy: Mapping[str, tuple[tuple[str, str], ...]]  # a verb and its one-deletion variants
    fuzzy_stems: tuple[tuple[str, str], ...]  # verbs given with an ending: "implement*"
    phrase_ends: frozenset[str]
    activity: WordList
    deliverable: WordList
    abstract: WordList  # only as the head of an object: "value to", not "value stream"
    done_states: WordList
    task_states: WordList
    judging: WordList
    judges: WordList
    judgement_clauses: WordList
    judgement_bars: WordList
    vague_head: re.Pattern[str]
    down_verbs: WordList
    up_verbs: WordList
    comparatives: WordList
    vague_words: WordList
    number_words: WordList
    quantity_phrases: WordList
    label_before: re.Pattern[str]
    year_before: re.Pattern[str]
    month_before: re.Pattern[str]
    month_after: re.Pattern[str]
    hints: tuple[Hint, ...]
    hint_index: Index
    messages: Mapping[str, Any]
    no_target: Finding  # OKR201, the same for every task and vague verdict


def _single_words(lists: Mapping[str, Iterable[str]]) -> set[str]:
    return {w for k in WORD_LISTS if k != "label_words" for w in lists[k] if w.isalpha()}


def one_deletions(word: str) -> set[str]:
    """``word`` and every string one letter shorter: two words within one typo of each other
    (an insertion, deletion, change or swap) share one of these."""
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def _fuzzy_index(lists: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[tuple[str, str], ...]]:
    index: dict[str, list[tuple[str, str]]] = {}
    for kind in ("task", "milestone"):
        for entry in lists[f"{kind}_verbs"]:
            if " " in entry or "*" in entry or len(entry) < FUZZY_MIN:
                continue
            for key in one_deletions(entry):
                index.setdefault(key, []).append((kind, entry))
    return {key: tuple(found) for key, found in index.items()}


def _compile(lang: Lang, data: Mapping[str, Any], other: Mapping[str, Any]) -> Rules:
    missing = [k for k in (*WORD_LISTS, "metric_hints", "articles") if k not in data]
    if missing:
        raise KeyError(f"{LEXICON_PATH.name}: {lang!r} lacks {', '.join(missing)}")
    lists: dict[str, tuple[str, ...]] = {k: tuple(data[k]) for k in WORD_LISTS}
    alt = {k: alternation(v) for k, v in lists.items()}
    hints = tuple(
        Hint(word_list(h["match"]), h["metric"], h.get("unit", ""), bool(h.get("down")))
        for h in data["metric_hints"]
    )
    number_words = compile_ci(
        rf"(?<![\w\-]){alt['number_words']}(?:-(?:{alt['number_words']}|one))*(?![\w\-])"
    )
    return Rules(
        lang=lang,
        vocabulary=frozenset(_single_words(lists) - _single_words(other)),
        fillers=compile_ci(rf"{alt['fillers']}(?!\w)[\s,:]*"),
        modal=compile_ci(rf"(?:[^\W\d][\w'\-]*[\s,]+){{0,3}}?{alt['modals']}(?!\w)[\s,]*"),
        modal_end=compile_ci(rf"(?<!\w){alt['modals']}[\s,]*$"),
        conjunction=compile_ci(rf"(?<!\w){alt['conjunctions']}(?!\w)[\s,]*"),
        conjunctions=frozenset(e for e in lists["conjunctions"] if " " not in e),
        heads=tuple(
            (k, compile_ci(rf"{alt[f'{k}_verbs']}(?!\w)"), gate_of(lists[f"{k}_verbs"], first=True))
            for k in HEAD_KINDS
        ),
        any_head=gate_of((e for k in HEAD_KINDS for e in lists[f"{k}_verbs"]), first=True),
        fuzzy=_fuzzy_index(lists),
        fuzzy_stems=tuple(
            (kind, e.rstrip("*"))
            for kind in ("task", "milestone")
            for e in lists[f"{kind}_verbs"]
            if e.endswith("*") and " " not in e and "*" not in e[:-1] and len(e) > FUZZY_MIN
        ),
        phrase_ends=frozenset(lists["phrase_ends"]),
        activity=word_list(lists["activity_nouns"], hyphen_joins=True),
        deliverable=word_list(lists["deliverable_nouns"]),
        abstract=WordList(
            compile_ci(
                rf"(?<!\w){alt['abstract_nouns']}(?!\w)"
                rf"(?=[\s,]*(?:$|[.;:!?)]|{alt['phrase_ends']}(?!\w)))"
            ),
            gate_of(lists["abstract_nouns"]),
        ),
        done_states=word_list(lists["done_states"]),
        task_states=word_list(lists["task_states"]),
        judging=word_list(lists["judging_verbs"]),
        judges=word_list(lists["judges"]),
        judgement_clauses=word_list(lists["judgement_clauses"]),
        judgement_bars=word_list(lists["judgement_bars"]),
        vague_head=compile_ci(rf"{alt['vague_verbs']}(?!\w)"),
        down_verbs=word_list(lists["down_verbs"]),
        up_verbs=word_list(lists["up_verbs"]),
        comparatives=word_list(lists["comparatives"]),
        vague_words=word_list(lists["vague_words"]),
        number_words=WordList(number_words, gate_of(lists["number_words"])),
        quantity_phrases=word_list(lists["quantity_phrases"]),
        label_before=compile_ci(rf"(?<!\w){alt['label_words']}[\s.:#\-]*$"),
        year_before=compile_ci(rf"(?<!\w){alt['time_words']}[\s,]*$"),
        month_before=compile_ci(rf"(?<!\w){alt['months']}\.?\s*$"),
        month_after=compile_ci(rf"(?:st|nd|rd|th|:e|:a|e)?\.?\s*(?:of\s+)?{alt['months']}(?!\w)"),
        hints=hints,
        hint_index=Index.of(h.words.gate for h in hints),
        messages={**texts("wording", lang), **data["articles"]},
        no_target=Finding(code="OKR201", message=texts("wording", lang)["okr201"]),
    )


_LEXICON: dict[str, Any] = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
#: Each language's word lists, compiled.
RULES: Mapping[Lang, Rules] = MappingProxyType(
    {
        lang: _compile(lang, _LEXICON[lang], _LEXICON["sv" if lang == "en" else "en"])
        for lang in LANGUAGES
    }
)
#: The number words of each language (``"fem"``, ``"twenty"``, ``"tjugo*"``): the one list, which
#: the quality rules read too (:func:`okrkit.rules.find_number`).
NUMBER_WORDS: Mapping[Lang, tuple[str, ...]] = MappingProxyType(
    {lang: tuple(_LEXICON[lang]["number_words"]) for lang in LANGUAGES}
)

NUMBER_RE = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d.,])|\d+(?:[.,:/]\d+)*")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CLOCK = re.compile(r"(?:[01]?\d|2[0-4]):\d{2}")
NOT_QUANTITIES = frozenset({"1:1", "24/7"})
SIGNS = frozenset("$€£+−")
UNIT_AFTER = compile_ci(
    r"\s?(?:%|‰|×|(?:x|[kmb]n?|[mt]?kr|m?sek|kg|ms|h|pp|st|percent|procent|thousand|million"
    r"|billion|tusen|miljon(?:er)?|miljard(?:er)?)(?!\w))"
)
PLACEHOLDER = compile_ci(
    r"(?<!\w)[xyn]\s?(?:%|percent\b|procent\b)"
    r"|(?<!\w)(?:from|från)\s+[xyn]\b[^.;]{0,40}?\b(?:to|till)\s+[xyn](?!\w)(?:\s?%)?"
)
PLACEHOLDER_WORDS = frozenset("xyn")  # a placeholder match contains one of these as a word
LIST_MARKER = compile_ci(r"\s*(?:[-*•–]+|\d{1,2}[.)]|kr\s*\d*\s*[:.)\-])\s+")
OBJECT_RE = re.compile(r"[^.;:!?\n]*")
