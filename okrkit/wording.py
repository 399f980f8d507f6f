"""Judge the wording of one key result as typed in a workshop: measurable, a task, or vague.

A key result must be falsifiable and measurable by the end of the cycle. :func:`assess_key_result`
reads one sentence in English or Swedish and gives one of three verdicts:

``measurable``
    It states a quantity (a number, a percentage, money, a ratio, "from X to Y", "10x", "double",
    a number written as a word), or it is a binary milestone of a deliverable outcome ("Launch
    version 2.0 of the website", "Bli ISO 27001-certifierade"), or a judged outcome: a named
    group judges something against a stated bar ("Managers rate the new review template as
    useful", "Ledningen bedömer att ...").
``task``
    It names work to do rather than a result ("Implement a loyalty programme", "Genomföra
    workshops"): better filed as an initiative that supports a key result.
``vague``
    A wish with no quantity and no deliverable ("Improve customer satisfaction", "Bli bättre på
    försäljning").

The rules, in order:

1. A quantity makes it measurable, whatever the verb ("Öka X till 25 %", "Write 4 blog posts").
   Numbers that are labels, dates or years do not count ("version 2.0", "ISO 27001", "Q3",
   "31 March", "in 2025", "1:1s"). This is the fast path: the leading verb is then only looked
   up as typed, for the tip on counting an activity.
2. A named group judging against a bar makes a judged outcome, measurable: "Leadership team
   judges that ...", "Customers describe support as friendly", "Cheferna betygsätter ... som
   användbar". "Customers are happier" is no judgement and stays vague.
3. A comparative with no quantity makes it vague ("better", "more", "fler", "snabbare").
4. The leading verb decides: a task verb makes a task; a milestone verb (launch, ship, sign,
   lansera ...) makes a milestone unless its object is an activity ("launch a campaign": a task)
   or an abstraction ("deliver value": vague); "get", "achieve", "få" make a milestone only with a
   deliverable (certification, approval, avtal ...); "hold", "run", "ha" make a task only with an
   activity (meetings, workshops, möten ...). The leading verb is looked for after list markers and
   fillers ("we will", "vi ska"), after a subject and modal ("Our team will"), with one typo
   allowed, and at the start of a second clause ("... and fix the tests").
5. With no deciding verb, a done state ("... live", "booked", "certifierade") makes a milestone,
   also next to a task state ("Summer holiday planned and booked"), but not after a change verb
   ("Increase signed contracts", "Öka antalet bokade möten": what to count); a task state makes
   a task ("Loyalty programme implemented"); an activity noun at the start makes a task
   ("Weekly demos"). Everything else is vague.

The word lists live in ``okrkit/wording_lexicon.json``, one block per language; extending the
rules is adding words there (``docs/wording.md``). The messages and suggestions are the
``wording`` section of ``okrkit/locale/<lang>.json``. The lists are compiled once, at import, each
with a gate that skips its regex for a text without any of its words; a call takes a few tens of
microseconds, so the drafter widget can call it on every keystroke. Besides the standard library,
this module imports only :mod:`okrkit.text` and :mod:`okrkit.findings`.

The finding codes are shared with :mod:`okrkit.checks`, which reports the same problems for the
key results of an OKR set (see :data:`CODES`).

Examples
--------
>>> assess_key_result("Öka andelen återkommande kunder till 25 %").verdict
'measurable'
>>> a = assess_key_result("Implement a loyalty programme")
>>> a.verdict, a.lang, a.codes
('task', 'en', ('OKR202', 'OKR201'))
>>> print(a.suggestion)
Make it an initiative, and measure its outcome: e.g. 'Raise repeat purchases from X % to Y % with the loyalty programme'
>>> print(assess_key_result("Improve customer satisfaction").suggestion)
Say how much and by when: 'Raise CSAT from X to Y by the end of the cycle'
"""  # noqa: E501

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple

from okrkit.findings import Finding, Span
from okrkit.text import LANGUAGES, Lang, resolve_lang, texts

__all__ = [
    "CODES",
    "LEXICON_PATH",
    "MAX_CHARS",
    "Assessment",
    "Finding",
    "Lang",
    "Verdict",
    "assess_key_result",
    "detect_language",
]

Verdict = Literal["measurable", "task", "vague"]

#: The finding codes this module emits, shared with :mod:`okrkit.checks`.
CODES: dict[str, str] = {
    "OKR201": "no measurable target",
    "OKR202": "reads as a task or activity",
    "OKR207": "vague wording",
}

#: The word lists, one block per language (see ``docs/wording.md``).
LEXICON_PATH = Path(__file__).with_name("wording_lexicon.json")

#: Only the first this many characters of a text are read; a key result is one sentence.
MAX_CHARS = 1000

