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

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from okrkit.findings import Finding, Span
from okrkit.text import LANGUAGES, Lang, resolve_lang
from okrkit.wording._lexicon import (
    DELIVERABLE_WORDS,
    LEXICON_PATH,
    MAX_CHARS,
    NUMBER_WORDS,
    OBJECT_RE,
    RULES,
    WORD_RE,
    Hint,
    Rules,
    Seen,
    alternation,
)
from okrkit.wording._read import (
    detect_language,
    detect_words,
    done_state,
    head_of,
    judged_spans,
    outermost,
    quantity_spans,
    start_of,
    window_after,
)

__all__ = [
    "CODES",
    "LEXICON_PATH",
    "MAX_CHARS",
    "NUMBER_WORDS",
    "Assessment",
    "Finding",
    "Lang",
    "Verdict",
    "assess_key_result",
    "detect_language",
    "number_words_regex",
]

Verdict = Literal["measurable", "task", "vague"]

#: The finding codes this module emits, shared with :mod:`okrkit.checks`.
CODES: dict[str, str] = {
    "OKR201": "no measurable target",
    "OKR202": "reads as a task or activity",
    "OKR207": "vague wording",
}


def number_words_regex(langs: Iterable[str] = LANGUAGES) -> str:
    """A regex alternation of the number words of ``langs`` (:data:`NUMBER_WORDS`), longest first.

    >>> import re
    >>> bool(re.fullmatch(number_words_regex(["sv"]), "tjugofem")), "fem" in number_words_regex()
    (True, True)
    """
    return alternation(word for lang in langs for word in NUMBER_WORDS[resolve_lang(lang)])


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
    words = WORD_RE.findall(low)
    rules = RULES[_language(lang) if lang is not None else detect_words(words)]
    msg = rules.messages
    if not text.strip():
        return Assessment(
            verdict="vague",
            lang=rules.lang,
            findings=(Finding(code="OKR201", message=msg["okr201_empty"]),),
            suggestion=msg["suggest_empty"].format(direction=msg["up"], metric=msg["metric"]),
            message=msg["verdict_empty"],
        )
    seen = Seen(frozenset(words), low)
    body, pos = start_of(rules, text)

    if quantities := quantity_spans(rules, text, body, seen):
        # The fast path: a quantity decides. The verb, looked up without typos or second
        # clauses, only says whether the number counts an activity ("Write 4 blog posts").
        head = head_of(rules, text, pos, seen, exact=True)
        tip = msg["tip_output"] if head and head[0] in ("task", "weak") else ""
        return _measurable(rules, text, quantities, "verdict_measurable", tip)
    if judged := judged_spans(rules, text, pos, seen):
        return _measurable(rules, text, judged, "verdict_judged", msg["tip_judged"])
    if rules.comparatives.search(text, pos, seen):
        return _vague(rules, text, pos, seen)
    head = head_of(rules, text, pos, seen)
    kind = head[0] if head else None
    if head:
        verb = head[1]
        a, b = window_after(text, verb.end())
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
                text, *window_after(text, verb.end(), DELIVERABLE_WORDS), seen
            ):
                spans.append(deliverable.span())
            return _measurable(rules, text, spans, "verdict_milestone", msg["tip_milestone"])
    # A done state wins over a task state ("Summer holiday planned and booked").
    done = done_state(rules, text, max(head[1].end() if head else pos, pos + 1), seen, head)
    if done:
        return _measurable(rules, text, [done.span()], "verdict_milestone", msg["tip_milestone"])
    if head is None:
        if started := rules.task_states.search(text, pos + 1, seen):
            return _task(rules, text, started, seen, before=pos)
        if noun := rules.activity.within(text, *window_after(text, pos, 3), seen):
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


# --- building the answer ---------------------------------------------------------------------


def _quote(rules: Rules, text: str, spans: Iterable[Span]) -> str:
    left, right = rules.messages["quotes"]
    return ", ".join(f"{left}{text[a:b]}{right}" for a, b in spans)


def _hint(rules: Rules, text: str, seen: Seen) -> Hint | None:
    """The first metric hint whose words are in the text."""
    hints = rules.hints
    return next(
        (hints[i] for i in rules.hint_index.open(seen) if hints[i].words.pattern.search(text)), None
    )


def _object(rules: Rules, text: str, start: int, end: int | None = None) -> str:
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
    m = OBJECT_RE.match(text, start, len(text) if end is None else end)
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


def _measurable(rules: Rules, text: str, spans: list[Span], key: str, tip: str) -> Assessment:
    return Assessment(
        verdict="measurable",
        lang=rules.lang,
        suggestion=tip,
        message=rules.messages[key].format(evidence=_quote(rules, text, spans[:3])),
        evidence=tuple(text[a:b] for a, b in spans),
        spans=tuple(spans),
    )


def _task(
    rules: Rules,
    text: str,
    found: re.Match[str],
    seen: Seen,
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


def _vague(rules: Rules, text: str, pos: int, seen: Seen) -> Assessment:
    msg = rules.messages
    verb = rules.vague_head.match(text, pos)
    spans = outermost(
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
