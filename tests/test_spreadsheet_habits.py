"""Spreadsheets as people save them: Swedish (and other European) Excel habits read by a locale and,
where it is safe, by themselves; every problem of a file listed at once.

The files are built as Swedish Excel writes them: "CSV (semikolonavgränsad)" with a byte order
mark and CRLF line ends, decimal commas, digits grouped by (no-break) spaces, SANT/FALSKT, and
workbooks that hold numbers both as real numbers and as text typed in a Swedish way.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from okrkit.cli import main
from okrkit.errors import InputError, ValidationError
from okrkit.io import load_csv, load_xlsx, read_tables
from okrkit.io._table_cells import column_decimal, convert_cell
from okrkit.io._table_rows import MAX_PROBLEMS
from okrkit.store import Store

NBSP, NNBSP = "\u00a0", "\u202f"

CYCLE = "id;start;end\r\n2026-Q3;2026-07-01;2026-09-30\r\n"
OBJECTIVES = (
    "id;title;owner;level;kind;aligns_to\r\n"
    "ZUME-1;Jättenöjda kunder;Kundtjänst;company;committed;\r\n"
    "PERS-1;Mer kvalitetstid med familjen;Anna;individual;aspirational;\r\n"
    "MARK-1;Öka varumärkeskännedomen;Marknad;department;committed;ZUME-1\r\n"
)
KEY_RESULTS = (
    "id;objective;title;type;start;target;current;unit;bound;per;done;due\r\n"
    "ZUME-1-KR1;ZUME-1;NPS på 42 eller högre;metric;;42;38;NPS;at_least;;;\r\n"
    "ZUME-1-KR2;ZUME-1;Betyg på 4,6/5,0 eller högre;metric;;4,6;4,4;betyg;at_least;;;\r\n"
    "ZUME-1-KR3;ZUME-1;Kundbortfall −10 %;metric;12,5;11,25;12;%;;;;\r\n"
    "PERS-1-KR1;PERS-1;Hemma till middagen kl. 18.00, 20 kvällar i månaden;metric;0;20;14;"
    "kvällar;;month;;\r\n"
    "PERS-1-KR2;PERS-1;Stänga av internet för att bli mer närvarande;milestone;;;;;;;SANT;"
    "2026-09-30\r\n"
    f"MARK-1-KR1;MARK-1;1 miljon besökare på webbsidan;metric;0;1{NBSP}000{NBSP}000;"
    f"412{NNBSP}500;besökare;;;;\r\n"
    "MARK-1-KR2;MARK-1;Värva 1 000 community-medlemmar;metric;0;1 000;250;medlemmar;;;;\r\n"
)
CHECKINS = (
    "key_result;date;value;done;confidence;note\r\n"
    "ZUME-1-KR3;2026-07-14;12,25;;7;Bra start\r\n"
    "PERS-1-KR2;2026-07-20;;falskt;5;\r\n"
    "PERS-1-KR2;2026-08-20;;Sant;8;Klart\r\n"
)
KPIS = (
    "id;name;target;baseline;timeframe;data_source;frequency;current;direction;unit\r\n"
    "KPI-1;Kapacitetsutnyttjande över 85 %;85;78,5;Q3;Tidrapport;varje vecka;81,5;up;%\r\n"
    "KPI-2;Kostnad per lead;12,0;12,50;Q3;CRM;Per projekt;;down;USD\r\n"
)


def swedish_folder(folder: Path, **tables: str) -> Path:
    """A folder of CSV files as Swedish Excel saves them: BOM, ';', CRLF."""
    folder.mkdir()
    files = {
        "cycle": CYCLE,
        "objectives": OBJECTIVES,
        "key_results": KEY_RESULTS,
        "checkins": CHECKINS,
        "kpis": KPIS,
        **tables,
    }
    for name, text in files.items():
        (folder / f"{name}.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return folder


def check_swedish(okrs: object) -> None:
    from okrkit.model import OkrSet

    assert isinstance(okrs, OkrSet)
    krs = {kr.id: kr for _, kr in okrs.key_results()}
    assert krs["ZUME-1-KR2"].target == 4.6 and krs["ZUME-1-KR2"].current == 4.4
    assert krs["ZUME-1-KR3"].start == 12.5 and krs["ZUME-1-KR3"].target == 11.25
    assert krs["MARK-1-KR1"].target == 1_000_000 and krs["MARK-1-KR1"].current == 412_500
    assert krs["MARK-1-KR2"].target == 1000
    assert krs["PERS-1-KR2"].done is True and krs["PERS-1-KR2"].due == dt.date(2026, 9, 30)
    assert krs["PERS-1-KR1"].per == "month" and krs["ZUME-1-KR1"].bound == "at_least"
    assert [c.value for c in okrs.checkins][:1] == [12.25]
    assert [c.done for c in okrs.checkins][1:] == [False, True]
    kpis = {k.id: k for k in okrs.kpis}
    assert kpis["KPI-1"].baseline == 78.5 and kpis["KPI-1"].current == 81.5
    assert kpis["KPI-2"].baseline == 12.5 and kpis["KPI-2"].frequency == "per_project"


# --- the cells ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "decimal", "number"),
    [
        ("12,5", ",", 12.5),
        ("1 400", ",", 1400),
        (f"1{NBSP}400,5", ",", 1400.5),
        (f"1{NNBSP}400{NNBSP}000", ".", 1_400_000),
        ("1.400,5", ",", 1400.5),
        ("1.400.000", ",", 1_400_000),
        ("−1,5", ",", -1.5),
        ("1.5", ",", 1.5),  # a point that cannot group thousands is a decimal point
        ("1,400.5", ".", 1400.5),
        ("1,400", ".", 1400),
    ],
)
def test_numbers_in_european_and_english_habits(text: str, decimal: str, number: float) -> None:
    assert convert_cell(text, "number", decimal) == number


@pytest.mark.parametrize("text", ["1.400", "-2.500"])
def test_a_point_grouping_thousands_is_refused_where_a_comma_is_decimal(text: str) -> None:
    with pytest.raises(InputError, match="could be") as info:
        convert_cell(text, "number", ",")
    assert "--locale" in (info.value.fix or "")


@pytest.mark.parametrize(
    ("words", "value"),
    [
        (("SANT", "sant", "Sant", "WAHR", "VRAI", "TOSI", "ja", "yes", "true"), True),
        (("FALSKT", "falskt", "FALSCH", "FAUX", "EPÄTOSI", "nej", "no", "false"), False),
    ],
)
def test_true_and_false_as_excel_writes_them_in_its_languages(
    words: tuple[str, ...], value: bool
) -> None:
    assert {convert_cell(w, "bool") for w in words} == {value}


def test_a_column_tells_its_decimal_mark_only_when_it_is_sure() -> None:
    assert column_decimal(["12,5", "3", ""]) == ","
    assert column_decimal(["1,400", "2.5"]) == "."  # a decimal point elsewhere: commas group
    assert column_decimal(["1,400.5"]) == "."
    assert column_decimal(["1,400", "12,000,000"]) == "."  # two groups: commas group thousands
    assert column_decimal(["1,400"], semicolon=True) == ","  # Excel's ';' files: decimal comma
    with pytest.raises(InputError, match=r"'1,400' could be 1\.4 or 1400"):
        column_decimal(["1,400", "3"])
    with pytest.raises(InputError, match=r"'1\.400' could be"):
        column_decimal(["1.400"], semicolon=True)
    with pytest.raises(InputError, match=r"'1,400' could be"):
        column_decimal(["1,400", "2.5"], semicolon=True)  # a ';' file, yet a decimal point
    assert column_decimal(["1.400", "12,5"], semicolon=True) == ","  # 1.400 refused where read


# --- CSV as Swedish Excel saves it ----------------------------------------------------------------


def test_swedish_csv_folder_reads_by_itself(tmp_path: Path) -> None:
    folder = swedish_folder(tmp_path / "okr")
    check_swedish(load_csv(folder))
    check_swedish(load_csv(folder, locale="sv"))
    assert load_csv(folder) == read_tables(folder / "objectives.csv")


def test_swedish_csv_folder_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = swedish_folder(tmp_path / "okr")
    db = tmp_path / "okr.db"
    assert main(["--db", str(db), "import", str(folder), "--locale", "sv"]) == 0
    assert "imported" in capsys.readouterr().out
    with Store(str(db)) as store:
        check_swedish(store.load("2026-Q3"))


def test_english_locale_refuses_the_decimal_comma_and_says_how(tmp_path: Path) -> None:
    folder = swedish_folder(tmp_path / "okr")
    with pytest.raises(InputError) as info:
        load_csv(folder, locale="en")
    exc = info.value
    assert exc.source == str(folder / "key_results.csv") and exc.field == "target"
    assert "--locale sv" in (exc.fix or "")


def test_thousands_with_a_comma_are_ambiguous_in_a_comma_separated_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "okr"
    folder.mkdir()
    (folder / "cycle.csv").write_text("id\n2026-Q3\n", "utf-8")
    (folder / "objectives.csv").write_text("id,title\nO1,Grow the community\n", "utf-8")
    (folder / "key_results.csv").write_text(
        'id,objective,title,start,target\nK1,O1,Members,0,"1,400"\nK2,O1,Posts,0,"2,500"\n',
        "utf-8",
    )
    with pytest.raises(InputError) as info:
        load_csv(folder)
    assert (info.value.row, info.value.field) == (2, "target")
    assert len(info.value.errors) == 1  # one error for the column, none for its other rows
    assert "'1,400' could be 1.4 or 1400" in str(info.value)
    assert "--locale sv" in str(info.value)
    assert [kr.target for kr in load_csv(folder, locale="en").objectives[0].key_results] == [
        1400,
        2500,
    ]
    assert [kr.target for kr in load_csv(folder, locale="sv").objectives[0].key_results] == [
        1.4,
        2.5,
    ]
    db = tmp_path / "s.db"
    assert main(["--db", str(db), "import", str(folder)]) == 2
    assert "could be 1.4 or 1400" in capsys.readouterr().err
    assert main(["--db", str(db), "import", str(folder), "--locale", "en"]) == 0


def test_lf_and_crlf_and_no_bom_read_alike(tmp_path: Path) -> None:
    crlf = swedish_folder(tmp_path / "crlf")
    lf = tmp_path / "lf"
    lf.mkdir()
    for path in crlf.iterdir():
        (lf / path.name).write_bytes(path.read_bytes()[3:].replace(b"\r\n", b"\n"))
    assert load_csv(lf) == load_csv(crlf)


def test_cp1252_files_read_when_asked_and_say_how_when_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "ansi"
    folder.mkdir()
    texts = {"cycle": CYCLE, "objectives": OBJECTIVES, "key_results": KEY_RESULTS}
    for name, text in texts.items():
        text = text.replace(NBSP, " ").replace(NNBSP, " ").replace("−", "-")
        (folder / f"{name}.csv").write_bytes(text.encode("cp1252"))
    with pytest.raises(InputError, match="not UTF-8") as info:
        load_csv(folder)
    assert "--encoding cp1252" in (info.value.fix or "")
    okrs = load_csv(folder, encoding="cp1252")
    assert okrs.objectives[0].title == "Jättenöjda kunder"
    db = tmp_path / "s.db"
    assert main(["--db", str(db), "import", str(folder), "--encoding", "cp1252"]) == 0
    capsys.readouterr()


# --- Excel workbooks as Swedish Excel saves them ------------------------------------------------


def swedish_workbook(path: Path) -> Path:
    """Numbers as real numbers with Swedish-looking formats, and as text typed the Swedish way;
    dates as real dates; SANT as text and TRUE as a real boolean."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    sheets = {
        "cycle": [
            ["id", "start", "end"],
            ["2026-Q3", dt.datetime(2026, 7, 1), dt.date(2026, 9, 30)],
        ],
        "objectives": [
            ["id", "title", "owner", "level"],
            ["ZUME-1", "Jättenöjda kunder", "Kundtjänst", "company"],
        ],
        "key_results": [
            ["id", "objective", "title", "type", "start", "target", "current", "bound", "done",
             "due"],
            ["K1", "ZUME-1", "Betyg på 4,6/5,0 eller högre", "metric", None, 4.6, "4,4",
             "at_least", None, None],
            ["K2", "ZUME-1", "1 miljon besökare", "metric", 0, "1 000 000", 412500.0, None, None,
             None],
            ["K3", "ZUME-1", "Lansera version 2.0", "milestone", None, None, None, None, "SANT",
             dt.datetime(2026, 9, 15)],
            ["K4", "ZUME-1", "Stäng av internet", "milestone", None, None, None, None, False,
             dt.date(2026, 9, 30)],
        ],
        "kpis": [
            ["id", "name", "target", "baseline", "frequency"],
            ["KPI-1", "Kapacitetsutnyttjande", 85, "78,5", "Löpande"],
        ],
    }  # fmt: skip
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    for row in book["key_results"].iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, float | int) and not isinstance(cell.value, bool):
                cell.number_format = "#,##0.0"  # shown as 412 500,0 by Swedish Excel
    book.save(path)
    return path


