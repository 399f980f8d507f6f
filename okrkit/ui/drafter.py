"""The key result drafter: add and edit the key results of one objective, by type.

Pick an objective, pick one of its key results (or "new"), choose the type and fill in the fields
that type needs; Save writes to the store at once. A metric may have a bound instead of a start
("at least 42": a level to reach or pass) and a period it is judged per (week, month, quarter); a
milestone a due date; an ordinal key result describes its commit, target and stretch levels; any
key result a description. While the title is typed the view shows the
sentence "We will [objective], as measured by [KR1], [KR2] and [new title]." and what
:func:`okrkit.wording.assess_key_result` makes of the title. A keystroke reads nothing from the
store: the objective and its key results are held in a :class:`DraftState` when the view loads.
The view shows the quality findings of the objective shown: those :func:`okrkit.checks.check_set`
finds when the view reads the cycle, and after a save those
:func:`okrkit.objective_checks.check_objective` finds about the objective edited (the same
findings, from a check of that objective alone).

Saving a new key result leaves the form empty for the next one (the type stays); a key result
picked from the list is edited in place. Delete asks first, and Undo brings a deleted key result
back from the store's history (:meth:`okrkit.Store.restore`). Enter in a one-line box saves.
An error says what is wrong in the words of the form: the field's label, the key result's title.

Save and Delete answer at once, also in a cycle of a thousand key results: one write, then one
cheap read of the versions of the cycle's objectives and key results. When nobody else wrote
meanwhile, the state updates the set it holds and re-checks the objective edited (and forgets the
findings of objectives with a key result of the same title, which OKR203 compares); otherwise it
reads the cycle again. Refresh reads the versions and reads the cycle again only when they
changed (or, once the cycle has ended and the quarter-end checks judge the scores, when the
cycle's check-ins changed).

The view holds no rule: what a typed form becomes (numbers, the id of a new key result, the key
result itself) is :mod:`okrkit.forms`, the checks are the model's and :mod:`okrkit.checks`'.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from okrkit.cycles import Cycle
from okrkit.errors import OkrkitError
from okrkit.findings import Finding
from okrkit.forms import (
    LEVEL_FIELDS,
    NUMBER_FIELDS,
    TYPED_FIELDS,
    edited_key_result,
    field_text,
    key_result_fields,
    new_key_result,
    next_key_result_id,
    parse_number,
)
from okrkit.model import (
    BOUNDS,
    KR_TYPE_FIELDS,
    KR_TYPES,
    MAX_CONFIDENCE,
    MIN_CONFIDENCE,
    PERIODS,
    ZONES,
    KeyResult,
    Objective,
    OkrSet,
)
from okrkit.text import LANGUAGES, texts
from okrkit.ui._drafter_html import findings_html, kr_sentence, wording_html
from okrkit.ui._drafter_state import DraftState
from okrkit.ui.base import View, on_enter, plain_error
from okrkit.wording import Assessment, assess_key_result, detect_language

__all__ = [
    "DraftState",
    "KrDrafter",
    "key_result_fields",
    "kr_drafter",
    "kr_sentence",
    "next_key_result_id",
    "parse_number",
]

#: The value of the "new key result" entry of the key result list.
NEW = ""

#: The view's labels by language: the ``ui.drafter`` section of :mod:`okrkit.text`.
TEXT: dict[str, Mapping[str, str]] = {lang: texts("ui.drafter", lang) for lang in LANGUAGES}

#: A number as form field text, under its old name (see :func:`okrkit.forms.field_text`).
format_number = field_text

#: The model's and the store's problems the drafter says in its own words: (pattern, the key
#: ``problem_<key>`` of its labels). Named groups fill the label in.
PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"^a metric key result needs a target$", "need_target"),
        (r"needs a start, or a bound on its target", "need_start"),
        (r"^target equals start \(", "same_as_start"),
        (r"needs a threshold$", "need_threshold"),
        (r"describes its commit, target and stretch levels$", "need_level"),
        (r"^\S+ is outside 0\.0–1\.0$", "grade_range"),
        (r"^\S+ is not above 0$", "weight"),
        (r"^key result (?P<item>\S+) has \d+ check-in", "checkins"),
        (r"^(?P<owner>.+) points at key result (?P<item>\S+)$", "points_at"),
        (r"^(?P<item>\S+) was changed by somebody else", "conflict"),
    )
)


class KrDrafter(View):
    """Draft the key results of one objective; see :func:`kr_drafter`.

    Attributes
    ----------
    objective_pick, kr_pick, type_pick, title
        The objective, the key result (``""`` for a new one), its type and its title.
    fields
        The other inputs by field name: ``description``, ``start``, ``target``, ``current``,
        ``unit``, ``bound`` and ``per`` (``""``: none), ``done``, ``due`` (a date picker),
        ``grade``, ``threshold``, ``direction``, ``commit_zone``, ``target_zone``,
        ``stretch_zone``, ``zone`` (``""``: none), ``weight``, ``owner``, ``confidence``. Fields
        the type does not use are hidden (``layout.display == "none"``).
    sentence, wording, findings
        HTML: the OKR as a sentence, the verdict on the title's wording, the quality findings.
    state, okrs, versions
        What the view holds (:class:`DraftState`): the cycle's set and the versions of its
        objectives and key results, as last read or saved.
    objective, quality
        The quality findings of the objective shown (silenced ones included).
    save_button, delete_button, refresh_button
        The actions.
    """

    SECTION = "ui.drafter"

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
        self.state = DraftState(store, cycle, self.lang)
        self._muted = False

        t = self.t

        def wide() -> widgets.Layout:
            # one Layout per widget: hiding a field sets its layout's display, which a shared
            # Layout would pass on to every widget holding it
            return widgets.Layout(width="100%")

        confidences = range(MIN_CONFIDENCE, MAX_CONFIDENCE + 1)
        self.objective_pick = widgets.Dropdown(description=t("objective"), layout=wide())
        self.kr_pick = widgets.Select(description=t("key_result"), rows=6, layout=wide())
        self.type_pick = widgets.ToggleButtons(
            options=[(t(f"type_{name}"), name) for name in KR_TYPES],
            value="metric",
            description=t("type"),
        )
        self.title = widgets.Text(
            description=t("title"),
            placeholder=t("title_placeholder"),
            continuous_update=True,
            layout=wide(),
        )
        self.fields: dict[str, widgets.Widget] = {
            "description": widgets.Textarea(
                description=t("description"),
                placeholder=t("description_placeholder"),
                layout=widgets.Layout(width="100%", height="3.5em"),
            ),
            "start": widgets.Text(description=t("start")),
            "target": widgets.Text(description=t("target")),
            "current": widgets.Text(description=t("current")),
            "unit": widgets.Text(description=t("unit")),
            "bound": widgets.Dropdown(
                description=t("bound"),
                options=[(t("bound_none"), ""), *[(t(b), b) for b in BOUNDS]],
                value="",
            ),
            "per": widgets.Dropdown(
                description=t("per"),
                options=[(t("per_none"), ""), *[(t(f"per_{p}"), p) for p in PERIODS]],
                value="",
            ),
            "done": widgets.Checkbox(description=t("done"), value=False, indent=True),
            "due": widgets.DatePicker(description=t("due"), value=None),
            "grade": widgets.Text(description=t("grade")),
            "threshold": widgets.Text(description=t("threshold")),
            "direction": widgets.Dropdown(
                description=t("direction"),
                options=[(t("above"), "above"), (t("below"), "below")],
                value="above",
            ),
            **{name: widgets.Text(description=t(name), layout=wide()) for name in LEVEL_FIELDS},
            "zone": widgets.Dropdown(
                description=t("zone"),
                options=[(t("zone_none"), ""), *[(t(f"zone_{z}"), z) for z in ZONES]],
                value="",
            ),
            "weight": widgets.Text(description=t("weight"), value="1"),
            "owner": widgets.Text(description=t("owner")),
            "confidence": widgets.Dropdown(
                description=t("confidence"),
                options=[(t("no_confidence"), None), *[(str(i), i) for i in confidences]],
                value=None,
            ),
        }
        self.sentence = widgets.HTML()
        self.wording = widgets.HTML()
        self.findings = widgets.HTML()
        self.save_button = widgets.Button(description=t("save"), button_style="primary")
        self.delete_button = widgets.Button(description=t("delete"), button_style="danger")
        self.undo_button = widgets.Button(
            description=t("undo"), icon="undo", layout=widgets.Layout(display="none")
        )
        self.confirm_text = widgets.HTML()
        self.confirm_button = widgets.Button(description=t("confirm"), button_style="danger")
        self.cancel_button = widgets.Button(description=t("cancel"))
        self.confirm_box = widgets.HBox(
            [self.confirm_text, self.confirm_button, self.cancel_button],
            layout=widgets.Layout(display="none", align_items="center"),
        )
        self.confirm_box.add_class("okrkit-confirm")
        #: The key result deleted last, for Undo: (objective, id, version before the deletion).
        self.deleted: tuple[str, str, int] | None = None
        self.refresh_button = widgets.Button(description=t("refresh"), icon="refresh")

        self.objective_pick.observe(self.safe(self._on_objective), names="value")
        self.kr_pick.observe(self.safe(self._on_key_result), names="value")
        self.type_pick.observe(self.safe(self._on_type), names="value")
        self.title.observe(self.safe(self._on_title), names="value")
        self.save_button.on_click(self.safe(lambda _b: self.save()))
        self.delete_button.on_click(self.safe(lambda _b: self.ask_delete()))
        self.confirm_button.on_click(self.safe(lambda _b: self.delete()))
        self.cancel_button.on_click(self.safe(lambda _b: self.cancel_delete()))
        self.undo_button.on_click(self.safe(lambda _b: self.undo()))
        for box in (self.title, *self.fields.values()):
            if isinstance(box, widgets.Text):  # one line: Enter saves
                on_enter(box, self.safe(self.save))
        self.refresh_button.on_click(self.safe(lambda _b: self.refresh()))

        f = self.fields
        self.children = [
            widgets.HTML(f"<h3>{html.escape(t('heading'))}</h3>"),
            widgets.HBox([self.objective_pick, self.refresh_button]),
            self.kr_pick,
            self.type_pick,
            self.title,
            f["description"],
            widgets.HBox([f["start"], f["target"], f["current"]]),
            widgets.HBox([f["bound"], f["per"]]),
            widgets.HBox([f["threshold"], f["direction"], f["unit"]]),
            widgets.HBox([f["done"], f["due"], f["grade"]]),
            *[f[name] for name in LEVEL_FIELDS],
            f["zone"],
            widgets.HBox([f["weight"], f["owner"], f["confidence"]]),
            self.sentence,
            self.wording,
            widgets.HBox([self.save_button, self.delete_button, self.undo_button]),
            self.confirm_box,
            self.status,
            self.findings,
        ]
        self._show_fields()
        self.refresh(objective=objective)

    # --- what the view holds ----------------------------------------------------------------

    @property
    def okrs(self) -> OkrSet | None:
        """The cycle's set as last read or saved."""
        return self.state.okrs

    @property
    def versions(self) -> dict[str, int]:
        """The versions of the cycle's objectives and key results as last read or saved."""
        return self.state.versions

    @property
    def cycle(self) -> Cycle | None:
        """The cycle shown (``None`` before the store could be read)."""
        return self.state.cycle

    @property
    def objective(self) -> Objective | None:
        """The objective shown."""
        return self.state.objective(self.objective_pick.value)

    @property
    def quality(self) -> list[Finding]:
        """The quality findings of the objective shown, silenced ones included."""
        objective = self.objective
        return [] if objective is None else self.state.quality(objective.id)

    # --- reading and rendering (never on a keystroke) -----------------------------------------

    def refresh(self, *, objective: str | None = None, key_result: str | None = None) -> None:
        """Read the cycle again if it changed (:meth:`DraftState.read`) and render it, keeping
        (or picking) the objective and key result shown."""
        try:
            self.state.read()
        except OkrkitError as exc:
            self.show_error(self.t("load_failed", message=str(exc)))
            return
        self.render(objective=objective, key_result=key_result)

    def render(self, *, objective: str | None = None, key_result: str | None = None) -> None:
        """Show the set held: the objective list with ``objective`` (default: the one shown, else
        the first), its key results with ``key_result`` (default: the one shown, else a new
        one) in the form, and the objective's quality findings."""
        okrs = self.state.okrs
        assert okrs is not None
        wanted = objective or self.objective_pick.value
        ids = [o.id for o in okrs.objectives]
        options = [(f"{o.id} · {o.title}", o.id) for o in okrs.objectives]
        with self._rendering():
            if options != list(self.objective_pick.options):
                self.objective_pick.options = options
            self.objective_pick.value = (wanted if wanted in ids else ids[0]) if ids else None
            shown = self.objective
            krs = shown.key_results if shown is not None else ()
            kr_options = [(self.t("new_kr"), NEW)] + [(f"{kr.id}: {kr.title}", kr.id) for kr in krs]
            chosen = key_result or self.kr_pick.value
            chosen = chosen if chosen in {kr.id for kr in krs} else NEW
            if shown is None:
                kr_options, chosen = [], None
            if kr_options != list(self.kr_pick.options):
                self.kr_pick.options = kr_options
            self.kr_pick.value = chosen
        if shown is None:
            self.findings.value = ""
            self.show_error(self.t("no_objective"))
            return
        self._fill(chosen)
        self.findings.value = findings_html(shown.id, self.quality, self.lang)

    @contextlib.contextmanager
    def _rendering(self) -> Iterator[None]:
        """Set options and values without the observers taking them for a person's choice (new
        options pick their first entry for a moment)."""
        self._muted = True
        try:
            yield
        finally:
            self._muted = False

    # --- observers ---------------------------------------------------------------------------

    def _on_objective(self, change: Mapping[str, Any]) -> None:
        if not self._muted and change["new"] is not None:
            self.render(objective=change["new"])

    def _on_key_result(self, change: Mapping[str, Any]) -> None:
        if not self._muted and change["new"] is not None:
            self.render(key_result=change["new"])

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
        for name in NUMBER_FIELDS:
            f[name].value = field_text(getattr(kr, name, None), self.lang)
        f["unit"].value = (kr.unit if kr else None) or ""
        f["done"].value = bool(kr.done) if kr else False
        f["direction"].value = (kr.direction if kr else None) or "above"
        f["description"].value = kr.description if kr else ""
        f["bound"].value = (kr.bound if kr else None) or ""
        f["per"].value = (kr.per if kr else None) or ""
        f["due"].value = kr.due if kr else None
        for name in LEVEL_FIELDS:
            f[name].value = (getattr(kr, name) if kr else None) or ""
        f["zone"].value = (kr.zone if kr else None) or ""
        f["weight"].value = field_text(weight, self.lang)
        f["owner"].value = owner
        f["confidence"].value = confidence
        self.delete_button.disabled = kr is None
        self.confirm_box.layout.display = "none"
        if self.title.value == title:
            self._update_live(title)
        else:
            self.title.value = title  # the observer updates the sentence and the wording

    def _key_result(self, ident: str | None) -> KeyResult | None:
        objective = self.objective
        if not ident or objective is None:
            return None
        return next((kr for kr in objective.key_results if kr.id == ident), None)

    def _on_type(self, _change: Mapping[str, Any]) -> None:
        self._show_fields()

    def _show_fields(self) -> None:
        own = KR_TYPE_FIELDS[self.type_pick.value]
        for name in TYPED_FIELDS:
            self.fields[name].layout.display = None if name in own else "none"

    def _on_title(self, change: Mapping[str, Any]) -> None:
        self._update_live(change["new"])

    # --- the live part: no store read ---------------------------------------------------------

    def _update_live(self, typed: str) -> None:
        """Show the sentence and the wording verdict for the title as typed."""
        self.sentence.value = f"<p><i>{html.escape(self.sentence_text(typed))}</i></p>"
        self.wording.value = wording_html(self.assess(typed), self.lang)

    def sentence_text(self, typed: str) -> str:
        """The objective as a sentence with the typed title in place of the selected one."""
        objective = self.objective
        if objective is None:
            return ""
        slot = typed if typed.strip() else self.t("nothing_typed")
        editing = self.kr_pick.value
        titles = [slot if kr.id == editing else kr.title for kr in objective.key_results]
        if not editing:
            titles.append(slot)
        return kr_sentence(objective.title, titles, self.lang)

    def assess(self, typed: str) -> Assessment:
        """The wording verdict: in the language of the text, else (no words yet) the view's."""
        has_words = any(ch.isalpha() for ch in typed)
        return assess_key_result(typed, detect_language(typed) if has_words else self.lang)

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
            numbers={name: f[name].value for name in NUMBER_FIELDS},
            unit=f["unit"].value,
            done=f["done"].value,
            direction=f["direction"].value,
            description=f["description"].value,
            bound=f["bound"].value,
            per=f["per"].value,
            due=f["due"].value,
            levels={name: f[name].value for name in LEVEL_FIELDS},
            zone=f["zone"].value,
            lang=self.lang,
        )

    def save(self) -> None:
        """Add the new key result, or update the selected one at the version read.

        One write, then one read of the versions (see :meth:`DraftState.written`).
        """
        objective = self.objective
        if objective is None or self.cycle is None:
            self.show_error(self.t("no_objective"))
            return
        values = self.form_values()
        ident = self.kr_pick.value
        if ident:
            version = self.store.update_key_result(ident, self.versions[ident], **values)
            krs = [
                edited_key_result(kr, values) if kr.id == ident else kr
                for kr in objective.key_results
            ]
            message = self.t("updated", id=ident, title=values["title"])
            self._written(objective, krs, {ident: version}, key_result=ident)
        else:
            added = new_key_result(objective.id, values, self.state.taken_ids())
            version = self.store.add_key_result(objective.id, added)
            krs = [*objective.key_results, added]
            message = self.t("added", id=added.id, title=added.title)
            # the form is ready for the next key result, of the same type
            self._written(objective, krs, {added.id: version}, key_result=NEW)
            self.type_pick.value = added.type
        self.show_ok(message)

    def ask_delete(self) -> None:
        """Ask to confirm the deletion of the selected key result (Delete does this)."""
        kr = self._key_result(self.kr_pick.value)
        if kr is None:
            self.show_error(self.t("pick_to_delete"))
            return
        self.confirm_text.value = html.escape(self.t("confirm_delete", id=kr.id, title=kr.title))
        self.confirm_box.layout.display = None
        self.status.value = ""  # the question is what the line below the buttons says now

    def cancel_delete(self) -> None:
        """Take the question back: nothing is deleted."""
        self.confirm_box.layout.display = "none"
        self.show_ok(self.t("not_deleted"))

    def delete(self) -> None:
        """Delete the selected key result (one without check-ins); Undo brings it back."""
        self.confirm_box.layout.display = "none"
        kr = self._key_result(self.kr_pick.value)
        objective = self.objective
        if kr is None or objective is None:
            self.show_error(self.t("pick_to_delete"))
            return
        version = self.versions[kr.id]
        self.store.delete_key_result(kr.id, version)
        self.deleted = (objective.id, kr.id, version)
        self.undo_button.layout.display = None
        krs = [k for k in objective.key_results if k.id != kr.id]
        self._written(objective, krs, {kr.id: None}, key_result=None)
        self.show_ok(self.t("deleted", id=kr.id, title=kr.title))

    def undo(self) -> None:
        """Bring the key result deleted last back, as it was (a ``restore`` in its history)."""
        if self.deleted is None:
            return
        objective, ident, version = self.deleted
        # the deletion is the version after the one deleted
        self.store.restore(ident, version, current_version=version + 1, cycle=self.cycle)
        self.deleted = None
        self.undo_button.layout.display = "none"
        self.refresh(objective=objective, key_result=ident)
        kr = self._key_result(ident)
        self.show_ok(self.t("restored", id=ident, title=kr.title if kr else ""))

    def describe_error(self, error: OkrkitError) -> str:
        """``error`` in the words of the form: the field's label, the key result's title."""
        said = getattr(error, "problem", None) or str(error)
        problem = None
        for pattern, key in PROBLEMS:
            if found := pattern.search(said):
                problem = self._problem(key, found.groupdict())
                break
        labels = {name: self.t(name) for name in ("title", "type", "key_result", *self.fields)}
        return plain_error(error, labels=labels, names=self._names(), problem=problem)

    def _problem(self, key: str, found: Mapping[str, str]) -> str:
        f = self.fields
        value = {"same_as_start": f["start"].value, "grade_range": f["grade"].value}
        return self.t(
            f"problem_{key}",
            value=value.get(key, f["weight"].value),
            at_least=self.t("at_least"),
            at_most=self.t("at_most"),
            bound=self.t("bound"),
            **found,
        )

    def _names(self) -> dict[str, str]:
        """The titles the view shows for ids: the objectives and their key results."""
        okrs = self.state.okrs
        if okrs is None:
            return {}
        names = {o.id: o.title for o in okrs.objectives}
        for o in okrs.objectives:
            names.update({kr.id: kr.title for kr in o.key_results})
        return names

    def _written(
        self,
        objective: Objective,
        key_results: Sequence[KeyResult],
        versions: Mapping[str, int | None],
        *,
        key_result: str | None,
    ) -> None:
        """Show the set after this view wrote ``objective``'s new ``key_results``: from the
        state when it could take the write in, else read again."""
        if self.state.written(objective, key_results, versions):
            self.render(objective=objective.id, key_result=key_result)
        else:
            self.refresh(objective=objective.id, key_result=key_result)


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
