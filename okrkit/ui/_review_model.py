"""What the quarter-end review holds: the cycle read, its scores, and what a carry-over takes.

:class:`ReviewModel` reads and writes through the store and asks the core for every answer:
:func:`okrkit.scoring.score` for scores, bands, statuses and expectations,
:mod:`okrkit.lifecycle` for the next cycle, "correct today's check-in, else add one", finished
key results and unfinished objectives, and :func:`okrkit.forms.make_checkin` for the check-in a
reading makes. :class:`~okrkit.ui.review.QuarterReview` lays it out.

It reads little: :meth:`ReviewModel.read` first compares a stamp (versions and check-in ids) with
the one it holds, and after a reading of its own it rescores only the objective it touched, from
the check-ins it holds.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from okrkit.cycles import Cycle
from okrkit.errors import ConflictError
from okrkit.forms import make_checkin
from okrkit.frames import FRAME_COLUMNS, Frames, from_frames
from okrkit.lifecycle import (
    CarryPlan,
    carry_plan,
    checkin_to_correct,
    kr_finished,
    next_cycle,
    unfinished_objectives,
)
from okrkit.model import CHECKIN_FIELD, ZONES, CheckIn, OkrSet
from okrkit.scoring import score

__all__ = ["Recorded", "ReviewModel", "Shape", "is_missing", "pending"]

_CHECKIN_COLUMNS = list(FRAME_COLUMNS["checkins"])
_READINGS = ("value", "done", "grade", "zone")

#: The objectives of a cycle with their key results' ids and types, in table order.
Shape = list[tuple[str, tuple[tuple[str, str], ...]]]


def is_missing(value: Any) -> bool:
    """Whether a cell of a scores row is empty (``None``, ``pd.NA``, NaN or NaT).

    >>> is_missing(pd.NaT), is_missing(float("nan")), is_missing(pd.Timestamp("2026-03-02"))
    (True, True, False)
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, np.datetime64):
        return bool(np.isnat(value))
    return isinstance(value, float) and math.isnan(value)


def pending(row: Mapping[str, Any]) -> str | None:
    """Why a key result's scores row has no score yet: ``"no data"`` or ``"not yet due"``.

    ``None`` when it has a score. The scores' ``pending`` column says which; without it, or
    when it is empty, a missing score is ``"no data"``.

    >>> pending({"score": float("nan"), "pending": "not yet due"}), pending({"score": 0.4})
    ('not yet due', None)
    """
    if not is_missing(row.get("score")):
        return None
    why = row.get("pending")
    return why if isinstance(why, str) and why else "no data"


@dataclass(frozen=True, slots=True)
class Recorded:
    """A reading saved by :meth:`ReviewModel.record`.

    ``reading`` is the check-in as the form made it (only the reading of the key result's type
    set), ``saved`` as the store holds it, and ``corrected`` whether it corrected one of the
    same day.
    """

    reading: CheckIn
    saved: CheckIn
    corrected: bool


