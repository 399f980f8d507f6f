"""The errors okrkit raises, in one tree.

Every error a user can cause is an :class:`OkrkitError`. Its message says what is wrong, where
(file and line or row, and field, where there is one) and how to fix it, so every view (CLI, widget,
notebook) can show ``str(error)`` as it is, with no traceback::

    OkrkitError
    ├── InputError            a file cannot be read (bad YAML/CSV/Excel syntax, unknown key)
    ├── ValidationError       the data reads but breaks a rule (wrong type, duplicate id,
    │                         grade outside 0–1, missing key)
    ├── AlignmentError        a defect in the alignment links
    │   └── AlignmentCycleError   objectives align in a loop
    └── StoreError            the store cannot be opened, read or written
        ├── SchemaVersionError  the store was written by another okrkit schema version
        ├── NotFoundError       an id that is not in the store
        └── ConflictError       an edit based on a stale version, or an id that already exists

:class:`InputError`, :class:`ValidationError` and :class:`AlignmentError` carry the place as
attributes (``source``, ``line``, ``row``, ``field``) so tools can point at it (a DataFrame's row
is its index label: ``row`` when the label is a whole number, else ``label``); the place is empty
when the problem is not in a file (a loop found in the store). A reader that lists every problem
of a file at once raises the first, with all of them in ``errors`` (and the count of those left
unlisted in ``more``); its message has one line per problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

__all__ = [
    "AlignmentCycleError",
    "AlignmentError",
    "ConflictError",
    "InputError",
    "NotFoundError",
    "OkrkitError",
    "OkrkitWarning",
    "SchemaVersionError",
    "StoreError",
    "ValidationError",
]


class OkrkitError(Exception):
    """Base class of every error okrkit raises for something a user did or has."""


class _PlacedError(OkrkitError):
    """An error that knows where it happened: source file, line or row, and field."""

    def __init__(
        self,
        problem: str,
        *,
        source: str | None = None,
        line: int | None = None,
        row: int | None = None,
        field: str | None = None,
        fix: str | None = None,
        label: str | None = None,
    ) -> None:
        self.problem = problem
        self.source = source
        self.line = line
        self.row = row
        #: The row of a DataFrame by its index label, when that is not a whole number (``'K7'``).
        self.label = label
        self.field = field
        self.fix = fix
        #: Every problem found in the same input, this one first (``(self,)`` when it is the only
        #: one); ``more`` counts those found beyond the ones listed.
        self.errors: tuple[_PlacedError, ...] = (self,)
        self.more = 0
        super().__init__(self._format())

    @property
    def place(self) -> str:
        """Where the problem is, as ``file, line 3, field 'target'`` (empty when unknown)."""
        parts = []
        if self.source:
            parts.append(str(self.source))
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.label is not None:  # a DataFrame's row by its index label, as df.loc finds it
            parts.append(f"row {self.label!r}")
        elif self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    def _format(self) -> str:
        if len(self.errors) > 1 or self.more:
            lines = [f"{len(self.errors) + self.more} problems, each on its own line:"]
            lines += [f"  {e._one()}" for e in self.errors]
            if self.more:
                lines.append(f"  ... and {self.more} more; fix these and read the file again")
            return "\n".join(lines)
        return self._one()

    def _one(self) -> str:
        text = f"{self.place}: {self.problem}" if self.place else self.problem
        if self.fix:
            text += f" ({self.fix})"
        return text

    def __reduce__(self) -> tuple[object, ...]:
        # Keep keyword-only arguments when pickled across processes.
        return (
            _rebuild,
            (
                type(self),
                self.problem,
                {
                    "source": self.source,
                    "line": self.line,
                    "row": self.row,
                    "field": self.field,
                    "fix": self.fix,
                    "label": self.label,
                },
                self.errors[1:],
                self.more,
            ),
        )

    def listing(self, others: Sequence[_PlacedError], more: int = 0) -> Self:
        """This error with ``others`` found in the same input listed after it (``errors``), and
        ``more`` counted beyond them; returns ``self``."""
        self.errors = (self, *others)
        self.more = more
        self.args = (self._format(),)
        return self

    def at(self, **place: object) -> _PlacedError:
        """Return a copy with the missing parts of the place filled in from ``place``."""
        known: dict[str, object] = {
            "source": self.source,
            "line": self.line,
            "row": self.row,
            "field": self.field,
            "fix": self.fix,
            "label": self.label,
        }
        for key, value in place.items():
            if known.get(key) is None:
                known[key] = value
        copy = type(self)(self.problem, **known)  # type: ignore[arg-type]
        return copy.listing(self.errors[1:], self.more) if self.errors[1:] or self.more else copy


def _rebuild(
    cls: type[_PlacedError],
    problem: str,
    place: dict[str, object],
    others: Sequence[_PlacedError] = (),
    more: int = 0,
) -> _PlacedError:
    error = cls(problem, **place)  # type: ignore[arg-type]
    return error.listing(others, more) if others or more else error


class InputError(_PlacedError):
    """A file or value cannot be read: broken syntax, a wrong type, an unknown key."""


class ValidationError(_PlacedError):
    """The data reads but breaks a rule of the model (duplicate id, grade outside 0–1, ...)."""


class AlignmentError(_PlacedError):
    """A defect in the alignment links between objectives (with its place when read from a file)."""


class AlignmentCycleError(AlignmentError):
    """Objectives align to each other in a loop."""


class StoreError(OkrkitError):
    """The store cannot be opened, read or written."""


class SchemaVersionError(StoreError):
    """The store holds a schema version this okrkit does not read."""


class NotFoundError(StoreError):
    """An id that is not in the store."""


class ConflictError(StoreError):
    """A write that would overwrite somebody else's change, or add an id that already exists."""


class OkrkitWarning(UserWarning):
    """Something okrkit read is kept but not used, and what to do about it."""
