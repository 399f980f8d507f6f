"""The key result drafter: add and edit the key results of one objective, by type.

Pick an objective, pick one of its key results (or "new"), choose the type and fill in the fields
that type needs; Save writes to the store at once. While the title is typed the view shows the
sentence "We will [objective], as measured by [KR1], [KR2] and [new title]." and what
:func:`okrkit.wording.assess_key_result` makes of the title. A keystroke reads nothing from the
store: the objective and its key results are cached when the view loads. The view shows the
quality findings of the objective shown: those :func:`okrkit.checks.check_set` finds when the view
reads the cycle, and after a save those :func:`okrkit.objective_checks.check_objective` finds
about the objective edited (the same findings, from a check of that objective alone).

Save and Delete answer at once, also in a cycle of a thousand key results: one write, then one
cheap read of the versions of the cycle's objectives and key results. When nobody else wrote
meanwhile, the view updates the set it holds and re-checks the objective edited (and forgets the
findings of objectives with a key result of the same title, which OKR203 compares); otherwise it
reads the cycle again. Refresh reads the versions and reads the cycle again only when they
changed (or, once the cycle has ended and the quarter-end checks judge the scores, when the
cycle's check-ins changed).

The rules live in plain functions here and in the package (:func:`kr_sentence`,
:func:`parse_number`, :func:`next_key_result_id`, the model's checks), so they are tested without
a browser.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import html
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from okrkit.checks import Finding, check_set
from okrkit.cycles import Cycle
from okrkit.errors import OkrkitError, ValidationError
from okrkit.model import KR_TYPE_FIELDS, KR_TYPES, KeyResult, Objective, OkrSet
from okrkit.objective_checks import check_objective, title_key
from okrkit.ui.base import View
from okrkit.wording import Assessment, assess_key_result, detect_language

__all__ = ["KrDrafter", "kr_drafter", "kr_sentence", "next_key_result_id", "parse_number"]

#: The value of the "new key result" entry of the key result list.
NEW = ""

_NUMBER_FIELDS = ("start", "target", "current", "grade", "threshold")
_TYPED_FIELDS = ("start", "target", "current", "unit", "done", "grade", "threshold", "direction")
_MAX_FINDINGS = 30

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "heading": "Key results",
        "new_kr": "+ new key result",
        "type": "Type",
        "type_metric": "Metric",
        "type_milestone": "Milestone",
        "type_qualitative": "Qualitative",
        "type_guardrail": "Guardrail",
        "start": "Start",
        "target": "Target",
        "current": "Current",
        "unit": "Unit",
        "done": "Done",
        "grade": "Grade (0–1)",
        "threshold": "Threshold",
        "direction": "Stay",
        "above": "above",
        "below": "below",
        "weight": "Weight",
        "no_confidence": "–",
        "title_placeholder": "e.g. Raise repeat purchases from 20 % to 30 %",
        "sentence_one": "We will {objective}, as measured by {krs}.",
        "sentence_none": "We will {objective}.",
        "and": "and",
        "nothing_typed": "[…]",
        "suggestion": "Suggestion",
        "findings": "Quality findings for {objective}",
        "no_findings": "No quality findings for {objective}.",
        "more": "… and {n} more",
        "added": "Added {id}.",
        "updated": "Saved {id}.",
        "deleted": "Deleted {id}.",
        "pick_to_delete": "Pick a saved key result to delete.",
        "no_objective": "This cycle has no objectives yet: add one first (brainstorm board).",
        "load_failed": "Could not read the store: {message}",
        "not_a_number": "is not a number",
        "number_fix": "write a plain number such as 25 or 0.5",
    },
    "sv": {
        "heading": "Nyckelresultat",
        "new_kr": "+ nytt nyckelresultat",
        "type": "Typ",
        "type_metric": "Mätetal",
        "type_milestone": "Milstolpe",
        "type_qualitative": "Kvalitativ",
        "type_guardrail": "Skyddsräcke",
        "start": "Start",
        "target": "Målvärde",
        "current": "Nuläge",
        "unit": "Enhet",
        "done": "Klar",
        "grade": "Betyg (0–1)",
        "threshold": "Gräns",
        "direction": "Håll",
        "above": "över",
        "below": "under",
        "weight": "Vikt",
        "no_confidence": "–",
        "title_placeholder": "t.ex. Öka återköpen från 20 % till 30 %",
        "sentence_one": "Vi ska {objective}, mätt genom {krs}.",
        "sentence_none": "Vi ska {objective}.",
        "and": "och",
        "nothing_typed": "[…]",
        "suggestion": "Förslag",
        "findings": "Kvalitetsanmärkningar för {objective}",
        "no_findings": "Inga kvalitetsanmärkningar för {objective}.",
        "more": "… och {n} till",
        "added": "Lade till {id}.",
        "updated": "Sparade {id}.",
        "deleted": "Tog bort {id}.",
        "pick_to_delete": "Välj ett sparat nyckelresultat att ta bort.",
        "no_objective": "Perioden har inga mål ännu: lägg till ett först (idétavlan).",
        "load_failed": "Kunde inte läsa lagret: {message}",
        "not_a_number": "är inte ett tal",
        "number_fix": "skriv ett tal, t.ex. 25 eller 0,5",
    },
}


# --- the rules, as plain functions -----------------------------------------------------------


def _today() -> dt.date:
    """The day the quality checks judge (the quarter-end checks run from the cycle's last day)."""
    return dt.date.today()


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
    text = TEXT["sv" if lang == "sv" else "en"]
    titles = [_lower_first(t) for t in key_results if t.strip()]
    goal = _lower_first(objective)
    if not titles:
        return text["sentence_none"].format(objective=goal)
    krs = titles[0] if len(titles) == 1 else f"{', '.join(titles[:-1])} {text['and']} {titles[-1]}"
    return text["sentence_one"].format(objective=goal, krs=krs)


def parse_number(text: str, field: str, lang: str = "en") -> float | None:
    """A number typed in a form: empty is ``None``; spaces group digits.

    In Swedish a comma is the decimal mark (``0,5``); in English it groups thousands
    (``1,000``). A point is a decimal mark in both.

    Raises
    ------
    ValidationError
        When the text is not a number, naming the field.

    Examples
    --------
    >>> parse_number(" 1 000,5 ", "target", "sv"), parse_number("1,000.5", "target")
    (1000.5, 1000.5)
    >>> parse_number("", "current") is None
    True
    """
    raw = str(text).strip()
    if not raw:
        return None
    cleaned = re.sub(r"[\s\u00a0\u2009\u202f_]", "", raw).replace("\u2212", "-")
    cleaned = cleaned.replace(",", ".") if lang == "sv" else cleaned.replace(",", "")
    try:
        number = float(cleaned)
    except ValueError:
        words = TEXT["sv" if lang == "sv" else "en"]
        raise ValidationError(
            f"{raw!r} {words['not_a_number']}", field=field, fix=words["number_fix"]
        ) from None
    return number


def format_number(value: float | None, lang: str = "en") -> str:
    """A number for a form field: whole numbers without decimals, a decimal comma in Swedish."""
    if value is None or not math.isfinite(value):
        return ""
    text = str(int(value)) if float(value).is_integer() else repr(float(value))
    return text.replace(".", ",") if lang == "sv" else text


def next_key_result_id(objective: str, taken: Iterable[str]) -> str:
    """A new key result id ``<objective>-KR<n>``, after the highest such id in ``taken``.

    >>> next_key_result_id("MKT-1", ["MKT-1-KR1", "MKT-1-KR4", "MKT-2-KR9"])
    'MKT-1-KR5'
    """
    used = set(taken)
    pattern = re.compile(rf"^{re.escape(objective)}-KR(\d+)$")
    numbers = [int(m.group(1)) for ident in used if (m := pattern.match(ident))]
    n = max(numbers, default=0) + 1
    while f"{objective}-KR{n}" in used:
        n += 1
    return f"{objective}-KR{n}"


def key_result_fields(
    *,
    kr_type: str,
    title: str,
    weight: str,
    owner: str,
    confidence: int | None,
    numbers: Mapping[str, str],
    unit: str,
    done: bool,
    direction: str,
    lang: str = "en",
) -> dict[str, Any]:
    """The fields of a key result from a form: those of other types are ``None``.

    Numbers are parsed with :func:`parse_number`; the model checks the rest when the key result
    is built (a target equal to the start, a grade outside 0–1 ...).
    """
    own = KR_TYPE_FIELDS[kr_type]
    values: dict[str, Any] = dict.fromkeys(_TYPED_FIELDS)
    for name in _NUMBER_FIELDS:
        if name in own:
            values[name] = parse_number(numbers.get(name, ""), name, lang)
    if "unit" in own:
        values["unit"] = unit.strip() or None
    if "done" in own:
        values["done"] = bool(done)
    if "direction" in own:
        values["direction"] = direction
    parsed_weight = parse_number(weight, "weight", lang)
    return {
        "title": title,
        "type": kr_type,
        "weight": 1.0 if parsed_weight is None else parsed_weight,
        "owner": owner.strip(),
        "confidence": confidence,
        **values,
    }


# --- the view ------------------------------------------------------------------------------


class KrDrafter(View):
    """Draft the key results of one objective; see :func:`kr_drafter`.

    Attributes
    ----------
    objective_pick, kr_pick, type_pick, title
        The objective, the key result (``""`` for a new one), its type and its title.
    fields
        The other inputs by field name: ``start``, ``target``, ``current``, ``unit``, ``done``,
        ``grade``, ``threshold``, ``direction``, ``weight``, ``owner``, ``confidence``. Fields the
        type does not use are hidden (``layout.display == "none"``).
    sentence, wording, findings
        HTML: the OKR as a sentence, the verdict on the title's wording, the quality findings.
    okrs, versions
        The cycle's set and the versions of its objectives and key results, as last read or
        saved.
    quality
        The quality findings of the objective shown (silenced ones included).
    save_button, delete_button, refresh_button
        The actions.
    """

    TEXT = TEXT

    def __init__(
        self,
        store: Any,
        *,
        objective: str | None = None,
        cycle: str | Cycle | None = None,
        lang: str | None = None,
    ) -> None:
        super().__init__(store, lang=lang)
        self.add_class("okrkit-kr-drafter")
        self._cycle_arg = cycle
        self.cycle: Cycle | None = None
        self.okrs: OkrSet | None = None
        self.versions: dict[str, int] = {}
        self._objective: Objective | None = None
        self._findings: dict[str, list[Finding]] = {}
        self._muted = False

        t = self.t
        wide = widgets.Layout(width="100%")
        self.objective_pick = widgets.Dropdown(description=t("objective"), layout=wide)
        self.kr_pick = widgets.Select(description=t("key_result"), rows=6, layout=wide)
        self.type_pick = widgets.ToggleButtons(
            options=[(t(f"type_{name}"), name) for name in KR_TYPES],
            value="metric",
            description=t("type"),
        )
        self.title = widgets.Text(
            description=t("title"),
            placeholder=t("title_placeholder"),
            continuous_update=True,
            layout=wide,
        )
        self.fields: dict[str, widgets.Widget] = {
            "start": widgets.Text(description=t("start")),
            "target": widgets.Text(description=t("target")),
            "current": widgets.Text(description=t("current")),
            "unit": widgets.Text(description=t("unit")),
            "done": widgets.Checkbox(description=t("done"), value=False, indent=True),
            "grade": widgets.Text(description=t("grade")),
            "threshold": widgets.Text(description=t("threshold")),
            "direction": widgets.Dropdown(
                description=t("direction"),
                options=[(t("above"), "above"), (t("below"), "below")],
                value="above",
            ),
            "weight": widgets.Text(description=t("weight"), value="1"),
            "owner": widgets.Text(description=t("owner")),
            "confidence": widgets.Dropdown(
                description=t("confidence"),
                options=[(t("no_confidence"), None), *[(str(i), i) for i in range(1, 11)]],
                value=None,
            ),
        }
        self.sentence = widgets.HTML()
        self.wording = widgets.HTML()
        self.findings = widgets.HTML()
        self.save_button = widgets.Button(description=t("save"), button_style="primary")
        self.delete_button = widgets.Button(description=t("delete"), button_style="danger")
        self.refresh_button = widgets.Button(description=t("refresh"), icon="refresh")

        self.objective_pick.observe(self.safe(self._on_objective), names="value")
        self.kr_pick.observe(self.safe(self._on_key_result), names="value")
        self.type_pick.observe(self.safe(self._on_type), names="value")
        self.title.observe(self.safe(self._on_title), names="value")
        self.save_button.on_click(self.safe(lambda _b: self.save()))
        self.delete_button.on_click(self.safe(lambda _b: self.delete()))
        self.refresh_button.on_click(self.safe(lambda _b: self.refresh()))

        f = self.fields
        self.children = [
            widgets.HTML(f"<h3>{html.escape(t('heading'))}</h3>"),
            widgets.HBox([self.objective_pick, self.refresh_button]),
            self.kr_pick,
            self.type_pick,
            self.title,
            widgets.HBox([f["start"], f["target"], f["current"]]),
            widgets.HBox([f["threshold"], f["direction"], f["unit"]]),
            widgets.HBox([f["done"], f["grade"]]),
            widgets.HBox([f["weight"], f["owner"], f["confidence"]]),
            self.sentence,
            self.wording,
            widgets.HBox([self.save_button, self.delete_button]),
            self.status,
            self.findings,
        ]
        self._show_fields()
        self.refresh(objective=objective)

    # --- reading the store (never on a keystroke) ---------------------------------------------

    def refresh(self, *, objective: str | None = None, key_result: str | None = None) -> None:
        """Read the cycle again if it changed; keep (or pick) the objective and key result shown.

        One read of the versions of the cycle's objectives and key results says whether anybody
        changed one since the view read them; the cycle is read again only then (or, once the
        cycle has ended, when its check-ins changed: the quarter-end checks score them).
        """
        try:
            self.cycle = self.store.cycle(self._cycle_arg)
            # Versions before the data: a write in between makes the save a conflict, never a
            # silent overwrite of a change this view has not shown.
            versions = self.store.versions(self.cycle)
            if self.okrs is None or versions != self.versions or self._checkins_changed():
                okrs = self.store.load(self.cycle)
                found = check_set(okrs, as_of=_today(), lang=self.lang)
                self._findings = {o.id: [] for o in okrs.objectives}
                for f in found:
                    if f.objective in self._findings:
                        self._findings[f.objective].append(f)
                self.okrs, self.versions = okrs, versions
        except OkrkitError as exc:
            self.show_error(self.t("load_failed", message=str(exc)))
            return
        self._show_set(objective=objective, key_result=key_result)

    def _checkins_changed(self) -> bool:
        """Whether the cycle's active check-ins differ from those held, once the cycle has ended.

        Before its last day no check shown here reads check-ins, so they are not compared.
        """
        if self.okrs is None or self.cycle is None or _today() < self.cycle.end:
            return False
        ids = self.store.checkins(cycle=self.cycle)["id"]
        return {int(i) for i in ids} != {c.id for c in self.okrs.checkins}

    def _show_set(self, *, objective: str | None, key_result: str | None) -> None:
        """Show the set held: the objective list, then ``objective`` and ``key_result``."""
        assert self.okrs is not None
        wanted = objective or self.objective_pick.value
        ids = [o.id for o in self.okrs.objectives]
        options = [(f"{o.id} · {o.title}", o.id) for o in self.okrs.objectives]
        with self._quiet():
            if options != list(self.objective_pick.options):
                self.objective_pick.options = options
            self.objective_pick.value = (wanted if wanted in ids else ids[0]) if ids else None
        if not ids:
            self._objective = None
            self.kr_pick.options = []
            self.findings.value = ""
            self.show_error(self.t("no_objective"))
            return
        self._show_objective(key_result=key_result or self.kr_pick.value)

    @contextlib.contextmanager
    def _quiet(self) -> Iterator[None]:
        """Change options and values without the observers reacting."""
        self._muted = True
        try:
            yield
        finally:
            self._muted = False

    # --- observers ---------------------------------------------------------------------------

    def _on_objective(self, change: Mapping[str, Any]) -> None:
        if not self._muted and change["new"] is not None:
            self._show_objective()

    def _show_objective(self, *, key_result: str | None = None) -> None:
        """Show the selected objective's key results; select ``key_result`` (default: new)."""
        assert self.okrs is not None
        try:
            self._objective = self.okrs.objective(self.objective_pick.value)
        except KeyError:
            self._objective = None
            return
        krs = self._objective.key_results
        chosen = key_result if key_result in {kr.id for kr in krs} else NEW
        with self._quiet():
            self.kr_pick.options = [(self.t("new_kr"), NEW)] + [
                (f"{kr.id}: {kr.title}", kr.id) for kr in krs
            ]
            self.kr_pick.value = chosen
        self._fill(chosen)
        self._show_findings()

    def _on_key_result(self, change: Mapping[str, Any]) -> None:
        if not self._muted and change["new"] is not None:
            self._fill(change["new"])

    def _fill(self, ident: str | None) -> None:
        """Put the key result ``ident`` (or an empty new one) into the form."""
        kr = self._key_result(ident)
        f = self.fields
        if kr is None:
            kr_type, title, weight, owner, confidence = "metric", "", 1.0, "", None
        else:
            kr_type, title, weight = kr.type, kr.title, kr.weight
            owner, confidence = kr.owner, kr.confidence
        self.type_pick.value = kr_type
        for name in _NUMBER_FIELDS:
            f[name].value = format_number(getattr(kr, name, None), self.lang)
        f["unit"].value = (kr.unit if kr else None) or ""
        f["done"].value = bool(kr.done) if kr else False
        f["direction"].value = (kr.direction if kr else None) or "above"
        f["weight"].value = format_number(weight, self.lang)
        f["owner"].value = owner
        f["confidence"].value = confidence
        self.delete_button.disabled = kr is None
        if self.title.value == title:
            self._update_live(title)
        else:
            self.title.value = title  # the observer updates the sentence and the wording

    def _key_result(self, ident: str | None) -> KeyResult | None:
        if not ident or self._objective is None:
            return None
        return next((kr for kr in self._objective.key_results if kr.id == ident), None)

    def _on_type(self, _change: Mapping[str, Any]) -> None:
        self._show_fields()

    def _show_fields(self) -> None:
        own = KR_TYPE_FIELDS[self.type_pick.value]
        for name in _TYPED_FIELDS:
            self.fields[name].layout.display = None if name in own else "none"

    def _on_title(self, change: Mapping[str, Any]) -> None:
        self._update_live(change["new"])

    # --- the live part: no store read ---------------------------------------------------------

    def _update_live(self, typed: str) -> None:
        """Show the sentence and the wording verdict for the title as typed."""
        self.sentence.value = f"<p><i>{html.escape(self.sentence_text(typed))}</i></p>"
        self.wording.value = self._wording_html(self.assess(typed))

    def sentence_text(self, typed: str) -> str:
        """The objective as a sentence with the typed title in place of the selected one."""
        if self._objective is None:
            return ""
        slot = typed if typed.strip() else self.t("nothing_typed")
        editing = self.kr_pick.value
        titles = [slot if kr.id == editing else kr.title for kr in self._objective.key_results]
        if not editing:
            titles.append(slot)
        return kr_sentence(self._objective.title, titles, self.lang)

    def assess(self, typed: str) -> Assessment:
        """The wording verdict: in the language of the text, else (no words yet) the view's."""
        has_words = any(ch.isalpha() for ch in typed)
        return assess_key_result(typed, detect_language(typed) if has_words else self.lang)

    def _wording_html(self, found: Assessment) -> str:
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
            parts.append(
                f"<div>{html.escape(self.t('suggestion'))}: {html.escape(found.suggestion)}</div>"
            )
        return "".join(parts)

    @property
    def quality(self) -> list[Finding]:
        """The quality findings of the objective shown, silenced ones included."""
        if self._objective is None or self.okrs is None:
            return []
        ident = self._objective.id
        if ident not in self._findings:
            self._findings[ident] = check_objective(
                self.okrs, ident, as_of=_today(), lang=self.lang
            )
        return self._findings[ident]

    def _show_findings(self) -> None:
        if self._objective is None:
            self.findings.value = ""
            return
        ident = self._objective.id
        found = [f for f in self.quality if f.silenced is None]
        if not found:
            self.findings.value = f"<p>{html.escape(self.t('no_findings', objective=ident))}</p>"
            return
        items = "".join(
            f"<li><code>{html.escape(f.code)}</code> {html.escape(f.severity)} "
            f"<b>{html.escape(f.item)}</b>: {html.escape(f.message)} "
            f"<i>({html.escape(f.fix)})</i></li>"
            for f in found[:_MAX_FINDINGS]
        )
        more = len(found) - _MAX_FINDINGS
        tail = f"<li>{html.escape(self.t('more', n=more))}</li>" if more > 0 else ""
        heading = html.escape(self.t("findings", objective=ident))
        self.findings.value = f"<b>{heading}</b><ul>{items}{tail}</ul>"

    # --- writing -----------------------------------------------------------------------------

    def form_values(self) -> dict[str, Any]:
        """The key result fields as typed (parsed; not yet checked by the model)."""
        f = self.fields
        return key_result_fields(
            kr_type=self.type_pick.value,
            title=self.title.value,
            weight=f["weight"].value,
            owner=f["owner"].value,
            confidence=f["confidence"].value,
            numbers={name: f[name].value for name in _NUMBER_FIELDS},
            unit=f["unit"].value,
            done=f["done"].value,
            direction=f["direction"].value,
            lang=self.lang,
        )

    def save(self) -> None:
        """Add the new key result, or update the selected one at the version read.

        One write, then one read of the versions (see :meth:`_written`).
        """
        if self._objective is None or self.cycle is None:
            self.show_error(self.t("no_objective"))
            return
        objective = self._objective
        values = self.form_values()
        ident = self.kr_pick.value
        if ident:
            version = self.store.update_key_result(ident, self.versions[ident], **values)
            krs = [
                dataclasses.replace(kr, **values) if kr.id == ident else kr
                for kr in objective.key_results
            ]
            message = self.t("updated", id=ident)
        else:
            taken = set(self.store.versions(self.cycle))
            if self.okrs is not None:
                taken |= self.okrs.ids
            ident = next_key_result_id(objective.id, taken)
            added = KeyResult(id=ident, **values)
            version = self.store.add_key_result(objective.id, added)
            krs = [*objective.key_results, added]
            message = self.t("added", id=ident)
        self._written(objective, krs, {ident: version}, key_result=ident)
        self.show_ok(message)

    def delete(self) -> None:
        """Delete the selected key result (one without check-ins)."""
        ident = self.kr_pick.value
        if not ident or self._objective is None:
            self.show_error(self.t("pick_to_delete"))
            return
        objective = self._objective
        self.store.delete_key_result(ident, self.versions[ident])
        krs = [kr for kr in objective.key_results if kr.id != ident]
        self._written(objective, krs, {ident: None}, key_result=None)
        self.show_ok(self.t("deleted", id=ident))

    def _written(
        self,
        objective: Objective,
        key_results: Sequence[KeyResult],
        versions: Mapping[str, int | None],
        *,
        key_result: str | None,
    ) -> None:
        """Show the set after this view wrote ``objective``'s new ``key_results``.

        ``versions`` are the new versions of the key results written (``None``: deleted). When
        the store's versions are exactly those held plus these, nobody else wrote since the view
        read the cycle: the held set is updated and the objective re-checked, nothing is read
        but the versions. Otherwise the cycle is read again.
        """
        assert self.okrs is not None and self.cycle is not None
        expected = {**self.versions}
        for ident, version in versions.items():
            if version is None:
                expected.pop(ident, None)
            else:
                expected[ident] = version
        if self.store.versions(self.cycle) != expected:  # somebody else wrote meanwhile
            self.refresh(objective=objective.id, key_result=key_result)
            return
        try:
            updated = dataclasses.replace(objective, key_results=tuple(key_results))
            okrs = dataclasses.replace(
                self.okrs,
                objectives=tuple(
                    updated if o.id == objective.id else o for o in self.okrs.objectives
                ),
            )
        except ValidationError:  # the set as held no longer holds together: read what is stored
            self.versions = {}
            self.refresh(objective=objective.id, key_result=key_result)
            return
        # OKR203 compares titles across objectives: forget the findings of the objectives that
        # hold a title which a key result took or left.
        before = {kr.id: title_key(kr.title) for kr in objective.key_results}
        after = {kr.id: title_key(kr.title) for kr in key_results}
        titles = {key for _ident, key in set(before.items()) ^ set(after.items())} - {""}
        for o in okrs.objectives:
            if o.id == objective.id or any(title_key(kr.title) in titles for kr in o.key_results):
                self._findings.pop(o.id, None)
        self.okrs, self.versions = okrs, expected
        self._show_set(objective=objective.id, key_result=key_result)


def kr_drafter(
    store: Any,
    *,
    objective: str | None = None,
    cycle: str | Cycle | None = None,
    lang: str | None = None,
) -> KrDrafter:
    """Build the key result drafter for ``objective`` of ``cycle``.

    Parameters
    ----------
    store
        An :class:`okrkit.Store`.
    objective
        The objective shown first (default: the cycle's first).
    cycle
        The cycle (default: :meth:`okrkit.Store.cycle`, the running one).
    lang
        ``"en"`` or ``"sv"`` for labels and messages (default ``$OKRKIT_LANG``, else English).

    Returns
    -------
    KrDrafter
        Show it with ``display(...)``.
    """
    return KrDrafter(store, objective=objective, cycle=cycle, lang=lang)
