"""The messages of the alignment checks, from the ``graph`` section of ``okrkit/locale``.

Keys are ``<code>.<name>``: ``message`` and ``fix``; ``message:<case>`` and ``fix:<case>`` for a
case of the check (a case without its own fix takes ``fix``); and the words a template takes,
``<word>:<value>`` (a node kind, a level) with ``<word>`` as the template for a value that has
none. ``OKR602.note:partial`` is the note :func:`okrkit.checks.check_sets` adds to a missing link
when only some files are checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from okrkit.findings import SEVERITIES, About, Finding, Severity
from okrkit.text import LANGUAGES, texts

__all__ = ["GRAPH_MESSAGES", "by_severity", "finding", "word"]


def _by_code() -> dict[str, dict[str, dict[str, str]]]:
    out: dict[str, dict[str, dict[str, str]]] = {}
    for lang in LANGUAGES:
        for key, template in texts("graph", lang).items():
            code, _, name = key.partition(".")
            out.setdefault(code, {}).setdefault(lang, {})[name] = template
    return out


#: Message and fix templates of the checks: code -> language -> key -> template (read from the
#: ``graph`` section of the locale files).
GRAPH_MESSAGES: Mapping[str, Mapping[str, Mapping[str, str]]] = _by_code()

_RANK = {s: i for i, s in enumerate(SEVERITIES)}
_KINDS: dict[Any, About] = {"key_result": "key_result", "kpi": "kpi", "initiative": "initiative"}


def word(code: str, lang: str, name: str, value: Any, shown: Any = None) -> str:
    """The text of ``value`` for the field ``name`` of ``code``'s templates in ``lang``.

    ``<name>:<value>`` when the templates have it, else the ``<name>`` template filled with
    ``shown`` (default ``value``).
    """
    templates = GRAPH_MESSAGES[code][lang]
    key = f"{name}:{value}"
    if key in templates:
        return templates[key]
    return templates[name].format_map({name: value if shown is None else shown})


def finding(
    nodes: Mapping[Any, Mapping[str, Any]],
    code: str,
    severity: Severity,
    item: Any,
    lang: str,
    case: str | None = None,
    **values: Any,
) -> Finding:
    """A finding of ``code`` on ``item`` with its message and fix in ``lang``.

    The kind, owner and objective of the item come from its node in ``nodes`` (the graph's):
    an objective is its own objective, a key result names its objective; a node of no known
    kind (a missing parent) counts as an objective.
    """
    templates = GRAPH_MESSAGES[code][lang]
    message = (
        templates.get(f"message:{case}", templates["message"]) if case else templates["message"]
    )
    fix = templates.get(f"fix:{case}", templates["fix"]) if case else templates["fix"]
    values["item"] = item
    node = nodes.get(item) or {}
    kind: About = _KINDS.get(node.get("kind"), "objective")
    objective = str(item) if kind == "objective" else node.get("objective")
    return Finding(
        code=code,
        severity=severity,
        item=str(item),
        item_kind=kind,
        owner=str(node.get("owner") or ""),
        objective=None if objective is None else str(objective),
        message=message.format_map(values),
        fix=fix.format_map(values),
    )


def by_severity(findings: Iterable[Finding]) -> list[Finding]:
    """``findings`` sorted by severity (errors first), then item and code."""
    return sorted(findings, key=lambda f: (_RANK.get(f.severity, 9), f.item, f.code))
