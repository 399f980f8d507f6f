"""The registry of the quality rules: thresholds, the rule row, hits, and the functions by code."""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from okrkit.findings import ABOUT, SEVERITIES, About, Severity
from okrkit.text import LANGUAGES

if TYPE_CHECKING:
    from okrkit.rules._context import Context

__all__ = [
    "FUNCTIONS",
    "LANGS",
    "CheckConfig",
    "Hit",
    "Rule",
    "RuleFunction",
    "functions",
    "implements",
]

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


#: The registered rule functions by code (read-only).
FUNCTIONS: Mapping[str, RuleFunction] = MappingProxyType(_FUNCTIONS)
