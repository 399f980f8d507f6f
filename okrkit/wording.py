"""Judge the wording of one key result as typed in a workshop: measurable, a task, or vague.

A key result must be falsifiable and measurable by the end of the cycle. :func:`assess_key_result`
reads one sentence in English or Swedish and gives one of three verdicts:

``measurable``
    It states a quantity (a number, a percentage, money, a ratio, "from X to Y", "10x", "double",
    a number written as a word), or it is a binary milestone of a deliverable outcome ("Launch
    version 2.0 of the website", "Bli ISO 27001-certifierade").
``task``
    It names work to do rather than a result ("Implement a loyalty programme", "Genomföra
    workshops"): better filed as an initiative that supports a key result.
``vague``
    A wish with no quantity and no deliverable ("Improve customer satisfaction", "Bli bättre på
    försäljning").

The rules, in order:

1. A quantity makes it measurable, whatever the verb ("Öka X till 25 %", "Write 4 blog posts").
   Numbers that are labels, dates or years do not count ("version 2.0", "ISO 27001", "Q3",
   "31 March", "in 2025", "1:1s").
2. A comparative with no quantity makes it vague ("better", "more", "fler", "snabbare").
3. The leading verb decides: a task verb makes a task; a milestone verb (launch, ship, sign,
   lansera ...) makes a milestone unless its object is an activity ("launch a campaign": a task)
   or an abstraction ("deliver value": vague); "get", "achieve", "få" make a milestone only with a
   deliverable (certification, approval, avtal ...); "hold", "run", "ha" make a task only with an
   activity (meetings, workshops, möten ...). The leading verb is looked for after list markers and
   fillers ("we will", "vi ska"), after a subject and modal ("Our team will"), with one typo
   allowed, and at the start of a second clause ("... and fix the tests").
4. With no deciding verb, a done state ("... live", "certifierade") makes a milestone, and an
   activity noun at the start makes a task ("Weekly demos"). Everything else is vague.

The word lists live in ``okrkit/wording_lexicon.json``, one block per language; extending the
rules is adding words there (``docs/wording.md``). They are compiled once, at import; a call takes
tens of microseconds, so the drafter widget can call it on every keystroke. This module imports
only the standard library.

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

import itertools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

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
Lang = Literal["en", "sv"]

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

_LANGS: tuple[Lang, ...] = ("en", "sv")
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
_SV_SUFFIXES = ("erna", "arna", "orna", "heten", "ningen", "ningar", "andet", "erar", "era")

Span = tuple[int, int]
_Head = tuple[str, re.Match[str]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One problem with the wording, and the words that show it.

    Parameters
    ----------
    code
        Stable code shared with :mod:`okrkit.checks` (see :data:`CODES`).
    message
        One line for a person, in the language of the text.
    evidence
        The words of the text the finding rests on (may be empty).
    spans
        ``(start, end)`` offsets of ``evidence`` in the text, for highlighting.
    """

    code: str
    message: str
    evidence: tuple[str, ...] = ()
    spans: tuple[Span, ...] = ()


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


def _entry(entry: str) -> str:
    """The regex of one list entry: spaces match spaces or hyphens; ``*`` matches letters."""
    body = r"[\s\-]+".join(re.escape(w) for w in entry.strip("*").split())
    return (
        (r"\w*" if entry.startswith("*") else "") + body + (r"\w*" if entry.endswith("*") else "")
    )


def _alternation(entries: Iterable[str]) -> str:
    ordered = sorted(set(entries), key=lambda e: (-len(e), e))  # longest first
    return "(?:" + "|".join(_entry(e) for e in ordered) + ")"


def _words(entries: Iterable[str], *, hyphen_joins: bool = False) -> re.Pattern[str]:
    """Whole-word matcher; with ``hyphen_joins`` "class" is not found in "world-class"."""
    edge = r"\w\-" if hyphen_joins else r"\w"
    return re.compile(rf"(?<![{edge}]){_alternation(entries)}(?![{edge}])", re.IGNORECASE)


