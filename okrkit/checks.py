"""Quality checks for OKR drafts and reviews: findings with stable codes, in English or Swedish.

:func:`check_set` runs every rule of :data:`okrkit.rules.RULES` on an OKR set (or its frames, so a
draft edited in pandas can be checked before it is valid) and returns :class:`Finding` records,
each with a code (``OKR101``), a severity, the item it is about, a message and a one-line fix.
A finding whose item silences its code in the data (``silence: {OKR202: reason}``) is kept, with
``silenced`` set to the reason, and does not count in :func:`summary` or :func:`design_scores`.

Messages are in English or Swedish: the ``lang`` argument, else the ``OKRKIT_LANG`` environment
variable, else English. For one sentence as typed in a workshop, :func:`assess_key_result` (from
:mod:`okrkit.wording`, re-exported here) says whether it reads as a measurable outcome, a task or a
vague wish. Rules, thresholds (:class:`CheckConfig`), the design score and how to add
a rule are described in ``docs/checks.md``.

Examples
--------
>>> from okrkit import KeyResult, Objective, OkrSet
>>> okrs = OkrSet(cycle="2026-Q1", objectives=[Objective(id="O1", title="Grow revenue 20 %",
...     owner="Ana", key_results=[KeyResult(id="K1", title="Grow ARR from $2M to $2.4M",
...     start=2e6, target=2.4e6)])])
>>> for f in check_set(okrs, as_of=dt.date(2026, 2, 1)):
...     print(f.code, f.severity, f.item, f.fix)
OKR101 warning O1 reword it as a qualitative goal and move 20 % into a key result
OKR102 warning O1 add key results until 2 to 5 measure the objective from different angles
>>> print(check_set(okrs, as_of=dt.date(2026, 2, 1), lang="sv")[1].message)
för få nyckelresultat (1; sikta på 2–5)
>>> summary(check_set(okrs, as_of=dt.date(2026, 2, 1)))
{'error': 0, 'warning': 2, 'info': 0, 'silenced': 0}
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from okrkit.cycles import parse_date
from okrkit.findings import FINDING_COLUMNS, SEVERITIES, Finding
from okrkit.frames import Frames, to_frames
from okrkit.model import OkrSet
from okrkit.rules import (
    RULES,
    CheckConfig,
    Context,
    Hit,
    Rule,
    functions,
)
from okrkit.scoring import score
from okrkit.text import ENV_LANG, resolve_lang
from okrkit.wording import assess_key_result

__all__ = [
    "ENV_LANG",
    "FINDING_COLUMNS",
    "PENALTIES",
    "RULES",
    "CheckConfig",
    "Finding",
    "Rule",
    "assess_key_result",
    "check_set",
    "check_sets",
    "design_scores",
    "exit_code",
    "findings_frame",
    "resolve_lang",
    "sort_findings",
    "summary",
]

#: Design score penalty per finding that is not silenced, by severity.
PENALTIES: Mapping[str, int] = {"error": 25, "warning": 10, "info": 3}
_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def check_set(
    data: OkrSet | Frames,
    *,
    as_of: dt.date | str | None = None,
    config: CheckConfig | None = None,
    lang: str | None = None,
) -> list[Finding]:
    """Run every enabled quality rule on an OKR set.

    Parameters
    ----------
    data
        An :class:`~okrkit.OkrSet`, or :class:`~okrkit.frames.Frames`: frames may hold drafts the
        model would refuse (a metric whose target equals its start, missing numbers).
    as_of
        The day of the check (default: today). The quarter-end rules (OKR301–OKR303) run only
        when it is on or after the last day of the cycle, on the scores at that day.
    config
        Thresholds, disabled rules and severity overrides (default :class:`CheckConfig`).
    lang
        ``"en"`` or ``"sv"`` for the messages; default ``$OKRKIT_LANG``, else English.

    Returns
    -------
    list of Finding
        Sorted by severity (error, warning, info), then owner, item and code. Silenced findings
        are included, with ``silenced`` set to the reason.

    Raises
    ------
    ValueError
        For an unsupported ``lang``.

    Examples
    --------
    >>> from okrkit import KeyResult, Objective, OkrSet
    >>> okrs = OkrSet(cycle="2026-Q1", objectives=[Objective(id="O1", title="Delight users",
    ...     key_results=[KeyResult(id="K1", title="NPS from 30 to 40", start=30, target=40),
    ...                  KeyResult(id="K2", title="NPS from 30 to 40!", start=30, target=40,
    ...                            silence={"OKR203": "two surveys"})])])
    >>> [(f.code, f.item, f.silenced) for f in check_set(okrs, as_of="2026-02-01")]
    [('OKR203', 'K2', 'two surveys')]
    """
    language = resolve_lang(lang)
    config = config or CheckConfig()
    if isinstance(data, OkrSet):
        frames = to_frames(data)
    elif isinstance(data, Frames):
        frames = data
    else:
        raise TypeError(f"expected an OkrSet or Frames, got {type(data).__name__}")
    day = dt.date.today() if as_of is None else parse_date(as_of, field="as_of")
    ctx = Context.build(frames, as_of=day, config=config)
    enabled = [code for code in RULES if code not in config.disabled]
    wanted = set(enabled)
    silences = _Silences(frames)
    common = {f.name: _value(getattr(config, f.name), language) for f in dataclasses.fields(config)}
    out: list[Finding] = []
    for function in functions(enabled):
        for hit in function(ctx):
            if hit.code in wanted:
                out.append(_finding(hit, RULES[hit.code], config, language, common, silences))
    return sort_findings(out)


def check_sets(
    sets: Sequence[OkrSet],
    *,
    as_of: dt.date | str | None = None,
    config: CheckConfig | None = None,
    lang: str | None = None,
    partial: bool = False,
    context: Sequence[OkrSet] = (),
    frames: Sequence[Frames] | None = None,
) -> list[Finding]:
    """Every quality rule on each set, plus the alignment checks across all of them.

    ``sets`` are the OKR sets checked together: the cycles of a store, or several files of one
    organisation. The alignment findings (``OKR601``–``OKR606``, from :mod:`okrkit.alignment`)
    carry the owner and objective of their item and honour its ``silence``. A link to an id that
    is not in the sets (``OKR602``) is a warning, as an import says of it: the parent may come
    later; with ``partial`` (one file of a larger organisation) its message says so, and a link
    to something else than an objective is a warning too. ``context`` sets (other
    cycles of a store, say) join the alignment graph but are not reported on. ``lang`` picks the
    language of every message, the alignment findings' and the ``partial`` note included
    (default ``$OKRKIT_LANG``, else English). ``frames`` are the sets' frames when the caller
    has built them already (:func:`~okrkit.frames.to_frames` of each set, in order).

    Examples
    --------
    >>> from okrkit import Objective, OkrSet
    >>> team = OkrSet(cycle="2026-Q1", objectives=[Objective(id="T1", title="Ship", owner="Ana",
    ...     level="team", aligns_to=["D9"])])
    >>> [(f.code, f.severity) for f in check_sets([team], as_of="2026-02-01") if f.code == "OKR602"]
    [('OKR602', 'warning')]
    >>> [(f.code, f.severity) for f in check_sets([team], as_of="2026-02-01", partial=True)
    ...  if f.code == "OKR602"]
    [('OKR602', 'warning')]
    >>> [f.message for f in check_sets([team], as_of="2026-02-01", lang="sv", partial=True)
    ...  if f.code == "OKR602"]
    ['T1 pekar på D9, som inte finns i någon inläst OKR-uppsättning (finns inte i de kontrollerade \
filerna; det går bra om det ligger i en annan fil)']
    """
    # NetworkX loads only when sets are checked together, not on ``import okrkit``.
    from okrkit.alignment import build_graph
    from okrkit.graph_checks import GRAPH_MESSAGES, graph_findings

    if frames is None:
        frames = [to_frames(okrs) for okrs in sets]

    language = resolve_lang(lang)
    config = config or CheckConfig()
    day = dt.date.today() if as_of is None else parse_date(as_of, field="as_of")
    out = [f for frame in frames for f in check_set(frame, as_of=day, config=config, lang=language)]
    if not sets:
        return out
    cycles = [okrs.cycle.id for okrs in sets]
    scores = (
        {c: score(f, day) for c, f in zip(cycles, frames, strict=True)}
        if len(set(cycles)) == len(cycles)
        else None
    )
    graph = build_graph([*sets, *context], scores, as_of=day)
    silences = [_Silences(f) for f in frames]
    reported = frozenset().union(*(okrs.ids for okrs in sets))
    partial_note = GRAPH_MESSAGES["OKR602"][language]["note:partial"]
    found_all = graph_findings(graph, as_of=day, stale_weeks=config.stale_weeks, lang=language)
    for found in found_all:
        if found.code in config.disabled or found.item not in reported:
            continue
        message = found.message
        severity = config.severities.get(found.code, found.severity)
        if partial and found.code == "OKR602":
            severity = "warning"
            message += f" ({partial_note})"
        reason = next(
            (
                r
                for s in silences
                if (r := s.reason(found.item_kind, found.item, found.code)) is not None
            ),
            None,
        )
        out.append(dataclasses.replace(found, severity=severity, message=message, silenced=reason))
    return sort_findings(out)


def _value(value: Any, lang: str) -> Any:
    """A template value in ``lang``: a decimal comma in Swedish."""
    if isinstance(value, float | np.floating):
        text = format(float(value), "g")
        return text.replace(".", ",") if lang == "sv" else text
    return value


def _finding(
    hit: Hit,
    rule: Rule,
    config: CheckConfig,
    lang: str,
    common: Mapping[str, Any],
    silences: _Silences,
) -> Finding:
    params = hit.params
    message, fix = rule.template(lang, params.get("variant"))
    values = _Values(common)
    values.update(item=hit.item, owner=hit.owner, objective=hit.objective)
    for key, value in params.items():
        values[key] = _value(value, lang) if type(value) is float else value
    return Finding(
        code=hit.code,
        severity=config.severities.get(hit.code, rule.severity),
        item=hit.item,
        item_kind=rule.about,
        owner=hit.owner,
        objective=hit.objective,
        message=message.format_map(values),
        fix=fix.format_map(values),
        silenced=silences.reason(rule.about, hit.item, hit.code),
    )


class _Values(dict[str, Any]):
    """Template values: the hit's own, then the shared ones (config fields) when missing."""

    __slots__ = ("_common",)

    def __init__(self, common: Mapping[str, Any]) -> None:
        super().__init__()
        self._common = common

    def __missing__(self, key: str) -> Any:
        return self._common[key]


