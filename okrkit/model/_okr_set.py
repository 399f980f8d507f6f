"""The OKR set of one cycle, and the alignment loops among its objectives."""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from okrkit.cycles import Cycle
from okrkit.errors import AlignmentCycleError, ValidationError
from okrkit.lifecycle import check_reading
from okrkit.model._columns import check_checkin_dates, types_of
from okrkit.model._fields import CHECKIN_FIELD, parse_cycle
from okrkit.model._html import html_table
from okrkit.model._records import (
    KPI,
    CheckIn,
    Initiative,
    KeyResult,
    Objective,
    set_field,
    with_article,
)

__all__ = ["OkrSet", "find_alignment_loop", "loop_error", "merge_sets"]


def find_alignment_loop(
    parents: Mapping[str, Iterable[str]],
    roots: Iterable[str] | None = None,
    key_results: Mapping[str, str] | None = None,
) -> tuple[str, ...] | None:
    """The first loop of alignment links reachable from ``roots`` (default: every id), else None.

    ``parents`` maps an objective id to the ids it aligns to; ids missing from it have no
    parents. ``key_results`` maps key result ids to the id of their objective: a link to a key
    result goes on through its objective (an objective aligned to K2 contributes to K2's
    objective). The loop is given in alignment order and closes on its first id; its last link is
    always an ``aligns_to`` link (its second to last id an objective), so the fix can name it. The
    search is iterative, so a chain of any length is safe.

    Examples
    --------
    >>> find_alignment_loop({"A": ["B"], "B": ["C"], "C": ["A"]})
    ('A', 'B', 'C', 'A')
    >>> find_alignment_loop({"A": ["B"], "B": []}) is None
    True
    >>> find_alignment_loop({"O1": ["K2"], "O2": ["O1"]}, key_results={"K2": "O2"})
    ('O1', 'K2', 'O2', 'O1')
    >>> find_alignment_loop({"O2": ["O1"], "O1": ["K2"]}, key_results={"K2": "O2"})
    ('K2', 'O2', 'O1', 'K2')
    """
    owners = key_results or {}

    def above(node: str) -> Iterable[str]:
        if node in owners and node not in parents:
            return (owners[node],)
        return parents.get(node, ())

    done: set[str] = set()
    for root in parents if roots is None else roots:
        if root in done:
            continue
        path = [root]
        on_path = {root: 0}
        todo = [iter(above(root))]
        while todo:
            parent = next(todo[-1], None)
            if parent is None:
                node = path.pop()
                del on_path[node]
                done.add(node)
                todo.pop()
            elif parent in on_path:
                return _closed_by_link((*path[on_path[parent] :], parent), owners)
            elif (parent in parents or parent in owners) and parent not in done:
                on_path[parent] = len(path)
                path.append(parent)
                todo.append(iter(above(parent)))
    return None


def _closed_by_link(loop: tuple[str, ...], owners: Mapping[str, str]) -> tuple[str, ...]:
    """``loop`` turned round so that its last link leaves an objective (an aligns_to link)."""
    nodes = list(loop[:-1])
    while len(nodes) > 1 and nodes[-1] in owners and owners[nodes[-1]] == nodes[0]:
        nodes = [nodes[-1], *nodes[:-1]]  # K -> its objective is no link anyone wrote
    return (*nodes, nodes[0])


def loop_error(
    loop: tuple[str, ...],
    key_results: Mapping[str, str] | None = None,
    *,
    held: Iterable[str] = (),
) -> AlignmentCycleError:
    """The error for an alignment loop found by :meth:`OkrSet.alignment_loop` (no place yet).

    A long loop is named by its first and last links; the fix names the link that closes it.
    ``key_results`` (key result id -> objective id) lets the message say which ids of the loop
    are key results, and name an objective aligned to one of its own key results plainly.
    ``held`` names links of the loop that are already stored (``"A -> B"``), for the message.

    Examples
    --------
    >>> error = loop_error(("K2", "O2", "O1", "K2"), {"K2": "O2"})
    >>> error.problem
    'objectives align in a loop: K2 -> O2 -> O1 -> K2 (K2 is a key result of O2)'
    >>> error.fix
    'remove K2 from the aligns_to of O1, or another link of the loop'
    """
    owners = key_results or {}
    child, parent = loop[-2], loop[-1]
    if len(loop) == 3 and owners.get(parent) == child:
        return _own_key_result_error(child, parent)
    n = sum(1 for ident in loop[:-1] if ident not in owners)
    shown = loop if len(loop) <= 9 else (*loop[:4], "…", *loop[-3:])
    notes = [f"{k} is a key result of {owners[k]}" for k in dict.fromkeys(loop) if k in owners]
    stored = list(held)
    if stored:
        notes.append(f"the store already holds {', '.join(stored)}")
    return AlignmentCycleError(
        f"objectives align in a loop: {' -> '.join(shown)}"
        + (f" ({n} objectives)" if len(loop) > 9 else "")
        + (f" ({'; '.join(notes)})" if notes else ""),
        field="aligns_to",
        fix=f"remove {parent} from the aligns_to of {child}, or another link of the loop",
    )