def _pattern(regex: str) -> re.Pattern[str]:
    return re.compile(regex, re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Hint:
    """A metric to suggest when the text mentions a topic ("loyalty" → repeat purchases)."""

    pattern: re.Pattern[str]
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
    conjunction: re.Pattern[str]
    heads: tuple[tuple[str, re.Pattern[str]], ...]
    fuzzy: Mapping[str, tuple[str, ...]]
    phrase_ends: frozenset[str]
    activity: re.Pattern[str]
    deliverable: re.Pattern[str]
    abstract: re.Pattern[str]  # only as the head of an object: "value to", not "value stream"
    done_states: re.Pattern[str]
    task_states: re.Pattern[str]
    vague_head: re.Pattern[str]
    down_verbs: re.Pattern[str]
    up_verbs: re.Pattern[str]
    comparatives: re.Pattern[str]
    vague_words: re.Pattern[str]
    number_words: re.Pattern[str]
    quantity_phrases: re.Pattern[str]
    label_before: re.Pattern[str]
    year_before: re.Pattern[str]
    month_before: re.Pattern[str]
    month_after: re.Pattern[str]
    hints: tuple[_Hint, ...]
    messages: Mapping[str, Any]


def _single_words(lists: Mapping[str, Iterable[str]]) -> set[str]:
    return {w for k in _WORD_LISTS if k != "label_words" for w in lists[k] if w.isalpha()}


def _compile(lang: Lang, data: Mapping[str, Any], other: Mapping[str, Any]) -> _Rules:
    missing = [k for k in (*_WORD_LISTS, "metric_hints", "messages") if k not in data]
    if missing:
        raise KeyError(f"{LEXICON_PATH.name}: {lang!r} lacks {', '.join(missing)}")
    lists: dict[str, tuple[str, ...]] = {k: tuple(data[k]) for k in _WORD_LISTS}
    alt = {k: _alternation(v) for k, v in lists.items()}
    return _Rules(
        lang=lang,
        vocabulary=frozenset(_single_words(lists) - _single_words(other)),
        fillers=_pattern(rf"{alt['fillers']}(?!\w)[\s,:]*"),
        modal=_pattern(rf"(?:[^\W\d][\w'\-]*[\s,]+){{0,3}}?{alt['modals']}(?!\w)[\s,]*"),
        conjunction=_pattern(rf"(?<!\w){alt['conjunctions']}(?!\w)[\s,]*"),
        heads=tuple((k, _pattern(rf"{alt[f'{k}_verbs']}(?!\w)")) for k in _HEAD_KINDS),
        fuzzy={
            kind: tuple(
                e
                for e in lists[f"{kind}_verbs"]
                if " " not in e and not e.startswith("*") and len(e.rstrip("*")) >= 6
            )
            for kind in ("task", "milestone")
        },
        phrase_ends=frozenset(lists["phrase_ends"]),
        activity=_words(lists["activity_nouns"], hyphen_joins=True),
        deliverable=_words(lists["deliverable_nouns"]),
        abstract=_pattern(
            rf"(?<!\w){alt['abstract_nouns']}"
            rf"(?=[\s,]*(?:$|[.;:!?)]|{alt['phrase_ends']}(?!\w)))"
        ),
        done_states=_words(lists["done_states"]),
        task_states=_words(lists["task_states"]),
        vague_head=_pattern(rf"{alt['vague_verbs']}(?!\w)"),
        down_verbs=_words(lists["down_verbs"]),
        up_verbs=_words(lists["up_verbs"]),
        comparatives=_words(lists["comparatives"]),
        vague_words=_words(lists["vague_words"]),
        number_words=_pattern(
            rf"(?<![\w\-]){alt['number_words']}(?:-(?:{alt['number_words']}|one))*(?![\w\-])"
        ),
        quantity_phrases=_words(lists["quantity_phrases"]),
        label_before=_pattern(rf"(?<!\w){alt['label_words']}[\s.:#\-]*$"),
        year_before=_pattern(rf"(?<!\w){alt['time_words']}[\s,]*$"),
        month_before=_pattern(rf"(?<!\w){alt['months']}\.?\s*$"),
        month_after=_pattern(rf"(?:st|nd|rd|th|:e|:a|e)?\.?\s*(?:of\s+)?{alt['months']}(?!\w)"),
        hints=tuple(
            _Hint(_words(h["match"]), h["metric"], h.get("unit", ""), bool(h.get("down")))
            for h in data["metric_hints"]
        ),
        messages=data["messages"],
    )


def _load(path: Path) -> dict[Lang, _Rules]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        lang: _compile(lang, data[lang], data["sv" if lang == "en" else "en"]) for lang in _LANGS
    }


