from __future__ import annotations

import datetime as dt

import pytest

from okrkit import Cycle, InputError, ValidationError, current_quarter

D = dt.date


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
        ("2026-Q2", D(2026, 4, 1), D(2026, 6, 30)),
        ("2026-Q3", D(2026, 7, 1), D(2026, 9, 30)),
        ("2026-Q4", D(2026, 10, 1), D(2026, 12, 31)),
        ("2028-Q1", D(2028, 1, 1), D(2028, 3, 31)),
        (" 2026-q2 ", D(2026, 4, 1), D(2026, 6, 30)),
    ],
)
def test_parse_quarter(text: str, start: dt.date, end: dt.date) -> None:
    c = Cycle.parse(text)
    assert (c.start, c.end) == (start, end)
    assert c.id == f"{start.year}-Q{(start.month - 1) // 3 + 1}"


@pytest.mark.parametrize("value", ["2026", 2026, " 2026 "])
def test_parse_year(value: object) -> None:
    c = Cycle.parse(value)
    assert c == Cycle(id="2026", start=D(2026, 1, 1), end=D(2026, 12, 31))
    assert c.days == 365


def test_parse_leap_year_has_366_days() -> None:
    assert Cycle.parse("2028").days == 366


@pytest.mark.parametrize(
    "mapping",
    [
        {"id": "2026-H1", "start": D(2026, 1, 1), "end": D(2026, 6, 30)},
        {"id": "2026-H1", "start": "2026-01-01", "end": "2026-06-30"},
    ],
)
def test_parse_mapping(mapping: dict[str, object]) -> None:
    c = Cycle.parse(mapping)
    assert (c.id, c.start, c.end) == ("2026-H1", D(2026, 1, 1), D(2026, 6, 30))
    assert c.days == 181


def test_parse_mapping_without_id_names_the_dates() -> None:
    c = Cycle.parse({"start": "2026-01-05", "end": "2026-02-27"})
    assert c.id == "2026-01-05..2026-02-27"


def test_parse_returns_a_cycle_as_is() -> None:
    c = Cycle.parse("2026-Q1")
    assert Cycle.parse(c) is c


@pytest.mark.parametrize(
    "value", ["2026-Q5", "2026-Q0", "Q1 2026", "26", "", "next quarter", True, 2026.5, [2026]]
)
def test_parse_refuses_what_is_not_a_cycle(value: object) -> None:
    with pytest.raises(ValidationError) as info:
        Cycle.parse(value)
    assert info.value.field == "cycle"
    assert info.value.fix


