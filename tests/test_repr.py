"""Objects show as short HTML in a notebook, with every user text escaped."""

from __future__ import annotations

import datetime as dt

from okrkit import KPI, CheckIn, KeyResult, Objective, OkrSet, score

EVIL = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


def evil_set(objectives: int = 1) -> OkrSet:
    kr = KeyResult(id="K1", title=EVIL, start=0, target=10, unit="<u>", owner=EVIL)
    return OkrSet(
        cycle={"id": EVIL, "start": "2026-01-01", "end": "2026-03-31"},
        objectives=[
            Objective(
                id="O1",
                title=EVIL,
                owner=EVIL,
                description=EVIL,
                aligns_to=["<CO>"],
                key_results=[kr],
            ),
            *(Objective(id=f"X{i}", title="x") for i in range(objectives - 1)),
        ],
        kpis=[KPI(id="P1", name=EVIL, target=5, data_source=EVIL, measures=["K1"])],
        checkins=[CheckIn(key_result="K1", date="2026-02-01", value=4, note=EVIL, author=EVIL)],
    )


def test_every_object_escapes_user_text() -> None:
    okrs = evil_set()
    objective = okrs.objectives[0]
    shown = [
        okrs._repr_html_(),
        objective._repr_html_(),
        objective.key_results[0]._repr_html_(),
        okrs.kpis[0]._repr_html_(),
        okrs.checkins[0]._repr_html_(),
        score(okrs, dt.date(2026, 2, 1))._repr_html_(),
    ]
    for html in shown:
        assert "<script" not in html and "<u>" not in html and "<CO>" not in html
        assert ESCAPED in html
        assert html.startswith("<")


def test_objects_show_their_fields() -> None:
    okrs = evil_set()
    html = okrs.objectives[0]._repr_html_()
    assert "Objective O1" in html and "&lt;CO&gt;" in html and "0 → 10 &lt;u&gt;" in html
    assert "Check-in on K1, 2026-02-01" in okrs.checkins[0]._repr_html_()
    kpi = okrs.kpis[0]._repr_html_()
    assert "KPI P1" in kpi and "<th" in kpi and "frequency" not in kpi  # empty fields left out
    milestone = KeyResult(id="M", title="Launch", type="milestone")._repr_html_()
    assert "milestone" in milestone and ">no<" in milestone
    assert "1 objectives, 1 key results, 1 KPIs, 0 initiatives, 1 check-ins" in okrs._repr_html_()


def test_big_sets_stay_short() -> None:
    okrs = evil_set(objectives=80)
    html = okrs._repr_html_()
    assert "… and 50 more objectives" in html
    assert html.count("<tr>") == 31  # header and 30 rows
    scores_html = score(okrs, dt.date(2026, 2, 1))._repr_html_()
    assert "… and 30 more objectives" in scores_html
    assert "#b7e1cd" in scores_html or "#f4c7c3" in scores_html  # band colours


def test_score_table_escapes_the_cycle_id() -> None:
    import okrkit
    from okrkit.display import score_table

    okrs = okrkit.OkrSet(
        cycle={"id": "<script>x</script>", "start": "2026-01-01", "end": "2026-03-31"}
    )
    html_text = score_table(okrkit.score(okrs)).to_html()
    assert "<script>x" not in html_text and "&lt;script&gt;x" in html_text
