"""Quarter reports: the tables, the three file formats, escaping and the ``report`` command."""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import openpyxl
import pytest

from okrkit import CheckIn, KeyResult, Objective, OkrSet, Store, ValidationError, save_yaml
from okrkit.cli import main
from okrkit.display import BAND_COLOURS
from okrkit.reports import COLUMNS, Report, build_report
from okrkit.workspace import load_template, merge_sets

AS_OF = "2026-01-25"
XSS_TITLE = "<script>alert(1)</script>"
XSS_OWNER = '"onerror=alert(1) x="'
FORMULA = '=HYPERLINK("http://example.invalid","click")'


def hostile() -> Objective:
    return Objective(
        id="X-1",
        title=XSS_TITLE,
        owner=XSS_OWNER,
        level="team",
        aligns_to=["MKT-1"],
        key_results=[
            KeyResult(id="X-1-KR1", title=FORMULA, start=0, target=10),
            KeyResult(id="X-1-KR2", title="Sales | marketing handover <b>done</b>", start=0,
                      target=5),
        ],
    )  # fmt: skip


def org() -> OkrSet:
    """Company and marketing templates for 2026-Q1, a hostile objective and a few check-ins."""
    base = merge_sets([load_template("company", "2026-Q1"), load_template("marketing", "2026-Q1")])
    return dataclasses.replace(
        base,
        objectives=(*base.objectives, hostile()),
        checkins=(
            CheckIn(key_result="CO-1-KR1", date="2026-01-10", value=33, confidence=6),
            CheckIn(key_result="CO-1-KR1", date="2026-01-20", value=36.5, note="survey <in>"),
            CheckIn(key_result="X-1-KR1", date="2026-01-12", value=4, note=FORMULA),
        ),
    )


@pytest.fixture(scope="module")
def report() -> Report:
    return build_report(org(), as_of=AS_OF, lang="en")


def test_tables_have_their_columns(report: Report) -> None:
    for name, cols in COLUMNS.items():
        assert report.table(name).columns.tolist() == [c for c, _ in cols], name
    assert report.objectives["id"].tolist()[-1] == "X-1"
    assert report.as_of.isoformat() == AS_OF and report.cycle.id == "2026-Q1"
    assert report.alignment_png is not None and report.alignment_png[:4] == b"\x89PNG"
    summary = dict(zip(report.summary["measure"], report.summary["value"], strict=True))
    assert summary["objectives"] == len(report.objectives) == 8
    assert summary["committed_total"] + summary["aspirational_total"] == 8
    assert summary["kpis"] == len(report.kpis) > 0
    # before the cycle's end an expectation (met, missed, ...) would be premature
    assert report.objectives["expectation"].isna().all()


def test_kpi_health_uses_the_kpi_rules() -> None:
    okrs = org()
    kpi = dataclasses.replace(okrs.kpis[0], target=100.0, current=95.0, direction="up")
    bare = dataclasses.replace(okrs.kpis[1], data_source="  ")
    r = build_report(
        dataclasses.replace(okrs, kpis=(kpi, bare, *okrs.kpis[2:])), as_of=AS_OF, picture=False
    )
    rows = r.kpis.set_index("id")
    assert rows.loc[kpi.id, "status"] == "at risk"
    assert rows.loc[bare.id, "missing"] == "data_source"