def _own_key_result_error(objective: str, key_result: str) -> AlignmentCycleError:
    """The error for an objective aligned to one of its own key results."""
    return AlignmentCycleError(
        f"{objective} aligns to {key_result}, one of its own key results",
        field="aligns_to",
        fix=f"remove {key_result} from the aligns_to of {objective}, and align it to an objective"
        " or key result above it instead: its own key results measure it, it cannot contribute"
        " to them",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class OkrSet:
    """The OKRs of one cycle with their KPIs, initiatives and check-ins.

    Ids are unique across objectives, key results, KPIs and initiatives. Check-ins, KPI
    ``measures`` and initiative ``supports`` must name key results of the set, and a check-in must
    record the field that fits its key result's type. ``aligns_to`` names objectives or key
    results, of the set or outside it (another team's file); the alignment checks report those
    that exist nowhere. An objective cannot align to one of its own key results.
    """

    cycle: Cycle
    objectives: tuple[Objective, ...] = ()
    kpis: tuple[KPI, ...] = ()
    initiatives: tuple[Initiative, ...] = ()
    checkins: tuple[CheckIn, ...] = ()
    _krs: dict[str, KeyResult] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        set_field(self, "cycle", parse_cycle(self.cycle))
        for name, cls in (
            ("objectives", Objective),
            ("kpis", KPI),
            ("initiatives", Initiative),
            ("checkins", CheckIn),
        ):
            items = tuple(getattr(self, name) or ())
            if types_of(items) <= {cls}:
                set_field(self, name, items)
                continue
            for i, item in enumerate(items):
                if not isinstance(item, cls):
                    raise ValidationError(
                        f"item {i + 1} is a {type(item).__name__}, not a {cls.__name__}",
                        field=name,
                        fix=f"build {cls.__name__} objects",
                    )
            set_field(self, name, items)
        seen: dict[str, str] = {}

        def claim(ident: str, what: str) -> None:
            if ident in seen:
                raise ValidationError(
                    f"duplicate id {ident!r}: used by {with_article(seen[ident])}"
                    f" and {with_article(what)}",
                    field="id",
                    fix="give each objective, key result, KPI and initiative its own id",
                )
            seen[ident] = what

        krs: dict[str, KeyResult] = {}
        for o in self.objectives:
            claim(o.id, "objective")
            for kr in o.key_results:
                claim(kr.id, "key result")
                krs[kr.id] = kr
        for k in self.kpis:
            claim(k.id, "KPI")
        for ini in self.initiatives:
            claim(ini.id, "initiative")
        set_field(self, "_krs", krs)
        for o in self.objectives:
            if o.aligns_to and o.key_results:
                own = next((kr.id for kr in o.key_results if kr.id in o.aligns_to), None)
                if own is not None:
                    wrong = _own_key_result_error(o.id, own)
                    raise ValidationError(wrong.problem, field=wrong.field, fix=wrong.fix)
        for k in self.kpis:
            self._require_krs(k.measures, f"KPI {k.id}", "measures")
        for ini in self.initiatives:
            self._require_krs(ini.supports, f"initiative {ini.id}", "supports")
        expects = {ident: CHECKIN_FIELD[kr.type] for ident, kr in krs.items()}
        for i, c in enumerate(self.checkins):
            expected = expects.get(c.key_result)
            if expected == "value":
                if c.value is not None:
                    continue
            elif expected == "done":
                if c.value is None and c.done is not None:
                    continue
            elif expected == "grade" and c.value is None and c.done is None:
                continue
            found = krs.get(c.key_result)
            if found is None:
                raise ValidationError(
                    f"check-in {i + 1} ({c.date}) is for key result {c.key_result!r},"
                    " which is not in the set",
                    field="key_result",
                    fix="use the id of an existing key result",
                )
            check_reading(c.field_name, found.id, found.type, label=f"check-in {i + 1}")
        check_checkin_dates(
            [c.date for c in self.checkins], [c.key_result for c in self.checkins], self.cycle
        )

    def alignment_loop(self) -> tuple[str, ...] | None:
        """The first loop of ``aligns_to`` links among the set's objectives, else ``None``.

        The loop is given in alignment order and closes on its first id: ``("A", "B", "A")``
        when A aligns to B and B to A. A link to a key result of the set goes on through the
        key result's objective: ``("O1", "K2", "O2", "O1")`` when O1 aligns to K2, a key result
        of O2, and O2 aligns to O1. The last link is always one an objective's ``aligns_to``
        holds. Links to ids outside the set are ignored. The search is iterative, so a chain of
        any length is safe. The alignment checks (:mod:`okrkit.alignment`, ``OKR601``) find
        loops across sets and the store.
        """
        return find_alignment_loop(
            {o.id: o.aligns_to for o in self.objectives}, key_results=self.key_result_owners()
        )

    def key_result_owners(self) -> dict[str, str]:
        """Each key result's id -> the id of its objective."""
        return {kr.id: o.id for o in self.objectives for kr in o.key_results}

    def _require_krs(self, ids: Iterable[str], owner: str, name: str) -> None:
        for ident in ids:
            if ident not in self._krs:
                raise ValidationError(
                    f"{owner} names key result {ident!r}, which is not in the set",
                    field=name,
                    fix="use the id of an existing key result",
                )

    def key_results(self) -> Iterator[tuple[Objective, KeyResult]]:
        """Every key result with its objective, in file order."""
        for o in self.objectives:
            for kr in o.key_results:
                yield o, kr

    def key_result(self, ident: str) -> KeyResult:
        """The key result with id ``ident``; ``KeyError`` when there is none."""
        return self._krs[ident]

    def objective(self, ident: str) -> Objective:
        """The objective with id ``ident``; ``KeyError`` when there is none."""
        for o in self.objectives:
            if o.id == ident:
                return o
        raise KeyError(ident)

    def _repr_html_(self) -> str:
        c = self.cycle
        heading = (
            f"OKR set {c.id} ({c.start.isoformat()} – {c.end.isoformat()}):"
            f" {len(self.objectives)} objectives, {len(self._krs)} key results,"
            f" {len(self.kpis)} KPIs, {len(self.initiatives)} initiatives,"
            f" {len(self.checkins)} check-ins"
        )
        rows: list[tuple[object, ...]] = [
            (o.id, o.title, o.owner, o.level, o.kind, len(o.key_results), o.aligns_to)
            for o in self.objectives
        ]
        columns = ("objective", "title", "owner", "level", "kind", "key results", "aligns to")
        table = html_table(columns, rows, "objectives") if rows else ""
        return f"<div><strong>{html.escape(heading)}</strong>{table}</div>"

    @property
    def ids(self) -> frozenset[str]:
        """Every id in the set (objectives, key results, KPIs, initiatives)."""
        return frozenset(
            [o.id for o in self.objectives]
            + list(self._krs)
            + [k.id for k in self.kpis]
            + [i.id for i in self.initiatives]
        )


def merge_sets(sets: Sequence[OkrSet]) -> OkrSet:
    """One OKR set holding every item of ``sets``, which must share one cycle.

    Raises
    ------
    ValidationError
        When the cycles differ or an id appears in two sets.
    """
    cycles = {s.cycle for s in sets}
    if len(cycles) != 1:
        raise ValidationError(
            f"cannot merge sets of cycles {', '.join(sorted(c.id for c in cycles))}",
            field="cycle",
            fix="move them to one cycle first",
        )
    return OkrSet(
        cycle=sets[0].cycle,
        objectives=tuple(o for s in sets for o in s.objectives),
        kpis=tuple(k for s in sets for k in s.kpis),
        initiatives=tuple(i for s in sets for i in s.initiatives),
        checkins=tuple(c for s in sets for c in s.checkins),
    )
