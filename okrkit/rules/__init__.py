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

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from okrkit.findings import ABOUT, SEVERITIES, About, Severity
from okrkit.rules import _quality  # noqa: F401  (registers the rule functions)
from okrkit.rules._context import Context, Wording, assess_title, find_number, normalise_title
from okrkit.rules._registry import (
    FUNCTIONS,
    LANGS,
    CheckConfig,
    Hit,
    Rule,
    functions,
    implements,
)
from okrkit.text import LANGUAGES, texts

__all__ = [
    "ABOUT",
    "FUNCTIONS",
    "LANGS",
    "MESSAGES_PATH",
    "RULES",
    "SEVERITIES",
    "About",
    "CheckConfig",
    "Context",
    "Hit",
    "Rule",
    "Severity",
    "Wording",
    "assess_title",
    "find_number",
    "functions",
    "implements",
    "normalise_title",
]


# --- the table -----------------------------------------------------------------------------------

#: Where the message and fix templates of every rule live: the ``rules`` section of
#: ``okrkit/locale/<lang>.json``, keys ``<code>.message``, ``<code>.fix`` and
#: ``<code>.message:<case>`` / ``<code>.fix:<case>`` for a case the rule's function names in the
#: hit's variant. Templates use ``{name}`` fields: the hit's params, item, owner, objective and
#: the :class:`CheckConfig` fields.
MESSAGES_PATH = Path(__file__).parent.with_name("locale")


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
if set(RULES) != set(FUNCTIONS) or set(RULES) != set(_TEXTS):  # pragma: no cover
    # A developer error, caught by the tests.
    raise RuntimeError(
        f"rules without a function: {sorted(set(RULES) - set(FUNCTIONS))}; functions without"
        f" a row: {sorted(set(FUNCTIONS) - set(RULES))}; templates without a row:"
        f" {sorted(set(_TEXTS) - set(RULES))}"
    )