def _checkin_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Check-in records as the ``checkins`` frame :func:`okrkit.scoring.score` reads."""
    df = pd.DataFrame.from_records(records, columns=_CHECKIN_COLUMNS)
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[s]")
    for col in ("value", "grade", "confidence"):
        df[col] = pd.to_numeric(df[col]).astype("float64")
    df["done"] = df["done"].astype("boolean")
    df["zone"] = df["zone"].astype(object)
    df["id"] = df["id"].astype("Int64")
    return df


def _record(row: Mapping[str, Any]) -> dict[str, Any]:
    """One check-in (a store row or a frame row) as a plain record with NaN/None for gaps."""
    out: dict[str, Any] = {col: row.get(col) for col in _CHECKIN_COLUMNS}
    out["date"] = pd.Timestamp(out["date"])
    for col in ("value", "grade", "confidence"):
        out[col] = math.nan if is_missing(out[col]) else float(out[col])
    out["done"] = None if is_missing(out["done"]) else bool(out["done"])
    out["zone"] = None if is_missing(out["zone"]) else str(out["zone"])
    out["id"] = None if is_missing(out["id"]) else int(out["id"])
    return out


class ReviewModel:
    """A cycle's key results and scores as one review shows them.

    Attributes
    ----------
    cycle, as_of
        The cycle reviewed and the date readings are recorded and scored at.
    next_cycle
        The cycle a carry-over goes to (:func:`okrkit.lifecycle.next_cycle`); ``None`` after the
        last cycle okrkit handles.
    key_results
        Each key result's row of the cycle's frames, by id, in table order.
    order
        Each objective's key result ids, in table order.
    objective_scores, kr_scores
        The latest scores by id (rows of :attr:`Scores.objectives <okrkit.Scores>` and
        :attr:`Scores.key_results <okrkit.Scores>`).
    carried
        Objectives of the cycle already carried into :attr:`next_cycle`: old id -> new id.
    """

    def __init__(self, store: Any, cycle: Cycle, as_of: dt.date) -> None:
        self.store = store
        self.cycle = cycle
        self.as_of = as_of
        self.next_cycle: Cycle | None = next_cycle(cycle, store.cycles())
        self.key_results: dict[str, dict[str, Any]] = {}
        self.order: dict[str, list[str]] = {}
        self.objective_scores: dict[str, dict[str, Any]] = {}
        self.kr_scores: dict[str, dict[str, Any]] = {}
        self.carried: dict[str, str] = {}
        self._objective_of: dict[str, str] = {}
        self._stamp: tuple[Any, ...] | None = None
        self._frames: Frames | None = None
        self._checkins: dict[str, list[dict[str, Any]]] = {}
        self._okrs: OkrSet | None = None
        #: The last carry-over written from this review (what :meth:`undo_carry` takes back).
        self.last_carry: OkrSet | None = None

    # --- reading ---------------------------------------------------------------------------

    def stamp(self) -> tuple[Any, ...]:
        """What changes whenever something the review shows changes in the store.

        The versions of the cycle's objectives and key results, the ids of its active check-ins
        (a correction or a deletion changes them) and the versions of the next cycle's objectives
        (those carried over). Three small reads instead of the whole cycle.
        """
        following = (
            self.store.versions(self.next_cycle)
            if self.next_cycle is not None and self.next_cycle in self.store.cycles()
            else None
        )
        ids = frozenset(int(i) for i in self.store.checkins(cycle=self.cycle)["id"])
        return self.store.versions(self.cycle), ids, following

    def read(self) -> bool:
        """Read the cycle again when the store changed since it was read; whether it did.

        The stamp is taken before the data: a write in between shows as a change next time.
        """
        stamp = self.stamp()
        if stamp == self._stamp:
            return False
        frames: Frames = self.store.frames(self.cycle)
        scores = score(frames, self.as_of)
        # The frames of one objective, and its check-ins as records, are cut out when it is
        # rescored (see :meth:`rescore`), not for every objective on each read.
        self._frames = frames
        self._checkins = {}
        self._okrs = None
        krs = frames.key_results
        self._objective_of = dict(zip(krs["id"], krs["objective"], strict=True))
        self.key_results = {r["id"]: r for r in krs.to_dict("records")}
        self.order = {oid: [] for oid in frames.objectives["id"]}
        for ident, oid in self._objective_of.items():
            self.order.setdefault(oid, []).append(ident)
        self.carried = self._carried_before()
        self.objective_scores = {r["id"]: r for r in scores.objectives.to_dict("records")}
        self.kr_scores = {r["id"]: r for r in scores.key_results.to_dict("records")}
        self._stamp = stamp
        return True

    @property
    def shape(self) -> Shape:
        """The objectives with their key results' ids and types, in table order."""
        return [
            (oid, tuple((k, self.key_results[k]["type"]) for k in krs))
            for oid, krs in self.order.items()
        ]

    def objective_of(self, ident: str) -> str:
        """The objective of key result ``ident``."""
        return self._objective_of[ident]

    def _carried_before(self) -> dict[str, str]:
        if self.next_cycle is None or self.next_cycle not in self.store.cycles():
            return {}
        objectives = self.store.frames(self.next_cycle).objectives
        return {
            str(old): str(new)
            for old, new in zip(objectives["carried_from"], objectives["id"], strict=True)
            if isinstance(old, str) and old in self.order
        }

    def reading(self, ident: str) -> Any:
        """What key result ``ident``'s input shows: its reading at the as-of date, else a start.

        A grade of 0, not done, the start value (else the target of a metric with a bound but
        no start) or the guardrail's threshold; for an ordinal key result the zone of its latest
        check-in up to the as-of date, else its own zone, else ``"fail"``.
        """
        kr = self.key_results[ident]
        kind, shown = kr["type"], self.kr_scores[ident]["value"]
        if kind == "ordinal":
            return self._zone(ident)
        if kind == "qualitative":
            return 0.0 if is_missing(shown) else float(shown)
        if kind == "milestone":
            return bool(shown == 1.0)
        if is_missing(shown):
            shown = kr["threshold"] if kind == "guardrail" else kr["start"]
        if is_missing(shown):
            shown = kr["target"]
        return 0.0 if is_missing(shown) else float(shown)

    def _zone(self, ident: str) -> str:
        """The zone an ordinal key result reached by the as-of date (see :meth:`reading`)."""
        day = pd.Timestamp(self.as_of)
        held = [
            r
            for r in self._objective_checkins(self._objective_of[ident])
            if r["key_result"] == ident and r["date"] <= day and isinstance(r["zone"], str)
        ]
        latest = max(held, key=lambda r: (r["date"], r["id"] or 0), default=None)
        found = latest["zone"] if latest is not None else self.key_results[ident].get("zone")
        return found if isinstance(found, str) and found in ZONES else ZONES[0]

    # --- writing ---------------------------------------------------------------------------

    def record(self, ident: str, reading: Any, *, note: str, reason: str, lang: str) -> Recorded:
        """Save ``reading`` for key result ``ident`` at the as-of date and rescore its objective.

        The key result's active check-in of the as-of date is corrected
        (:func:`okrkit.lifecycle.checkin_to_correct`; the store keeps the old one in the history,
        with ``reason``), else a check-in is added with ``note``.

        Raises
        ------
        OkrkitError
            When the form or the store refuses the reading; nothing is written.
        """
        kind = self.key_results[ident]["type"]
        field = CHECKIN_FIELD.get(kind)
        typed: dict[str, Any] = {}
        if field == "zone":
            typed["zone"] = reading
        elif field == "done":
            typed["done"] = bool(reading)
        elif field in ("value", "grade"):
            typed[field] = float(reading)
        new = make_checkin(kind, ident, self.as_of, note=note, cycle=self.cycle, lang=lang, **typed)
        fresh = self.store.checkins(ident)
        old_id = checkin_to_correct(fresh, ident, self.as_of)
        if old_id is not None:
            changes = {f: getattr(new, f) for f in _READINGS if getattr(new, f) is not None}
            saved = self.store.correct_checkin(old_id, reason=reason, **changes)
            fresh = fresh[fresh["id"] != old_id]
        else:
            saved = self.store.add_checkin(new)
        oid = self._objective_of[ident]
        held = self._objective_checkins(oid)
        kept = [r for r in held if r["key_result"] != ident]
        kept += [_record(r) for r in fresh.to_dict("records")]
        kept.append(_record({f: getattr(saved, f) for f in _CHECKIN_COLUMNS}))
        self._checkins[oid] = kept
        if self._stamp is not None:  # what the review now holds of the key result's check-ins
            versions, ids, following = self._stamp
            was = {r["id"] for r in held if r["key_result"] == ident}
            now = {r["id"] for r in kept if r["key_result"] == ident}
            self._stamp = (versions, (ids - was) | now, following)
        self.rescore(oid)
        return Recorded(reading=new, saved=saved, corrected=old_id is not None)

    def _objective_checkins(self, oid: str) -> list[dict[str, Any]]:
        """The check-ins held of objective ``oid``'s key results, as records."""
        if oid not in self._checkins:
            assert self._frames is not None
            checkins = self._frames.checkins
            rows = checkins[checkins["key_result"].isin(set(self.order.get(oid, ())))]
            self._checkins[oid] = [_record(rec) for rec in rows.to_dict("records")]
        return self._checkins[oid]

    def rescore(self, oid: str) -> None:
        """Score objective ``oid`` again (:func:`okrkit.scoring.score` on its rows alone)."""
        if not self.order.get(oid) or self._frames is None:
            return
        f = self._frames
        frames = Frames(
            cycle=self.cycle,
            objectives=f.objectives[f.objectives["id"] == oid],
            key_results=f.key_results[f.key_results["objective"] == oid],
            checkins=_checkin_frame(self._objective_checkins(oid)),
            kpis=f.kpis.iloc[0:0],
            initiatives=f.initiatives.iloc[0:0],
        )
        scores = score(frames, self.as_of)
        self.objective_scores[oid] = scores.objectives.to_dict("records")[0]
        for rec in scores.key_results.to_dict("records"):
            self.kr_scores[rec["id"]] = rec

    # --- the summary and carry-over ----------------------------------------------------------

    def expectations(self) -> tuple[dict[str, int], dict[str, int]]:
        """How many objectives met each expectation, and how many of each kind have one."""
        counts: dict[str, int] = {}
        kinds: dict[str, int] = {}
        for o in self.objective_scores.values():
            if isinstance(o["expectation"], str):
                counts[o["expectation"]] = counts.get(o["expectation"], 0) + 1
                kinds[o["kind"]] = kinds.get(o["kind"], 0) + 1
        return counts, kinds

    def unfinished(self) -> list[str]:
        """The unfinished objectives (:func:`okrkit.lifecycle.unfinished_objectives`), in order."""
        return unfinished_objectives({oid: o["score"] for oid, o in self.objective_scores.items()})

    def to_carry(self) -> list[str]:
        """The unfinished objectives not yet carried into :attr:`next_cycle`, in table order."""
        return [oid for oid in self.unfinished() if oid not in self.carried]

    def carried_key_results(self, objectives: Iterable[str]) -> dict[str, tuple[int, int]]:
        """For each objective, how many of its key results a carry-over copies, of how many.

        A carry-over copies the key results that are not finished
        (:func:`okrkit.lifecycle.kr_finished`), as :func:`okrkit.lifecycle.carry_plan` does.
        """
        out = {}
        for oid in objectives:
            krs = [self.kr_scores[k] for k in self.order.get(oid, ())]
            unfinished = sum(not kr_finished(s["score"], s["type"]) for s in krs)
            out[oid] = (unfinished, len(krs))
        return out

    def carry_choices(self) -> dict[str, list[str]]:
        """What a carry-over may copy: each objective of :meth:`to_carry` with the ids of its
        key results a copy would take (unfinished ones, :func:`okrkit.lifecycle.carry_plan`)."""
        return {
            str(o.carried_from): [str(kr.carried_from) for kr in o.key_results]
            for o in self._full_plan().objectives
        }

    def default_picks(self) -> set[str]:
        """The ids ticked at first: the unfinished objectives with unfinished key results, and
        those key results. An objective with nothing left to do is not carried unless picked."""
        return {i for oid, krs in self.carry_choices().items() if krs for i in (oid, *krs)}

    def plan(self, picked: Iterable[str]) -> CarryPlan:
        """The copies a carry-over of ``picked`` (objective and key result ids) creates.

        An objective is copied when picked, with those of its key results picked. A copy's
        alignment to a copy that is not created goes back to the original.
        """
        chosen = set(picked)
        full = self._full_plan()
        originals = {o.id: str(o.carried_from) for o in full.objectives}
        originals |= {kr.id: str(kr.carried_from) for o in full.objectives for kr in o.key_results}
        kept = [o for o in full.objectives if o.carried_from in chosen]
        kept = [
            replace(o, key_results=tuple(k for k in o.key_results if k.carried_from in chosen))
            for o in kept
        ]
        made = {o.id for o in kept} | {k.id for o in kept for k in o.key_results}
        return replace(
            full,
            objectives=tuple(
                replace(
                    o,
                    aligns_to=tuple(p if p in made else originals.get(p, p) for p in o.aligns_to),
                )
                for o in kept
            ),
        )

    def _full_plan(self) -> CarryPlan:
        """The carry-over of every objective of :meth:`to_carry` with its unfinished key results."""
        assert self.next_cycle is not None
        if self._okrs is None:  # from the frames read: the plan needs no check-ins
            assert self._frames is not None
            bare = replace(self._frames, checkins=self._frames.checkins.iloc[0:0])
            self._okrs = from_frames(bare, source=self.store.display_url)
        frame = pd.DataFrame.from_records(
            [self.kr_scores[k] for k in self.key_results], columns=["id", "score", "value"]
        ).set_index("id")
        scores = {oid: o["score"] for oid, o in self.objective_scores.items()}
        return carry_plan(self._okrs, self.next_cycle, scores, frame, self.to_carry())

    def carry_over(self, picked: Iterable[str] | None = None, *, author: str = "") -> OkrSet:
        """Write the carry-over of ``picked`` (default: :meth:`default_picks`) into
        :attr:`next_cycle` (:meth:`Store.carry <okrkit.Store.carry>`, one transaction) and note
        the copies; returns the carried set.

        Raises
        ------
        ConflictError
            When the copies are already there.
        """
        plan = self.plan(self.default_picks() if picked is None else picked)
        carried: OkrSet = self.store.carry(plan, author=author)
        self.carried.update(
            {str(o.carried_from): o.id for o in carried.objectives if o.carried_from}
        )
        self.last_carry = carried
        return carried

    def undo_carry(self, *, author: str = "") -> OkrSet:
        """Delete the copies of :attr:`last_carry` (:meth:`Store.delete_objective
        <okrkit.Store.delete_objective>`: each deletion is a revision, so the history keeps
        them); returns what was taken back.

        Raises
        ------
        ConflictError
            When nothing was carried, or a copy changed since.
        ValidationError
            When a copy has check-ins now, or something else aligns to it.
        """
        done = self.last_carry
        if done is None:
            raise ConflictError("nothing carried over to take back")
        versions = self.store.versions(done.cycle)
        left = [o for o in done.objectives if o.id in versions]
        while left:  # children first: a copy can align to another copy
            parents = {p for o in left for p in o.aligns_to}
            parents |= {k.id for o in left for k in o.key_results if k.id in parents}
            leaves = [
                o
                for o in left
                if o.id not in parents and not any(k.id in parents for k in o.key_results)
            ] or left
            for o in leaves:
                self.store.delete_objective(o.id, versions[o.id], author=author)
            left = [o for o in left if o not in leaves]
        for o in done.objectives:
            self.carried.pop(str(o.carried_from), None)
        self.last_carry = None
        return done
