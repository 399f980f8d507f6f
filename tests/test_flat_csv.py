"""One flat CSV file, a row per key result with its objective's columns: read, written, and
imported and exported through the command line, losing nothing."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from test_tabular import every_field_set, rich_set

from okrkit.cli import main
from okrkit.cli._common import read_file
from okrkit.errors import InputError, ValidationError
from okrkit.io import load_flat_csv, read_tables, write_csv, write_flat_csv
from okrkit.io.tabular import FLAT_COLUMNS
from okrkit.model import OkrSet
from okrkit.store import Store


def rows_of(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_flat_file_round_trip_loses_nothing(tmp_path: Path) -> None:
    okrs = every_field_set(tmp_path)
    written = write_flat_csv(okrs, tmp_path / "out" / "okrs.csv")
    assert [p.name for p in written] == [
        "okrs.csv",
        "okrs.kpis.csv",
        "okrs.initiatives.csv",
        "okrs.checkins.csv",
    ]
    rows = rows_of(written[0])
    assert tuple(rows[0]) == FLAT_COLUMNS
    assert len(rows) == 1 + sum(len(o.key_results) for o in okrs.objectives)
    assert load_flat_csv(written[0]) == okrs
    assert read_tables(written[0]) == okrs
    again = write_flat_csv(load_flat_csv(written[0]), tmp_path / "again.csv")
    assert written[0].read_bytes() == again[0].read_bytes()


def test_rich_set_round_trip_with_objectives_without_key_results(tmp_path: Path) -> None:
    okrs = rich_set()
    assert any(not o.key_results for o in okrs.objectives)
    path = write_flat_csv(okrs, tmp_path / "okrs.csv")[0]
    assert load_flat_csv(path) == okrs


def test_a_set_without_objectives_keeps_its_cycle(tmp_path: Path) -> None:
    okrs = OkrSet(cycle={"id": "Sprint 7", "start": "2026-05-04", "end": "2026-05-17"})
    path = write_flat_csv(okrs, tmp_path / "empty.csv")[0]
    assert load_flat_csv(path) == okrs


def test_a_sibling_left_from_an_earlier_export_is_removed(tmp_path: Path) -> None:
    okrs = every_field_set(tmp_path)
    path = tmp_path / "okrs.csv"
    write_flat_csv(okrs, path)
    fewer = OkrSet(cycle=okrs.cycle, objectives=okrs.objectives)
    assert write_flat_csv(fewer, path) == [path]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["every.yaml", "okrs.csv"]
    assert load_flat_csv(path) == fewer


def test_objectives_repeated_on_rows_must_agree(tmp_path: Path) -> None:
    path = tmp_path / "okrs.csv"
    path.write_text(
        "cycle,objective_id,objective_title,objective_owner,kr_title,kr_id,target,start\n"
        "2026-Q3,O1,Delight customers,Ana,NPS 42,K1,42,30\n"
        "2026-Q3,O1,,Ana,Rating 4.6,K2,4.6,4.1\n"  # an empty cell after the first row is fine
        "2026-Q3,O1,Delight our customers,Bo,Churn 5 %,K3,5,8\n",
        "utf-8",
    )
    with pytest.raises(ValidationError) as info:
        load_flat_csv(path)
    exc = info.value
    assert [(e.row, e.field) for e in exc.errors] == [(4, "objective_title")]
    assert exc.source == str(path) and exc.row == 4 and exc.field == "objective_title"
    assert "objective 'O1' is given differently on rows 2 and 4" in exc.problem
    assert "'Delight customers' and 'Delight our customers'" in exc.problem


def test_problems_name_the_columns_as_the_header_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "okrs.csv"
    path.write_text(
        "Cycle,Objective ID,Objective,Objective Level,KR ID,Key Result,Start,Target,Done,Type\n"
        "2026-Q3,O1,Delight customers,galaxy,K1,NPS 42,30,forty-two,,\n"
        "2026-Q3,O2,Grow,team,K2,Launch,,,maybe,milestone\n",
        "utf-8",
    )
    with pytest.raises((InputError, ValidationError)) as info:
        load_flat_csv(path)
    places = {(e.source, e.row, e.field) for e in info.value.errors}
    assert places == {
        (str(path), 2, "Target"),
        (str(path), 2, "Objective Level"),
        (str(path), 3, "Done"),
    }
    db = tmp_path / "s.db"
    assert main(["--db", str(db), "import", str(path)]) != 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "okrkit: error: 3 problems, each on its own line:"
    assert any(
        line.startswith(f"  {path}, row 3, field 'Done': 'maybe' is not true or false (")
        for line in err
    )


def test_exports_of_other_okr_tools_read(tmp_path: Path) -> None:
    """Column names as OKR tools export them: no ids, camelCase, Puzzle's commit/target/stretch
    zones; objectives are numbered by title, key results by objective."""
    path = tmp_path / "export.csv"
    path.write_text(
        "Quarter;Objective;Key Result;keyResultType;Baseline;stretchGoal;Unit;commitZone;"
        "targetZone;stretchZone\r\n"
        "2026-Q3;Jättenöjda kunder;NPS på 42 eller högre;metric;30;42;NPS;;;\r\n"
        "2026-Q3;Jättenöjda kunder;Kundnöjdhet;ordinal;;;;4,0 i snitt;4,3 i snitt;4,6 i snitt\r\n"
        "2026-Q3;Öka varumärkeskännedomen;1 miljon besökare;metric;0;1 000 000;besökare;;;\r\n",
        "utf-8-sig",
    )
    okrs = load_flat_csv(path)
    assert [o.id for o in okrs.objectives] == ["O1", "O2"]
    assert [kr.id for _, kr in okrs.key_results()] == ["O1-KR1", "O1-KR2", "O2-KR1"]
    ordinal = okrs.objectives[0].key_results[1]
    assert (ordinal.type, ordinal.commit_zone, ordinal.stretch_zone) == (
        "ordinal",
        "4,0 i snitt",
        "4,6 i snitt",
    )
    assert okrs.objectives[1].key_results[0].target == 1_000_000


def test_a_csv_file_that_is_neither_flat_nor_a_table(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("id,title\nK1,Grow\n", "utf-8")
    with pytest.raises(InputError, match="neither a flat file") as info:
        read_tables(path)
    assert "objective_title" in (info.value.fix or "")
    path.write_text("objective_title,targt\nGrow,5\n", "utf-8")
    with pytest.raises(InputError, match="unknown column 'targt'") as info:
        read_tables(path)
    assert (info.value.row, info.value.field) == (1, "targt")


def test_a_table_file_stands_for_its_folder(tmp_path: Path) -> None:
    okrs = rich_set()
    folder = write_csv(okrs, tmp_path / "okrs")
    assert read_tables(folder / "key_results.csv") == okrs


def test_a_flat_file_needs_a_cycle(tmp_path: Path) -> None:
    path = tmp_path / "okrs.csv"
    path.write_text("objective_id,objective_title\nO1,Grow\n", "utf-8")
    with pytest.raises(InputError, match="names no cycle") as info:
        load_flat_csv(path)
    assert info.value.source == str(path)


def test_flat_texts_are_neutralised(tmp_path: Path) -> None:
    okrs = every_field_set(tmp_path)
    rows = rows_of(write_flat_csv(okrs, tmp_path / "okrs.csv")[0])
    header = rows[0]
    by_kr = {row[header.index("kr_id")]: row for row in rows[1:]}
    ordinal = by_kr["ZUME-1-KR3"]
    assert ordinal[header.index("kr_description")] == "'-5 % is fine"
    assert ordinal[header.index("commit_zone")] == "'+4,0 i snitt"
    assert ordinal[header.index("stretch_zone")] == "'@4,6 i snitt"
    assert by_kr["ZUME-1-KR1"][header.index("kr_description")].startswith("'=HYPERLINK")
    checkins = rows_of(tmp_path / "okrs.checkins.csv")
    assert checkins[1][checkins[0].index("note")] == "'=1+1 bra start"


# --- the Swedish example OKRs of the primer, as a Swedish Excel user saves them ------------------

PRIMER_SV = (
    "cycle;objective_id;objective_title;objective_owner;objective_level;objective_kind;aligns_to;"
    "kr_id;kr_title;type;start;target;current;unit;bound;per;done;due\r\n"
    "2026-Q3;SAAS-1;Bli marknadsledande inom SaaS-branschen;Ledningen;company;committed;;"
    "SAAS-1-KR1;Lansera version 2.0 av webbplatsen;milestone;;;;;;;FALSKT;2026-09-15\r\n"
    "2026-Q3;SAAS-1;;;;;;SAAS-1-KR2;Få 1 000 nya kunder under tredje kvartalet;metric;0;"
    "1\u00a0000;412;kunder;;;;\r\n"
    "2026-Q3;ALLB-1;Skapa det lägsta koldioxidavtrycket i vår bransch;Hållbarhet;company;"
    "aspirational;;ALLB-1-KR1;25 % av materialen är komposterbara;metric;12,5;25;17,5;%;;;;\r\n"
    "2026-Q3;ALLB-1;;;;;;ALLB-1-KR2;75 % av materialet är biologiskt nedbrytbart;metric;;75;"
    "60,5;%;at_least;;;\r\n"
    "2026-Q3;ZUME-1;Jättenöjda kunder;Kundtjänst;department;committed;SAAS-1;ZUME-1-KR1;"
    "NPS på 42 eller högre;metric;;42;38;NPS;at_least;;;\r\n"
    "2026-Q3;ZUME-1;;;;;;ZUME-1-KR2;Betyg på 4,6/5,0 eller högre;metric;;4,6;4,4;betyg;"
    "at_least;;;\r\n"
    "2026-Q3;SALJ-1;Öka den återkommande lönsamheten;Försäljning;department;committed;SAAS-1;"
    "SALJ-1-KR1;Kundbortfall −10 %;metric;10;9;9,5;%;;;;\r\n"
    "2026-Q3;PERS-1;Mer kvalitetstid med familjen;Anna;individual;aspirational;;PERS-1-KR1;"
    "Hemma till middagen kl. 18.00, 20 kvällar i månaden;metric;0;20;14;kvällar;;month;;\r\n"
    "2026-Q3;PERS-1;;;;;;PERS-1-KR2;Stänga av internet för att bli mer närvarande;milestone;"
    ";;;;;;SANT;2026-09-30\r\n"
    "2026-Q3;PROD-1;Bygg en högpresterande webbplats;Produkt;team;committed;SAAS-1;;;;;;;;;;;\r\n"
)
PRIMER_CHECKINS = (
    "key_result;date;value;done;confidence;note\r\n"
    "ZUME-1-KR2;2026-07-15;4,3;;6;Första mätningen\r\n"
    "PERS-1-KR2;2026-08-01;;SANT;9;Klart\r\n"
)
PRIMER_KPIS = (
    "id;name;target;baseline;timeframe;data_source;frequency\r\n"
    "KPI-1;Få 20 nya inkommande leads i slutet av fjärde kvartalet;20;12;Q4;CRM;varje vecka\r\n"
    "KPI-2;Minska kostnaden per lead med 0,50 USD under Q4;0,5;;Q4;Rapporter;Per projekt\r\n"
    "KPI-3;Håll kapacitetsutnyttjandet över 85 % under Q4;85;81,5;Q4;Tidrapport;Löpande\r\n"
)


def primer_files(folder: Path) -> Path:
    folder.mkdir()
    path = folder / "okr-q3.csv"
    bom = b"\xef\xbb\xbf"
    path.write_bytes(bom + PRIMER_SV.encode("utf-8"))
    (folder / "okr-q3.checkins.csv").write_bytes(bom + PRIMER_CHECKINS.encode("utf-8"))
    (folder / "okr-q3.kpis.csv").write_bytes(bom + PRIMER_KPIS.encode("utf-8"))
    return path


def check_primer(okrs: OkrSet) -> None:
    assert [o.id for o in okrs.objectives] == [
        "SAAS-1",
        "ALLB-1",
        "ZUME-1",
        "SALJ-1",
        "PERS-1",
        "PROD-1",
    ]
    krs = {kr.id: kr for _, kr in okrs.key_results()}
    assert krs["SAAS-1-KR2"].target == 1000 and krs["ALLB-1-KR1"].start == 12.5
    assert krs["ZUME-1-KR2"].target == 4.6 and krs["ALLB-1-KR2"].current == 60.5
    assert krs["SAAS-1-KR1"].done is False and krs["SAAS-1-KR1"].due == dt.date(2026, 9, 15)
    assert krs["PERS-1-KR2"].done is True and krs["PERS-1-KR1"].per == "month"
    objectives = {o.id: o for o in okrs.objectives}
    assert objectives["ZUME-1"].title == "Jättenöjda kunder"
    assert objectives["PROD-1"].key_results == () and objectives["PROD-1"].aligns_to == ("SAAS-1",)
    assert [c.value for c in okrs.checkins] == [4.3, None]
    assert [k.frequency for k in okrs.kpis] == ["weekly", "per_project", "ongoing"]
    assert okrs.kpis[1].target == 0.5 and okrs.kpis[2].baseline == 81.5


def test_the_primers_swedish_okrs_as_a_flat_semicolon_file(tmp_path: Path) -> None:
    path = primer_files(tmp_path / "in")
    okrs = load_flat_csv(path)
    check_primer(okrs)
    assert load_flat_csv(path, locale="sv") == okrs
    out = write_flat_csv(okrs, tmp_path / "out" / "okr-q3.csv")
    assert load_flat_csv(out[0]) == okrs


def test_flat_import_and_export_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = primer_files(tmp_path / "in")
    db = tmp_path / "okr.db"
    assert main(["--db", str(db), "import", str(path)]) == 0
    assert "imported" in capsys.readouterr().out
    with Store(str(db)) as store:
        stored = store.load("2026-Q3")
    check_primer(stored)
    out = tmp_path / "out" / "export.csv"
    assert main(["--db", str(db), "export", "--flat", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"exported cycle 2026-Q3 to {out}: 6 objectives and 9 key results" in printed
    assert "export.checkins.csv" in printed and "export.kpis.csv" in printed
    assert load_flat_csv(out) == stored
    # the export imports again as the same set
    assert main(["--db", str(db), "import", str(out)]) == 0
    capsys.readouterr()
    with Store(str(db)) as store:
        assert store.load("2026-Q3") == stored


def test_cli_export_to_a_csv_path_points_at_flat(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = primer_files(tmp_path / "in")
    db = tmp_path / "okr.db"
    assert main(["--db", str(db), "import", str(path)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "export", "-o", str(tmp_path / "x.csv")]) == 2
    assert "--flat FILE.csv" in capsys.readouterr().err
    assert main(["--db", str(db), "export", "--flat", str(tmp_path / "x.txt")]) == 2
    assert "--flat writes one .csv file" in capsys.readouterr().err


def test_every_new_field_through_the_store_and_every_format_by_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    okrs = every_field_set(tmp_path)
    db = str(tmp_path / "okr.db")
    folder = write_csv(okrs, tmp_path / "in")
    assert main(["--db", db, "import", str(folder)]) == 0
    outputs = {
        "yaml": ["-o", str(tmp_path / "out.yaml")],
        "csv": ["-o", str(tmp_path / "out")],
        "xlsx": ["-o", str(tmp_path / "out.xlsx")],
        "flat": ["--flat", str(tmp_path / "flat.csv")],
    }
    for args in outputs.values():
        assert main(["--db", db, "export", *args]) == 0
    capsys.readouterr()
    for path in ("out.yaml", "out", "out.xlsx", "flat.csv"):
        assert read_file(str(tmp_path / path)) == okrs, path


def test_a_loop_with_the_store_names_the_flat_files_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(
        "cycle,objective_id,objective_title,aligns_to,kr_id,kr_title,start,target\n"
        "2026-Q3,O1,Grow,O2,K1,Visitors,0,100\n"
        "2026-Q3,O2,Win,,K2,Deals,0,10\n",
        "utf-8",
    )
    second.write_text(
        "cycle;objective_id;objective_title;aligns_to\r\n2026-Q3;O3;Other;\r\n2026-Q3;O2;Win;O1\r\n",
        "utf-8-sig",
    )
    db = str(tmp_path / "s.db")
    assert main(["--db", db, "import", str(first)]) == 0
    assert main(["--db", db, "import", str(second), "--replace", "--yes"]) == 1
    err = capsys.readouterr().err
    assert f"{second}, row 3, field 'aligns_to': objectives align in a loop" in err


def test_locale_and_encoding_are_refused_for_yaml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "okrs.yaml"
    path.write_text("cycle: 2026-Q3\nobjectives: []\n", "utf-8")
    assert main(["--db", str(tmp_path / "s.db"), "import", str(path), "--locale", "sv"]) == 2
    assert "--locale and --encoding are for CSV files" in capsys.readouterr().err


def test_a_flat_file_with_swedish_column_names(tmp_path: Path) -> None:
    path = tmp_path / "okr.csv"
    path.write_text(
        "Kvartal;Mål;Nyckelresultat;Startvärde;Målvärde;Utfall;Enhet;Klart senast;Typ\r\n"
        "2026-Q3;Jättenöjda kunder;Betyg på 4,6 eller högre;4,1;4,6;4,4;betyg;;\r\n"
        "2026-Q3;Jättenöjda kunder;Lansera version 2.0;;;;;2026-09-15;milestone\r\n",
        "utf-8-sig",
    )
    with pytest.raises(InputError, match="unknown column 'Typ'"):
        load_flat_csv(path)
    path.write_bytes(path.read_bytes().replace(b";Typ\r\n", b";type\r\n"))
    okrs = load_flat_csv(path)
    rating, launch = okrs.objectives[0].key_results
    assert (rating.start, rating.target, rating.current, rating.unit) == (4.1, 4.6, 4.4, "betyg")
    assert launch.due == dt.date(2026, 9, 15) and okrs.cycle.id == "2026-Q3"


def test_a_flat_export_beside_a_folder_of_tables_is_left_alone(tmp_path: Path) -> None:
    okrs = rich_set()
    folder = write_csv(okrs, tmp_path / "okrs")
    write_flat_csv(every_field_set(tmp_path), folder / "other.csv")
    assert (folder / "other.checkins.csv").is_file()
    assert read_tables(folder) == okrs


def test_a_loop_inside_a_flat_file_names_its_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from okrkit.errors import AlignmentCycleError

    path = tmp_path / "okrs.csv"
    path.write_text(
        "cycle,objective_id,objective_title,aligns_to\n2026-Q3,O1,Grow,O2\n2026-Q3,O2,Win,O1\n",
        "utf-8",
    )
    with pytest.raises(AlignmentCycleError) as info:
        load_flat_csv(path)
    assert (info.value.source, info.value.row, info.value.field) == (str(path), 3, "aligns_to")
    assert main(["check", str(path)]) != 0
    assert capsys.readouterr().err.startswith(f"okrkit: error: {path}, row 3, field 'aligns_to'")
