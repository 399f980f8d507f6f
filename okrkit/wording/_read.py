"""How :mod:`okrkit.wording` reads a text: its language, leading verb, quantities and judgements.

Each function works on a text and the compiled lists of its language (:mod:`._lexicon`);
:func:`okrkit.wording.assess_key_result` puts their answers together.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable

from okrkit.findings import Span
from okrkit.text import Lang
from okrkit.wording._lexicon import (
    BAR_WORDS,
    CLOCK,
    DELIVERABLE_WORDS,
    FUZZY_MIN,
    ISO_DATE,
    LIST_MARKER,
    MAX_CHARS,
    NOT_QUANTITIES,
    NUMBER_RE,
    OBJECT_WORDS,
    PLACEHOLDER,
    PLACEHOLDER_WORDS,
    RULES,
    SIGNS,
    SUBJECT_WORDS,
    SV_SUFFIXES,
    UNIT_AFTER,
    WORD_RE,
    Head,
    Rules,
    Seen,
    one_deletions,
)

__all__ = [
    "detect_language",
    "detect_words",
    "done_state",
    "fuzzy_head",
    "head_of",
    "judged_spans",
    "next_words",
    "one_typo",
    "outermost",
    "quantity_spans",
    "start_of",
    "typo_kind",
    "verb_at",
    "window_after",
]


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
    return detect_words(WORD_RE.findall(text[:MAX_CHARS].lower()))


def detect_words(words: Iterable[str]) -> Lang:
    """:func:`detect_language` on the words of a text (lower case)."""
    en, sv = RULES["en"].vocabulary, RULES["sv"].vocabulary
    score = 0.0
    for word in words:
        if word in sv:
            score += 1.0
        elif word in en:
            score -= 1.0
        if "å" in word or "ä" in word or "ö" in word:
            score += 1.5
        elif len(word) > 5 and word.endswith(SV_SUFFIXES):
            score += 0.5
    return "sv" if score > 0 else "en"


def start_of(rules: Rules, text: str) -> tuple[int, int]:
    """Where the text starts after a list marker ("1.", "KR2:"), and where its leading verb
    would be (after fillers such as "we will", "vi ska")."""
    m = LIST_MARKER.match(text)
    body = pos = m.end() if m else 0
    while pos < len(text) and not text[pos].isalnum():
        pos += 1
    for _ in range(4):
        f = rules.fillers.match(text, pos)
        if not f or f.end() == pos:
            break
        pos = f.end()
    return body, pos


def head_of(rules: Rules, text: str, pos: int, seen: Seen, *, exact: bool = False) -> Head | None:
    """The leading verb and its kind when it decides the verdict.

    Looked for at ``pos``, then after a subject and a modal ("Our team will ..."); unless
    ``exact``, then with one typo, then at the start of a second clause ("... and fix the
    tests").
    """
    present, head = verb_at(rules, text, pos, seen)
    if present:
        return head
    modal = rules.modal.match(text, pos)
    if modal:
        present, head = verb_at(rules, text, modal.end(), seen)
        if present:
            return head
    if exact:
        return None
    if head := fuzzy_head(rules, text, pos):
        return head
    for conjunction in itertools.islice(rules.conjunction.finditer(text, pos + 1), 2):
        present, head = verb_at(rules, text, conjunction.end(), seen)
        if present:
            return head
    return None


def verb_at(rules: Rules, text: str, pos: int, seen: Seen) -> tuple[bool, Head | None]:
    """Whether a listed verb stands at ``pos``, and the one that decides: the longest, except
    that "get" needs a deliverable and "hold" an activity after it to count."""
    first = WORD_RE.match(text, pos)
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
            text, *window_after(text, m.end(), DELIVERABLE_WORDS), seen
        ):
            continue
        if kind == "weak" and not rules.activity.within(text, *window_after(text, m.end()), seen):
            continue
        return True, (kind, m)
    return bool(candidates), None


def fuzzy_head(rules: Rules, text: str, pos: int) -> Head | None:
    """A task or milestone verb of six letters or more, typed with one typo ("Implment").

    A dictionary lookup of the word's one-deletion variants finds the candidates (the verbs of
    the lists are indexed the same way at import); only verbs given with an ending
    ("implement*") are compared one by one.
    """
    m = WORD_RE.match(text, pos)
    if not m or len(m.group()) < FUZZY_MIN:
        return None
    kind = typo_kind(rules.lang, m.group().lower())
    return (kind, m) if kind else None


@functools.lru_cache(maxsize=4096)  # a widget asks again for the same first word on each key
def typo_kind(lang: Lang, word: str) -> str | None:
    """The list ("task" or "milestone") with a verb one typo from ``word``, else None."""
    rules = RULES[lang]
    kinds = {
        kind
        for key in one_deletions(word)
        for kind, verb in rules.fuzzy.get(key, ())
        if one_typo(word, verb)
    }
    for kind, stem in rules.fuzzy_stems:
        n = len(stem)
        if kind not in kinds and any(one_typo(word[:k], stem) for k in (n - 1, n, n + 1)):
            kinds.add(kind)
    return next((kind for kind in ("task", "milestone") if kind in kinds), None)


def one_typo(word: str, target: str) -> bool:
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


def next_words(text: str, end: int, words: int) -> list[re.Match[str]]:
    """The next ``words`` words after ``end``, within the sentence."""
    found: list[re.Match[str]] = []
    stop = end
    for m in WORD_RE.finditer(text, end):
        gap = text[stop : m.start()]
        if "." in gap or "\n" in gap:
            break
        found.append(m)
        stop = m.end()
        if len(found) == words:
            break
    return found


def window_after(text: str, end: int, words: int = OBJECT_WORDS) -> Span:
    """The span of the next ``words`` words after ``end``, within the sentence."""
    found = next_words(text, end, words)
    return end, found[-1].end() if found else end


def judged_spans(rules: Rules, text: str, pos: int, seen: Seen) -> list[Span] | None:
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
    verb = rules.judging.within(text, pos + 1, window_after(text, pos, SUBJECT_WORDS + 2)[1], seen)
    if not verb:
        return None
    subject = text[pos : verb.start()]
    if modal := rules.modal_end.search(subject):
        subject = subject[: modal.start()]
    names = WORD_RE.findall(subject)
    if not 0 < len(names) <= SUBJECT_WORDS or not rules.judges.pattern.fullmatch(names[-1]):
        return None
    if rules.comparatives.pattern.search(subject):
        return None
    # "Pilot users find ..." is a subject, "Help users find ..." not
    lead = WORD_RE.match(text, pos)
    if verb_at(rules, text, pos, seen)[0] and not (
        lead and rules.activity.pattern.fullmatch(lead.group())
    ):
        return None
    after = next_words(text, verb.end(), BAR_WORDS)
    if len(after) < 2:
        return None
    if clause := rules.judgement_clauses.pattern.match(text, after[0].start()):
        return [verb.span(), clause.span()] if len(after) >= 3 else None
    bar = rules.judgement_bars.pattern.search(text, after[1].start(), after[-1].end())
    return [verb.span(), bar.span()] if bar else None


def done_state(
    rules: Rules, text: str, start: int, seen: Seen, head: Head | None
) -> re.Match[str] | None:
    """The first done state from ``start`` on, unless the leading verb is a change verb: then
    a done state describes what to count, not a milestone ("Increase signed contracts", "Öka
    antalet bokade möten", "Raise the share of projects delivered on time")."""
    if head and head[0] == "vague":
        verb = head[1].group()
        if rules.up_verbs.pattern.fullmatch(verb) or rules.down_verbs.pattern.fullmatch(verb):
            return None
    return rules.done_states.search(text, start, seen)


def quantity_spans(rules: Rules, text: str, start: int, seen: Seen) -> list[Span]:
    """Spans of the quantities from ``start`` on: numbers that are no label, date or year, with
    their units; numbers as words; "double", "halvera", "a third"; "X %" placeholders."""
    found: list[Span] = []
    dates = [m.span() for m in ISO_DATE.finditer(text, start)] if "-" in text else []
    for m in NUMBER_RE.finditer(text, start):
        s, e = m.span()
        token, before = m.group(), text[max(0, s - 24) : s]
        if s > 0 and (text[s - 1].isalpha() or (text[s - 1] == "-" and before[-2:-1].isalpha())):
            continue  # an identifier: P1, B2B, Q3, v2, GPT-4
        if token in NOT_QUANTITIES or CLOCK.fullmatch(token) or any(a <= s < b for a, b in dates):
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
        if text[s - 1 : s] in SIGNS:
            s -= 1
        unit = UNIT_AFTER.match(text, e)
        found.append((s, unit.end() if unit else e))
    for words in (rules.number_words, rules.quantity_phrases):
        found.extend(m.span() for m in words.finditer(text, start, seen))
    if not PLACEHOLDER_WORDS.isdisjoint(seen.words):
        found.extend(m.span() for m in PLACEHOLDER.finditer(text, start))
    return outermost(found)


def outermost(spans: Iterable[Span]) -> list[Span]:
    """Sorted spans with overlapping ones merged."""
    kept: list[Span] = []
    for a, b in sorted(spans):
        if kept and a < kept[-1][1]:
            kept[-1] = (kept[-1][0], max(b, kept[-1][1]))
        else:
            kept.append((a, b))
    return kept