_WORD_LISTS = (
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
_HEAD_KINDS = ("task", "milestone", "acquire", "weak", "vague")  # priority on equal length
_OBJECT_WORDS = 4  # how far after the leading verb its object is looked for
_DELIVERABLE_WORDS = 6  # "Achieve SOC 2 Type II certification"
_SUBJECT_WORDS = 4  # the most words before a judging verb ("Our new sales reps rate ...")
_BAR_WORDS = 8  # how far after a judging verb its bar is looked for
_FUZZY_MIN = 6  # the shortest verb (and typed word) that typo matching tries
_SV_SUFFIXES = ("erna", "arna", "orna", "heten", "ningen", "ningar", "andet", "erar", "era")

_Head = tuple[str, re.Match[str]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessment:
    """What :func:`assess_key_result` makes of one key result.

    Parameters
    ----------
    verdict
        ``"measurable"``, ``"task"`` or ``"vague"``.
    lang
        ``"en"`` or ``"sv"``: the language of the messages (detected unless given).
    findings
        The problems behind a ``task`` or ``vague`` verdict; empty when measurable.
    suggestion
        A suggested rewrite; for a measurable key result a light tip or ``""``.
    message
        One line for a user interface.
    evidence
        The words the verdict rests on: the quantity, the milestone, the task verb or the vague
        words.
    spans
        ``(start, end)`` offsets of ``evidence`` in the text.
    """

    verdict: Verdict
    lang: Lang
    findings: tuple[Finding, ...] = ()
    suggestion: str = ""
    message: str = ""
    evidence: tuple[str, ...] = ()
    spans: tuple[Span, ...] = ()

    @property
    def measurable(self) -> bool:
        """Whether the key result states a target or a milestone."""
        return self.verdict == "measurable"

    @property
    def task(self) -> bool:
        """Whether the key result reads as a task (better an initiative)."""
        return self.verdict == "task"

    @property
    def vague(self) -> bool:
        """Whether the key result is a wish without quantity or deliverable."""
        return self.verdict == "vague"

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of the findings, in order."""
        return tuple(f.code for f in self.findings)


# --- the word lists, compiled ----------------------------------------------------------------

_WORD = re.compile(r"\w+")


def _entry(entry: str) -> str:
    """The regex of one list entry: spaces match spaces or hyphens; ``*`` matches letters."""
    body = r"[\s\-]+".join(re.escape(w) for w in entry.strip("*").split())
    return (
        (r"\w*" if entry.startswith("*") else "") + body + (r"\w*" if entry.endswith("*") else "")
    )


def _alternation(entries: Iterable[str]) -> str:
    ordered = sorted(set(entries), key=lambda e: (-len(e), e))  # longest first
    return "(?:" + "|".join(_entry(e) for e in ordered) + ")"


def _pattern(regex: str) -> re.Pattern[str]:
    return re.compile(regex, re.IGNORECASE)


class _Seen(NamedTuple):
    """What the gates read of a text: its words and the whole text, in lower case."""

    words: frozenset[str]
    low: str


@dataclass(frozen=True, slots=True)
class _Gate:
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

    def open(self, seen: _Seen) -> bool:
        """Whether an entry can match the text ``seen``."""
        if self.always or not self.words.isdisjoint(seen.words):
            return True
        return bool(self.pieces) and any(piece in seen.low for piece in self.pieces)


def _gate(entries: Iterable[str], *, first: bool = False) -> _Gate:
    """The gate of a list: per entry its longest word that must stand whole in the text, else
    its starred word (a prefix, suffix or infix). With ``first``, the entry's first word only,
    for lists matched at a position (:meth:`_Gate.admits` the word there)."""
    words: set[str] = set()
    pieces: set[str] = set()
    prefixes: list[str] = []
    for entry in entries:
        body = entry.strip("*")
        tokens = list(_WORD.finditer(body))
        if not tokens or (first and (entry.startswith("*") or tokens[0].start() > 0)):
            return _Gate(frozenset(), always=True)
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
    return _Gate(frozenset(words), tuple(kept), tuple(prefixes))


@dataclass(frozen=True, slots=True)
class _List:
    """A compiled word list: its regex, and the gate that skips the regex when it cannot match."""

    pattern: re.Pattern[str]
    gate: _Gate

    def search(self, text: str, pos: int, seen: _Seen) -> re.Match[str] | None:
        return self.pattern.search(text, pos) if self.gate.open(seen) else None

    def finditer(self, text: str, pos: int, seen: _Seen) -> Iterable[re.Match[str]]:
        return self.pattern.finditer(text, pos) if self.gate.open(seen) else ()

    def within(self, text: str, a: int, b: int, seen: _Seen) -> re.Match[str] | None:
        """The first match that starts in ``text[a:b]``; its look-arounds see the whole text."""
        m = self.search(text, a, seen)
        return m if m and m.start() < b else None


def _words(entries: Iterable[str], *, hyphen_joins: bool = False) -> _List:
    """Whole-word matcher; with ``hyphen_joins`` "class" is not found in "world-class"."""
    edge = r"\w\-" if hyphen_joins else r"\w"
    entries = tuple(entries)
    return _List(
        re.compile(rf"(?<![{edge}]){_alternation(entries)}(?![{edge}])", re.IGNORECASE),
        _gate(entries),
    )


@dataclass(frozen=True, slots=True)
class _Index:
    """The gates of several lists in one: which of them open for a text, in list order."""

    words: Mapping[str, tuple[int, ...]]
    pieces: tuple[tuple[str, int], ...]
    always: tuple[int, ...]

    @classmethod
    def of(cls, gates: Iterable[_Gate]) -> _Index:
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

    def open(self, seen: _Seen) -> list[int]:
        found = {i for word in seen.words for i in self.words.get(word, ())}
        found.update(i for piece, i in self.pieces if piece in seen.low)
        found.update(self.always)
        return sorted(found)


@dataclass(frozen=True, slots=True)
class _Hint:
    """A metric to suggest when the text mentions a topic ("loyalty" → repeat purchases)."""

    words: _List
    metric: str
    unit: str
    down: bool


@dataclass(frozen=True, slots=True)
class _Rules:
    """One language's word lists, compiled."""

    lang: Lang
    vocabulary: frozenset[str]  # words only this language has, for detect_language
    fillers: re.Pattern[str]
    modal: re.Pattern[str]
    modal_end: re.Pattern[str]  # a modal ending a subject: "Managers will" (rate ...)
    conjunction: re.Pattern[str]
    conjunctions: frozenset[str]
    heads: tuple[tuple[str, re.Pattern[str], _Gate], ...]
    any_head: _Gate  # whether any listed verb can start with a word
    fuzzy: Mapping[str, tuple[tuple[str, str], ...]]  # a verb and its one-deletion variants
    fuzzy_stems: tuple[tuple[str, str], ...]  # verbs given with an ending: "implement*"
    phrase_ends: frozenset[str]
    activity: _List
    deliverable: _List
    abstract: _List  # only as the head of an object: "value to", not "value stream"
    done_states: _List
    task_states: _List
    judging: _List
    judges: _List
    judgement_clauses: _List
    judgement_bars: _List
    vague_head: re.Pattern[str]
    down_verbs: _List
    up_verbs: _List
    comparatives: _List
    vague_words: _List
    number_words: _List
    quantity_phrases: _List
    label_before: re.Pattern[str]
    year_before: re.Pattern[str]
    month_before: re.Pattern[str]
    month_after: re.Pattern[str]
    hints: tuple[_Hint, ...]
    hint_index: _Index
    messages: Mapping[str, Any]
    no_target: Finding  # OKR201, the same for every task and vague verdict


def _single_words(lists: Mapping[str, Iterable[str]]) -> set[str]:
    return {w for k in _WORD_LISTS if k != "label_words" for w in lists[k] if w.isalpha()}


def _one_deletions(word: str) -> set[str]:
    """``word`` and every string one letter shorter: two words within one typo of each other
    (an insertion, deletion, change or swap) share one of these."""
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def _fuzzy_index(lists: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[tuple[str, str], ...]]:
    index: dict[str, list[tuple[str, str]]] = {}
    for kind in ("task", "milestone"):
        for entry in lists[f"{kind}_verbs"]:
            if " " in entry or "*" in entry or len(entry) < _FUZZY_MIN:
                continue
            for key in _one_deletions(entry):
                index.setdefault(key, []).append((kind, entry))
    return {key: tuple(found) for key, found in index.items()}


def _compile(lang: Lang, data: Mapping[str, Any], other: Mapping[str, Any]) -> _Rules:
    missing = [k for k in (*_WORD_LISTS, "metric_hints", "articles") if k not in data]
    if missing:
        raise KeyError(f"{LEXICON_PATH.name}: {lang!r} lacks {', '.join(missing)}")
    lists: dict[str, tuple[str, ...]] = {k: tuple(data[k]) for k in _WORD_LISTS}
    alt = {k: _alternation(v) for k, v in lists.items()}
    hints = tuple(
        _Hint(_words(h["match"]), h["metric"], h.get("unit", ""), bool(h.get("down")))
        for h in data["metric_hints"]
    )
    number_words = _pattern(
        rf"(?<![\w\-]){alt['number_words']}(?:-(?:{alt['number_words']}|one))*(?![\w\-])"
    )
    return _Rules(
        lang=lang,
        vocabulary=frozenset(_single_words(lists) - _single_words(other)),
        fillers=_pattern(rf"{alt['fillers']}(?!\w)[\s,:]*"),
        modal=_pattern(rf"(?:[^\W\d][\w'\-]*[\s,]+){{0,3}}?{alt['modals']}(?!\w)[\s,]*"),
        modal_end=_pattern(rf"(?<!\w){alt['modals']}[\s,]*$"),
        conjunction=_pattern(rf"(?<!\w){alt['conjunctions']}(?!\w)[\s,]*"),
        conjunctions=frozenset(e for e in lists["conjunctions"] if " " not in e),
        heads=tuple(
            (k, _pattern(rf"{alt[f'{k}_verbs']}(?!\w)"), _gate(lists[f"{k}_verbs"], first=True))
            for k in _HEAD_KINDS
        ),
        any_head=_gate((e for k in _HEAD_KINDS for e in lists[f"{k}_verbs"]), first=True),
        fuzzy=_fuzzy_index(lists),
        fuzzy_stems=tuple(
            (kind, e.rstrip("*"))
            for kind in ("task", "milestone")
            for e in lists[f"{kind}_verbs"]
            if e.endswith("*") and " " not in e and "*" not in e[:-1] and len(e) > _FUZZY_MIN
        ),
        phrase_ends=frozenset(lists["phrase_ends"]),
        activity=_words(lists["activity_nouns"], hyphen_joins=True),
        deliverable=_words(lists["deliverable_nouns"]),
        abstract=_List(
            _pattern(
                rf"(?<!\w){alt['abstract_nouns']}(?!\w)"
                rf"(?=[\s,]*(?:$|[.;:!?)]|{alt['phrase_ends']}(?!\w)))"
            ),
            _gate(lists["abstract_nouns"]),
        ),
        done_states=_words(lists["done_states"]),
        task_states=_words(lists["task_states"]),
        judging=_words(lists["judging_verbs"]),
        judges=_words(lists["judges"]),
        judgement_clauses=_words(lists["judgement_clauses"]),
        judgement_bars=_words(lists["judgement_bars"]),
        vague_head=_pattern(rf"{alt['vague_verbs']}(?!\w)"),
        down_verbs=_words(lists["down_verbs"]),
        up_verbs=_words(lists["up_verbs"]),
        comparatives=_words(lists["comparatives"]),
        vague_words=_words(lists["vague_words"]),
        number_words=_List(number_words, _gate(lists["number_words"])),
        quantity_phrases=_words(lists["quantity_phrases"]),
        label_before=_pattern(rf"(?<!\w){alt['label_words']}[\s.:#\-]*$"),
        year_before=_pattern(rf"(?<!\w){alt['time_words']}[\s,]*$"),
        month_before=_pattern(rf"(?<!\w){alt['months']}\.?\s*$"),
        month_after=_pattern(rf"(?:st|nd|rd|th|:e|:a|e)?\.?\s*(?:of\s+)?{alt['months']}(?!\w)"),
        hints=hints,
        hint_index=_Index.of(h.words.gate for h in hints),
        messages={**texts("wording", lang), **data["articles"]},
        no_target=Finding(code="OKR201", message=texts("wording", lang)["okr201"]),
    )


def _load(path: Path) -> dict[Lang, _Rules]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        lang: _compile(lang, data[lang], data["sv" if lang == "en" else "en"]) for lang in LANGUAGES
    }


_RULES = _load(LEXICON_PATH)

_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d.,])|\d+(?:[.,:/]\d+)*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CLOCK = re.compile(r"(?:[01]?\d|2[0-4]):\d{2}")
_NOT_QUANTITIES = frozenset({"1:1", "24/7"})
_SIGNS = frozenset("$€£+−")
_UNIT_AFTER = _pattern(
    r"\s?(?:%|‰|×|(?:x|[kmb]n?|[mt]?kr|m?sek|kg|ms|h|pp|st|percent|procent|thousand|million"
    r"|billion|tusen|miljon(?:er)?|miljard(?:er)?)(?!\w))"
)
_PLACEHOLDER = _pattern(
    r"(?<!\w)[xyn]\s?(?:%|percent\b|procent\b)"
    r"|(?<!\w)(?:from|från)\s+[xyn]\b[^.;]{0,40}?\b(?:to|till)\s+[xyn](?!\w)(?:\s?%)?"
)
_PLACEHOLDER_WORDS = frozenset("xyn")  # a placeholder match contains one of these as a word
_LIST_MARKER = _pattern(r"\s*(?:[-*•–]+|\d{1,2}[.)]|kr\s*\d*\s*[:.)\-])\s+")
_OBJECT = re.compile(r"[^.;:!?\n]*")


