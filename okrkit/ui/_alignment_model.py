"""What the alignment editor holds: the store's sets, the versions read, the checks, the picture.

:class:`AlignmentModel` reads and writes through the store and asks :mod:`okrkit.align_rules`
and :mod:`okrkit.alignment` for every answer; :class:`~okrkit.ui.alignment.AlignmentEditor`
lays it out. :func:`picture_state` and :func:`unshown_changes` compare a drawn picture with the
alignment held.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from okrkit.align_rules import LINK_CODES, alignment_findings, link_findings, realigned
from okrkit.alignment import build_graph
from okrkit.checks import sort_findings
from okrkit.findings import SEVERITIES, Finding
from okrkit.model import find_alignment_loop
from okrkit.scoring import score

if TYPE_CHECKING:
    import networkx as nx

    from okrkit.cycles import Cycle
    from okrkit.model import OkrSet
    from okrkit.scoring import Scores

__all__ = [
    "EDITOR_CODES",
    "AlignmentModel",
    "PictureState",
    "group_findings",
    "picture_state",
    "unshown_changes",
]

#: The checks the editor shows: those that read links (OKR601–OKR605). OKR606 (no recent
#: check-in) says nothing about alignment and, while the room plans, flags every key result
#: made minutes ago; the check-in view and ``okrkit check`` report it.
EDITOR_CODES: tuple[str, ...] = LINK_CODES

PictureState = tuple[frozenset[tuple[Any, ...]], dict[str, frozenset[str]]]
_PARENT_KINDS = ("objective", "key_result")


def picture_state(graph: nx.DiGraph) -> PictureState:
    """What :func:`okrkit.plots.draw_alignment` shows of ``graph``.

    The objectives (id, cycle, level, title, grade band and weight) and, for each objective that
    aligns to others, the objectives and key results it aligns to. Two graphs with equal states
    draw the same picture.
    """
    nodes = graph.nodes
    shown = frozenset(
        (n, a.get("cycle"), a.get("level"), a.get("title"), a.get("band"), a.get("weight"))
        for n, a in nodes(data=True)
        if a.get("kind") == "objective"
    )
    parents: dict[str, set[str]] = {}
    for child, parent, relation in graph.edges(data="relation"):
        is_link = relation == "aligns_to" and nodes[parent].get("kind") in _PARENT_KINDS
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


def group_findings(findings: list[Finding]) -> list[tuple[str, list[tuple[str, list[Finding]]]]]:
    """``findings`` grouped by code (errors first, then by code), then by owner as they come.

    Returns ``[(code, [(owner, findings), ...]), ...]``; an objective without an owner has
    ``""``.
    """
    codes: dict[str, dict[str, list[Finding]]] = {}
    for f in findings:
        codes.setdefault(f.code, {}).setdefault(f.owner, []).append(f)
    rank = {f.code: SEVERITIES.index(f.severity) for f in findings}
    return [(code, list(codes[code].items())) for code in sorted(codes, key=lambda c: (rank[c], c))]


class AlignmentModel:
    """The alignment of every cycle of a store, as read or saved by one editor.

    Attributes
    ----------
    cycle
        The cycle whose objectives are edited (``None`` until read).
    sets
        Every cycle's set, by cycle id.
    versions
        The versions read of :attr:`cycle`'s objectives and key results, by id.
    checks
        The alignment findings (:func:`okrkit.align_rules.alignment_findings`).
    graph
        The alignment graph of :attr:`sets` (``None`` before a read).
    drawn, now
        What the picture shows (``None`` before it is drawn) and what it would show now.
    """

    def __init__(self, store: Any, cycle: str | Cycle | None, lang: str) -> None:
        self.store = store
        self.lang = lang
        self._cycle_arg = cycle
        self.cycle: Cycle | None = None
        self.sets: dict[str, OkrSet] = {}
        self.versions: dict[str, int] = {}
        self.checks: list[Finding] = []
        self.graph: nx.DiGraph | None = None
        self.drawn: PictureState | None = None
        self.now: PictureState | None = None
        self._all_versions: dict[str, dict[str, int]] = {}
        self._scores: dict[str, Scores] = {}
        self._indexed: dict[str, OkrSet] | None = None
        self._index_cache: dict[str, tuple[str, Cycle, tuple[str, ...] | None]] = {}

    @property
    def picture_current(self) -> bool:
        """Whether the picture shows the alignment held."""
        return self.drawn is not None and self.drawn == self.now

    def all_sets(self) -> list[OkrSet]:
        """The sets of every cycle, in the store's order."""
        return list(self.sets.values())

    def _read_versions(self) -> dict[str, dict[str, int]]:
        return {c.id: self.store.versions(c) for c in self.store.cycles()}

    def read(self) -> None:
        """Read every cycle again, score it and run the alignment checks.

        Raises
        ------
        OkrkitError
            When the store cannot be read; what is held stays as it was.
        """
        cycle = self.store.cycle(self._cycle_arg)
        # Versions before the data: a write in between makes the save a conflict.
        all_versions = self._read_versions()
        sets = {c.id: self.store.load(c) for c in self.store.cycles()}
        scores = {ident: score(okrs) for ident, okrs in sets.items()}
        found = alignment_findings(list(sets.values()), self.lang)
        checks = [f for f in found if f.code in EDITOR_CODES]
        self.cycle, self._all_versions, self.sets, self._scores = cycle, all_versions, sets, scores
        self.checks = checks
        self.versions = all_versions.get(cycle.id, {})
        self._set_graph()

    def _set_graph(self) -> None:
        """The alignment graph of :attr:`sets`, scored once per read (links do not move scores)."""
        self.graph = build_graph(self.all_sets(), self._scores) if self.sets else None
        self.now = None if self.graph is None else picture_state(self.graph)

    def key_result_owners(self) -> dict[str, str]:
        """Each key result of every cycle held -> the id of its objective."""
        return {k: o for okrs in self.sets.values() for k, o in okrs.key_result_owners().items()}

    def aligns_to(self, objective: str) -> tuple[str, ...]:
        """The parents held of ``objective`` of :attr:`cycle`."""
        assert self.cycle is not None
        return self.sets[self.cycle.id].objective(objective).aligns_to

    def save(self, objective: str, parents: list[str]) -> bool:
        """Point ``objective`` at ``parents`` in the store, at the version read.

        One write. When nobody else wrote to the store since it was read, what is held is
        updated without reading the cycles again (the link checks rerun on the graph) and the
        answer is True; otherwise it is False and the caller reads the store again
        (:meth:`read`).

        Raises
        ------
        OkrkitError
            When the store refuses the write (a conflict, a loop); nothing is written.
        """
        assert self.cycle is not None
        version = self.store.realign(objective, self.versions[objective], parents)
        expected = {**self._all_versions}
        expected[self.cycle.id] = {**self.versions, objective: version}
        if self._read_versions() != expected:  # somebody else wrote meanwhile
            return False
        self._all_versions = expected
        self.versions = expected[self.cycle.id]
        self.sets = realigned(self.sets, objective, parents)
        self._set_graph()
        assert self.graph is not None
        links = link_findings(self.graph, self.all_sets(), self.lang)
        kept = [f for f in self.checks if f.code not in LINK_CODES]
        self.checks = sort_findings(links + kept)
        return True

    # --- the words of the screen ------------------------------------------------------------

    def _index(self) -> dict[str, tuple[str, Cycle, tuple[str, ...] | None]]:
        """Every objective and key result held: id -> (title, cycle, parents or None)."""
        if self._indexed is not self.sets:
            index: dict[str, tuple[str, Cycle, tuple[str, ...] | None]] = {}
            for okrs in self.sets.values():
                for o in okrs.objectives:
                    index[o.id] = (o.title, okrs.cycle, o.aligns_to)
                    for kr in o.key_results:
                        index.setdefault(kr.id, (kr.title, okrs.cycle, None))
            self._index_cache, self._indexed = index, self.sets
        return self._index_cache

    def title(self, ident: str) -> str | None:
        """The title of objective or key result ``ident`` of any cycle held, else None."""
        found = self._index().get(ident)
        return None if found is None else found[0]

    def cycle_of(self, ident: str) -> Cycle | None:
        """The cycle of the set that holds objective or key result ``ident``, else None."""
        found = self._index().get(ident)
        return None if found is None else found[1]

    def parents_of(self, ident: str) -> tuple[str, ...]:
        """What objective ``ident`` of any cycle held aligns to (empty when it is not held)."""
        found = self._index().get(ident)
        return () if found is None else (found[2] or ())

    def loop(self, objective: str, parents: list[str] | None = None) -> tuple[str, ...] | None:
        """The alignment loop through ``objective`` (with ``parents`` instead of its own, when
        given), closing on its first id as :func:`okrkit.model.find_alignment_loop` gives it."""
        sets = self.sets if parents is None else realigned(self.sets, objective, parents)
        links = {o.id: o.aligns_to for okrs in sets.values() for o in okrs.objectives}
        loop = find_alignment_loop(links, [objective], self.key_result_owners())
        if not loop or objective not in loop[:-1]:
            return loop
        # Turned round so that its last link leaves ``objective``: the link to change.
        nodes = list(loop[:-1])
        at = nodes.index(objective)
        nodes = nodes[at + 1 :] + nodes[: at + 1]
        return (*nodes, nodes[0])

    def missing_parents(self, objective: str) -> list[str]:
        """The parents of ``objective`` that are no objective or key result held."""
        return [p for p in self.parents_of(objective) if self.title(p) is None]

    def foreign_parents(self, objective: str) -> list[str]:
        """The parents of ``objective`` in another cycle that does not span its own."""
        own = self.cycle_of(objective)
        out = []
        for p in self.parents_of(objective):
            theirs = self.cycle_of(p)
            if own is None or theirs is None or theirs.id == own.id:
                continue
            if not (theirs.start <= own.start and own.end <= theirs.end):
                out.append(p)
        return out

    def drawn_now(self) -> None:
        """Note that the picture now shows :attr:`graph` (or that there is none)."""
        self.drawn = self.now