_RULES = _load(LEXICON_PATH)

_WORD = re.compile(r"\w+")
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
    en, sv = _RULES["en"].vocabulary, _RULES["sv"].vocabulary
    score = 0.0
    for word in _WORD.findall(text[:MAX_CHARS].lower()):
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
    rules = _RULES[_language(lang) if lang is not None else detect_language(text)]
    msg = rules.messages
    text = text[:MAX_CHARS]
    if not text.strip():
        return Assessment(
            verdict="vague",
            lang=rules.lang,
            findings=(Finding(code="OKR201", message=msg["okr201_empty"]),),
            suggestion=msg["suggest_empty"].format(direction=msg["up"], metric=msg["metric"]),
            message=msg["verdict_empty"],
        )
    body, pos = _start(rules, text)
    head = _head(rules, text, pos)
    kind = head[0] if head else None

    quantities = _quantities(rules, text, body)
    if quantities:
        tip = msg["tip_output"] if kind in ("task", "weak") else ""
        return _measurable(rules, text, quantities, "verdict_measurable", tip)
    if rules.comparatives.search(text, pos):
        return _vague(rules, text, pos)
    if head:
        verb = head[1]
        a, b = _window(text, verb.end())
        activity = _within(rules.activity, text, a, b)
        abstract = _within(rules.abstract, text, a, b)
        if kind in ("task", "weak"):
            if abstract and not activity:  # "Build trust with ...", "Create a culture of ..."
                return _vague(rules, text, pos)
            return _task(rules, text, verb)
        if kind == "milestone":
            if activity:
                return _task(rules, text, verb)
            if abstract:
                return _vague(rules, text, pos)
            return _measurable(
                rules, text, [verb.span()], "verdict_milestone", msg["tip_milestone"]
            )
        if kind == "acquire":
            spans = [verb.span()]
            if deliverable := _within(
                rules.deliverable, text, *_window(text, verb.end(), _DELIVERABLE_WORDS)
            ):
                spans.append(deliverable.span())
            return _measurable(rules, text, spans, "verdict_milestone", msg["tip_milestone"])
    done = rules.done_states.search(text, max(head[1].end() if head else pos, pos + 1))
    if done:
        return _measurable(rules, text, [done.span()], "verdict_milestone", msg["tip_milestone"])
    if head is None:
        if started := rules.task_states.search(text, pos + 1):
            return _task(rules, text, started)
        if noun := _within(rules.activity, text, *_window(text, pos, 3)):
            return _task(rules, text, noun, noun=True)
    return _vague(rules, text, pos)


def _language(lang: str) -> Lang:
    code = str(lang).strip().lower().replace("_", "-").split("-")[0]
    if code in _LANGS:
        return code
    raise ValueError(f"language {lang!r} is not supported: give 'en', 'sv' or None to detect it")


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


def _head(rules: _Rules, text: str, pos: int) -> _Head | None:
    """The leading verb and its kind when it decides the verdict.

    Looked for at ``pos``, then after a subject and a modal ("Our team will ..."), then with one
    typo, then at the start of a second clause ("... and fix the tests").
    """
    present, head = _verb_at(rules, text, pos)
    if present:
        return head
    modal = rules.modal.match(text, pos)
    if modal:
        present, head = _verb_at(rules, text, modal.end())
        if present:
            return head
    if head := _fuzzy_head(rules, text, pos):
        return head
    for conjunction in itertools.islice(rules.conjunction.finditer(text, pos + 1), 2):
        present, head = _verb_at(rules, text, conjunction.end())
        if present:
            return head
    return None


def _verb_at(rules: _Rules, text: str, pos: int) -> tuple[bool, _Head | None]:
    """Whether a listed verb stands at ``pos``, and the one that decides: the longest, except
    that "get" needs a deliverable and "hold" an activity after it to count."""
    candidates = [(kind, m) for kind, pattern in rules.heads if (m := pattern.match(text, pos))]
    candidates.sort(key=lambda c: c[1].start() - c[1].end())  # longest first, stable
    for kind, m in candidates:
        if kind == "acquire" and not _within(
            rules.deliverable, text, *_window(text, m.end(), _DELIVERABLE_WORDS)
        ):
            continue
        if kind == "weak" and not _within(rules.activity, text, *_window(text, m.end())):
            continue
        return True, (kind, m)
    return bool(candidates), None