# --- language --------------------------------------------------------------------------------


def detect_language(text: str) -> Lang:
    """Guess whether ``text`` is English or Swedish.

    Swedish letters (å ä ö), stopwords, Swedish word endings and the words of each language's
    lists (OKR verbs such as *öka*, *minska*, *lansera* against *increase*, *reduce*, *launch*)
    score points; a tie, such as a text of digits only, is English.

    Parameters
    ----------
    text
        Any text; only the first :data:`MAX_CHARS` characters are read.

    Returns
    -------
    str
        ``"sv"`` or ``"en"``.

    Examples
    --------
    >>> detect_language("Minska churn från 8 % till 5 %")
    'sv'
    >>> detect_language("Reduce churn from 8% to 5%")
    'en'
    >>> detect_language("NPS 42")
    'en'
    """
    return _detect(_WORD.findall(text[:MAX_CHARS].lower()))


def _detect(words: Iterable[str]) -> Lang:
    """:func:`detect_language` on the words of a text (lower case)."""
    en, sv = _RULES["en"].vocabulary, _RULES["sv"].vocabulary
    score = 0.0
    for word in words:
        if word in sv:
            score += 1.0
        elif word in en:
            score -= 1.0
        if "å" in word or "ä" in word or "ö" in word:
            score += 1.5
        elif len(word) > 5 and word.endswith(_SV_SUFFIXES):
            score += 0.5
    return "sv" if score > 0 else "en"