def test_changes_since_the_last_checkin_by_hand() -> None:
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[
            Objective(
                id="O1",
                title="Grow",
                owner="Ana",
                key_results=[
                    KeyResult(id="K1", title="Users 0 to 100", start=0, target=100),
                    KeyResult(id="K2", title="Launch", type="milestone"),
                    KeyResult(id="K3", title="Revenue 50 to 150", start=50, target=150),
                    KeyResult(id="K4", title="Never checked", start=0, target=1),
                ],
            )
        ],
        checkins=[
            CheckIn(key_result="K1", date="2026-01-10", value=10, note="first"),
            CheckIn(key_result="K1", date="2026-01-20", value=40, confidence=7, note="halfway"),
            CheckIn(key_result="K1", date="2026-02-01", value=90),  # after the as-of date
            CheckIn(key_result="K2", date="2026-01-15", done=True, note="shipped"),
            CheckIn(key_result="K3", date="2026-01-05", value=70),
            CheckIn(key_result="K3", date="2026-01-05", value=60, note="recorded last"),
        ],
    )
    changes = build_report(okrs, as_of=AS_OF, picture=False).changes.set_index("key_result")
    assert changes.index.tolist() == ["K1", "K2", "K3"]
    k1 = changes.loc["K1"]
    assert (str(k1["date"]), str(k1["previous_date"])) == ("2026-01-20", "2026-01-10")
    assert (k1["value"], k1["previous_value"], k1["value_change"]) == (40, 10, 30)
    assert (k1["score"], k1["previous_score"]) == (0.4, 0.1)
    assert k1["score_change"] == pytest.approx(0.3)
    assert (k1["confidence"], k1["note"]) == (7, "halfway")
    k2 = changes.loc["K2"]  # one check-in: no previous reading; before it, not yet due
    assert math.isnan(k2["previous_value"]) and k2["previous_date"] is None
    assert (k2["value"], k2["score"]) == (1, 1)
    assert math.isnan(k2["previous_score"]) and math.isnan(k2["score_change"])
    k3 = changes.loc["K3"]  # same date: the one recorded last is the latest
    assert (k3["value"], k3["previous_value"], k3["note"]) == (60, 70, "recorded last")
    assert k3["score_change"] == pytest.approx(0.1 - 0.2)


def test_html_is_one_self_contained_file(report: Report, tmp_path: Path) -> None:
    path = report.to_html(tmp_path / "q1.html")
    text = path.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["q1.html"]  # no temp file left behind
    assert "data:image/png;base64," in text
    assets = re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]*)""", text, flags=re.I)
    assert assets and all(a.startswith("data:") for a in assets)
    assert "<link" not in text.lower() and "@import" not in text and "url(" not in text
    for ident in report.objectives["id"]:
        assert f">{ident}<" in text
    for colour in BAND_COLOURS.values():
        assert colour in text
    assert "Changes since the last check-in" in text and "36.5" in text


def test_html_escapes_user_text(report: Report, tmp_path: Path) -> None:
    text = report.to_html(tmp_path / "q1.html").read_text(encoding="utf-8")
    assert "<script" not in text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert '"onerror=' not in text and "&quot;onerror=alert(1) x=&quot;" in text
    assert "<b>" not in text and "<in>" not in text and "survey &lt;in&gt;" in text


def test_per_owner_sections_list_only_their_objectives(report: Report, tmp_path: Path) -> None:
    cmo = report.owner_tables("CMO")
    mine = set(report.objectives.loc[report.objectives["owner"] == "CMO", "id"])
    assert mine and set(cmo["objectives"]["id"]) == mine
    assert set(cmo["key_results"]["objective"]) <= mine
    assert (cmo["findings"]["owner"] == "CMO").all()
    text = report.to_html(tmp_path / "q1.html").read_text(encoding="utf-8")
    sections = {
        re.search(r"<h2>(.*?)</h2>", s).group(1): s  # type: ignore[union-attr]
        for s in text.split('<section class="owner"')[1:]
    }
    assert set(sections) == {re.sub('"', "&quot;", o) for o in report.by_owner["owner"]}
    objectives_table = sections["CMO"].split("<h3>")[1]  # the owner's objectives
    assert re.findall(r"<tr><td>([^<]*)</td>", objectives_table) == [
        i for i in report.objectives["id"] if i in mine
    ]
    changes_table = sections["CMO"].split("<h3>")[3]
    assert "CO-1-KR1" not in changes_table  # the CEO's key result changed, not the CMO's


def test_markdown_has_a_row_per_objective(report: Report, tmp_path: Path) -> None:
    path = report.to_markdown(tmp_path / "q1.md")
    text = path.read_text(encoding="utf-8")
    objectives = text.split("## Objectives\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in objectives.splitlines() if line.startswith("| ")][1:]
    assert [r.split(" | ")[0].removeprefix("| ") for r in rows] == report.objectives["id"].tolist()
    assert all(r.count(" | ") == len(COLUMNS["objectives"]) - 1 for r in rows)
    assert "Sales \\| marketing handover" in text
    assert "<script" not in text and "<b>" not in text
    picture = tmp_path / "q1.alignment.png"
    assert picture.read_bytes() == report.alignment_png
    assert "](q1.alignment.png)" in text


def test_xlsx_sheets_formatting_and_neutralised_text(report: Report, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(report.to_xlsx(tmp_path / "q1.xlsx"))
    names = ["Summary", "Objectives", "Key results", "KPIs", "Changes", "Findings", "By owner"]
    assert book.sheetnames == [*names, "Alignment"]
    assert len(book["Alignment"]._images) == 1
    for name in names:
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
    krs = book["Key results"]
    header = [c.value for c in krs[1]]
    titles = [row[header.index("Title")] for row in krs.iter_rows(min_row=2, values_only=True)]
    assert "'" + FORMULA in titles and FORMULA not in titles
    notes = [c.value for c in book["Changes"]["N"]]
    assert "'" + FORMULA in notes
    objectives = book["Objectives"]
    header = [c.value for c in objectives[1]]
    band = objectives.cell(row=2, column=header.index("Band") + 1)
    assert band.value in ("red", "yellow", "green")
    assert band.fill.fgColor.rgb.endswith(BAND_COLOURS[band.value].lstrip("#").upper())
    assert objectives.cell(row=2, column=header.index("Score") + 1).number_format == "0.00"
    assert objectives.column_dimensions["B"].width > 20


def test_swedish_labels(tmp_path: Path) -> None:
    r = build_report(org(), as_of=AS_OF, lang="sv", picture=False)
    text = r.to_html(tmp_path / "q1.html").read_text(encoding="utf-8")
    assert "Kvartalsrapport 2026-Q1" in text and "Ändringar sedan förra avstämningen" in text
    assert "på fel spår" in text and "36,5" in text
    assert r.findings["message"].str.contains("nyckelresultat|mål", regex=True).any()
    book = openpyxl.load_workbook(r.to_xlsx(tmp_path / "q1.xlsx"))
    assert book.sheetnames[:2] == ["Sammanfattning", "Mål"]


@pytest.mark.parametrize(
    ("lang", "said", "not_said"),
    [
        (
            "sv",
            {"Kopplingar mellan", "Företag", "Avdelning", "ingen poäng"},
            {"Alignment of", "Company"},
        ),
        ("en", {"Alignment of", "Company", "Department", "no score"}, {"Kopplingar", "Företag"}),
    ],
)
def test_every_word_of_the_picture_follows_the_language(
    lang: str, said: set[str], not_said: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report's alignment picture: title, level names and legend in the report's language."""
    from matplotlib.text import Text

    import okrkit.plots

    drawn: list[str] = []
    draw = okrkit.plots.draw_alignment

    def drawing(*args: object, **kwargs: object) -> object:
        fig = draw(*args, **kwargs)  # type: ignore[arg-type]
        drawn.extend(t.get_text() for t in fig.findobj(Text))
        return fig

    monkeypatch.setattr(okrkit.plots, "draw_alignment", drawing)
    r = build_report(org(), as_of=AS_OF, lang=lang)
    assert r.alignment_png is not None and drawn
    words = " | ".join(drawn)
    assert all(w in words for w in said), words
    assert not any(w in words for w in not_said), words


