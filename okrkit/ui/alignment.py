"""The alignment editor: pick the parents of each objective, see the picture and the checks.

Pick an objective of the cycle and the objectives or key results it aligns to (of the same
cycle, of a cycle that encloses it, or of an earlier one:
:func:`okrkit.align_rules.parent_choices`; a key result is listed under its objective as
``KR-ID — title (of OBJ)``, and picking it writes the key result's id to ``aligns_to``); Save writes
them to the store at once (:meth:`okrkit.Store.realign`, at the version read, so a concurrent
edit is a readable conflict). The view draws the alignment of all the store's cycles
(:func:`okrkit.plots.draw_alignment`, as SVG, in the view's language) and under it the
alignment findings (OKR601–OKR605, :func:`okrkit.align_rules.alignment_findings`): folded, one
group per check and in it one per owner, each with its count, and said in the words on the
screen (the objectives' titles, the "Aligns to" picker) rather than the file's fields. OKR606 (no
recent check-in) is left out: it says nothing about alignment, and while a room plans it flags
every key result just made. The store refuses a link that would close a loop; the status line
names the loop by its titles and the pick stays for the user to change. A loop in a store
written before that is reported (OKR601).

Save answers at once, also with hundreds of objectives: it writes the change, checks that nobody
else wrote meanwhile (else it reads the store again), reruns the link checks OKR601–OKR605 on the
alignment graph (:func:`okrkit.align_rules.link_findings`; OKR606 does not depend on alignment)
and shows the new parents and findings. It does not redraw the picture, which takes a good part
of a second with a few hundred objectives: the picture gets a dashed frame and a note that names
the changes it does not show yet, until Redraw draws it again. Refresh reads the store again and
flags the picture the same way when the store changed since it was drawn, so the picture never
passes for current when it is not.

What the editor holds lives in :class:`AlignmentModel`; the view renders it from
:meth:`AlignmentEditor.render`.
"""

from __future__ import annotations

import html
import io
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets

from okrkit.align_rules import (
    GRAPH_CODES,
    LINK_CODES,
    alignment_findings,
    link_findings,
    parent_choices,
    realigned,
)
from okrkit.cycles import Cycle
from okrkit.errors import AlignmentCycleError, OkrkitError
from okrkit.findings import Finding
from okrkit.model import OkrSet
from okrkit.ui._alignment_model import (
    EDITOR_CODES,
    AlignmentModel,
    PictureState,
    group_findings,
    picture_state,
    unshown_changes,
)
from okrkit.ui.base import View

__all__ = [
    "EDITOR_CODES",
    "GRAPH_CODES",
    "LINK_CODES",
    "AlignmentEditor",
    "AlignmentModel",
    "alignment_editor",
    "graph_checks",
    "link_checks",
    "parent_choices",
    "picture_state",
    "realigned",
    "unshown_changes",
]

#: :func:`okrkit.align_rules.alignment_findings`, by the name this module gave it first.
graph_checks = alignment_findings
#: :func:`okrkit.align_rules.link_findings`, by the name this module gave it first.
link_checks = link_findings

_MAX_FINDINGS = 40
_MAX_CHANGES = 5
_MAX_CHAIN = 6  # ids of a loop named in full; a longer one is named by its ends
_STALE_FRAME = "2px dashed #a15c00"
_COLOURS = {"error": "#b00020", "warning": "#a15c00"}