# --- the verdict -----------------------------------------------------------------------------


def assess_key_result(text: str, lang: str | None = None) -> Assessment:
    """Say whether a key result reads as a measurable outcome, a task or a vague wish.

    Never raises for any text: an empty text is ``vague`` with a finding that asks for text.

    Parameters
    ----------
    text
        One key result as typed, in English or Swedish. Only the first :data:`MAX_CHARS`
        characters are read.
    lang
        ``"en"`` or ``"sv"`` (``"sv-SE"`` and upper case are accepted); detected with
        :func:`detect_language` when ``None``.

    Returns
    -------
    Assessment
        The verdict, the findings behind it (``OKR201``, ``OKR202``, ``OKR207``), a suggested
        rewrite and a one-line message, in the language of the text.

    Raises
    ------
    ValueError
        If ``lang`` is given and is neither English nor Swedish.

    Examples
    --------
    >>> assess_key_result("Launch version 2.0 of the website").verdict
    'measurable'
    >>> assess_key_result("1 million website visitors").evidence
    ('1 million',)
    >>> a = assess_key_result("Implementera ett lojalitetsprogram")
    >>> a.verdict, a.lang
    ('task', 'sv')
    >>> print(a.message)
    Låter som en uppgift (”Implementera”): gör det till ett initiativ och mät effekten.
    >>> print(assess_key_result("Förbättra kundnöjdheten").suggestion)
    Säg hur mycket och till när: 'Öka kundnöjdheten (CSAT) från X till Y före periodens slut'
    >>> assess_key_result("   ").codes
    ('OKR201',)
    """
    if not isinstance(text, str):  # be lenient with what a widget hands over
        text = "" if text is None else str(text)
    text = text[:MAX_CHARS]
    low = text.lower()
    words = _WORD.findall(low)
    rules = _RULES[_language(lang) if lang is not None else _detect(words)]
    msg = rules.messages
    if not text.strip():
        return Assessment(
            verdict="vague",
            lang=rules.lang,
            findings=(Finding(code="OKR201", message=msg["okr201_empty"]),),
            suggestion=msg["suggest_empty"].format(direction=msg["up"], metric=msg["metric"]),
            message=msg["verdict_empty"],
        )
    seen = _Seen(frozenset(words), low)
    body, pos = _start(rules, text)

    if quantities := _quantities(rules, text, body, seen):
        # The fast path: a quantity decides. The verb, looked up without typos or second
        # clauses, only says whether the number counts an activity ("Write 4 blog posts").
        head = _head(rules, text, pos, seen, exact=True)
        tip = msg["tip_output"] if head and head[0] in ("task", "weak") else ""
        return _measurable(rules, text, quantities, "verdict_measurable", tip)
    if judged := _judged(rules, text, pos, seen):
        return _measurable(rules, text, judged, "verdict_judged", msg["tip_judged"])
    if rules.comparatives.search(text, pos, seen):
        return _vague(rules, text, pos, seen)
    head = _head(rules, text, pos, seen)
    kind = head[0] if head else None
    if head:
        verb = head[1]
        a, b = _window(text, verb.end())
        activity = rules.activity.within(text, a, b, seen)
        abstract = rules.abstract.within(text, a, b, seen)
        if kind in ("task", "weak"):
            if abstract and not activity:  # "Build trust with ...", "Create a culture of ..."
                return _vague(rules, text, pos, seen)
            return _task(rules, text, verb, seen)
        if kind == "milestone":
            if activity:
                return _task(rules, text, verb, seen)
            if abstract:
                return _vague(rules, text, pos, seen)
            return _measurable(
                rules, text, [verb.span()], "verdict_milestone", msg["tip_milestone"]
            )
        if kind == "acquire":
            spans = [verb.span()]
            if deliverable := rules.deliverable.within(
                text, *_window(text, verb.end(), _DELIVERABLE_WORDS), seen
            ):
                spans.append(deliverable.span())
            return _measurable(rules, text, spans, "verdict_milestone", msg["tip_milestone"])
    # A done state wins over a task state ("Summer holiday planned and booked").
    done = _done_state(rules, text, max(head[1].end() if head else pos, pos + 1), seen, head)
    if done:
        return _measurable(rules, text, [done.span()], "verdict_milestone", msg["tip_milestone"])
    if head is None:
        if started := rules.task_states.search(text, pos + 1, seen):
            return _task(rules, text, started, seen, before=pos)
        if noun := rules.activity.within(text, *_window(text, pos, 3), seen):
            return _task(rules, text, noun, seen, noun=True)
    return _vague(rules, text, pos, seen)


