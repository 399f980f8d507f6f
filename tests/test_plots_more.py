"""Score distribution, key result progress, confidence trend and KPI charts render to files."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from okrkit import KPI, OkrSet, ValidationError, score, to_frames
from okrkit.plots import confidence_trend, kpi_history, kr_progress, score_distribution

D = dt.date
PNG = b"\x89PNG\r\n\x1a\n"


def png(fig: object) -> bytes:
    data: bytes = fig._repr_png_()  # type: ignore[attr-defined]
    assert data[:8] == PNG
    return data


def test_score_distribution(small_set: OkrSet, tmp_path: Path) -> None:
    scores = score(small_set, D(2026, 2, 14))
    fig = score_distribution(scores, path=tmp_path / "d.png")
    assert (tmp_path / "d.png").read_bytes()[:8] == PNG
    png(fig)
    ax = fig.axes[0]
    heights = sum(p.get_height() for p in ax.patches)
    assert heights == len(scores.key_results)
    assert {line.get_xdata()[0] for line in ax.lines} == {0.4, 0.7}  # band limits
    assert ax.get_title(loc="left") == "Scores of 5 key results"
    svg = tmp_path / "d.svg"
    score_distribution(scores, objectives=True, path=svg, title="<Q1>")
    assert "&lt;Q1&gt;" in svg.read_text(encoding="utf-8")
    png(score_distribution(scores.key_results))
    with pytest.raises(ValueError, match=r"\.png, \.svg or \.pdf"):
        score_distribution(scores, path=tmp_path / "d.gif")


@pytest.mark.parametrize("kr", ["K1", "K2", "K3", "K4", "K5"])
def test_kr_progress_for_every_type(small_set: OkrSet, kr: str, tmp_path: Path) -> None:
    fig = kr_progress(small_set, kr, as_of=D(2026, 2, 14), path=tmp_path / "p.png")
    assert (tmp_path / "p.png").read_bytes()[:8] == PNG
    ax = fig.axes[0]
    labels = {line.get_label() for line in ax.lines}
    assert "check-ins" in labels and "as of" in labels
    if kr in ("K1", "K2", "K3", "K4"):
        assert "expected pace" in labels
    if kr == "K1":
        (pace,) = [ln for ln in ax.lines if ln.get_label() == "expected pace"]
        assert list(pace.get_ydata()) == [0.0, 100.0]
        (points,) = [ln for ln in ax.lines if ln.get_label() == "check-ins"]
        assert list(points.get_ydata()) == [20.0, 40.0]


def test_kr_progress_leaves_out_later_checkins_and_refuses_unknown_ids(
    small_set: OkrSet,
) -> None:
    fig = kr_progress(to_frames(small_set), "K1", as_of=D(2026, 2, 1))
    (points,) = [ln for ln in fig.axes[0].lines if ln.get_label() == "check-ins"]
    assert list(points.get_ydata()) == [20.0]
    with pytest.raises(ValidationError, match="no key result 'K9'"):
        kr_progress(small_set, "K9")


def test_confidence_trend(small_set: OkrSet, tmp_path: Path) -> None:
    fig = confidence_trend(small_set, path=tmp_path / "c.png")
    assert (tmp_path / "c.png").read_bytes()[:8] == PNG
    (line,) = [ln for ln in fig.axes[0].lines if ln.get_label() == "Ana"]
    assert list(line.get_ydata()) == [6.0, 7.0]  # two weeks, one check-in each
    frame = to_frames(small_set).checkins
    by_kr = confidence_trend(frame, by="key_result")
    assert [ln.get_label() for ln in by_kr.axes[0].lines if ln.get_label() == "K1"] == ["K1"]
    png(confidence_trend(frame))  # no owner column: by author
    many = pd.DataFrame(
        {
            "key_result": [f"K{i}" for i in range(15)],
            "date": pd.Timestamp("2026-01-05"),
            "confidence": 5.0,
        }
    )
    fig = confidence_trend(many, by="key_result", most=4)
    assert "11 more not drawn" in fig.axes[0].get_title(loc="left")
    with pytest.raises(ValueError, match="by="):
        confidence_trend(frame, by="colour")


def test_kpi_history_is_a_bullet_chart_of_current_values(
    small_set: OkrSet, rich_set: OkrSet, tmp_path: Path
) -> None:
    assert "not a history" in (kpi_history.__doc__ or "")
    fig = kpi_history(rich_set, path=tmp_path / "k.png")
    assert (tmp_path / "k.png").read_bytes()[:8] == PNG
    (ax,) = fig.axes
    assert "off track" in ax.get_title(loc="right")
    png(kpi_history(small_set))  # no current value: a note instead of a bar
    extra = KPI(id="P2", name="Cost <per> lead", target=0, current=0, direction="down")
    two = OkrSet(cycle="2026-Q1", kpis=[replace(rich_set.kpis[0], measures=()), extra])
    assert len(kpi_history(to_frames(two).kpis).axes) == 2
    buffer = io.BytesIO()
    kpi_history(OkrSet(cycle="2026-Q1")).savefig(buffer, format="png")
    assert buffer.getvalue()[:8] == PNG


def test_progress_of_the_new_shapes_draws_what_they_promise() -> None:
    """An ordinal key result's levels are drawn at their scores; a bound target without a
    start and a rate per month get no straight pace line through the cycle."""
    from okrkit import load_yaml

    okrs = load_yaml(Path(__file__).parent / "data" / "swedish_cascade.yaml")
    fig = kr_progress(okrs, "MKT-1-KR1", as_of=dt.date(2026, 8, 25))
    (line,) = [ln for ln in fig.axes[0].lines if ln.get_label() == "check-ins"]
    assert list(line.get_ydata()) == [0.3]  # "commit"
    for rate_or_bound in ("PERS-1-KR1", "KUND-1-KR1"):
        fig = kr_progress(okrs, rate_or_bound, as_of=dt.date(2026, 8, 25))
        labels = [ln.get_label() for ln in fig.axes[0].lines]
        assert "expected pace" not in labels and "target" in labels


def test_the_kpi_chart_colours_a_paced_kpi_by_its_pace() -> None:
    """Half-way through the quarter, a KPI half-way from its baseline is on track (green), not
    "off track" against the full target."""
    okrs = OkrSet(
        cycle="2026-Q1",
        kpis=[
            KPI(id="K", name="NPS", baseline=30, target=42, current=36.5, timeframe="2026-Q1",
                data_source="survey", frequency="monthly")
        ],
    )  # fmt: skip
    from matplotlib.colors import to_rgb

    from okrkit.plots import NODE_COLOURS

    def bar_colours(as_of: dt.date) -> list[tuple[float, ...]]:
        fig = kpi_history(okrs, as_of=as_of)
        return [tuple(p.get_facecolor()[:3]) for p in fig.axes[0].patches]

    def near(colour: tuple[float, ...], name: str) -> bool:
        return all(
            abs(a - b) < 1e-6 for a, b in zip(colour, to_rgb(NODE_COLOURS[name]), strict=True)
        )

    assert any(near(c, "green") for c in bar_colours(dt.date(2026, 2, 14)))
    # at the quarter's end the same value is far from the target: red
    assert any(near(c, "red") for c in bar_colours(dt.date(2026, 3, 31)))


def test_the_charts_speak_swedish(small_set: OkrSet, rich_set: OkrSet) -> None:
    scores = score(small_set, D(2026, 2, 14))
    ax = score_distribution(scores, lang="sv").axes[0]
    assert ax.get_title(loc="left") == "Poäng för 5 nyckelresultat"
    assert ax.get_xlabel() == "poäng"
    assert {t.get_text().split(" (")[0] for t in ax.get_legend().get_texts()} == {
        "röd",
        "gul",
        "grön",
    }
    labels = {ln.get_label() for ln in kr_progress(small_set, "K1", lang="sv").axes[0].lines}
    assert {"förväntad takt", "mål", "avstämningar"} <= labels
    ax = confidence_trend(small_set, lang="sv").axes[0]
    assert ax.get_title(loc="left") == "Tilltro per vecka efter ägare"
    assert ax.get_ylabel() == "tilltro (1–10)"
    fig = kpi_history(rich_set, lang="sv")
    assert fig.texts[0].get_text() == "Nyckeltal nu mot målet"
    assert " nu, mål " in fig.axes[0].get_title(loc="right")
    english = kpi_history(rich_set, lang="en")
    assert english.texts[0].get_text() == "KPIs now against target"
