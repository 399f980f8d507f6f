"""What the key result drafter holds: the cycle's set, its versions and the quality findings.

:class:`DraftState` reads the cycle only when it changed and takes in the drafter's own writes
without reading the set again (see :mod:`okrkit.ui.drafter`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from okrkit.checks import check_set
from okrkit.cycles import Cycle
from okrkit.errors import ValidationError
from okrkit.findings import Finding
from okrkit.model import KeyResult, Objective, OkrSet
from okrkit.objective_checks import check_objective, title_key

__all__ = ["DraftState"]


def _today() -> dt.date:
    """The day the quality checks judge (the quarter-end checks run from the cycle's last day)."""
    return dt.date.today()


class DraftState:
    """What the drafter holds: the cycle's set as last read or written, the versions of its
    objectives and key results, and the quality findings of each objective.

    Parameters
    ----------
    store
        The :class:`okrkit.Store`.
    cycle
        The cycle asked for (``None``: the running one, decided on each :meth:`read`).
    lang
        The language of the findings.
    """

    def __init__(self, store: Any, cycle: str | Cycle | None, lang: str) -> None:
        self.store = store
        self.lang = lang
        self._cycle_arg = cycle
        self.cycle: Cycle | None = None
        self.okrs: OkrSet | None = None
        self.versions: dict[str, int] = {}
        self._findings: dict[str, list[Finding]] = {}

    def read(self) -> None:
        """Read the cycle again if it changed since it was read.

        One read of the versions of the cycle's objectives and key results says whether anybody
        changed one; the cycle is read (and checked as a whole) again only then, or, once the
        cycle has ended, when its check-ins changed (the quarter-end checks score them).

        Raises
        ------
        OkrkitError
            When the store cannot be read.
        """
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

    def _checkins_changed(self) -> bool:
        """Whether the cycle's active check-ins differ from those held, once the cycle has ended.

        Before its last day no check shown here reads check-ins, so they are not compared.
        """
        if self.okrs is None or self.cycle is None or _today() < self.cycle.end:
            return False
        ids = self.store.checkins(cycle=self.cycle)["id"]
        return {int(i) for i in ids} != {c.id for c in self.okrs.checkins}

    def objective(self, ident: str | None) -> Objective | None:
        """The objective ``ident`` of the set held (``None`` when there is none such)."""
        if self.okrs is None or ident is None:
            return None
        try:
            return self.okrs.objective(ident)
        except KeyError:
            return None

    def quality(self, objective: str) -> list[Finding]:
        """The quality findings of ``objective``, silenced ones included."""
        if self.okrs is None:
            return []
        if objective not in self._findings:
            self._findings[objective] = check_objective(
                self.okrs, objective, as_of=_today(), lang=self.lang
            )
        return self._findings[objective]

    def taken_ids(self) -> set[str]:
        """The ids in use: in the store's cycle and in the set held."""
        assert self.cycle is not None
        taken = set(self.store.versions(self.cycle))
        return taken | self.okrs.ids if self.okrs is not None else taken

    def written(
        self,
        objective: Objective,
        key_results: Sequence[KeyResult],
        versions: Mapping[str, int | None],
    ) -> bool:
        """Take in that the view wrote ``objective``'s new ``key_results``.

        ``versions`` are the new versions of the key results written (``None``: deleted). When
        the store's versions are exactly those held plus these, nobody else wrote since the set
        was read: the held set is updated and the objective re-checked, nothing is read but the
        versions, and the answer is True. Otherwise nothing changes and the answer is False: read
        the cycle again.
        """
        assert self.okrs is not None and self.cycle is not None
        expected = {**self.versions}
        for ident, version in versions.items():
            if version is None:
                expected.pop(ident, None)
            else:
                expected[ident] = version
        if self.store.versions(self.cycle) != expected:  # somebody else wrote meanwhile
            return False
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
            return False
        # OKR203 compares titles across objectives: forget the findings of the objectives that
        # hold a title which a key result took or left.
        before = {kr.id: title_key(kr.title) for kr in objective.key_results}
        after = {kr.id: title_key(kr.title) for kr in key_results}
        titles = {key for _ident, key in set(before.items()) ^ set(after.items())} - {""}
        for o in okrs.objectives:
            if o.id == objective.id or any(title_key(kr.title) in titles for kr in o.key_results):
                self._findings.pop(o.id, None)
        self.okrs, self.versions = okrs, expected
        return True