def _language(lang: str) -> Lang:
    try:
        return resolve_lang(lang)
    except ValueError:
        choices = ", ".join(repr(code) for code in LANGUAGES)
        raise ValueError(
            f"language {lang!r} is not supported: give {choices} or None to detect it"
        ) from None


def _start(rules: _Rules, text: str) -> tuple[int, int]:
    """Where the text starts after a list marker ("1.", "KR2:"), and where its leading verb
    would be (after fillers such as "we will", "vi ska")."""
    m = _LIST_MARKER.match(text)
    body = pos = m.end() if m else 0
    while pos < len(text) and not text[pos].isalnum():
        pos += 1
    for _ in range(4):
        f = rules.fillers.match(text, pos)
        if not f or f.end() == pos:
            break
        pos = f.end()
    return body, pos


def _head(rules: _Rules, text: str, pos: int, seen: _Seen, *, exact: bool = False) -> _Head | None:
    """The leading verb and its kind when it decides the verdict.

    Looked for at ``pos``, then after a subject and a modal ("Our team will ..."); unless
    ``exact``, then with one typo, then at the start of a second clause ("... and fix the
    tests").
    """
    present, head = _verb_at(rules, text, pos, seen)
    if present:
        return head
    modal = rules.modal.match(text, pos)
    if modal:
        present, head = _verb_at(rules, text, modal.end(), seen)
        if present:
            return head
    if exact:
        return None
    if head := _fuzzy_head(rules, text, pos):
        return head
    for conjunction in itertools.islice(rules.conjunction.finditer(text, pos + 1), 2):
        present, head = _verb_at(rules, text, conjunction.end(), seen)
        if present:
            return head
    return None


