"""The quality rules behind :func:`okrkit.checks.check_set`: one table row and one function each.

Every rule is a row of :data:`RULES` (code, severity, what it is about, the rule in one sentence)
and a function registered with :func:`implements` that reads a :class:`Context` and yields a
:class:`Hit` per item that breaks the rule. The row's message and fix templates, in English and
Swedish, are the ``rules`` section of ``okrkit/locale/<lang>.json`` (:data:`MESSAGES_PATH`),
keys ``<code>.message`` and ``<code>.fix``. :mod:`okrkit.checks` turns hits into findings: it
fills in the templates in the requested language, applies silences and sorts. Thresholds live
in :class:`CheckConfig`.

Rule functions work on the columns of :class:`~okrkit.frames.Frames` (counts per objective and
owner by ``groupby``) and loop in Python only over the rows that break the rule, so the rules
check 400k key results in seconds; the wording module is asked once per distinct title. See
``docs/checks.md`` for the table, the measurements and how to add a rule.

Examples
--------
>>> sorted(RULES)[:4]
['OKR101', 'OKR102', 'OKR103', 'OKR104']
>>> RULES["OKR401"].severity, RULES["OKR401"].about
('error', 'kpi')
>>> find_number("Reach 1M monthly visitors"), find_number("Delight our customers")
('1M', None)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NamedTuple, get_args

import numpy as np
import pandas as pd

from okrkit.cycles import Cycle
from okrkit.frames import Frames
from okrkit.kpis import kpi_missing_parts
from okrkit.lifecycle import objective_unfinished
from okrkit.scoring import Scores, score
from okrkit.text import LANGUAGES, texts
from okrkit.wording import assess_key_result, number_words_regex

__all__ = [
    "ABOUT",
    "LANGS",
    "MESSAGES_PATH",
    "RULES",
    "SEVERITIES",
    "CheckConfig",
    "Context",
    "Hit",
    "Rule",
    "Wording",
    "assess_title",
    "find_number",
    "functions",
    "implements",
    "normalise_title",
]

Severity = Literal["error", "warning", "info"]
About = Literal["objective", "key_result", "kpi", "initiative", "owner"]
#: Severities, most serious first (the sort order of findings).
SEVERITIES: tuple[str, ...] = get_args(Severity)
#: What a rule can be about.
ABOUT: tuple[str, ...] = get_args(About)
#: Languages every rule has templates for (:data:`okrkit.text.LANGUAGES`).
LANGS: tuple[str, ...] = LANGUAGES

_CODE = re.compile(r"^OKR\d{3}$")


# --- configuration -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckConfig:
    """Thresholds of the quality rules, in one documented place.

    Parameters
    ----------
    min_krs, max_krs
        OKR102 / OKR103: an objective should have ``min_krs`` to ``max_krs`` key results.
    max_objectives_per_owner
        OKR104: an owner with more objectives than this in one cycle is spread too thin.
    jump_factor
        OKR205: a metric whose change ``|target − start|`` is more than ``jump_factor × |start|``
        is flagged for review (3 means a rise to more than 4× the start). Not applied when the
        start is 0.
    near_duplicate
        OKR203: two key results of one objective whose word sets have a Jaccard similarity of at
        least this are near-duplicates.
    aspirational_low
        OKR303: an aspirational objective scored below this at the end of its cycle.
    percent_weights_from
        OKR501: weights whose sum is at least this are read as percentages (and must sum to 100).
    dominant_share, dominant_min_krs
        OKR501: among ``dominant_min_krs`` or more key results, one key result should not carry
        more than ``dominant_share`` of the objective's weight.
    stale_weeks
        Not used by these rules: the alignment check OKR606 (:mod:`okrkit.alignment`) takes it,
        so one configuration holds every threshold ``okrkit check`` uses.
    disabled
        Codes of rules not to run.
    severities
        Severity overrides, code -> ``error`` / ``warning`` / ``info``.

    Examples
    --------
    >>> CheckConfig(max_krs=4, disabled={"OKR205"}).disabled
    frozenset({'OKR205'})
    """

    min_krs: int = 2
    max_krs: int = 5
    max_objectives_per_owner: int = 10
    jump_factor: float = 3.0
    near_duplicate: float = 0.8
    aspirational_low: float = 0.3
    percent_weights_from: float = 20.0
    dominant_share: float = 0.6
    dominant_min_krs: int = 3
    stale_weeks: int = 3
    disabled: frozenset[str] = frozenset()
    severities: Mapping[str, Severity] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0 <= self.min_krs <= self.max_krs:
            raise ValueError("need 0 <= min_krs <= max_krs")
        if self.max_objectives_per_owner < 1:
            raise ValueError("need max_objectives_per_owner >= 1")
        if not self.jump_factor > 0:
            raise ValueError("need jump_factor > 0")
        if not 0.0 < self.near_duplicate <= 1.0:
            raise ValueError("need 0 < near_duplicate <= 1")
        if not 0.0 < self.dominant_share <= 1.0:
            raise ValueError("need 0 < dominant_share <= 1")
        object.__setattr__(self, "disabled", frozenset(self.disabled))
        for code, severity in self.severities.items():
            if severity not in SEVERITIES:
                raise ValueError(f"severity of {code} must be one of {', '.join(SEVERITIES)}")
        object.__setattr__(self, "severities", MappingProxyType(dict(self.severities)))


# --- the registry --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """One quality rule: a row of :data:`RULES`.

    ``texts`` maps each language of :data:`LANGS` to the templates ``message`` and ``fix`` (the
    rule's keys in the ``rules`` section of ``okrkit/locale``); a rule with several cases adds
    ``message:<case>`` / ``fix:<case>`` and its function names the case in the hit's
    ``variant``. Templates use ``{name}`` fields filled from the hit's params, ``item``,
    ``owner``, ``objective`` and the :class:`CheckConfig` fields.
    """

    code: str
    severity: Severity
    about: About
    rule: str
    texts: Mapping[str, Mapping[str, str]]

    def __post_init__(self) -> None:
        if not _CODE.match(self.code):
            raise ValueError(f"{self.code!r} is not a code like OKR101")
        if self.severity not in SEVERITIES or self.about not in ABOUT:
            raise ValueError(f"{self.code}: bad severity or about")
        if set(self.texts) != set(LANGS):
            raise ValueError(f"{self.code}: needs templates in {', '.join(LANGS)}")
        keys = {lang: set(texts) for lang, texts in self.texts.items()}
        first = keys[LANGS[0]]
        if not {"message", "fix"} <= first or any(k != first for k in keys.values()):
            raise ValueError(f"{self.code}: every language needs the same template keys")
        for key in first:
            fields_ = {lang: _fields(self.texts[lang][key]) for lang in LANGS}
            if len({frozenset(f) for f in fields_.values()}) != 1:
                raise ValueError(f"{self.code}: {key} uses other fields in another language")

    def template(self, lang: str, variant: str | None = None) -> tuple[str, str]:
        """The (message, fix) templates in ``lang`` for ``variant`` (default case when None)."""
        texts = self.texts[lang]
        suffix = f":{variant}" if variant else ""
        return (
            texts.get(f"message{suffix}", texts["message"]),
            texts.get(f"fix{suffix}", texts["fix"]),
        )


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Hit(NamedTuple):
    """One item that breaks a rule, as a rule function yields it.

    ``owner`` and ``objective`` are the item's owner and objective (``None`` when it has none);
    ``params`` fill the rule's templates, and ``params["variant"]`` picks a case of them.
    """

    code: str
    item: str
    owner: str
    objective: str | None
    params: Mapping[str, Any]


RuleFunction = Callable[["Context"], Iterable[Hit]]
_FUNCTIONS: dict[str, RuleFunction] = {}


def implements(*codes: str) -> Callable[[RuleFunction], RuleFunction]:
    """Register the decorated function as the check of ``codes`` (rows of :data:`RULES`).

    The function takes a :class:`Context` and yields :class:`Hit` records; it runs once per
    :func:`~okrkit.checks.check_set` call when any of its codes is enabled.
    """

    def register(function: RuleFunction) -> RuleFunction:
        for code in codes:
            if code in _FUNCTIONS:
                raise ValueError(f"{code} is implemented twice")
            _FUNCTIONS[code] = function
        return function

    return register


def functions(codes: Iterable[str]) -> list[RuleFunction]:
    """The distinct rule functions that implement ``codes``, in table order."""
    out: list[RuleFunction] = []
    for code in codes:
        function = _FUNCTIONS[code]
        if function not in out:
            out.append(function)
    return out


# --- wording (okrkit.wording) ---------------------------------------------------------------------


class Wording(NamedTuple):
    """What :func:`okrkit.wording.assess_key_result` says about one title, as rule flags."""

    no_target: bool  # OKR201
    task: bool  # OKR202
    vague: bool  # OKR207
    suggestion: str


def assess_title(title: str) -> Wording:
    """Flags for one key result title from the wording module (language detected per title)."""
    found = assess_key_result(title)
    codes = {f.code for f in found.findings}
    if found.verdict == "task":
        codes.add("OKR202")
    elif found.verdict == "vague" and not codes & {"OKR201", "OKR207"}:
        codes.add("OKR207")
    suggestion = " ".join(found.suggestion.split())
    return Wording("OKR201" in codes, "OKR202" in codes, "OKR207" in codes, suggestion)


# --- context -------------------------------------------------------------------------------------


def _text(df: pd.DataFrame, name: str) -> pd.Series:
    """A text column with ``""`` for missing values (numbers typed into it as text)."""
    if name not in df.columns:
        return pd.Series([""] * len(df), index=df.index, dtype=object)
    return df[name].fillna("").astype(str).astype(object)


def _float(df: pd.DataFrame, name: str) -> pd.Series:
    if name not in df.columns:
        return pd.Series(np.nan, index=df.index, dtype="float64")
    return pd.to_numeric(df[name], errors="coerce").astype("float64")


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with a fresh index and text columns as ``object`` (fast to iterate)."""
    text = [c for c in df.columns if not pd.api.types.is_float_dtype(df[c])]
    return df.reset_index(drop=True).astype(dict.fromkeys(text, object))


@dataclass(slots=True)
class Context:
    """What rule functions read: the set's tables with clean columns, the config and the date.

    ``objectives`` has ``id``, ``title``, ``owner``, ``kind``; ``key_results`` has ``id``,
    ``objective``, ``title``, ``type``, ``owner`` (its own, else its objective's), ``weight``
    (missing read as 1), ``start``, ``target``, ``threshold``; ``kpis`` has ``id``, ``owner`` and
    the four parts. Text columns hold ``""`` for missing values, number columns ``NaN``.
    """

    cycle: Cycle
    frames: Frames
    objectives: pd.DataFrame
    key_results: pd.DataFrame
    kpis: pd.DataFrame
    config: CheckConfig
    as_of: dt.date
    _wording: pd.DataFrame | None = None
    _scores: Scores | None = None

    @classmethod
    def build(cls, frames: Frames, *, as_of: dt.date, config: CheckConfig) -> Context:
        """Clean the columns of ``frames`` once for every rule."""
        o, k, p = frames.objectives, frames.key_results, frames.kpis
        objectives = pd.DataFrame(
            {
                "id": _text(o, "id").str.strip(),
                "title": _text(o, "title"),
                "owner": _text(o, "owner").str.strip(),
                "kind": _text(o, "kind").replace("", "committed"),
            }
        ).pipe(_plain)
        objective_owner = pd.Series(
            objectives["owner"].to_numpy(), index=objectives["id"].to_numpy()
        )
        objective_owner = objective_owner[~objective_owner.index.duplicated()]
        kr_objective = _text(k, "objective").str.strip()
        own = _text(k, "owner").str.strip()
        inherited = kr_objective.map(objective_owner).fillna("")
        key_results = pd.DataFrame(
            {
                "id": _text(k, "id").str.strip(),
                "objective": kr_objective,
                "title": _text(k, "title"),
                "type": _text(k, "type").replace("", "metric"),
                "owner": own.where(own != "", inherited),
                "weight": _float(k, "weight").fillna(1.0),
                "start": _float(k, "start"),
                "target": _float(k, "target"),
                "threshold": _float(k, "threshold"),
            }
        ).pipe(_plain)
        kpis = pd.DataFrame(
            {
                "id": _text(p, "id").str.strip(),
                "owner": _text(p, "owner").str.strip(),
                "target": _float(p, "target"),
                "timeframe": _text(p, "timeframe").str.strip(),
                "data_source": _text(p, "data_source").str.strip(),
                "frequency": _text(p, "frequency").str.strip(),
            }
        ).pipe(_plain)
        return cls(
            cycle=frames.cycle,
            frames=frames,
            objectives=objectives,
            key_results=key_results,
            kpis=kpis,
            config=config,
            as_of=as_of,
        )

    def wording(self) -> pd.DataFrame:
        """Wording flags per key result (rows aligned with ``key_results``), one call per title.

        Columns ``no_target``, ``task``, ``vague`` (bool) and ``suggestion`` (text).
        """
        if self._wording is None:
            titles = self.key_results["title"]
            cache = {t: assess_title(t) for t in titles.unique() if t.strip()}
            blank = Wording(True, False, False, "")
            rows = [cache.get(t, blank) for t in titles.to_numpy()]
            self._wording = pd.DataFrame.from_records(
                rows, columns=list(Wording._fields), index=titles.index
            ).astype({"no_target": bool, "task": bool, "vague": bool, "suggestion": object})
        return self._wording

    def scores(self) -> Scores:
        """The set scored at ``as_of`` (key results of unknown objectives left out)."""
        if self._scores is None:
            frames = self.frames
            known = frames.key_results["objective"].isin(frames.objectives["id"])
            if not known.all():
                frames = dataclasses.replace(frames, key_results=frames.key_results[known])
            self._scores = score(frames, self.as_of)
        return self._scores

    def at_cycle_end(self) -> bool:
        """True when ``as_of`` is on or after the last day of the cycle."""
        return self.as_of >= self.cycle.end


# --- helpers for the rules -----------------------------------------------------------------------

_NUMBER = re.compile(
    r"(?<![\w.,#/])(?!24/7)[$€£¥]?\s?\d+(?:[.,\u00a0 ]\d{3})*(?:[.,]\d+)?"
    r"(?:\s?[%‰×]|(?:k|m|mn|bn|b|x)(?!\w)"
    r"|\s(?:million|millions|billion|thousand|percent|miljon|miljoner|miljard|miljarder|tusen"
    r"|procent)(?!\w))?(?![\w])",
    re.IGNORECASE,
)
_YEAR = re.compile(r"^(19|20)\d\d$")
# Words that scale or state a share rather than count ("double", "halvera", "percent"); the
# number words themselves ("five", "tjugo") are the one list of the wording lexicon, which leaves
# out "one", "en" and "ett" (mostly "one team", articles) and holds no plurals ("thousands of
# users" states no number).
_SCALE_WORDS = (
    r"double(?!\s+down)|doubled|doubling|triple|tripled|tripling|halve|halved|halving"
    r"|twofold|threefold|tenfold|percent|per\s+cent|percentage"
    r"|dubbelt|dubbla|dubblera|fördubbla|tredubbla|tiodubbla|halvera|procent|procentenheter"
)
_WORD = re.compile(
    rf"(?<!\w)(?:{number_words_regex()}|{_SCALE_WORDS})(?!\w)",
    re.IGNORECASE,
)


def find_number(text: str) -> str | None:
    """The first number in ``text``, as written, or ``None``.

    Counts digits (``25``, ``4.6``, ``2,000``), percentages, amounts (``$2M``), short forms
    (``1M``, ``5k``, ``10x``) and number words in English and Swedish (``million``, ``twice``,
    ``fördubbla``, ``procent``). Not counted: digits inside a word (``Q1``, ``B2B``, ``5G``),
    ordinals (``1st``), a bare year (``2027``) and the words one / en / ett.

    Examples
    --------
    >>> [find_number(t) for t in ["Reach 25 % market share", "Grow to $2M", "Win B2B in Q1",
    ...     "Fördubbla antalet kunder", "Be the leader by 2027", "Double down on enterprise"]]
    ['25 %', '$2M', None, 'Fördubbla', None, None]
    """
    for match in _NUMBER.finditer(text):
        found = match.group().strip()
        if not _YEAR.match(found):
            return found
    word = _WORD.search(text)
    return word.group() if word else None


_NON_WORD = re.compile(r"[^\w\s.,]+|_+")
_NON_DECIMAL = re.compile(r"(?<!\d)[.,]|[.,](?!\d)")


def normalise_title(title: str) -> str:
    """A title for duplicate detection: case folded, punctuation dropped, numbers kept.

    Examples
    --------
    >>> normalise_title("  Raise NPS — from 31 to 4.5!  ")
    'raise nps from 31 to 4.5'
    """
    text = _NON_WORD.sub(" ", title.casefold())
    if "." in text or "," in text:
        text = _NON_DECIMAL.sub(" ", text)
    return " ".join(text.split())


def _num(value: float) -> float | int:
    """A number for a message: whole numbers without ``.0``."""
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else float(value)


# --- the rules -----------------------------------------------------------------------------------


@implements("OKR101")
def _objective_number(ctx: Context) -> Iterator[Hit]:
    o = ctx.objectives
    found = {t: find_number(t) for t in o["title"].unique()}
    numbers = [found[t] for t in o["title"]]
    for ident, owner, number in zip(o["id"], o["owner"], numbers, strict=True):
        if number is not None:
            yield Hit("OKR101", ident, owner, ident, {"number": number})


@implements("OKR102", "OKR103")
def _kr_count(ctx: Context) -> Iterator[Hit]:
    o, cfg = ctx.objectives, ctx.config
    counts = o["id"].map(ctx.key_results["objective"].value_counts()).fillna(0).astype(int)
    bad = (counts < cfg.min_krs) | (counts > cfg.max_krs)
    for ident, owner, count in zip(o["id"][bad], o["owner"][bad], counts[bad], strict=True):
        code = "OKR102" if count < cfg.min_krs else "OKR103"
        yield Hit(code, ident, owner, ident, {"count": int(count)})


@implements("OKR104")
def _owner_load(ctx: Context) -> Iterator[Hit]:
    owners = ctx.objectives["owner"]
    counts = owners[owners != ""].value_counts()
    for owner, count in counts[counts > ctx.config.max_objectives_per_owner].items():
        yield Hit("OKR104", str(owner), str(owner), None, {"count": int(count)})


@implements("OKR201", "OKR202", "OKR207")
def _wording(ctx: Context) -> Iterator[Hit]:
    krs = ctx.key_results
    words = ctx.wording()
    kind = krs["type"]
    has_numbers = krs["start"].notna() & krs["target"].notna()
    structural = (
        ((kind == "metric") & has_numbers)
        | (kind == "milestone")
        | ((kind == "guardrail") & krs["threshold"].notna())
    )
    no_target = ~structural & words["no_target"]
    vague = ~structural & words["vague"]
    for code, mask in (("OKR201", no_target), ("OKR202", words["task"]), ("OKR207", vague)):
        rows = krs[mask]
        suggestions = words["suggestion"][mask]
        metric_draft = (rows["type"] == "metric") & ~has_numbers[mask]
        for ident, objective, owner, title, suggestion, draft in zip(
            rows["id"],
            rows["objective"],
            rows["owner"],
            rows["title"],
            suggestions,
            metric_draft,
            strict=True,
        ):
            params: dict[str, Any] = {"title": title, "suggestion": suggestion}
            if code == "OKR201" and draft:
                params["variant"] = "metric"
            elif code != "OKR201" and not suggestion:
                params["variant"] = "plain"
            yield Hit(code, ident, owner, objective or None, params)


@implements("OKR203")
def _duplicates(ctx: Context) -> Iterator[Hit]:
    krs = ctx.key_results
    n = len(krs)
    ids, objectives, owners, titles = (
        krs[c].to_numpy() for c in ("id", "objective", "owner", "title")
    )
    cache = {t: normalise_title(t) for t in dict.fromkeys(titles.tolist())}
    normal = np.array([cache[t] for t in titles.tolist()], dtype=object)
    codes, uniques = pd.factorize(normal)
    # Exact duplicates over the whole set: every later copy names the first.
    _, first_of_code = np.unique(codes, return_index=True)
    first = first_of_code[codes] if n else codes
    exact = (normal != "") & (first != np.arange(n))
    for i in np.flatnonzero(exact).tolist():
        j = int(first[i])
        yield Hit(
            "OKR203",
            ids[i],
            owners[i],
            objectives[i] or None,
            {"other": ids[j], "other_title": titles[j]},
        )
    # Near-duplicates inside one objective: token Jaccard over the pairs of each objective.
    # A key result is reported once: as a copy, else as near the first similar one before it.
    reported = set(np.flatnonzero(exact).tolist())
    threshold = ctx.config.near_duplicate
    tokens = [frozenset(u.split()) for u in uniques.tolist()]
    group, _ = pd.factorize(objectives)
    order = np.argsort(group, kind="stable")
    bounds = np.flatnonzero(np.diff(group[order])) + 1
    code_list = codes.tolist()
    for positions in np.split(order, bounds):
        if len(positions) < 2:
            continue
        members = positions.tolist()
        for a_index, a in enumerate(members):
            ta = tokens[code_list[a]]
            for b in members[a_index + 1 :]:
                if b in reported or code_list[a] == code_list[b]:
                    continue
                tb = tokens[code_list[b]]
                small, large = sorted((len(ta), len(tb)))
                if not small or small < threshold * large:
                    continue
                similarity = len(ta & tb) / len(ta | tb)
                if similarity >= threshold:
                    reported.add(b)
                    yield Hit(
                        "OKR203",
                        ids[b],
                        owners[b],
                        objectives[b] or None,
                        {
                            "other": ids[a],
                            "other_title": titles[a],
                            "similarity": round(100 * similarity),
                            "variant": "near",
                        },
                    )


@implements("OKR204", "OKR205")
def _metric_numbers(ctx: Context) -> Iterator[Hit]:
    krs = ctx.key_results
    metric = (krs["type"] == "metric") & krs["start"].notna() & krs["target"].notna()
    start, target = krs["start"], krs["target"]
    change = (target - start).abs()
    same = metric & (change == 0)
    jump = metric & (start != 0) & (change > ctx.config.jump_factor * start.abs())
    for code, mask in (("OKR204", same), ("OKR205", jump)):
        rows = krs[mask]
        for ident, objective, owner, s, t in zip(
            rows["id"],
            rows["objective"],
            rows["owner"],
            rows["start"],
            rows["target"],
            strict=True,
        ):
            params = {"start": _num(s), "target": _num(t)}
            if code == "OKR205":
                params["ratio"] = round(abs(t - s) / abs(s), 1)
            yield Hit(code, ident, owner, objective or None, params)


@implements("OKR301", "OKR302", "OKR303")
def _quarter_end(ctx: Context) -> Iterator[Hit]:
    if not ctx.at_cycle_end() or ctx.objectives.empty:
        return
    scores = ctx.scores()
    krs = scores.key_results
    frames = ctx.frames
    # Only objectives with some reading are judged: a draft nobody checked in on is no result.
    k = frames.key_results[frames.key_results["objective"].isin(frames.objectives["id"])]
    reading = (
        (krs["checkins"].to_numpy() > 0)
        | pd.to_numeric(k["current"], errors="coerce").notna().to_numpy()
        | pd.to_numeric(k["grade"], errors="coerce").notna().to_numpy()
        | (k["done"].astype("boolean").fillna(False).to_numpy(dtype=bool))
    )
    read_objectives = set(krs["objective"].to_numpy()[reading])
    o = scores.objectives
    o = o.assign(
        owner=o["owner"].map(lambda v: v.strip() if isinstance(v, str) else ""),
        judged=o["id"].isin(read_objectives) & o["score"].notna(),
    )
    judged = o[o["judged"]]
    unfinished = judged["score"].map(objective_unfinished).astype(bool)
    committed = judged[(judged["kind"] != "aspirational") & unfinished]
    for ident, owner, value in zip(
        committed["id"], committed["owner"], committed["score"], strict=True
    ):
        yield Hit("OKR301", ident, owner, ident, {"score": round(float(value), 2)})
    aspirational = judged[judged["kind"] == "aspirational"]
    low = aspirational[aspirational["score"] < ctx.config.aspirational_low]
    for ident, owner, value in zip(low["id"], low["owner"], low["score"], strict=True):
        yield Hit("OKR303", ident, owner, ident, {"score": round(float(value), 2)})
    per_owner = (
        aspirational[aspirational["owner"] != ""]
        .assign(full=~unfinished[aspirational.index])
        .groupby("owner")["full"]
        .agg(["size", "all"])
    )
    sandbag = per_owner[(per_owner["size"] >= 2) & per_owner["all"]]
    for owner, count in zip(sandbag.index, sandbag["size"], strict=True):
        yield Hit("OKR302", str(owner), str(owner), None, {"count": int(count)})


@implements("OKR401")
def _kpi_parts(ctx: Context) -> Iterator[Hit]:
    p = ctx.kpis
    missing = kpi_missing_parts(p)
    bad = missing.map(bool)
    for ident, owner, parts in zip(p["id"][bad], p["owner"][bad], missing[bad], strict=True):
        yield Hit("OKR401", ident, owner, None, {"missing": ", ".join(parts)})


@implements("OKR501")
def _weights(ctx: Context) -> Iterator[Hit]:
    krs, cfg = ctx.key_results, ctx.config
    if krs.empty:
        return
    groups = krs.groupby("objective", sort=False)["weight"]
    stats = groups.agg(["size", "sum", "max", "idxmax"])
    stats = stats[stats["size"] >= 2]
    percent = (stats["sum"] >= cfg.percent_weights_from) & ((stats["sum"] - 100).abs() > 0.5)
    fraction = (stats["max"] < 1.0) & ((stats["sum"] - 1.0).abs() > 0.01)
    dominant = (stats["size"] >= cfg.dominant_min_krs) & (
        stats["max"] > cfg.dominant_share * stats["sum"]
    )
    bad = stats[percent | fraction | dominant]
    owner = ctx.objectives.drop_duplicates("id").set_index("id")["owner"]
    for objective, row in bad.iterrows():
        objective = str(objective)
        total = _num(round(float(row["sum"]), 4))
        if percent[objective]:
            params: dict[str, Any] = {"variant": "percent", "total": total}
        elif fraction[objective]:
            params = {"variant": "fraction", "total": total}
        else:
            params = {
                "other": krs["id"][row["idxmax"]],
                "share": round(100 * float(row["max"]) / float(row["sum"])),
                "count": int(row["size"]),
            }
        yield Hit("OKR501", objective, str(owner.get(objective, "")), objective or None, params)


# --- the table -----------------------------------------------------------------------------------

#: Where the message and fix templates of every rule live: the ``rules`` section of
#: ``okrkit/locale/<lang>.json``, keys ``<code>.message``, ``<code>.fix`` and
#: ``<code>.message:<case>`` / ``<code>.fix:<case>`` for a case the rule's function names in the
#: hit's variant. Templates use ``{name}`` fields: the hit's params, item, owner, objective and
#: the :class:`CheckConfig` fields.
MESSAGES_PATH = Path(__file__).with_name("locale")


def _load_texts() -> dict[str, dict[str, dict[str, str]]]:
    """code -> language -> key -> template, from the ``rules`` section of the locale files."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for lang in LANGUAGES:
        for key, template in texts("rules", lang).items():
            code, _, name = key.partition(".")
            out.setdefault(code, {}).setdefault(lang, {})[name] = template
    return out


_TEXTS = _load_texts()


def _rule(*, code: str, severity: Severity, about: About, rule: str) -> Rule:
    """A row of the table, with its templates from :data:`MESSAGES_PATH`."""
    if code not in _TEXTS:  # pragma: no cover - a developer error, caught at import
        raise RuntimeError(f"{code} has no templates in the 'rules' section of okrkit/locale")
    return Rule(code=code, severity=severity, about=about, rule=rule, texts=_TEXTS[code])


# fmt: off
_TABLE: tuple[Rule, ...] = (
    _rule(code="OKR101", severity="warning", about="objective",
          rule="the title holds a number: digits, a percentage, an amount, 1M or a number word "
               "(English or Swedish)"),
    _rule(code="OKR102", severity="warning", about="objective",
          rule="fewer than min_krs (2) key results"),
    _rule(code="OKR103", severity="warning", about="objective",
          rule="more than max_krs (5) key results"),
    _rule(code="OKR104", severity="warning", about="owner",
          rule="an owner has more than max_objectives_per_owner (10) objectives in the cycle"),
    _rule(code="OKR201", severity="warning", about="key_result",
          rule="no measurable target: not a metric with start and target, a milestone or a "
               "guardrail with a threshold, and the wording module finds no target in the title"),
    _rule(code="OKR202", severity="warning", about="key_result",
          rule="the wording module reads the title as a task or activity, not an outcome (any "
               "key result type)"),
    _rule(code="OKR203", severity="warning", about="key_result",
          rule="the same normalised title as an earlier key result of the set, or a token "
               "Jaccard similarity of near_duplicate (0.8) or more with one of the same objective"),
    _rule(code="OKR204", severity="error", about="key_result",
          rule="a metric whose target equals its start (only in frames: the model refuses it)"),
    _rule(code="OKR205", severity="info", about="key_result",
          rule="a metric whose change abs(target − start) exceeds jump_factor (3) × abs(start) "
               "(start not 0)"),
    _rule(code="OKR207", severity="warning", about="key_result",
          rule="the wording module finds the title vague, and the structure does not make the "
               "key result measurable"),
    _rule(code="OKR301", severity="warning", about="objective",
          rule="at the end of the cycle, a committed objective with readings scored below 1.0"),
    _rule(code="OKR302", severity="warning", about="owner",
          rule="at the end of the cycle, all of an owner's aspirational objectives with readings "
               "(at least 2) scored 1.0: sandbagging"),
    _rule(code="OKR303", severity="info", about="objective",
          rule="at the end of the cycle, an aspirational objective with readings scored below "
               "aspirational_low (0.3)"),
    _rule(code="OKR401", severity="error", about="kpi",
          rule="a KPI lacks one of its four parts: target, timeframe, data_source, frequency"),
    _rule(code="OKR501", severity="warning", about="objective",
          rule="with 2+ key results: weights summing to percent_weights_from (20) or more but "
               "not to 100 ± 0.5; weights all below 1 not summing to 1 ± 0.01; or, with "
               "dominant_min_krs (3)+ key results, one carrying more than dominant_share (60 %) "
               "of the total"),
)
# fmt: on

#: Every rule by code, in code order.
RULES: Mapping[str, Rule] = MappingProxyType({r.code: r for r in _TABLE})
if set(RULES) != set(_FUNCTIONS) or set(RULES) != set(_TEXTS):  # pragma: no cover
    # A developer error, caught by the tests.
    raise RuntimeError(
        f"rules without a function: {sorted(set(RULES) - set(_FUNCTIONS))}; functions without"
        f" a row: {sorted(set(_FUNCTIONS) - set(RULES))}; templates without a row:"
        f" {sorted(set(_TEXTS) - set(RULES))}"
    )