class AlignmentEditor(View):
    """Edit which objectives each objective aligns to; see :func:`alignment_editor`.

    Attributes
    ----------
    model
        What the editor holds: the sets read, the versions, the checks and the picture's state
        (:class:`AlignmentModel`).
    objective_pick, parents
        The objective edited and the objectives and key results it aligns to (a
        ``SelectMultiple``).
    picture
        An SVG ``Image`` of the alignment of all the store's cycles, as last drawn.
    picture_note
        HTML under the buttons: whether the picture shows every saved change, and if not, which
        changes it lacks.
    picture_current
        Whether the picture shows the alignment as last read or saved.
    findings
        HTML of the alignment findings (OKR601–OKR605), folded by check and owner.
    checks
        Those findings, as :class:`okrkit.checks.Finding` records.
    save_button, redraw_button, refresh_button
        The actions.
    """

    SECTION = "ui.alignment"

    def __init__(
        self, store: Any, *, cycle: str | Cycle | None = None, lang: str | None = None
    ) -> None:
        super().__init__(store, lang=lang)
        self.add_class("okrkit-alignment-editor")
        self.model = AlignmentModel(store, cycle, self.lang)

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
            widgets.HBox([self.redraw_button, self.picture_note]),
            self.picture,
            self.findings,
        ]
        if self._read(objective=None):
            self.safe(self.redraw)()

    # --- what the model holds, by the names the view had ------------------------------------

    @property
    def cycle(self) -> Cycle | None:
        """The cycle whose objectives are edited."""
        return self.model.cycle

    @property
    def sets(self) -> dict[str, OkrSet]:
        """Every cycle's set as read or saved, by cycle id."""
        return self.model.sets

    @property
    def versions(self) -> dict[str, int]:
        """The versions read of the cycle's objectives and key results."""
        return self.model.versions

    @property
    def checks(self) -> list[Finding]:
        """The alignment findings shown."""
        return self.model.checks

    @property
    def picture_current(self) -> bool:
        """Whether the picture shows the alignment as last read or saved."""
        return self.model.picture_current

    # --- reading -----------------------------------------------------------------------------

    def refresh(self, *, objective: str | None = None) -> None:
        """Read every cycle again and rerun the checks.

        The picture is not redrawn (see :meth:`redraw`); its note says whether it still shows
        the alignment read.
        """
        self._read(objective=objective)

    def _read(self, *, objective: str | None) -> bool:
        """:meth:`refresh`; False when the store cannot be read (the status line says why)."""
        try:
            self.model.read()
        except OkrkitError as exc:
            self.show_error(self.t("load_failed", message=str(exc)))
            return False
        self.render(objective)
        return True

    def _on_objective(self, change: Mapping[str, Any]) -> None:
        if change["new"] is not None:
            self._show_parents()

    # --- rendering ---------------------------------------------------------------------------

    def render(self, objective: str | None = None) -> None:
        """Show what the model holds: the objectives (``objective`` picked if it is one, else
        the one picked, else the first), its parents, the findings and the picture's note."""
        cycle = self.model.cycle
        objectives = self.model.sets[cycle.id].objectives if cycle is not None else ()
        ids = [o.id for o in objectives]
        wanted = objective or self.objective_pick.value
        options = [(f"{o.id} · {o.title}", o.id) for o in objectives]
        if list(self.objective_pick.options) != options:
            self.objective_pick.options = options
        self.objective_pick.value = (wanted if wanted in ids else ids[0]) if ids else None
        self._show_parents()
        self._show_findings()
        self._show_picture_state()
        if not ids:
            self.show_error(self.t("no_objective"))

    def _show_parents(self) -> None:
        ident, cycle = self.objective_pick.value, self.model.cycle
        if ident is None or cycle is None:
            self.parents.options = []
            return
        current = self.model.aligns_to(ident)
        owners = self.model.key_result_owners()
        options = []
        for pid, title, where in parent_choices(self.model.sets, cycle.id, ident):
            suffix = "" if where == cycle.id else f" ({where})"
            if pid in owners:
                label = self.t("key_result_of", id=pid, title=title, objective=owners[pid])
                options.append((f"{label}{suffix}", pid))
            else:
                options.append((f"{pid} · {title}{suffix}", pid))
        known = {value for _, value in options}
        # A link to an id that is nowhere stays selectable, so saving keeps it unless unpicked.
        options += [(f"{p} ({self.t('missing')})", p) for p in current if p not in known]
        self.parents.options = options
        self.parents.value = tuple(current)

    def _show_findings(self) -> None:
        """The findings, one folded group per check and in it one per owner, with counts."""
        checks = self.model.checks
        esc, t = html.escape, self.t
        if not checks:
            self.findings.value = f"<p>{esc(t('no_findings'))}</p>"
            return
        groups, total = [], 0
        for code, owners in group_findings(checks):
            severity = owners[0][1][0].severity
            colour = _COLOURS.get(severity, "#555")
            # One line per thing to do: two missing parents of one objective are one line.
            said = [
                (owner, list(dict.fromkeys(map(self.say_finding, found))))
                for owner, found in owners
            ]
            n = sum(len(lines) for _, lines in said)
            total += n
            what = t("group", what=t(f"code.{code}"), code=code, severity=t(severity + "_sev"), n=n)
            inner = []
            for owner, lines in said:
                rows = [f"<li>{esc(line)}</li>" for line in lines[:_MAX_FINDINGS]]
                if len(lines) > _MAX_FINDINGS:
                    rows.append(f"<li>{esc(t('more', n=len(lines) - _MAX_FINDINGS))}</li>")
                who = owner or t("no_owner")
                inner.append(
                    f"<details><summary>{esc(t('owner_group', owner=who, n=len(lines)))}"
                    f"</summary><ul>{''.join(rows)}</ul></details>"
                )
            groups.append(
                f'<details class="okrkit-finding-group" data-code="{esc(code)}">'
                f'<summary style="color:{colour}">{esc(what)}</summary>'
                f'<div style="margin-left:1.2em">{"".join(inner)}</div></details>'
            )
        heading = t("findings_count", n=total)
        self.findings.value = f"<b>{esc(heading)}</b>{''.join(groups)}"

    # --- the words on the screen ---------------------------------------------------------

    def name(self, ident: str) -> str:
        """An objective or key result as the screen shows it: its title and id."""
        title = self.model.title(ident)
        return ident if title is None else self.t("name", title=title, id=ident)

    def _names(self, ids: list[str]) -> str:
        return ", ".join(self.name(i) for i in ids)

    def _chain(self, loop: tuple[str, ...]) -> str:
        shown = [self.name(i) for i in loop]
        if len(shown) > _MAX_CHAIN:
            shown = [*shown[:3], "…", *shown[-2:]]
        return " → ".join(shown)

    def say_finding(self, finding: Finding) -> str:
        """A finding in the editor's words: titles, and the picker's label instead of fields.

        Falls back on the finding's own message and fix when the editor cannot tell which
        links it is about (a store changed under it).
        """
        t, model, item = self.t, self.model, finding.item
        values: dict[str, str] = {"item": self.name(item), "label": t("parents")}
        code = finding.code
        if code == "OKR601":
            loop = model.loop(item)
            if not loop:
                return _plain(finding)
            values.update(
                chain=self._chain(loop), child=self.name(loop[-2]), parent=self.name(loop[-1])
            )
        elif code in ("OKR602", "OKR603"):
            own = model.cycle_of(item)
            found = model.missing_parents(item) if code == "OKR602" else model.foreign_parents(item)
            if not found or own is None:
                return _plain(finding)
            values.update(parents=self._names(found), cycle=own.id)
        elif code not in ("OKR604", "OKR605"):
            return _plain(finding)
        return f"{t('w.' + code, **values)} {t('fix.' + code, **values)}"

    def _show_picture_state(self) -> None:
        """Compare what the picture shows with the alignment held, and say so."""
        drawn, now = self.model.drawn, self.model.now
        stale = not self.model.picture_current
        self.picture.layout.border = _STALE_FRAME if stale and drawn else None
        self.redraw_button.button_style = "warning" if stale else ""
        if drawn is None or now is None:
            text, colour = self.t("picture_none"), "#5f6368"
        elif not stale:
            text, colour = self.t("picture_current"), "#5f6368"
        elif drawn[0] != now[0]:
            text, colour = self.t("picture_stale"), "#a15c00"
        else:
            text, colour = (
                self.t("picture_stale_links", changes=self._changes(drawn, now)),
                "#a15c00",
            )
        self.picture_note.value = f'<span style="color:{colour}">{html.escape(text)}</span>'

    def _changes(self, drawn: PictureState, now: PictureState) -> str:
        changes = unshown_changes(drawn, now)
        shown = [
            self.t("change", id=o, parents=", ".join(p) or self.t("no_parents"))
            for o, p in changes[:_MAX_CHANGES]
        ]
        if len(changes) > _MAX_CHANGES:
            shown.append(self.t("more", n=len(changes) - _MAX_CHANGES))
        return "; ".join(shown)

    def redraw(self) -> None:
        """Draw the picture of the alignment held (as last read or saved)."""
        graph = self.model.graph
        if graph is None:
            self.picture.value = b""
            self.picture.layout.width = None
        else:
            self.picture.value, width = self._svg(graph)
            # At its own size (an SVG inch is 96 CSS pixels), never wider than the page.
            self.picture.layout.width = f"{round(width * 96)}px"
        self.model.drawn_now()
        self._show_picture_state()

    def _svg(self, graph: Any) -> tuple[bytes, float]:
        """The picture of ``graph`` as SVG, and its width in inches."""
        import matplotlib

        from okrkit.plots import draw_alignment

        title = self.t("picture", cycles=", ".join(self.model.sets))
        figure = draw_alignment(graph, title=title, lang=self.lang)
        buffer = io.BytesIO()
        # Text as text: a third of the time of a PNG, sharp at any zoom, and stable ids.
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "okrkit"}):
            figure.savefig(buffer, format="svg", metadata={"Date": None})
        return buffer.getvalue(), float(figure.get_size_inches()[0])

    # --- writing -----------------------------------------------------------------------------

    def save(self) -> None:
        """Point the selected objective at the picked parents, at the version read.

        One write (:meth:`AlignmentModel.save`). When nobody else wrote to the store since it was
        read, the view updates what it holds without reading the cycles again; otherwise it reads
        them again. The picture is left as it is, flagged as out of date (see :meth:`redraw`).
        """
        ident = self.objective_pick.value
        if ident is None or self.model.cycle is None:
            self.show_error(self.t("no_objective"))
            return
        parents = list(self.parents.value)
        try:
            saved = self.model.save(ident, parents)
        except AlignmentCycleError:
            loop = self.model.loop(ident, parents)
            if not loop:
                raise  # not the loop this pick makes: the store's own words
            self.show_error(
                self.t(
                    "loop_refused",
                    chain=self._chain(loop),
                    parent=self.name(loop[-1]),
                    label=self.t("parents"),
                )
            )
            return
        if saved:
            self.render(ident)
        else:  # somebody else wrote meanwhile: read it all
            self._read(objective=ident)
        shown = ", ".join(parents) if parents else self.t("no_parents")
        self.show_ok(self.t("updated", id=ident, parents=shown))


def _plain(finding: Finding) -> str:
    return f"{finding.message} ({finding.fix})"


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