class _Silences:
    """The ``silence`` pairs of every item, by (kind, id); owners through their objectives."""

    __slots__ = ("_by_item", "_by_owner")

    def __init__(self, frames: Frames) -> None:
        self._by_item: dict[tuple[str, str], dict[str, str]] = {}
        self._by_owner: dict[str, dict[str, str]] = {}
        tables = (
            ("objective", frames.objectives),
            ("key_result", frames.key_results),
            ("kpi", frames.kpis),
            ("initiative", frames.initiatives),
        )
        for kind, df in tables:
            if "silence" not in df.columns or df.empty:
                continue
            column = df["silence"]
            has = column.map(_has_silence).to_numpy(dtype=bool)
            for ident, cell in zip(df["id"][has], column[has], strict=True):
                pairs = _silence_pairs(cell)
                self._by_item[(kind, str(ident).strip())] = pairs
            if kind == "objective" and has.any() and "owner" in df.columns:
                for owner, cell in zip(df["owner"][has], column[has], strict=True):
                    if isinstance(owner, str) and owner.strip():
                        mine = self._by_owner.setdefault(owner.strip(), {})
                        for code, reason in _silence_pairs(cell).items():
                            mine.setdefault(code, reason)

    def reason(self, kind: str, item: str, code: str) -> str | None:
        """Why ``code`` is silenced on the item, or ``None``.

        An owner-level finding is silenced when one of the owner's objectives silences its code.
        """
        if kind == "owner":
            return self._by_owner.get(item, {}).get(code)
        return self._by_item.get((kind, item), {}).get(code)