def _verb_at(rules: _Rules, text: str, pos: int, seen: _Seen) -> tuple[bool, _Head | None]:
    """Whether a listed verb stands at ``pos``, and the one that decides: the longest, except
    that "get" needs a deliverable and "hold" an activity after it to count."""
    first = _WORD.match(text, pos)
    word = first.group().lower() if first else ""
    if not rules.any_head.admits(word):
        return False, None
    candidates = [
        (kind, m)
        for kind, pattern, gate in rules.heads
        if gate.admits(word) and (m := pattern.match(text, pos))
    ]
    candidates.sort(key=lambda c: c[1].start() - c[1].end())  # longest first, stable
    for kind, m in candidates:
        if kind == "acquire" and not rules.deliverable.within(
            text, *_window(text, m.end(), _DELIVERABLE_WORDS), seen
        ):
            continue
        if kind == "weak" and not rules.activity.within(text, *_window(text, m.end()), seen):
            continue
        return True, (kind, m)
    return bool(candidates), None


def _fuzzy_head(rules: _Rules, text: str, pos: int) -> _Head | None:
    """A task or milestone verb of six letters or more, typed with one typo ("Implment").

    A dictionary lookup of the word's one-deletion variants finds the candidates (the verbs of
    the lists are indexed the same way at import); only verbs given with an ending
    ("implement*") are compared one by one.
    """
    m = _WORD.match(text, pos)
    if not m or len(m.group()) < _FUZZY_MIN:
        return None
    kind = _typo_kind(rules.lang, m.group().lower())
    return (kind, m) if kind else None


@functools.lru_cache(maxsize=4096)  # a widget asks again for the same first word on each key
def _typo_kind(lang: Lang, word: str) -> str | None:
    """The list ("task" or "milestone") with a verb one typo from ``word``, else None."""
    rules = _RULES[lang]
    kinds = {
        kind
        for key in _one_deletions(word)
        for kind, verb in rules.fuzzy.get(key, ())
        if _one_typo(word, verb)
    }
    for kind, stem in rules.fuzzy_stems:
        n = len(stem)
        if kind not in kinds and any(_one_typo(word[:k], stem) for k in (n - 1, n, n + 1)):
            kinds.add(kind)
    return next((kind for kind in ("task", "milestone") if kind in kinds), None)


