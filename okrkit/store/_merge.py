"""A merge: an import of a set some of whose ids the store holds already."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from okrkit.merging import ImportSummary, Resolution, resolve_edit
from okrkit.model import KeyResult, Objective, OkrSet
from okrkit.store._checkins import merge_checkins
from okrkit.store._codecs import (
    chunks,
    diff,
    fields_of,
    from_snapshot,
    own,
    own_keys,
    revision_row,
    to_row,
    utcnow,
)
from okrkit.store._links import check_links, dangling_notes
from okrkit.store._rows import (
    Tables,
    bump,
    delete_key_results,
    deletions,
    insert_many,
    kr_deletions,
    last_versions,
    log,
    next_position,
)

if TYPE_CHECKING:
    import sqlalchemy as sa

__all__ = ["Merge"]

_NOUNS = {
    "objectives": "objective",
    "key_results": "key result",
    "kpis": "KPI",
    "initiatives": "initiative",
}
_WITH_ARTICLE = {
    "objectives": "an objective",
    "key_results": "a key result",
    "kpis": "a KPI",
    "initiatives": "an initiative",
}


class Merge:
    """One import of a set some of whose ids the store holds already (see ``Store.import_set``).

    Runs inside the import's transaction; the conflicts it finds are returned in the summary,
    and the caller rolls the transaction back when there are any.
    """

    def __init__(
        self,
        t: Tables,
        conn: sa.Connection,
        okrs: OkrSet,
        found: dict[str, str],
        incoming: Mapping[str, list[str]],
        author: str,
    ) -> None:
        import sqlalchemy as sa

        self.conn, self.okrs = conn, okrs
        self.found, self.incoming, self.author = found, incoming, author
        self.sa, self.t = sa, t
        self.cycle = okrs.cycle.id
        self.now = utcnow()
        self.conflicts: list[str] = []
        self.added: list[str] = []
        self.changed: list[tuple[str, tuple[str, ...]]] = []
        self.removed: list[str] = []
        self.notes: list[str] = []
        self.revisions: list[dict[str, Any]] = []
        self.unchanged = 0
        self.renewed: set[str] = set()  # ids a replace took from another kind of record
        self.positions: dict[str, int] = {}
        self.diffs: list[tuple[str, str, Any, Any]] = []

    @property
    def replacing(self) -> bool:
        return self.mode == "replace"

    def run(self, base: ImportSummary) -> ImportSummary:
        self.mode = base.mode
        kind_of = {i: name for name, ids in self.incoming.items() for i in ids}
        clashes = sorted(i for i, name in self.found.items() if kind_of[i] != name)
        if clashes and not self.replacing:
            return replace(
                base,
                conflicts=tuple(
                    f"{_NOUNS[self.found[i]]} {i} in the store is"
                    f" {_WITH_ARTICLE[kind_of[i]]}"
                    " in the file: give it another id"
                    for i in clashes
                ),
            )
        if clashes:
            self._take_over(clashes, set(kind_of))
        self._others()
        self._objectives()
        self._key_results()
        for name, items, link, col, listed in (
            ("kpis", self.okrs.kpis, "kpi_measures", "kpi", "measures"),
            ("initiatives", self.okrs.initiatives, "initiative_supports", "initiative", "supports"),
        ):
            self._linked_records(name, items, link, col, listed)
        ids = [i for i in self.incoming["key_results"] if self.found.get(i) == "key_results"]
        checkins = merge_checkins(
            self.t, self.conn, self.okrs, ids, replacing=self.replacing, now=self.now
        )
        check_links(self.t, self.conn, self.okrs)
        log(self.t, self.conn, self.revisions)
        kept = len(checkins.kept)
        return replace(
            base,
            replaced=tuple(sorted({i for i, _ in self.changed} | self.renewed)),
            added=tuple(self.added),
            changed=tuple(self.changed),
            diffs=tuple(self.diffs),
            unchanged=self.unchanged,
            removed=tuple(self.removed),
            conflicts=(*self.conflicts, *checkins.conflicts),
            checkins_added=len(checkins.new) + (len(checkins.revived) if self.replacing else 0),
            checkins_same=len(checkins.same) - (len(checkins.revived) if self.replacing else 0),
            checkins_corrected=len(checkins.corrections),
            checkins_kept=0 if self.replacing else kept,
            checkins_removed=kept if self.replacing else 0,
            notes=(*self.notes, *dangling_notes(self.t, self.conn, self.okrs)),
        )

    # --- records --------------------------------------------------------------------------------

    def _stored(self, name: str, ids: list[str]) -> dict[str, Any]:
        table = self.t[name]
        return {
            row.id: row
            for chunk in chunks(ids, 500)
            for row in self.conn.execute(self.sa.select(table).where(table.c.id.in_(chunk)))
        }

    def _links(self, link: str, col: str, ids: list[str]) -> dict[str, tuple[str, ...]]:
        table = self.t[link]
        other = table.c.parent if link == "alignments" else table.c.key_result
        out: dict[str, list[str]] = {}
        for chunk in chunks(ids, 500):
            for owner, target in self.conn.execute(
                self.sa.select(table.c[col], other)
                .where(table.c[col].in_(chunk))
                .order_by(table.c[col], table.c.position)
            ):
                out.setdefault(owner, []).append(target)
        return {k: tuple(v) for k, v in out.items()}

    def _relink(self, link: str, col: str, ident: str, targets: tuple[str, ...]) -> None:
        table = self.t[link]
        other = "parent" if link == "alignments" else "key_result"
        self.conn.execute(table.delete().where(table.c[col] == ident))
        if targets:
            self.conn.execute(
                table.insert(),
                [{col: ident, other: x, "position": i} for i, x in enumerate(targets)],
            )

    def _resolve(
        self,
        ident: str,
        what: str,
        obj: Any,
        stored: int,
        current: Mapping[str, Any],
        incoming: Mapping[str, Any],
    ) -> Resolution | None:
        """What to write for a record the store holds; ``None`` when nothing (noted why)."""
        changed = diff(current, incoming)
        if not changed:
            self.unchanged += 1
            return None
        if self.replacing:
            found = Resolution(dict(incoming), changed)
            self._note_diffs(ident, current, found)
            return found
        version = getattr(obj, "version", None)
        found = resolve_edit(
            ident,
            what,
            file_version=version,
            stored_version=stored,
            base=self._base(ident, what, version) if version not in (None, stored) else None,
            current=current,
            incoming=incoming,
        )
        if found.conflict:
            self.conflicts.append(found.conflict)
        if found.note:
            self.notes.append(found.note)
        if found.values is None:
            self.unchanged += not found.conflict
            return None
        self._note_diffs(ident, current, found)
        return found

    def _note_diffs(self, ident: str, current: Mapping[str, Any], found: Resolution) -> None:
        assert found.values is not None
        self.diffs += [(ident, k, current.get(k), found.values[k]) for k in found.changed]

    def _base(self, ident: str, what: str, version: int | None) -> dict[str, Any] | None:
        """An objective's or key result's fields at ``version``, from its history."""
        kind = {"objective": "objective", "key result": "key_result"}.get(what)
        if kind is None:
            return None
        r = self.t["revisions"]
        row = self.conn.execute(
            self.sa.select(r).where(r.c.id == ident, r.c.version == version, r.c.kind == kind)
        ).first()
        if row is None or row.action == "delete":
            return None
        values = own(from_snapshot(kind, row.snapshot))
        if kind == "objective":
            values["cycle"] = row.cycle
        else:
            values["objective"] = row.objective
        return values

    def _next_position(self, table: str, key: str, value: str) -> int:
        slot = f"{table}:{value}"
        if slot not in self.positions:
            t = self.t[table]
            self.positions[slot] = next_position(self.conn, t, t.c[key] == value)
        self.positions[slot] += 1
        return self.positions[slot] - 1

    def _revise(
        self, obj: Objective | KeyResult, version: int, objective: str | None, new: bool
    ) -> None:
        kind = "objective" if isinstance(obj, Objective) else "key_result"
        action = "replace" if (obj.id in self.renewed or (self.replacing and not new)) else "import"
        self.revisions.append(
            revision_row(
                kind, own(obj), version, self.cycle, objective, self.now, action, self.author
            )
        )

    def _take_over(self, clashes: list[str], keep: set[str]) -> None:
        """A replace: ids the store holds as another kind of record are deleted first."""
        conn, t = self.conn, self.t
        self.revisions += deletions(t, conn, clashes, keep, self.now, self.author)
        by_kind: dict[str, list[str]] = {}
        for i in clashes:
            by_kind.setdefault(self.found.pop(i), []).append(i)
        for name, ids in by_kind.items():
            table = t[name]
            if name == "key_results":
                delete_key_results(t, conn, ids)
            elif name == "objectives":
                krs = list(
                    conn.execute(
                        self.sa.select(t["key_results"].c.id).where(
                            t["key_results"].c.objective.in_(ids)
                        )
                    ).scalars()
                )
                self.removed += [k for k in krs if k not in keep]
                for k in krs:  # the file's own key results come back in place
                    if self.found.pop(k, None):
                        self.renewed.add(k)
                delete_key_results(t, conn, krs)
                conn.execute(t["alignments"].delete().where(t["alignments"].c.child.in_(ids)))
                conn.execute(table.delete().where(table.c.id.in_(ids)))
            else:
                link = t["kpi_measures"] if name == "kpis" else t["initiative_supports"]
                col = "kpi" if name == "kpis" else "initiative"
                conn.execute(link.delete().where(link.c[col].in_(ids)))
                conn.execute(table.delete().where(table.c.id.in_(ids)))
        self.renewed.update(clashes)

    def _objectives(self) -> None:
        o = self.t["objectives"]
        ids = [i for i in self.incoming["objectives"] if i in self.found]
        stored = self._stored("objectives", ids)
        parents = self._links("alignments", "child", ids)
        new = [x for x in self.okrs.objectives if x.id not in stored]
        versions = last_versions(self.t, self.conn, [x.id for x in new])
        for x in self.okrs.objectives:
            row = stored.get(x.id)
            if row is None:
                continue
            current = Objective(
                **fields_of(row, own_keys(Objective), skip=("aligns_to",)),
                aligns_to=parents.get(x.id, ()),
            )
            found = self._resolve(
                x.id,
                "objective",
                x,
                row.version,
                {**own(current), "cycle": row.cycle},
                {**own(x), "cycle": self.cycle},
            )
            if found is None or found.values is None:
                continue
            merged = {k: v for k, v in found.values.items() if k != "cycle"}
            written = replace(x, **merged)
            values = to_row(written, ("key_results", "aligns_to", "id"))
            if found.values["cycle"] != row.cycle:
                values.update(
                    cycle=self.cycle,
                    position=self._next_position("objectives", "cycle", self.cycle),
                )
            bump(self.conn, o, x.id, row.version, values)
            if "aligns_to" in found.changed:
                self._relink("alignments", "child", x.id, written.aligns_to)
            self._revise(written, row.version + 1, None, new=False)
            self.changed.append((x.id, found.changed))
        rows, links = [], []
        for x in new:
            version = versions.get(x.id, 0) + 1
            rows.append(
                {
                    **to_row(x, ("key_results", "aligns_to")),
                    "cycle": self.cycle,
                    "position": self._next_position("objectives", "cycle", self.cycle),
                    "version": version,
                }
            )
            links += [
                {"child": x.id, "parent": p, "position": j} for j, p in enumerate(x.aligns_to)
            ]
            self._revise(x, version, None, new=True)
            if x.id not in self.renewed:
                self.added.append(x.id)
        insert_many(self.conn, o, rows)
        insert_many(self.conn, self.t["alignments"], links)

    def _others(self) -> None:
        """Stored key results of the file's objectives that the file does not hold.

        A merge keeps them (and says so); a replace deletes them, keeping each in its ``delete``
        revision with its check-ins. Done before any objective moves, so that the revision
        names the cycle the key result was in.
        """
        kr = self.t["key_results"]
        in_file = set(self.incoming["key_results"])
        owners = [x.id for x in self.okrs.objectives if self.found.get(x.id) == "objectives"]
        others = [
            ident
            for chunk in chunks(owners, 500)
            for ident in self.conn.execute(
                self.sa.select(kr.c.id).where(kr.c.objective.in_(chunk)).order_by(kr.c.id)
            ).scalars()
            if ident not in in_file
        ]
        if others and self.replacing:
            self.revisions += kr_deletions(
                self.t, self.conn, others, self.now, self.author, checkins=True
            )
            delete_key_results(self.t, self.conn, others)
            self.removed += others
        elif others:
            shown = ", ".join(others[:8]) + (", ..." if len(others) > 8 else "")
            self.notes.append(
                f"{len(others)} key result(s) of the file's objectives are in the store only and"
                f" are kept: {shown}"
            )

    def _key_results(self) -> None:
        kr = self.t["key_results"]
        in_file = self.incoming["key_results"]
        stored = self._stored("key_results", [i for i in in_file if i in self.found])
        new_ids = [k.id for _, k in self.okrs.key_results() if k.id not in stored]
        versions = last_versions(self.t, self.conn, new_ids)
        rows = []
        for objective, x in self.okrs.key_results():
            row = stored.get(x.id)
            if row is None:
                version = versions.get(x.id, 0) + 1
                rows.append(
                    {
                        **to_row(x),
                        "objective": objective.id,
                        "position": self._next_position("key_results", "objective", objective.id),
                        "version": version,
                    }
                )
                self._revise(x, version, objective.id, new=True)
                if x.id not in self.renewed:
                    self.added.append(x.id)
                continue
            current = KeyResult(**fields_of(row, own_keys(KeyResult)))
            found = self._resolve(
                x.id,
                "key result",
                x,
                row.version,
                {**own(current), "objective": row.objective},
                {**own(x), "objective": objective.id},
            )
            if found is None or found.values is None:
                continue
            parent = found.values["objective"]
            written = replace(x, **{k: v for k, v in found.values.items() if k != "objective"})
            values = to_row(written, ("id",))
            if parent != row.objective:
                values.update(
                    objective=parent,
                    position=self._next_position("key_results", "objective", parent),
                )
            bump(self.conn, kr, x.id, row.version, values)
            self._revise(written, row.version + 1, parent, new=False)
            self.changed.append((x.id, found.changed))
        insert_many(self.conn, kr, rows)

    def _linked_records(
        self, name: str, items: tuple[Any, ...], link: str, col: str, listed: str
    ) -> None:
        """KPIs (with the key results they measure) or initiatives (with those they support)."""
        table = self.t[name]
        ids = [x.id for x in items if x.id in self.found]
        stored = self._stored(name, ids)
        targets = self._links(link, col, ids)
        rows, links = [], []
        for x in items:
            row = stored.get(x.id)
            if row is None:
                rows.append(
                    {
                        **to_row(x, (listed,)),
                        "cycle": self.cycle,
                        "position": self._next_position(name, "cycle", self.cycle),
                        "version": 1,
                    }
                )
                links += [
                    {col: x.id, "key_result": k, "position": j}
                    for j, k in enumerate(getattr(x, listed))
                ]
                if x.id not in self.renewed:
                    self.added.append(x.id)
                continue
            current = type(x)(
                **fields_of(row, own_keys(type(x)), skip=(listed,)),
                **{listed: targets.get(x.id, ())},
            )
            found = self._resolve(
                x.id,
                _NOUNS[name],
                x,
                row.version,
                {**own(current), "cycle": row.cycle},
                {**own(x), "cycle": self.cycle},
            )
            if found is None or found.values is None:
                continue
            values = {**to_row(x, (listed, "id")), "cycle": self.cycle}
            bump(self.conn, table, x.id, row.version, values)
            self._relink(link, col, x.id, getattr(x, listed))
            self.changed.append((x.id, found.changed))
        insert_many(self.conn, table, rows)
        insert_many(self.conn, self.t[link], links)