def _has_silence(cell: object) -> bool:
    if type(cell) is tuple:
        return len(cell) > 0
    if isinstance(cell, str):
        return bool(cell.strip())
    if isinstance(cell, Mapping | Sequence):
        return len(cell) > 0
    return False


def _silence_pairs(cell: object) -> dict[str, str]:
    """``silence`` as code -> reason from pairs, a mapping or ``CODE: reason`` lines."""
    if isinstance(cell, Mapping):
        items: Iterable[Any] = cell.items()
    elif isinstance(cell, str):
        items = [line.split(":", 1) for line in cell.splitlines() if ":" in line]
    elif isinstance(cell, Sequence):
        items = cell
    else:
        return {}
    out: dict[str, str] = {}
    for pair in items:
        if isinstance(pair, Sequence) and not isinstance(pair, str) and len(pair) == 2:
            code, reason = pair
            if isinstance(code, str) and isinstance(reason, str) and reason.strip():
                out[code.strip()] = " ".join(reason.split())
    return out


def sort_findings(findings: Iterable[Any]) -> list[Any]:
    """Findings by severity (error, warning, info), then owner, item and code.

    Works on any records with ``severity``, ``item`` and ``code`` (such as the alignment
    module's findings, which sort with an empty owner).
    """
    return sorted(
        findings,
        key=lambda f: (
            _RANK.get(f.severity, len(_RANK)),
            getattr(f, "owner", "") or "",
            f.item,
            f.code,
        ),
    )