def test_swedish_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = swedish_workbook(tmp_path / "okr.xlsx")
    okrs = load_xlsx(path)
    krs = {kr.id: kr for _, kr in okrs.key_results()}
    assert (krs["K1"].target, krs["K1"].current) == (4.6, 4.4)
    assert (krs["K2"].target, krs["K2"].current) == (1_000_000, 412_500)
    assert (krs["K3"].done, krs["K3"].due) == (True, dt.date(2026, 9, 15))
    assert (krs["K4"].done, krs["K4"].due) == (False, dt.date(2026, 9, 30))
    assert okrs.kpis[0].baseline == 78.5 and okrs.kpis[0].frequency == "ongoing"
    assert load_xlsx(path, locale="sv") == okrs
    db = tmp_path / "s.db"
    assert main(["--db", str(db), "import", str(path)]) == 0
    capsys.readouterr()
    with pytest.raises(InputError) as info:
        load_xlsx(path, locale="en")
    assert info.value.source == f"{path}[key_results]" and info.value.field == "current"


# --- every problem of a file at once --------------------------------------------------------------


def broken_folder(folder: Path) -> Path:
    return swedish_folder(
        folder,
        key_results=KEY_RESULTS.replace(";42;38;", ";fyrtiotvå;38;")
        .replace(";month;", ";fortnight;")
        .replace(";SANT;", ";kanske;")
        .replace("MARK-1-KR2;MARK-1;", "MARK-1-KR2;MARK-9;"),
        checkins=CHECKINS.replace(";7;Bra", ";70;Bra"),
    )