def _one_typo(word: str, target: str) -> bool:
    """Whether ``word`` is ``target`` or one insertion, deletion, change or swap away."""
    if word == target:
        return True
    if len(word) == len(target):
        diff = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and word[diff[0]] == target[diff[1]]
        )
    if abs(len(word) - len(target)) != 1:
        return False
    short, long_ = sorted((word, target), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _next_words(text: str, end: int, words: int) -> list[re.Match[str]]:
    """The next ``words`` words after ``end``, within the sentence."""
    found: list[re.Match[str]] = []
    stop = end
    for m in _WORD.finditer(text, end):
        gap = text[stop : m.start()]
        if "." in gap or "\n" in gap:
            break
        found.append(m)
        stop = m.end()
        if len(found) == words:
            break
    return found


def _window(text: str, end: int, words: int = _OBJECT_WORDS) -> Span:
    """The span of the next ``words`` words after ``end``, within the sentence."""
    found = _next_words(text, end, words)
    return end, found[-1].end() if found else end


def _judged(rules: _Rules, text: str, pos: int, seen: _Seen) -> list[Span] | None:
    """The judging verb and the bar of a judged outcome, if the text is one.

    A named group (a listed subject such as "Managers", "Ledningen", at most four words, maybe
    with a modal) judges something (judges, rates, finds, bedömer, anser ...) against a stated
    bar: a clause right after the verb ("judges that ...", "bedömer att ...") with two words or
    more, or after at least one word a complement or a judging word ("rate the template as
    useful", "find the app easy to use", "faster than ..."). A subject with a comparative
    ("More customers rate ...") or after a listed verb ("Improve how customers rate ...") does
    not count.
    """
    if not (rules.judging.gate.open(seen) and rules.judges.gate.open(seen)):
        return None
    verb = rules.judging.within(text, pos + 1, _window(text, pos, _SUBJECT_WORDS + 2)[1], seen)
    if not verb:
        return None
    subject = text[pos : verb.start()]
    if modal := rules.modal_end.search(subject):
        subject = subject[: modal.start()]
    names = _WORD.findall(subject)
    if not 0 < len(names) <= _SUBJECT_WORDS or not rules.judges.pattern.fullmatch(names[-1]):
        return None
    if rules.comparatives.pattern.search(subject):
        return None
    lead = _WORD.match(text, pos)  # "Pilot users find ..." is a subject, "Help users find ..." not
    if _verb_at(rules, text, pos, seen)[0] and not (
        lead and rules.activity.pattern.fullmatch(lead.group())
    ):
        return None
    after = _next_words(text, verb.end(), _BAR_WORDS)
    if len(after) < 2:
        return None
    if clause := rules.judgement_clauses.pattern.match(text, after[0].start()):
        return [verb.span(), clause.span()] if len(after) >= 3 else None
    bar = rules.judgement_bars.pattern.search(text, after[1].start(), after[-1].end())
    return [verb.span(), bar.span()] if bar else None


def _done_state(
    rules: _Rules, text: str, start: int, seen: _Seen, head: _Head | None
) -> re.Match[str] | None:
    """The first done state from ``start`` on, unless the leading verb is a change verb: then
    a done state describes what to count, not a milestone ("Increase signed contracts", "Öka
    antalet bokade möten", "Raise the share of projects delivered on time")."""
    if head and head[0] == "vague":
        verb = head[1].group()
        if rules.up_verbs.pattern.fullmatch(verb) or rules.down_verbs.pattern.fullmatch(verb):
            return None
    return rules.done_states.search(text, start, seen)


def _quantities(rules: _Rules, text: str, start: int, seen: _Seen) -> list[Span]:
    """Spans of the quantities from ``start`` on: numbers that are no label, date or year, with
    their units; numbers as words; "double", "halvera", "a third"; "X %" placeholders."""
    found: list[Span] = []
    dates = [m.span() for m in _ISO_DATE.finditer(text, start)] if "-" in text else []
    for m in _NUMBER.finditer(text, start):
        s, e = m.span()
        token, before = m.group(), text[max(0, s - 24) : s]
        if s > 0 and (text[s - 1].isalpha() or (text[s - 1] == "-" and before[-2:-1].isalpha())):
            continue  # an identifier: P1, B2B, Q3, v2, GPT-4
        if token in _NOT_QUANTITIES or _CLOCK.fullmatch(token) or any(a <= s < b for a, b in dates):
            continue  # 1:1 meetings, 24/7, 18:00, 2026-03-31
        if rules.label_before.search(before):
            continue  # version 2.0, ISO 27001, vecka 12, kl. 18
        if rules.month_before.search(before) or rules.month_after.match(text, e):
            continue  # 31 March, mars 31
        if (
            len(token) == 4
            and token[:2] in ("19", "20")
            and token.isdigit()
            and (rules.year_before.search(before) or text[e : e + 2].lower() in ("-q", "-h"))
        ):
            continue  # in 2025, före 2026, the 2025 report, 2025-Q3
        if text[s - 1 : s] in _SIGNS:
            s -= 1
        unit = _UNIT_AFTER.match(text, e)
        found.append((s, unit.end() if unit else e))
    for words in (rules.number_words, rules.quantity_phrases):
        found.extend(m.span() for m in words.finditer(text, start, seen))
    if not _PLACEHOLDER_WORDS.isdisjoint(seen.words):
        found.extend(m.span() for m in _PLACEHOLDER.finditer(text, start))
    return _outermost(found)


def _outermost(spans: Iterable[Span]) -> list[Span]:
    """Sorted spans with overlapping ones merged."""
    kept: list[Span] = []
    for a, b in sorted(spans):
        if kept and a < kept[-1][1]:
            kept[-1] = (kept[-1][0], max(b, kept[-1][1]))
        else:
            kept.append((a, b))
    return kept


# --- building the answer ---------------------------------------------------------------------


def _quote(rules: _Rules, text: str, spans: Iterable[Span]) -> str:
    left, right = rules.messages["quotes"]
    return ", ".join(f"{left}{text[a:b]}{right}" for a, b in spans)


def _hint(rules: _Rules, text: str, seen: _Seen) -> _Hint | None:
    """The first metric hint whose words are in the text."""
    hints = rules.hints
    return next(
        (hints[i] for i in rules.hint_index.open(seen) if hints[i].words.pattern.search(text)), None
    )


def _object(rules: _Rules, text: str, start: int, end: int | None = None) -> str:
    """The object of the verb ending at ``start``, up to a preposition ("the security review");
    a second verb joined by "and", "och" is skipped ("Research and prepare a proposal": "the
    proposal"). With ``end``, the noun phrase from ``start`` to ``end`` instead: the subject of
    a participle ("Summer holiday planned"), made definite ("the summer holiday")."""
    if end is None:
        start += len(text[start:]) - len(text[start:].lstrip())
        if conjunction := rules.conjunction.match(text, start):
            start = conjunction.end()
            verbs = [m.end() for _, pattern, _ in rules.heads if (m := pattern.match(text, start))]
            start = max(verbs, default=start)
    m = _OBJECT.match(text, start, len(text) if end is None else end)
    words: list[str] = []
    for word in (m.group() if m else "").split():
        if len(words) == 6 or (words and word.lower() in rules.phrase_ends):
            break
        words.append(word.rstrip(","))
    msg = rules.messages
    if not words:
        return str(msg["object_fallback"])
    if end is not None:
        if words[0].istitle():  # capitalised only as the first word of the text
            words[0] = words[0].lower()
        if words[0].lower() not in msg["determiners"]:
            words.insert(0, msg["definite"])
    if words[0].lower() in msg["indefinite"]:
        words[0] = msg["definite"]
    return " ".join(w for w in words if w)


def _measurable(rules: _Rules, text: str, spans: list[Span], key: str, tip: str) -> Assessment:
    return Assessment(
        verdict="measurable",
        lang=rules.lang,
        suggestion=tip,
        message=rules.messages[key].format(evidence=_quote(rules, text, spans[:3])),
        evidence=tuple(text[a:b] for a, b in spans),
        spans=tuple(spans),
    )


def _task(
    rules: _Rules,
    text: str,
    found: re.Match[str],
    seen: _Seen,
    *,
    noun: bool = False,
    before: int | None = None,
) -> Assessment:
    """A task verdict on the verb (or activity noun, or task state) ``found``. The object of
    the suggestion follows the verb, starts at the noun, or, for a task state, is the noun
    phrase from ``before`` up to it ("Loyalty programme implemented")."""
    msg = rules.messages
    span = found.span()
    quoted = _quote(rules, text, [span])
    hint = _hint(rules, text, seen)
    if before is not None:
        what = _object(rules, text, before, span[0])
    else:
        what = _object(rules, text, span[0] if noun else span[1])
    suggestion = msg["suggest_task"].format(
        direction=msg["down"] if hint and hint.down else msg["up"],
        metric=hint.metric if hint else msg["outcome"],
        unit=hint.unit if hint else "",
        object=what,
    )
    findings = (
        Finding(
            code="OKR202",
            message=msg["okr202"].format(evidence=quoted),
            evidence=(found.group(),),
            spans=(span,),
        ),
        rules.no_target,
    )
    return Assessment(
        verdict="task",
        lang=rules.lang,
        findings=findings,
        suggestion=suggestion,
        message=msg["verdict_task"].format(evidence=quoted),
        evidence=(found.group(),),
        spans=(span,),
    )


def _vague(rules: _Rules, text: str, pos: int, seen: _Seen) -> Assessment:
    msg = rules.messages
    verb = rules.vague_head.match(text, pos)
    spans = _outermost(
        [m.span() for m in rules.vague_words.finditer(text, pos, seen)]
        + [m.span() for m in rules.comparatives.finditer(text, pos, seen)]
        + ([verb.span()] if verb else [])
    )
    evidence = tuple(text[a:b] for a, b in spans)
    hint = _hint(rules, text, seen)
    down_verb = bool(verb and rules.down_verbs.pattern.fullmatch(verb[0]))
    if hint:
        metric, unit, down = hint.metric, hint.unit, hint.down
    elif verb and (down_verb or rules.up_verbs.pattern.fullmatch(verb[0])):
        metric, unit, down = _object(rules, text, verb.end()), "", down_verb  # "Cut the bugs"
    else:
        metric, unit, down = msg["metric"], "", False
    okr207 = msg["okr207_bare"]
    if spans:
        okr207 = msg["okr207"].format(evidence=_quote(rules, text, spans[:3]))
    return Assessment(
        verdict="vague",
        lang=rules.lang,
        findings=(
            Finding(code="OKR207", message=okr207, evidence=evidence, spans=tuple(spans)),
            rules.no_target,
        ),
        suggestion=msg["suggest_vague"].format(
            direction=msg["down"] if down else msg["up"], metric=metric, unit=unit
        ),
        message=msg["verdict_vague"],
        evidence=evidence,
        spans=tuple(spans),
    )