def findings_frame(findings: Iterable[Any]) -> pd.DataFrame:
    """One row per finding, with the columns of :data:`FINDING_COLUMNS`.

    Every check returns :class:`~okrkit.findings.Finding` records; another record without some
    of these fields gets ``None`` there.

    Examples
    --------
    >>> findings_frame([]).columns.tolist()
    ['code', 'severity', 'item', 'item_kind', 'owner', 'objective', 'message', 'fix', 'silenced']
    """
    items = list(findings)
    return pd.DataFrame(
        {
            name: pd.Series([getattr(f, name, None) for f in items], dtype=object)
            for name in FINDING_COLUMNS
        }
    )


def summary(findings: Iterable[Any]) -> dict[str, int]:
    """Counts by severity, silenced findings excluded (counted under ``silenced`` instead).

    Examples
    --------
    >>> summary([])
    {'error': 0, 'warning': 0, 'info': 0, 'silenced': 0}
    """
    counts = dict.fromkeys(SEVERITIES, 0)
    counts["silenced"] = 0
    for f in findings:
        if getattr(f, "silenced", None):
            counts["silenced"] += 1
        elif f.severity in counts:
            counts[f.severity] += 1
    return counts


def exit_code(findings: Iterable[Any], *, strict: bool = False) -> int:
    """1 when a finding that is not silenced is an error (or, with ``strict``, a warning); else 0.

    Examples
    --------
    >>> exit_code([]), exit_code([Finding(code="OKR102", severity="warning", item="O1",
    ...     item_kind="objective", owner="", objective="O1", message="m", fix="f")], strict=True)
    (0, 1)
    """
    counts = summary(findings)
    return int(counts["error"] > 0 or (strict and counts["warning"] > 0))


def design_scores(data: OkrSet | Frames, findings: Iterable[Any]) -> pd.DataFrame:
    """A design score 0–100 per objective: how much work a draft still needs.

    ``100 − 25 × errors − 10 × warnings − 3 × infos`` over the findings on the objective and
    its key results (:data:`PENALTIES`), silenced findings left out, floored at 0.

    Returns
    -------
    pandas.DataFrame
        One row per objective: ``id``, ``title``, ``owner``, ``design_score``, ``error``,
        ``warning``, ``info`` and ``silenced`` (counts); worst first (lowest score, then most
        errors, warnings, infos), then by id.

    Examples
    --------
    >>> from okrkit import KeyResult, Objective, OkrSet
    >>> okrs = OkrSet(cycle="2026-Q1", objectives=[Objective(id="O1", title="Grow 20 %",
    ...     key_results=[KeyResult(id="K1", title="Sales 1 to 2", start=1, target=2)])])
    >>> row = design_scores(okrs, check_set(okrs, as_of="2026-02-01")).iloc[0]
    >>> row["id"], int(row["design_score"]), int(row["warning"])  # OKR101, OKR102: 100 - 2 × 10
    ('O1', 80, 2)
    """
    objectives = data.objectives if isinstance(data, Frames) else to_frames(data).objectives
    ff = findings_frame(findings)
    ff = ff[ff["objective"].notna()]
    active = ff[ff["silenced"].isna()]
    counts = (
        active.groupby(["objective", "severity"]).size().unstack(fill_value=0)
        if len(active)
        else pd.DataFrame()
    )
    counts = counts.reindex(columns=list(SEVERITIES), fill_value=0)
    silenced = ff[ff["silenced"].notna()].groupby("objective").size()
    ids = objectives["id"].astype(str).str.strip()
    out = pd.DataFrame(
        {
            "id": ids.to_numpy(),
            "title": objectives["title"].to_numpy(),
            "owner": objectives["owner"].to_numpy(),
        }
    )
    for severity in SEVERITIES:
        out[severity] = ids.map(counts[severity]).fillna(0).astype("int64").to_numpy()
    penalty = sum(PENALTIES[s] * out[s] for s in SEVERITIES)
    out.insert(3, "design_score", (100 - penalty).clip(lower=0).astype("int64"))
    out["silenced"] = ids.map(silenced).fillna(0).astype("int64").to_numpy()
    return out.sort_values(
        ["design_score", "error", "warning", "info", "id"],
        ascending=[True, False, False, False, True],
        kind="stable",
    ).reset_index(drop=True)