EXPECTED = [
    ("key_results", 2, "target", "'fyrtiotvå' is not a number"),
    ("key_results", 6, "done", "'kanske' is not true or false"),
    ("key_results", 5, "per", "fortnight"),
    ("key_results", 8, "objective", "'MARK-9', which is not listed"),
    ("checkins", 2, "confidence", "70"),
]


def test_every_problem_of_a_folder_is_listed_at_once(tmp_path: Path) -> None:
    folder = broken_folder(tmp_path / "okr")
    with pytest.raises((InputError, ValidationError)) as info:
        load_csv(folder)
    exc = info.value
    assert len(exc.errors) == len(EXPECTED) and exc.more == 0
    assert exc.errors[0] is exc or (exc.errors[0].problem, exc.errors[0].row) == (
        exc.problem,
        exc.row,
    )
    found = {(Path(e.source or "").stem, e.row, e.field): e for e in exc.errors}
    for table, row, field, says in EXPECTED:
        assert says in found[(table, row, field)].problem
    lines = str(exc).splitlines()
    assert lines[0] == f"{len(EXPECTED)} problems, each on its own line:"
    assert len(lines) == 1 + len(EXPECTED)
    for error, line in zip(exc.errors, lines[1:], strict=True):
        assert line == f"  {error.source}, row {error.row}, field '{error.field}': " + (
            f"{error.problem} ({error.fix})"
        )


