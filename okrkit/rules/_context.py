"""What the rule functions read (:class:`Context`) and the text helpers they share."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from okrkit.cycles import Cycle
from okrkit.frames import Frames
from okrkit.rules._registry import CheckConfig
from okrkit.scoring import Scores, score
from okrkit.wording import assess_key_result, number_words_regex

__all__ = [
    "Context",
    "Wording",
    "assess_title",
    "find_number",
    "float_column",
    "normalise_title",
    "plain",
    "shown_number",
    "text_column",
]


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


def text_column(df: pd.DataFrame, name: str) -> pd.Series:
    """A text column with ``""`` for missing values (numbers typed into it as text)."""
    if name not in df.columns:
        return pd.Series([""] * len(df), index=df.index, dtype=object)
    return df[name].fillna("").astype(str).astype(object)


def float_column(df: pd.DataFrame, name: str) -> pd.Series:
    if name not in df.columns:
        return pd.Series(np.nan, index=df.index, dtype="float64")
    return pd.to_numeric(df[name], errors="coerce").astype("float64")


def plain(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with a fresh index and text columns as ``object`` (fast to iterate)."""
    text = [c for c in df.columns if not pd.api.types.is_float_dtype(df[c])]
    return df.reset_index(drop=True).astype(dict.fromkeys(text, object))


@dataclass(slots=True)
class Context:
    """What rule functions read: the set's tables with clean columns, the config and the date.

    ``objectives`` has ``id``, ``title``, ``owner``, ``kind``; ``key_results`` has ``id``,
    ``objective``, ``title``, ``type``, ``owner`` (its own, else its objective's), ``weight``
    (missing read as 1), ``start``, ``target``, ``threshold``, ``bound`` and ``target_zone``;
    ``kpis`` has ``id``, ``owner`` and
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
                "id": text_column(o, "id").str.strip(),
                "title": text_column(o, "title"),
                "owner": text_column(o, "owner").str.strip(),
                "kind": text_column(o, "kind").replace("", "committed"),
            }
        ).pipe(plain)
        objective_owner = pd.Series(
            objectives["owner"].to_numpy(), index=objectives["id"].to_numpy()
        )
        objective_owner = objective_owner[~objective_owner.index.duplicated()]
        kr_objective = text_column(k, "objective").str.strip()
        own = text_column(k, "owner").str.strip()
        inherited = kr_objective.map(objective_owner).fillna("")
        key_results = pd.DataFrame(
            {
                "id": text_column(k, "id").str.strip(),
                "objective": kr_objective,
                "title": text_column(k, "title"),
                "type": text_column(k, "type").replace("", "metric"),
                "owner": own.where(own != "", inherited),
                "weight": float_column(k, "weight").fillna(1.0),
                "start": float_column(k, "start"),
                "target": float_column(k, "target"),
                "threshold": float_column(k, "threshold"),
                "bound": text_column(k, "bound").str.strip(),
                "target_zone": text_column(k, "target_zone").str.strip(),
            }
        ).pipe(plain)
        kpis = pd.DataFrame(
            {
                "id": text_column(p, "id").str.strip(),
                "owner": text_column(p, "owner").str.strip(),
                "target": float_column(p, "target"),
                "timeframe": text_column(p, "timeframe").str.strip(),
                "data_source": text_column(p, "data_source").str.strip(),
                "frequency": text_column(p, "frequency").str.strip(),
            }
        ).pipe(plain)
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


def shown_number(value: float) -> float | int:
    """A number for a message: whole numbers without ``.0``."""
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else float(value)
