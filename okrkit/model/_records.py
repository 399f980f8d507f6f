"""The records of an OKR set: objectives, key results, check-ins, KPIs and initiatives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, ClassVar, Self

from okrkit.cycles import FIRST_DAY, LAST_DAY, parse_date
from okrkit.errors import InputError, ValidationError
from okrkit.model._fields import (
    BOUNDS,
    FOREIGN_FIELDS,
    INITIATIVE_STATES,
    KINDS,
    KR_TYPE_FIELDS,
    KR_TYPES,
    LEVELS,
    MAX_CONFIDENCE,
    MAX_GRADE,
    MAX_ID,
    MAX_NUMBER,
    MAX_TEXT,
    MAX_WEIGHT,
    MIN_CONFIDENCE,
    MIN_GRADE,
    MIN_WEIGHT,
    PERIODS,
    ZONES,
    Bound,
    Frequency,
    GuardDirection,
    InitiativeState,
    Kind,
    KpiDirection,
    KrType,
    Level,
    Period,
    Zone,
    check_confidence,
    check_grade,
    check_weight,
    choice_field,
    date_field,
    flag_field,
    frequency_field,
    ids_field,
    number_field,
    shorten,
    silence_field,
    text_field,
    version_field,
)
from okrkit.model._html import html_fields, html_table, measure_text

__all__ = ["KPI", "CheckIn", "Initiative", "KeyResult", "Objective", "set_field", "with_article"]


def with_article(noun: str) -> str:
    """``noun`` with its indefinite article: 'an objective', 'a KPI'."""
    return f"an {noun}" if noun[:1].lower() in "aeio" else f"a {noun}"


#: Set a field of a frozen object (in ``__post_init__``).
set_field: Callable[[object, str, object], None] = object.__setattr__


class _Record:
    """Shared construction from mappings (YAML, CSV rows) with the place of every problem."""

    __slots__ = ()
    #: Fields that are not written in files (set by the store or by the set).
    _internal: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def file_keys(cls) -> tuple[str, ...]:
        """The keys a file may use for this kind of record, in file order."""
        return _keys(cls)[0]

    @classmethod
    def required_keys(cls) -> tuple[str, ...]:
        return _keys(cls)[2]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], **place: Any) -> Self:
        """Build from a mapping, refusing unknown and missing keys.

        ``place`` (``source``, ``line``, ``row``) is added to any error raised. A mapping may carry
        a ``lines`` attribute (key -> line) to point an error at the line of the faulty field.
        """
        if not isinstance(data, Mapping):
            raise InputError(
                f"expected a mapping of keys for {with_article(cls.__name__)},"
                f" found {type(data).__name__}",
                fix="write 'key: value' lines",
                **place,
            )
        lines = getattr(data, "lines", {})
        allowed, known, required = _keys(cls)
        if not known.issuperset(data):
            for key in data:
                if key not in known:
                    raise InputError(
                        f"unknown key {shorten(key)} in {with_article(cls.__name__)}",
                        field=str(key),
                        fix=f"allowed keys: {', '.join(allowed)}",
                        **_with_line(place, lines.get(key)),
                    )
        for key in required:
            if data.get(key) is None:
                raise ValidationError(
                    f"{with_article(cls.__name__)} needs '{key}'",
                    field=key,
                    fix=f"add '{key}: ...'",
                    **place,
                )
        try:
            return cls(**dict(data))
        except ValidationError as exc:
            raise exc.at(**_with_line(place, lines.get(exc.field))) from None


_KEYS: dict[type, tuple[tuple[str, ...], frozenset[str], tuple[str, ...]]] = {}


def _keys(cls: type) -> tuple[tuple[str, ...], frozenset[str], tuple[str, ...]]:
    """The file keys of a record class (in order and as a set) and its required keys."""
    if cls not in _KEYS:
        every = fields(cls)
        names = tuple(f.name for f in every if f.name not in getattr(cls, "_internal", ()))
        required = tuple(
            f.name for f in every if f.default is MISSING and f.default_factory is MISSING
        )
        _KEYS[cls] = names, frozenset(names), required
    return _KEYS[cls]


def _with_line(place: Mapping[str, Any], line: int | None) -> dict[str, Any]:
    out = dict(place)
    if line is not None:
        out["line"] = line
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyResult(_Record):
    """How progress toward an objective is measured.

    ``type`` is one of:

    - ``metric``: ``start``, ``target``, ``current``, ``unit``. With ``bound`` (``at_least`` or
      ``at_most``) the target is a level to reach or pass ("NPS of 42 or higher") and ``start``
      may be left out; with ``per`` (``week``, ``month``, ``quarter``) the target is a rate
      judged period by period ("10 demos per month").
    - ``milestone``: ``done``, and the ``due`` date (default: the cycle's last day).
    - ``qualitative``: ``grade`` 0–1.
    - ``guardrail``: ``threshold`` and ``direction`` ``above``/``below`` (stay on the right side
      of a line).
    - ``ordinal``: three described levels, ``commit_zone``, ``target_zone`` and
      ``stretch_zone``, and the ``zone`` reached (``fail``, ``commit``, ``target``, ``stretch``).

    Fields of other types must stay empty. ``description`` says more than the title.
    """

    id: str
    title: str
    type: KrType = "metric"
    weight: float = 1.0
    owner: str = ""
    description: str = ""
    confidence: int | None = None
    start: float | None = None
    target: float | None = None
    current: float | None = None
    unit: str | None = None
    bound: Bound | None = None
    per: Period | None = None
    done: bool | None = None
    due: dt.date | None = None
    grade: float | None = None
    threshold: float | None = None
    direction: GuardDirection | None = None
    commit_zone: str | None = None
    target_zone: str | None = None
    stretch_zone: str | None = None
    zone: Zone | None = None
    carried_from: str | None = None
    silence: tuple[tuple[str, str], ...] = ()
    version: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        set_field(self, "version", version_field(self.version))
        set_field(self, "id", text_field(self.id, "id", required=True, ident=True))
        set_field(self, "title", text_field(self.title, "title", required=True))
        set_field(self, "type", choice_field(self.type, "type", KR_TYPES))
        set_field(self, "owner", text_field(self.owner, "owner"))
        if self.description:
            set_field(self, "description", text_field(self.description, "description"))
        elif self.description is None:
            set_field(self, "description", "")
        weight = self.weight
        if not (type(weight) is float and MIN_WEIGHT <= weight <= MAX_WEIGHT):
            set_field(self, "weight", check_weight(weight))
        if self.confidence is not None:
            set_field(self, "confidence", check_confidence(self.confidence))
        for name in ("start", "target", "current", "threshold"):
            value = getattr(self, name)
            if value is not None and not (
                type(value) is float and -MAX_NUMBER <= value <= MAX_NUMBER
            ):
                set_field(self, name, number_field(value, name))
        if self.grade is not None:
            set_field(self, "grade", check_grade(self.grade))
        if self.done is not None:
            set_field(self, "done", flag_field(self.done, "done"))
        if self.bound is not None:
            set_field(self, "bound", choice_field(self.bound, "bound", BOUNDS))
        if self.per is not None:
            set_field(self, "per", choice_field(self.per, "per", PERIODS))
        if self.due is not None:
            set_field(self, "due", date_field(self.due, "due"))
        for name in ("commit_zone", "target_zone", "stretch_zone"):
            if getattr(self, name) is not None:
                set_field(self, name, text_field(getattr(self, name), name) or None)
        if self.zone is not None:
            set_field(self, "zone", choice_field(self.zone, "zone", ZONES))
        if self.unit is not None:
            # An empty unit means no unit: files leave it out, so it must read back as None.
            set_field(self, "unit", text_field(self.unit, "unit") or None)
        if self.carried_from is not None:
            set_field(
                self,
                "carried_from",
                text_field(self.carried_from, "carried_from", required=True, ident=True),
            )
        set_field(self, "silence", silence_field(self.silence))
        own = KR_TYPE_FIELDS[self.type]
        for name in FOREIGN_FIELDS[self.type]:
            if getattr(self, name) is not None:
                raise ValidationError(
                    f"'{name}' does not belong to a {self.type} key result",
                    field=name,
                    fix=f"a {self.type} key result takes {', '.join(own)}; remove '{name}'"
                    " or change 'type'",
                )
        if self.type == "metric":
            if self.target is None:
                raise ValidationError(
                    "a metric key result needs a target",
                    field="target",
                    fix="add 'target: <number>'",
                )
            if self.start is None and self.bound is None:
                raise ValidationError(
                    "a metric key result needs a start, or a bound on its target",
                    field="start",
                    fix="add 'start: <number>' (the value at the cycle's start), or"
                    " 'bound: at_least' / 'bound: at_most' for a level to reach or pass",
                )
            if self.start == self.target:
                raise ValidationError(
                    f"target equals start ({self.target:g}), so no progress can be measured",
                    field="target",
                    fix="set the target you want to reach, different from the start",
                )
        elif self.type == "milestone" and self.done is None:
            set_field(self, "done", False)
        elif self.type == "ordinal":
            for name in ("commit_zone", "target_zone", "stretch_zone"):
                if getattr(self, name) is None:
                    raise ValidationError(
                        "an ordinal key result describes its commit, target and stretch levels",
                        field=name,
                        fix=f"add '{name}: <what reaching this level looks like>'",
                    )
        elif self.type == "guardrail":
            if self.threshold is None:
                raise ValidationError(
                    "a guardrail key result needs a threshold",
                    field="threshold",
                    fix="add 'threshold: <number>'",
                )
            set_field(
                self,
                "direction",
                choice_field(self.direction or "above", "direction", ("above", "below")),
            )

    def _repr_html_(self) -> str:
        names = ("type", "owner", "weight", "description", "start", "target", "current", "unit")
        more = (
            "bound", "per", "done", "due", "grade", "threshold", "direction", "commit_zone",
            "target_zone", "stretch_zone", "zone", "confidence", "carried_from", "silence",
        )  # fmt: skip
        return html_fields(
            f"Key result {self.id}: {self.title}",
            [(n, getattr(self, n)) for n in (*names, *more)],
        )

    @property
    def increasing(self) -> bool:
        """For a metric: True when success means going up (target above start, or an
        ``at_least`` bound)."""
        if self.type != "metric":
            return False
        if self.start is None:
            return self.bound == "at_least"
        return (self.target or 0.0) > self.start


@dataclass(frozen=True, slots=True, kw_only=True)
class Objective(_Record):
    """What we want to achieve: qualitative, with the key results that measure it."""

    id: str
    title: str
    owner: str = ""
    level: Level = "team"
    kind: Kind = "committed"
    description: str = ""
    aligns_to: tuple[str, ...] = ()
    carried_from: str | None = None
    silence: tuple[tuple[str, str], ...] = ()
    version: int | None = field(default=None, compare=False)
    key_results: tuple[KeyResult, ...] = ()

    def __post_init__(self) -> None:
        set_field(self, "version", version_field(self.version))
        set_field(self, "id", text_field(self.id, "id", required=True, ident=True))
        set_field(self, "title", text_field(self.title, "title", required=True))
        set_field(self, "owner", text_field(self.owner, "owner"))
        set_field(self, "level", choice_field(self.level, "level", LEVELS))
        set_field(self, "kind", choice_field(self.kind, "kind", KINDS))
        set_field(self, "description", text_field(self.description, "description"))
        aligns = ids_field(self.aligns_to, "aligns_to")
        if self.id in aligns:
            raise ValidationError(
                "an objective cannot align to itself",
                field="aligns_to",
                fix=f"remove {self.id} from its own aligns_to",
            )
        set_field(self, "aligns_to", aligns)
        set_field(self, "silence", silence_field(self.silence))
        if self.carried_from is not None:
            set_field(
                self,
                "carried_from",
                text_field(self.carried_from, "carried_from", required=True, ident=True),
            )
        krs = self.key_results or ()
        if isinstance(krs, Mapping) or not isinstance(krs, Iterable):
            raise ValidationError(
                f"{shorten(krs)} is not a list",
                field="key_results",
                fix="write a list of key results",
            )
        krs = tuple(krs)
        for kr in krs:
            if not isinstance(kr, KeyResult):
                raise ValidationError(
                    f"{shorten(kr)} is not a KeyResult",
                    field="key_results",
                    fix="build KeyResult objects",
                )
        set_field(self, "key_results", krs)

    def _repr_html_(self) -> str:
        names = ("owner", "level", "kind", "aligns_to", "carried_from", "description", "silence")
        fields_html = html_fields(
            f"Objective {self.id}: {self.title}", [(n, getattr(self, n)) for n in names]
        )
        rows: list[tuple[object, ...]] = [
            (kr.id, kr.title, kr.type, measure_text(kr), kr.weight, kr.owner)
            for kr in self.key_results
        ]
        columns = ("key result", "title", "type", "measure", "weight", "owner")
        return fields_html + (html_table(columns, rows, "key results") if rows else "")


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckIn(_Record):
    """A progress report on one key result: the value (or done / grade), confidence and a note.

    ``id`` is given by the store; it does not count when check-ins are compared.
    """

    _internal: ClassVar[frozenset[str]] = frozenset({"id"})

    key_result: str
    date: dt.date
    value: float | None = None
    done: bool | None = None
    grade: float | None = None
    zone: Zone | None = None
    confidence: int | None = None
    note: str = ""
    author: str = ""
    id: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # Millions of check-ins are built at a time: a value already in its checked form (a plain
        # ASCII id or one checked before, a float in range, ...) is kept without calling its check.
        kr, day, value, done, grade = self.key_result, self.date, self.value, self.done, self.grade
        if not (
            type(kr) is str
            and kr.isascii()
            and kr.isprintable()
            and 0 < len(kr) <= MAX_ID
            and kr.strip() == kr
            and "," not in kr
            and ";" not in kr
        ) and not (type(kr) is str and kr in _CHECKED_IDS):
            set_field(self, "key_result", _checked_id(kr, "key_result"))
        if not (type(day) is dt.date and FIRST_DAY <= day <= LAST_DAY):
            set_field(self, "date", parse_date(day, field="date"))
        if value is not None and not (type(value) is float and -MAX_NUMBER <= value <= MAX_NUMBER):
            set_field(self, "value", number_field(value, "value"))
        if done is not None and type(done) is not bool:
            set_field(self, "done", flag_field(done, "done"))
        if grade is not None and not (type(grade) is float and MIN_GRADE <= grade <= MAX_GRADE):
            set_field(self, "grade", check_grade(grade))
        confidence = self.confidence
        if confidence is not None and not (
            type(confidence) is int and MIN_CONFIDENCE <= confidence <= MAX_CONFIDENCE
        ):
            set_field(self, "confidence", check_confidence(confidence))
        note, author = self.note, self.author
        if not (
            type(note) is str and note.isascii() and "\x00" not in note and len(note) <= MAX_TEXT
        ):
            set_field(self, "note", text_field(note, "note"))
        if not (
            type(author) is str
            and author.isascii()
            and "\x00" not in author
            and len(author) <= MAX_TEXT
        ):
            set_field(self, "author", text_field(author, "author"))
        zone = self.zone
        if zone is not None and zone not in ZONES:
            set_field(self, "zone", choice_field(zone, "zone", ZONES))
        if (value is None) + (done is None) + (grade is None) + (zone is None) == 3:
            return
        given = [n for n in ("value", "done", "grade", "zone") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValidationError(
                "a check-in records exactly one of value, done, grade or zone"
                + (f" (found {', '.join(given)})" if given else ""),
                field="value",
                fix="value for metric and guardrail, done for milestone, grade for qualitative,"
                " zone for ordinal",
            )

    def _repr_html_(self) -> str:
        names = ("value", "done", "grade", "zone", "confidence", "note", "author")
        return html_fields(
            f"Check-in on {self.key_result}, {self.date.isoformat()}",
            [(n, getattr(self, n)) for n in names],
        )

    @property
    def field_name(self) -> str:
        """Which of ``value``, ``done``, ``grade`` or ``zone`` this check-in records."""
        for name in ("value", "done", "grade"):
            if getattr(self, name) is not None:
                return name
        return "zone" if self.zone is not None else "grade"


#: Ids beyond plain ASCII in their checked form, as check-ins name them: a few thousand key
#: results are named millions of times, and each id is checked once. Emptied when full.
_CHECKED_IDS: set[str] = set()
_CHECKED_IDS_MAX = 1 << 16


def _checked_id(value: object, name: str) -> str:
    """:func:`text_field` of an id, remembered in :data:`_CHECKED_IDS` when it was in checked
    form."""
    checked = text_field(value, name, required=True, ident=True)
    if type(value) is str and checked == value:
        if len(_CHECKED_IDS) >= _CHECKED_IDS_MAX:
            _CHECKED_IDS.clear()
        _CHECKED_IDS.add(checked)
    return checked


@dataclass(frozen=True, slots=True, kw_only=True)
class KPI(_Record):
    """A key performance indicator: a measure of ongoing health.

    A KPI is effective only with its four parts: ``target``, ``timeframe``, ``data_source`` and
    ``frequency``. A draft may lack some; :mod:`okrkit.checks` reports each missing part
    (``OKR401``) as an error.
    """

    id: str
    name: str
    target: float | None = None
    baseline: float | None = None
    timeframe: str = ""
    data_source: str = ""
    frequency: Frequency | None = None
    current: float | None = None
    direction: KpiDirection = "up"
    unit: str = ""
    owner: str = ""
    measures: tuple[str, ...] = ()
    silence: tuple[tuple[str, str], ...] = ()
    version: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        set_field(self, "version", version_field(self.version))
        set_field(self, "id", text_field(self.id, "id", required=True, ident=True))
        set_field(self, "name", text_field(self.name, "name", required=True))
        set_field(self, "target", number_field(self.target, "target"))
        set_field(self, "timeframe", text_field(self.timeframe, "timeframe"))
        set_field(self, "data_source", text_field(self.data_source, "data_source"))
        set_field(self, "baseline", number_field(self.baseline, "baseline"))
        if self.frequency is not None:
            set_field(self, "frequency", frequency_field(self.frequency, "frequency"))
        set_field(self, "current", number_field(self.current, "current"))
        set_field(self, "direction", choice_field(self.direction, "direction", ("up", "down")))
        set_field(self, "unit", text_field(self.unit, "unit"))
        set_field(self, "owner", text_field(self.owner, "owner"))
        set_field(self, "measures", ids_field(self.measures, "measures"))
        set_field(self, "silence", silence_field(self.silence))

    def _repr_html_(self) -> str:
        names = ("target", "baseline", "current", "direction", "unit", "timeframe", "data_source")
        more = ("frequency", "owner", "measures", "silence")
        return html_fields(
            f"KPI {self.id}: {self.name}", [(n, getattr(self, n)) for n in (*names, *more)]
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Initiative(_Record):
    """A piece of work that supports one or more key results."""

    id: str
    title: str
    owner: str = ""
    state: InitiativeState = "planned"
    link: str = ""
    supports: tuple[str, ...] = ()
    silence: tuple[tuple[str, str], ...] = ()
    version: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        set_field(self, "version", version_field(self.version))
        set_field(self, "id", text_field(self.id, "id", required=True, ident=True))
        set_field(self, "title", text_field(self.title, "title", required=True))
        set_field(self, "owner", text_field(self.owner, "owner"))
        set_field(self, "state", choice_field(self.state, "state", INITIATIVE_STATES))
        set_field(self, "link", text_field(self.link, "link"))
        set_field(self, "supports", ids_field(self.supports, "supports"))
        set_field(self, "silence", silence_field(self.silence))
