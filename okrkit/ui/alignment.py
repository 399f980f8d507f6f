"""The alignment editor: pick the parents of each objective, see the picture and the checks.

Pick an objective of the cycle and the objectives it aligns to (of the same cycle, of a cycle
that encloses it, or of an earlier one); Save writes them to the store at once
(:meth:`okrkit.Store.realign`, at the version read, so a concurrent edit is a readable conflict).
After every change the view draws the alignment of all the store's cycles
(:func:`okrkit.plots.draw_alignment`, as a PNG) and lists the graph findings OKR601–OKR606 from
:func:`okrkit.checks.check_sets`, message and fix in the view's language. The store accepts a
loop; the check reports it (OKR601).
"""

from __future__ import annotations

import contextlib
import html
import io
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from okrkit.checks import CheckConfig, Finding, check_sets
from okrkit.cycles import Cycle
from okrkit.errors import OkrkitError
from okrkit.model import OkrSet
from okrkit.rules import RULES
from okrkit.ui.base import View

__all__ = ["GRAPH_CODES", "AlignmentEditor", "alignment_editor", "graph_checks", "parent_choices"]

#: The codes of the alignment checks this view lists.
GRAPH_CODES = ("OKR601", "OKR602", "OKR603", "OKR604", "OKR605", "OKR606")
_MAX_FINDINGS = 40

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "heading": "Alignment",
        "parents": "Aligns to",
        "parents_help": "Ctrl/Cmd-click to pick several; none for a company objective.",
        "missing": "not in the store",
        "updated": "Saved: {id} aligns to {parents}.",
        "no_parents": "nothing",
        "no_objective": "This cycle has no objectives yet: add one first (brainstorm board).",
        "load_failed": "Could not read the store: {message}",
        "findings": "Alignment checks",
        "no_findings": "No alignment findings.",
        "more": "… and {n} more",
        "picture": "Alignment of {cycles}",
        "error_sev": "error",
        "warning_sev": "warning",
        "info_sev": "info",
    },
    "sv": {
        "heading": "Koppling",
        "parents": "Bidrar till",
        "parents_help": "Ctrl/Cmd-klicka för att välja flera; inget för ett företagsmål.",
        "missing": "finns inte i lagret",
        "updated": "Sparat: {id} bidrar till {parents}.",
        "no_parents": "inget",
        "no_objective": "Perioden har inga mål ännu: lägg till ett först (idétavlan).",
        "load_failed": "Kunde inte läsa lagret: {message}",
        "findings": "Kopplingskontroller",
        "no_findings": "Inga anmärkningar på kopplingarna.",
        "more": "… och {n} till",
        "picture": "Kopplingar i {cycles}",
        "error_sev": "fel",
        "warning_sev": "varning",
        "info_sev": "info",
    },
}


# --- the rules, as plain functions -----------------------------------------------------------


def _before_or_around(other: Cycle, cycle: Cycle) -> bool:
    """Whether ``other`` encloses ``cycle`` or ended before it started."""
    encloses = other.start <= cycle.start and other.end >= cycle.end
    return encloses or other.end < cycle.start


def parent_choices(
    sets: Mapping[str, OkrSet], cycle: str, objective: str
) -> list[tuple[str, str, str]]:
    """The objectives ``objective`` may align to, as ``(id, title, cycle id)``.

    Those of its own cycle first, then those of cycles that enclose it or ended before it:
    the latest start first, and of two that start the same day the shorter. Never the objective
    itself.
    """
    own = sets[cycle].cycle
    others = sorted(
        (s for c, s in sets.items() if c != cycle and _before_or_around(s.cycle, own)),
        key=lambda s: (-s.cycle.start.toordinal(), s.cycle.end, s.cycle.id),
    )
    return [
        (o.id, o.title, s.cycle.id)
        for s in (sets[cycle], *others)
        for o in s.objectives
        if o.id != objective
    ]


def graph_checks(sets: Sequence[OkrSet], lang: str = "en") -> list[Finding]:
    """The alignment findings (OKR601–OKR606) of the sets in ``lang``, without silenced ones."""
    quality = frozenset(code for code in RULES if code not in GRAPH_CODES)
    found = check_sets(list(sets), config=CheckConfig(disabled=quality), lang=lang)
    return [f for f in found if f.code in GRAPH_CODES and f.silenced is None]


# --- the view ------------------------------------------------------------------------------