def test_refusals() -> None:
    with pytest.raises(ValidationError):
        build_report([])
    q2 = OkrSet(cycle="2026-Q2", objectives=[Objective(id="Q2-1", title="Other")])
    with pytest.raises(ValidationError):
        build_report([org(), q2])


@pytest.mark.parametrize("suffix", [".html", ".md", ".xlsx"])
def test_cli_report_from_a_file(
    suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = save_yaml(org(), tmp_path / "org.yaml")
    out = tmp_path / f"q1{suffix}"
    code = main(["report", str(source), "--as-of", AS_OF, "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    assert out.stat().st_size > 1000
    assert f"wrote {out}" in capsys.readouterr().out


def test_cli_report_from_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "okrkit.db"
    with Store(db) as store:
        store.import_set(org())
    out = tmp_path / "q1.html"
    code = main(["report", str(db), "--as-of", AS_OF, "--lang", "sv", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    assert "Kvartalsrapport" in out.read_text(encoding="utf-8")


def test_cli_report_unknown_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = save_yaml(org(), tmp_path / "org.yaml")
    out = tmp_path / "q1.pdf"
    assert main(["report", str(source), "-o", str(out)]) == 2
    assert ".html, .md or .xlsx" in capsys.readouterr().err
    assert not out.exists()
