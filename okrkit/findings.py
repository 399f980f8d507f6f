"""The one record of a problem found in OKRs: :class:`Finding`, for every check okrkit runs.

The quality rules of a set (:func:`okrkit.checks.check_set`, codes ``OKR1xx``–``OKR5xx``), the
checks of the alignment graph (:mod:`okrkit.graph_checks`, ``OKR601``–``OKR606``) and the
wording of one typed key result (:func:`okrkit.wording.assess_key_result`, ``OKR201``,
``OKR202``, ``OKR207``) all return :class:`Finding` records. A wording finding is about a text
rather than an item of a set, so it leaves ``item`` empty and carries the ``evidence`` words and
their ``spans`` instead.

:func:`missing_link_note` is the OKR602 warning as one line, for an import that stores a link to
an objective that is not there yet: it lives here so the store can say it without the analysis.

Examples
--------
>>> f = Finding(code="OKR604", severity="warning", item="T1", item_kind="objective",
...     owner="Ana", objective="T1", message="team objective T1 aligns to no objective",
...     fix="add aligns_to")
>>> print(f)
OKR604 warning T1: team objective T1 aligns to no objective (add aligns_to)
>>> f.to_dict()["owner"]
'Ana'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

from okrkit.text import resolve_lang, say

__all__ = [
    "ABOUT",
    "FINDING_COLUMNS",
    "SEVERITIES",
    "About",
    "Finding",
    "Severity",
    "Span",
    "missing_link_note",
]

Severity = Literal["error", "warning", "info"]
About = Literal["objective", "key_result", "kpi", "initiative", "owner"]
#: ``(start, end)`` offsets of words in a text.
Span = tuple[int, int]
#: Severities, most serious first (the sort order of findings).
SEVERITIES: tuple[str, ...] = get_args(Severity)
#: What a finding can be about.
ABOUT: tuple[str, ...] = get_args(About)
#: The columns of a findings table (:func:`okrkit.checks.findings_frame`) and the keys of
#: :meth:`Finding.to_dict`.
FINDING_COLUMNS: tuple[str, ...] = (
    "code",
    "severity",
    "item",
    "item_kind",
    "owner",
    "objective",
    "message",
    "fix",
    "silenced",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One problem found by a check.

    Attributes
    ----------
    code
        Stable rule code, e.g. ``OKR202`` (see :data:`okrkit.rules.RULES` and
        :mod:`okrkit.graph_checks`).
    severity
        ``error``, ``warning`` or ``info``.
    item
        The id the finding is about; for an owner-level rule (``item_kind="owner"``), the owner;
        empty for a finding on a typed text.
    item_kind
        ``objective``, ``key_result``, ``kpi``, ``initiative`` or ``owner``.
    owner
        The owner of the item (a key result without its own owner: its objective's owner).
    objective
        The objective the finding belongs to: its own id for an objective, its objective's for a
        key result, ``None`` for KPIs, initiatives, owners and texts.
    message
        What is wrong, in one line.
    fix
        How to fix it, in one line.
    silenced
        The reason given in the data for silencing this code on the item, else ``None``.
    evidence
        The words of a typed text the finding rests on (may be empty).
    spans
        ``(start, end)`` offsets of ``evidence`` in the text, for highlighting.
    """

    code: str
    severity: Severity = "warning"
    item: str = ""
    item_kind: About = "key_result"
    owner: str = ""
    objective: str | None = None
    message: str = ""
    fix: str = ""
    silenced: str | None = None
    evidence: tuple[str, ...] = ()
    spans: tuple[Span, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The finding as a plain dict (for JSON): the :data:`FINDING_COLUMNS`, and ``evidence``
        and ``spans`` when the finding has them."""
        out: dict[str, Any] = {name: getattr(self, name) for name in FINDING_COLUMNS}
        if self.evidence or self.spans:
            out["evidence"] = list(self.evidence)
            out["spans"] = [list(span) for span in self.spans]
        return out

    def __str__(self) -> str:
        text = f"{self.code} {self.severity} {self.item}: {self.message} ({self.fix})"
        return f"{text} [silenced: {self.silenced}]" if self.silenced else text


def missing_link_note(child: str, parent: str, *, lang: str | None = None) -> str:
    """The OKR602 warning for one link to an objective that is nowhere (yet), as one line.

    An import prints it for each such link it stores, so that it says what ``okrkit check``
    says of the store afterwards.

    >>> missing_link_note("MK-1", "CO-9", lang="en")
    'warning OKR602: MK-1 aligns to CO-9, which is in no loaded OKR set (correct the id in the \
aligns_to of MK-1, or load the set that holds CO-9)'
    """
    language = resolve_lang(lang)
    message = say("graph", "OKR602.message", language, item=child, parent=parent)
    fix = say("graph", "OKR602.fix", language, item=child, parent=parent)
    return f"warning OKR602: {message} ({fix})"