def _fuzzy_head(rules: _Rules, text: str, pos: int) -> _Head | None:
    """A task or milestone verb of six letters or more, typed with one typo ("Implment")."""
    m = _WORD.match(text, pos)
    if not m or len(m.group()) < 6:
        return None
    word = m.group().lower()
    for kind in ("task", "milestone"):
        for entry in rules.fuzzy[kind]:
            stem = entry.rstrip("*")
            lengths = (len(stem) - 1, len(stem), len(stem) + 1) if entry.endswith("*") else None
            if lengths and any(_one_typo(word[:n], stem) for n in lengths):
                return kind, m
            if not lengths and _one_typo(word, stem):
                return kind, m
    return None


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


def _window(text: str, end: int, words: int = _OBJECT_WORDS) -> Span:
    """The span of the next ``words`` words after ``end``, within the sentence."""
    stop = end
    for count, m in enumerate(_WORD.finditer(text, end), start=1):
        gap = text[stop : m.start()]
        if "." in gap or "\n" in gap:
            break
        stop = m.end()
        if count == words:
            break
    return end, stop


def _within(pattern: re.Pattern[str], text: str, a: int, b: int) -> re.Match[str] | None:
    """The first match that starts in ``text[a:b]``; its look-arounds see the whole text."""
    m = pattern.search(text, a)
    return m if m and m.start() < b else None


def _quantities(rules: _Rules, text: str, start: int) -> list[Span]:
    """Spans of the quantities from ``start`` on: numbers that are no label, date or year, with
    their units; numbers as words; "double", "halvera", "a third"; "X %" placeholders."""
    found: list[Span] = []
    dates = [m.span() for m in _ISO_DATE.finditer(text, start)]
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
    for pattern in (rules.number_words, rules.quantity_phrases, _PLACEHOLDER):
        found.extend(m.span() for m in pattern.finditer(text, start))
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


def _hint(rules: _Rules, text: str) -> _Hint | None:
    return next((h for h in rules.hints if h.pattern.search(text)), None)


def _object(rules: _Rules, text: str, start: int) -> str:
    """The object of the verb ending at ``start``, up to a preposition ("the security review")."""
    m = _OBJECT.match(text, start)
    words: list[str] = []
    for word in (m.group() if m else "").split():
        if len(words) == 6 or (words and word.lower() in rules.phrase_ends):
            break
        words.append(word.rstrip(","))
    msg = rules.messages
    if not words:
        return str(msg["object_fallback"])
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


def _task(rules: _Rules, text: str, found: re.Match[str], *, noun: bool = False) -> Assessment:
    msg = rules.messages
    span = found.span()
    quoted = _quote(rules, text, [span])
    hint = _hint(rules, text)
    suggestion = msg["suggest_task"].format(
        direction=msg["down"] if hint and hint.down else msg["up"],
        metric=hint.metric if hint else msg["outcome"],
        unit=hint.unit if hint else "",
        object=_object(rules, text, span[0] if noun else span[1]),
    )
    findings = (
        Finding(
            code="OKR202",
            message=msg["okr202"].format(evidence=quoted),
            evidence=(found.group(),),
            spans=(span,),
        ),
        Finding(code="OKR201", message=msg["okr201"]),
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


def _vague(rules: _Rules, text: str, pos: int) -> Assessment:
    msg = rules.messages
    verb = rules.vague_head.match(text, pos)
    spans = _outermost(
        [m.span() for m in rules.vague_words.finditer(text, pos)]
        + [m.span() for m in rules.comparatives.finditer(text, pos)]
        + ([verb.span()] if verb else [])
    )
    evidence = tuple(text[a:b] for a, b in spans)
    hint = _hint(rules, text)
    down_verb = bool(verb and rules.down_verbs.fullmatch(verb[0]))
    if hint:
        metric, unit, down = hint.metric, hint.unit, hint.down
    elif verb and (down_verb or rules.up_verbs.fullmatch(verb[0])):
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
            Finding(code="OKR201", message=msg["okr201"]),
        ),
        suggestion=msg["suggest_vague"].format(
            direction=msg["down"] if down else msg["up"], metric=metric, unit=unit
        ),
        message=msg["verdict_vague"],
        evidence=evidence,
        spans=tuple(spans),
    )
