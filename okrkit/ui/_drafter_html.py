"""What the key result drafter shows as text: the OKR as a sentence, the wording verdict and the
quality findings, in the language of the view (the ``ui.drafter`` section of :mod:`okrkit.text`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from okrkit.findings import Finding
from okrkit.text import say
from okrkit.wording import Assessment

__all__ = ["MAX_FINDINGS", "findings_html", "kr_sentence", "wording_html"]

#: Findings listed at most; the rest are counted.
MAX_FINDINGS = 30

_SECTION = "ui.drafter"


def _lower_first(text: str) -> str:
    """``text`` with a lower-case first letter, unless it starts an acronym ("NPS", "Q3")."""
    text = text.strip().rstrip(".!;:").strip()
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    if len(text) == 1:
        return text.lower()
    return text


def kr_sentence(objective: str, key_results: Sequence[str], lang: str = "en") -> str:
    """The OKR as one sentence: "We will [objective], as measured by [KR1], [KR2] and [KR3]."

    Examples
    --------
    >>> kr_sentence("Delight customers", ["Raise NPS from 30 to 40", "Cut churn to 5 %"])
    'We will delight customers, as measured by raise NPS from 30 to 40 and cut churn to 5 %.'
    >>> kr_sentence("Glädja kunderna", ["Öka NPS", "Minska churn", "Lansera appen"], "sv")
    'Vi ska glädja kunderna, mätt genom öka NPS, minska churn och lansera appen.'
    >>> kr_sentence("Delight customers", [])
    'We will delight customers.'
    """
    titles = [_lower_first(t) for t in key_results if t.strip()]
    goal = _lower_first(objective)
    if not titles:
        return say(_SECTION, "sentence_none", lang, objective=goal)
    if len(titles) == 1:
        krs = titles[0]
    else:
        krs = f"{', '.join(titles[:-1])} {say(_SECTION, 'and', lang)} {titles[-1]}"
    return say(_SECTION, "sentence_one", lang, objective=goal, krs=krs)


def wording_html(found: Assessment, lang: str) -> str:
    """The wording verdict on a typed title, its findings and the suggested fix, as HTML."""
    colour = {"measurable": "#1e7b34", "task": "#a15c00", "vague": "#b00020"}[found.verdict]
    # The message starts with the verdict ("Measurable: ...") in the language of the text.
    parts = [f'<div><b style="color:{colour}">{html.escape(found.message)}</b></div>']
    if found.findings:
        items = "".join(
            f"<li><code>{html.escape(f.code)}</code> {html.escape(f.message)}</li>"
            for f in found.findings
        )
        parts.append(f"<ul>{items}</ul>")
    if found.suggestion:
        label = html.escape(say(_SECTION, "suggestion", lang))
        parts.append(f"<div>{label}: {html.escape(found.suggestion)}</div>")
    return "".join(parts)


def findings_html(objective: str, found: Sequence[Finding], lang: str) -> str:
    """The quality findings of ``objective`` (those not silenced), at most
    :data:`MAX_FINDINGS`, as HTML."""
    shown = [f for f in found if f.silenced is None]
    if not shown:
        return f"<p>{html.escape(say(_SECTION, 'no_findings', lang, objective=objective))}</p>"
    items = "".join(
        f"<li><code>{html.escape(f.code)}</code> {html.escape(f.severity)} "
        f"<b>{html.escape(f.item)}</b>: {html.escape(f.message)} "
        f"<i>({html.escape(f.fix)})</i></li>"
        for f in shown[:MAX_FINDINGS]
    )
    more = len(shown) - MAX_FINDINGS
    tail = f"<li>{html.escape(say(_SECTION, 'more', lang, n=more))}</li>" if more > 0 else ""
    heading = html.escape(say(_SECTION, "findings", lang, objective=objective))
    return f"<b>{heading}</b><ul>{items}{tail}</ul>"