@pytest.mark.parametrize(
    ("mapping", "field"),
    [
        ({"id": "X", "start": "2026-01-01"}, "cycle"),
        ({"id": "X", "end": "2026-01-01"}, "cycle"),
        ({"id": "X", "start": "2026-02-30", "end": "2026-03-31"}, "cycle.start"),
        ({"id": "X", "start": "2026-01-01", "end": "end of March"}, "cycle.end"),
    ],
)
def test_parse_mapping_refuses_missing_or_bad_dates(mapping: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        Cycle.parse(mapping)
    assert info.value.field == field


def test_parse_mapping_refuses_unknown_keys() -> None:
    with pytest.raises(InputError) as info:
        Cycle.parse({"id": "X", "start": "2026-01-01", "end": "2026-03-31", "ends": "2026-04-01"})
    assert info.value.field == "cycle.ends"
    assert "id, start and end" in str(info.value)


def test_end_before_start_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        Cycle(id="X", start=D(2026, 3, 1), end=D(2026, 2, 28))
    assert info.value.field == "cycle.end"
    assert "before it starts" in str(info.value)


def test_one_day_cycle_is_accepted() -> None:
    assert Cycle(id="X", start=D(2026, 3, 1), end=D(2026, 3, 1)).days == 1


@pytest.mark.parametrize(
    ("end", "ok"),
    [
        (D(2026, 12, 31), True),  # 366 days
        (D(2027, 1, 1), False),  # 367 days
        (D(2027, 6, 30), False),
    ],
)
def test_cycles_longer_than_a_year_are_refused(end: dt.date, ok: bool) -> None:
    start = D(2026, 1, 1) - dt.timedelta(days=1)
    if ok:
        assert Cycle(id="X", start=start, end=end).days == 366
    else:
        with pytest.raises(ValidationError, match="year") as info:
            Cycle(id="X", start=start, end=end)
        assert info.value.field == "cycle.end"


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2026-01-01", D(2026, 3, 31), "cycle.start"),
        (dt.datetime(2026, 1, 1, 12), D(2026, 3, 31), "cycle.start"),
        (D(2026, 1, 1), None, "cycle.end"),
    ],
)
def test_constructor_wants_dates(start: object, end: object, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        Cycle(id="X", start=start, end=end)  # type: ignore[arg-type]
    assert info.value.field == field


@pytest.mark.parametrize("ident", ["", "   ", None])
def test_constructor_wants_an_id(ident: object) -> None:
    with pytest.raises(ValidationError):
        Cycle(id=ident, start=D(2026, 1, 1), end=D(2026, 3, 31))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cycle", "following"),
    [
        ("2026-Q1", "2026-Q2"),
        ("2026-Q2", "2026-Q3"),
        ("2026-Q3", "2026-Q4"),
        ("2026-Q4", "2027-Q1"),
        ("2026", "2027"),
    ],
)
def test_next(cycle: str, following: str) -> None:
    nxt = Cycle.parse(cycle).next()
    assert nxt == Cycle.parse(following)
    assert nxt.start == Cycle.parse(cycle).end + dt.timedelta(days=1)


def test_next_of_a_custom_cycle_has_equal_length_and_follows_on() -> None:
    c = Cycle(id="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    nxt = c.next()
    assert nxt.start == D(2026, 7, 1)
    assert nxt.days == c.days == 181
    assert nxt.end == D(2026, 12, 28)


@pytest.mark.parametrize(
    ("as_of", "share"),
    [
        (D(2025, 12, 31), 0.0),  # before the cycle
        (D(2025, 6, 1), 0.0),
        (D(2026, 1, 1), 1 / 90),  # the first day counts once it has passed
        (D(2026, 2, 14), 0.5),  # day 45 of 90
        (D(2026, 3, 30), 89 / 90),
        (D(2026, 3, 31), 1.0),  # the last day
        (D(2026, 4, 1), 1.0),  # after the cycle
        (D(2027, 1, 1), 1.0),
    ],
)
def test_elapsed(as_of: dt.date, share: float) -> None:
    assert Cycle.parse("2026-Q1").elapsed(as_of) == pytest.approx(share)


def test_to_yaml() -> None:
    assert Cycle.parse("2026-Q3").to_yaml() == "2026-Q3"
    assert Cycle.parse("2026").to_yaml() == "2026"
    odd = Cycle(id="2026-Q1", start=D(2026, 1, 5), end=D(2026, 3, 27))
    assert odd.to_yaml() == {"id": "2026-Q1", "start": D(2026, 1, 5), "end": D(2026, 3, 27)}
    assert Cycle.parse(odd.to_yaml()) == odd


@pytest.mark.parametrize(
    ("today", "quarter"),
    [
        (D(2026, 1, 1), "2026-Q1"),
        (D(2026, 3, 31), "2026-Q1"),
        (D(2026, 4, 1), "2026-Q2"),
        (D(2026, 9, 30), "2026-Q3"),
        (D(2026, 12, 31), "2026-Q4"),
    ],
)
def test_current_quarter(today: dt.date, quarter: str) -> None:
    assert current_quarter(today).id == quarter


def test_cycle_is_frozen() -> None:
    c = Cycle.parse("2026-Q1")
    with pytest.raises(AttributeError):
        c.id = "2026-Q2"  # type: ignore[misc]
