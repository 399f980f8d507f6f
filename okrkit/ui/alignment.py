"""The alignment editor: pick the parents of each objective, see the picture and the checks.

Pick an objective of the cycle and the objectives it aligns to (of the same cycle, of a cycle
that encloses it, or of an earlier one); Save writes them to the store at once
(:meth:`okrkit.Store.realign`, at the version read, so a concurrent edit is a readable conflict).
The view lists the graph findings OKR601–OKR606 from :func:`okrkit.checks.check_sets`, message
and fix in the view's language, and draws the alignment of all the store's cycles
(:func:`okrkit.plots.draw_alignment`, as SVG). The store refuses a link that would close a loop;
the status line names the loop and the pick stays for the user to change. A loop in a store
written before that is reported (OKR601).

Save answers at once, also with hundreds of objectives: it writes the change, checks that nobody
else wrote meanwhile (else it reads the store again), reruns the link checks OKR601–OKR605 on the
alignment graph (:func:`link_checks`; OKR606 does not depend on alignment) and shows the new
parents and findings. It does not redraw the picture, which takes a good part of a second with
a few hundred objectives: the picture gets a dashed frame and a note that names the changes it
does not show yet, until Redraw draws it again. Refresh reads the store again and flags the
picture the same way when the store changed since it was drawn, so the picture never passes for
current when it is not.
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from okrkit.checks import CheckConfig, Finding, check_sets, sort_findings
from okrkit.cycles import Cycle
from okrkit.errors import OkrkitError
from okrkit.model import OkrSet
from okrkit.rules import RULES
from okrkit.scoring import score
from okrkit.ui.base import View

if TYPE_CHECKING:
    import networkx as nx

    from okrkit.scoring import Scores

__all__ = [
    "GRAPH_CODES",
    "LINK_CODES",
    "AlignmentEditor",
    "alignment_editor",
    "graph_checks",
    "link_checks",
    "parent_choices",
    "picture_state",
    "realigned",
    "unshown_changes",
]

#: The codes of the alignment checks this view lists.
GRAPH_CODES = ("OKR601", "OKR602", "OKR603", "OKR604", "OKR605", "OKR606")
#: The checks that depend on the links between objectives (all but OKR606, stale key results).
LINK_CODES = GRAPH_CODES[:5]
_MAX_FINDINGS = 40
_MAX_CHANGES = 5
_STALE_FRAME = "2px dashed #a15c00"

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
        "redraw": "Redraw",
        "redraw_tip": "Draw the picture again with every saved change",
        "picture_current": "The picture shows every saved change.",
        "picture_stale_links": "Picture out of date: it does not show {changes} yet. Press Redraw.",
        "picture_stale": "Picture out of date: the store changed since it was drawn. Press Redraw.",
        "picture_none": "No picture yet: press Redraw.",
        "change": "{id} → {parents}",
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
        "redraw": "Rita om",
        "redraw_tip": "Rita bilden igen med alla sparade ändringar",
        "picture_current": "Bilden visar alla sparade ändringar.",
        "picture_stale_links": "Bilden är inaktuell: den visar inte {changes} än."
        " Tryck på Rita om.",
        "picture_stale": "Bilden är inaktuell: lagret har ändrats sedan den ritades."
        " Tryck på Rita om.",
        "picture_none": "Ingen bild än: tryck på Rita om.",
        "change": "{id} → {parents}",
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


def link_checks(graph: nx.DiGraph, sets: Sequence[OkrSet], lang: str = "en") -> list[Finding]:
    """The findings OKR601–OKR605 of :func:`graph_checks`, from the sets' alignment graph.

    ``graph`` is :func:`okrkit.alignment.build_graph` of ``sets``; give it the sets' scores
    (links do not change them) and these checks take a few milliseconds on a cycle of a thousand
    key results. The findings are those :func:`graph_checks` lists for these codes: about
    objectives, with their owner, in ``lang``, without those an objective silences.
    """
    from okrkit.alignment import graph_findings

    objectives = {o.id: o for s in sets for o in s.objectives}
    out = []
    for found in graph_findings(graph, lang=lang):
        objective = objectives.get(found.item)
        if found.code not in LINK_CODES or objective is None:
            continue
        if dict(objective.silence).get(found.code):
            continue
        out.append(
            Finding(
                code=found.code,
                severity=found.severity,
                item=found.item,
                item_kind="objective",
                owner=objective.owner,
                objective=found.item,
                message=found.message,
                fix=found.fix,
                silenced=None,
            )
        )
    return sort_findings(out)


def realigned(
    sets: Mapping[str, OkrSet], objective: str, parents: Iterable[str]
) -> dict[str, OkrSet]:
    """``sets`` (cycle id -> set) with ``objective`` aligned to ``parents``, as a new dict.

    Raises ``KeyError`` when no set holds ``objective``.
    """
    parents = tuple(parents)
    for cycle, okrs in sets.items():
        if any(o.id == objective for o in okrs.objectives):
            objectives = tuple(
                dataclasses.replace(o, aligns_to=parents) if o.id == objective else o
                for o in okrs.objectives
            )
            return {**sets, cycle: dataclasses.replace(okrs, objectives=objectives)}
    raise KeyError(objective)


PictureState = tuple[frozenset[tuple[Any, ...]], dict[str, frozenset[str]]]


def picture_state(graph: nx.DiGraph) -> PictureState:
    """What :func:`okrkit.plots.draw_alignment` shows of ``graph``.

    The objectives (id, cycle, level, title, grade band and weight) and, for each objective that
    aligns to another, the objectives it aligns to. Two graphs with equal states draw the same
    picture.
    """
    nodes = graph.nodes
    shown = frozenset(
        (n, a.get("cycle"), a.get("level"), a.get("title"), a.get("band"), a.get("weight"))
        for n, a in nodes(data=True)
        if a.get("kind") == "objective"
    )
    parents: dict[str, set[str]] = {}
    for child, parent, relation in graph.edges(data="relation"):
        is_link = relation == "aligns_to" and nodes[parent].get("kind") == "objective"
        if is_link and nodes[child].get("kind") == "objective":
            parents.setdefault(child, set()).add(parent)
    return shown, {child: frozenset(p) for child, p in parents.items()}


def unshown_changes(drawn: PictureState, now: PictureState) -> list[tuple[str, list[str]]]:
    """The objectives whose links differ between a drawn picture and now, with their parents now.

    Sorted by objective id; an objective that aligns to nothing now has an empty list.
    """
    links, links_now = drawn[1], now[1]
    changed = sorted(
        o for o in set(links) | set(links_now) if links.get(o, frozenset()) != links_now.get(o)
    )
    return [(o, sorted(links_now.get(o, ()))) for o in changed]


# --- the view ------------------------------------------------------------------------------


class AlignmentEditor(View):
    """Edit which objectives each objective aligns to; see :func:`alignment_editor`.

    Attributes
    ----------
    objective_pick, parents
        The objective edited and the objectives it aligns to (a ``SelectMultiple``).
    picture
        An SVG ``Image`` of the alignment of all the store's cycles, as last drawn.
    picture_note
        HTML under the buttons: whether the picture shows every saved change, and if not, which
        changes it lacks.
    picture_current
        Whether the picture shows the alignment as last read or saved.
    findings
        HTML list of the alignment findings (OKR601–OKR606).
    checks
        Those findings, as :class:`okrkit.checks.Finding` records.
    save_button, redraw_button, refresh_button
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
        self._all_versions: dict[str, dict[str, int]] = {}
        self._scores: dict[str, Scores] = {}
        self._drawn: PictureState | None = None
        self._now: PictureState | None = None
        self._graph: nx.DiGraph | None = None
        self._muted = False

        t = self.t
        wide = widgets.Layout(width="100%")
        self.objective_pick = widgets.Dropdown(description=t("objective"), layout=wide)
        self.parents = widgets.SelectMultiple(description=t("parents"), rows=8, layout=wide)
        self.save_button = widgets.Button(description=t("save"), button_style="primary")
        self.refresh_button = widgets.Button(description=t("refresh"), icon="refresh")
        self.redraw_button = widgets.Button(
            description=t("redraw"), icon="paint-brush", tooltip=t("redraw_tip")
        )
        self.picture_note = widgets.HTML()
        self.picture = widgets.Image(format="svg+xml", layout=widgets.Layout(max_width="100%"))
        self.findings = widgets.HTML()

        self.objective_pick.observe(self.safe(self._on_objective), names="value")
        self.save_button.on_click(self.safe(lambda _b: self.save()))
        self.refresh_button.on_click(self.safe(lambda _b: self.refresh()))
        self.redraw_button.on_click(self.safe(lambda _b: self.redraw()))

        self.children = [
            widgets.HTML(f"<h3>{html.escape(t('heading'))}</h3>"),
            widgets.HBox([self.objective_pick, self.refresh_button]),
            self.parents,
            widgets.HTML(f"<small>{html.escape(t('parents_help'))}</small>"),
            widgets.HBox([self.save_button]),
            self.status,
            self.findings,
            widgets.HBox([self.redraw_button, self.picture_note]),
            self.picture,
        ]
        if self._read(objective=None):
            self.safe(self.redraw)()

    @contextlib.contextmanager
    def _quiet(self) -> Iterator[None]:
        self._muted = True
        try:
            yield
        finally:
            self._muted = False

    @property
    def picture_current(self) -> bool:
        """Whether the picture shows the alignment as last read or saved."""
        return self._drawn is not None and self._drawn == self._now

    # --- reading -----------------------------------------------------------------------------

    def _read_versions(self) -> dict[str, dict[str, int]]:
        return {c.id: self.store.versions(c) for c in self.store.cycles()}

    def refresh(self, *, objective: str | None = None) -> None:
        """Read every cycle again and rerun the checks.

        The picture is not redrawn (see :meth:`redraw`); its note says whether it still shows
        the alignment read.
        """
        self._read(objective=objective)

    def _read(self, *, objective: str | None) -> bool:
        """:meth:`refresh`; False when the store cannot be read (the status line says why)."""
        try:
            self.cycle = self.store.cycle(self._cycle_arg)
            # Versions before the data: a write in between makes the save a conflict.
            self._all_versions = self._read_versions()
            self.sets = {c.id: self.store.load(c) for c in self.store.cycles()}
            self._scores = {cycle: score(okrs) for cycle, okrs in self.sets.items()}
            self.checks = graph_checks(list(self.sets.values()), self.lang)
        except OkrkitError as exc:
            self.show_error(self.t("load_failed", message=str(exc)))
            return False
        self.versions = self._all_versions.get(self.cycle.id, {})
        okrs = self.sets[self.cycle.id]
        wanted = objective or self.objective_pick.value
        ids = [o.id for o in okrs.objectives]
        with self._quiet():
            self.objective_pick.options = [(f"{o.id} · {o.title}", o.id) for o in okrs.objectives]
            self.objective_pick.value = (wanted if wanted in ids else ids[0]) if ids else None
        self._show_parents()
        self._show_findings()
        self._show_picture_state(self._build_graph())
        if not ids:
            self.show_error(self.t("no_objective"))
        return True

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

    # --- the picture -------------------------------------------------------------------------

    def _build_graph(self) -> nx.DiGraph | None:
        """The alignment graph of :attr:`sets`, scored once per read (links do not move scores)."""
        from okrkit.alignment import build_graph

        if not self.sets:
            return None
        return build_graph(list(self.sets.values()), self._scores)

    def _show_picture_state(self, graph: nx.DiGraph | None) -> None:
        """Compare what the picture shows with ``graph`` (the alignment held) and say so."""
        self._graph = graph
        self._now = None if self._graph is None else picture_state(self._graph)
        stale = not self.picture_current
        self.picture.layout.border = _STALE_FRAME if stale and self._drawn else None
        self.redraw_button.button_style = "warning" if stale else ""
        if self._drawn is None or self._now is None:
            text, colour = self.t("picture_none"), "#5f6368"
        elif not stale:
            text, colour = self.t("picture_current"), "#5f6368"
        elif self._drawn[0] != self._now[0]:
            text, colour = self.t("picture_stale"), "#a15c00"
        else:
            changes = unshown_changes(self._drawn, self._now)
            shown = [
                self.t("change", id=o, parents=", ".join(p) or self.t("no_parents"))
                for o, p in changes[:_MAX_CHANGES]
            ]
            if len(changes) > _MAX_CHANGES:
                shown.append(self.t("more", n=len(changes) - _MAX_CHANGES))
            text, colour = self.t("picture_stale_links", changes="; ".join(shown)), "#a15c00"
        self.picture_note.value = f'<span style="color:{colour}">{html.escape(text)}</span>'

    def redraw(self) -> None:
        """Draw the picture of the alignment held (as last read or saved)."""
        import matplotlib

        from okrkit.plots import draw_alignment

        graph = self._graph if self._graph is not None else self._build_graph()
        if graph is None:
            self.picture.value = b""
            self._drawn = None
            self._show_picture_state(graph)
            return
        title = self.t("picture", cycles=", ".join(self.sets))
        figure = draw_alignment(graph, title=title)
        buffer = io.BytesIO()
        # Text as text: a third of the time of a PNG, sharp at any zoom, and stable ids.
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "okrkit"}):
            figure.savefig(buffer, format="svg", metadata={"Date": None})
        self.picture.value = buffer.getvalue()
        self._drawn = picture_state(graph)
        self._show_picture_state(graph)

    # --- writing -----------------------------------------------------------------------------

    def save(self) -> None:
        """Point the selected objective at the picked parents, at the version read.

        One write. When nobody else wrote to the store since it was read, the view updates what
        it holds without reading the cycles again; otherwise it reads them again. The picture is
        left as it is, flagged as out of date (see :meth:`redraw`).
        """
        ident = self.objective_pick.value
        if ident is None or self.cycle is None:
            self.show_error(self.t("no_objective"))
            return
        parents = list(self.parents.value)
        version = self.store.realign(ident, self.versions[ident], parents)
        expected = {**self._all_versions}
        expected[self.cycle.id] = {**self.versions, ident: version}
        if self._read_versions() != expected:  # somebody else wrote meanwhile: read it all
            self._read(objective=ident)
        else:
            self._all_versions = expected
            self.versions = expected[self.cycle.id]
            self.sets = realigned(self.sets, ident, parents)
            graph = self._build_graph()
            assert graph is not None
            links = link_checks(graph, list(self.sets.values()), self.lang)
            stale = [f for f in self.checks if f.code not in LINK_CODES]
            self.checks = sort_findings(links + stale)
            self._show_parents()
            self._show_findings()
            self._show_picture_state(graph)
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