def test_every_problem_is_printed_on_its_own_line_by_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = broken_folder(tmp_path / "okr")
    db = tmp_path / "s.db"
    assert main(["--db", str(db), "import", str(folder)]) != 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"okrkit: error: {len(EXPECTED)} problems, each on its own line:"
    assert len(err) == 1 + len(EXPECTED)
    for table, row, field, _ in EXPECTED:
        assert any(f"{table}.csv, row {row}, field '{field}'" in line for line in err[1:])


def test_every_problem_of_a_workbook_is_listed_at_once(tmp_path: Path) -> None:
    path = swedish_workbook(tmp_path / "okr.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["key_results"]
    sheet["F2"] = "mycket"  # target
    sheet["I4"] = "kanske"  # done
    book["kpis"]["C2"] = "åttiofem"
    book.save(path)
    with pytest.raises(InputError) as info:
        load_xlsx(path)
    places = [(e.source, e.row, e.field) for e in info.value.errors]
    assert places == [
        (f"{path}[key_results]", 2, "target"),
        (f"{path}[key_results]", 4, "done"),
        (f"{path}[kpis]", 2, "target"),
    ]


def test_a_file_of_many_problems_lists_some_and_counts_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "okr"
    folder.mkdir()
    (folder / "cycle.csv").write_text("id\n2026-Q3\n", "utf-8")
    (folder / "objectives.csv").write_text("id,title\nO1,Grow\n", "utf-8")
    rows = "".join(f"K{i},O1,KR {i},metric,0,many\n" for i in range(1, 1001))
    (folder / "key_results.csv").write_text("id,objective,title,type,start,target\n" + rows)
    with pytest.raises(InputError) as info:
        load_csv(folder)
    exc = info.value
    assert len(exc.errors) == MAX_PROBLEMS and exc.more == 1000 - MAX_PROBLEMS
    assert [e.row for e in exc.errors] == list(range(2, 2 + MAX_PROBLEMS))
    lines = str(exc).splitlines()
    assert lines[0] == "1000 problems, each on its own line:"
    assert lines[-1] == f"  ... and {1000 - MAX_PROBLEMS} more; fix these and read the file again"
    assert len(lines) == MAX_PROBLEMS + 2


def test_a_listing_survives_pickling() -> None:
    import pickle

    first = InputError("bad", source="f.csv", row=2, field="target", fix="fix it")
    first.listing([ValidationError("worse", source="f.csv", row=3, field="id")], 4)
    back = pickle.loads(pickle.dumps(first))
    assert str(back) == str(first)
    assert [e.row for e in back.errors] == [2, 3] and back.more == 4