class AlignmentEditor(View):
    """Edit which objectives each objective aligns to; see :func:`alignment_editor`.

    Attributes
    ----------
    objective_pick, parents
        The objective edited and the objectives it aligns to (a ``SelectMultiple``).
    picture
        A PNG ``Image`` of the alignment of all the store's cycles.
    findings
        HTML list of the alignment findings (OKR601–OKR606).
    checks
        Those findings, as :class:`okrkit.checks.Finding` records.
    save_button, refresh_button
        The actions.
    """

    TEXT = TEXT

    def __init__(
        self, store: Any, *, cycle: str | Cycle | None = None, lang: str | None = None
    ) -> None:
        super().__init__(store, lang=lang)
        self.add_class("okrkit-alignment-editor")
        self._cycle_arg = cycle
        self.cycle: Cycle | None = None
        self.sets: dict[str, OkrSet] = {}
        self.versions: dict[str, int] = {}
        self.checks: list[Finding] = []
        self._muted = False

        t = self.t
        wide = widgets.Layout(width="100%")
        self.objective_pick = widgets.Dropdown(description=t("objective"), layout=wide)
        self.parents = widgets.SelectMultiple(description=t("parents"), rows=8, layout=wide)
        self.save_button = widgets.Button(description=t("save"), button_style="primary")
        self.refresh_button = widgets.Button(description=t("refresh"), icon="refresh")
        self.picture = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.findings = widgets.HTML()

        self.objective_pick.observe(self.safe(self._on_objective), names="value")
        self.save_button.on_click(self.safe(lambda _b: self.save()))
        self.refresh_button.on_click(self.safe(lambda _b: self.refresh()))

        self.children = [
            widgets.HTML(f"<h3>{html.escape(t('heading'))}</h3>"),
            widgets.HBox([self.objective_pick, self.refresh_button]),
            self.parents,
            widgets.HTML(f"<small>{html.escape(t('parents_help'))}</small>"),
            widgets.HBox([self.save_button]),
            self.status,
            self.findings,
            self.picture,
        ]
        self.refresh()

    @contextlib.contextmanager
    def _quiet(self) -> Iterator[None]:
        self._muted = True
        try:
            yield
        finally:
            self._muted = False

    # --- reading -----------------------------------------------------------------------------

    def refresh(self, *, objective: str | None = None) -> None:
        """Read every cycle again, redraw the picture and rerun the checks."""
        try:
            self.cycle = self.store.cycle(self._cycle_arg)
            # Versions before the data: a write in between makes the save a conflict.
            self.versions = self.store.versions(self.cycle)
            self.sets = {c.id: self.store.load(c) for c in self.store.cycles()}
            self.checks = graph_checks(list(self.sets.values()), self.lang)
        except OkrkitError as exc:
            self.show_error(self.t("load_failed", message=str(exc)))
            return
        okrs = self.sets[self.cycle.id]
        wanted = objective or self.objective_pick.value
        ids = [o.id for o in okrs.objectives]
        with self._quiet():
            self.objective_pick.options = [(f"{o.id} · {o.title}", o.id) for o in okrs.objectives]
            self.objective_pick.value = (wanted if wanted in ids else ids[0]) if ids else None
        self._show_parents()
        self._show_findings()
        self._draw()
        if not ids:
            self.show_error(self.t("no_objective"))

    def _on_objective(self, change: Mapping[str, Any]) -> None:
        if not self._muted and change["new"] is not None:
            self._show_parents()

    def _show_parents(self) -> None:
        ident = self.objective_pick.value
        with self._quiet():
            if ident is None or self.cycle is None:
                self.parents.options = []
                return
            current = self.sets[self.cycle.id].objective(ident).aligns_to
            options = []
            for pid, title, cycle in parent_choices(self.sets, self.cycle.id, ident):
                where = "" if cycle == self.cycle.id else f" ({cycle})"
                options.append((f"{pid} · {title}{where}", pid))
            known = {value for _, value in options}
            # A link to an id that is nowhere stays selectable, so saving keeps it unless unpicked.
            options += [(f"{p} ({self.t('missing')})", p) for p in current if p not in known]
            self.parents.options = options
            self.parents.value = tuple(current)

    def _show_findings(self) -> None:
        if not self.checks:
            self.findings.value = f"<p>{html.escape(self.t('no_findings'))}</p>"
            return
        colours = {"error": "#b00020", "warning": "#a15c00"}
        rows = []
        for f in self.checks[:_MAX_FINDINGS]:
            colour = colours.get(f.severity, "#555")
            rows.append(
                f'<li><code>{html.escape(f.code)}</code> <span style="color:{colour}">'
                f"{html.escape(self.t(f.severity + '_sev'))}</span> {html.escape(f.item)}: "
                f"{html.escape(f.message)} <i>({html.escape(f.fix)})</i></li>"
            )
        more = len(self.checks) - _MAX_FINDINGS
        if more > 0:
            rows.append(f"<li>{html.escape(self.t('more', n=more))}</li>")
        heading = html.escape(self.t("findings"))
        self.findings.value = f"<b>{heading}</b><ul>{''.join(rows)}</ul>"

    def _draw(self) -> None:
        from okrkit.alignment import build_graph
        from okrkit.plots import draw_alignment

        if not self.sets:
            self.picture.value = b""
            return
        graph = build_graph(list(self.sets.values()))
        title = self.t("picture", cycles=", ".join(self.sets))
        figure = draw_alignment(graph, title=title)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        self.picture.value = buffer.getvalue()

    # --- writing -----------------------------------------------------------------------------

    def save(self) -> None:
        """Point the selected objective at the picked parents, at the version read."""
        ident = self.objective_pick.value
        if ident is None:
            self.show_error(self.t("no_objective"))
            return
        parents = list(self.parents.value)
        self.store.realign(ident, self.versions[ident], parents)
        self.refresh(objective=ident)
        shown = ", ".join(parents) if parents else self.t("no_parents")
        self.show_ok(self.t("updated", id=ident, parents=shown))


def alignment_editor(
    store: Any, *, cycle: str | Cycle | None = None, lang: str | None = None
) -> AlignmentEditor:
    """Build the alignment editor for ``cycle``'s objectives.

    Parameters
    ----------
    store
        An :class:`okrkit.Store`.
    cycle
        The cycle whose objectives are edited (default: :meth:`okrkit.Store.cycle`). The picture
        and the checks cover every cycle of the store.
    lang
        ``"en"`` or ``"sv"`` for labels (default ``$OKRKIT_LANG``, else English).

    Returns
    -------
    AlignmentEditor
        Show it with ``display(...)``.
    """
    return AlignmentEditor(store, cycle=cycle, lang=lang)
