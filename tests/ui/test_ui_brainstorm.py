"""The brainstorm board view, driven like a participant would: set values, click buttons.

No browser: ipywidgets run in plain Python, observers fire and ``Button.click()`` calls the
handlers. Every test asserts on the store (read through a separate Store object where it matters)
and on what the widget shows.
"""

from __future__ import annotations

import html
import multiprocessing
import re
import string
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from okrkit.brainstorm import Board
from okrkit.model import LEVELS
from okrkit.store import Store
from okrkit.ui.brainstorm import TEXT, BrainstormBoard, IdeaRow, brainstorm_board

CYCLE = "2026-Q1"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "okrkit.db"


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    with Store(db) as s:
        yield s


def make(store: Store, **kwargs: Any) -> BrainstormBoard:
    kwargs.setdefault("cycle", CYCLE)
    kwargs.setdefault("voter", "Ana")
    return brainstorm_board(store, **kwargs)


def status(view: BrainstormBoard) -> str:
    """The status line as the participant reads it (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", view.status.value))


def add(view: BrainstormBoard, title: str, owner: str = "", level: str = "team") -> int:
    """Add an idea through the form; returns its id (read from the rendered rows)."""
    view.idea_title.value = title
    view.idea_owner.value = owner
    view.idea_level.value = level
    view.add_button.click()
    assert status(view) == view.t("added", title=title), status(view)
    (idea,) = [r.idea for r in view.rows if title in html.unescape(r.text.value)]
    assert idea is not None
    return idea


def shown_votes(row: IdeaRow) -> int:
    """The vote count a row shows."""
    found = re.search(r"<b>(\d+)</b>", row.text.value)
    assert found is not None, row.text.value
    return int(found[1])


def row(view: BrainstormBoard, idea: int) -> IdeaRow:
    return view.row_for(idea)


def stored_votes(db: Path) -> Counter[tuple[int, str]]:
    """Every vote in the store as (idea, voter), read through a fresh connection."""
    with Store(db) as s:
        ideas = Board(s, CYCLE).ideas(include_closed=True)
        votes, t = s.tables["votes"], s.tables["ideas"]
        with s._read() as conn:
            rows = conn.execute(
                s._sa.select(votes.c.idea, votes.c.voter)
                .join(t, t.c.id == votes.c.idea)
                .where(t.c.cycle == CYCLE)
            ).all()
    assert set(ideas["id"]) >= {r.idea for r in rows}
    return Counter((int(r.idea), str(r.voter)) for r in rows)


# --- adding ideas --------------------------------------------------------------------------------


def test_add_an_idea_through_the_form(store: Store, db: Path) -> None:
    view = make(store)
    assert view.rows == []
    assert view.empty.layout.display is None  # "no ideas yet" on show
    idea = add(view, "Become the obvious choice for retailers", owner="CMO", level="company")
    with Store(db) as other:
        ideas = Board(other, CYCLE).ideas()
    assert ideas[["id", "title", "owner", "level", "author", "votes"]].to_dict("records") == [
        {
            "id": idea,
            "title": "Become the obvious choice for retailers",
            "owner": "CMO",
            "level": "company",
            "author": "Ana",
            "votes": 0,
        }
    ]
    (shown,) = view.rows
    assert shown.idea == idea
    assert "Become the obvious choice for retailers" in shown.text.value
    assert "CMO" in shown.text.value and "Company" in shown.text.value
    assert view.idea_title.value == ""  # ready for the next idea
    assert view.empty.layout.display == "none"


def test_empty_title_is_a_readable_error_and_nothing_is_saved(store: Store) -> None:
    view = make(store)
    view.idea_title.value = "   "
    view.add_button.click()
    assert status(view) == view.t("need_title") == "Type the idea first."
    assert Board(store, CYCLE).ideas().empty
    assert view.rows == []


def test_level_dropdown_offers_every_level_translated(store: Store) -> None:
    view = make(store)
    assert [value for _label, value in view.idea_level.options] == list(LEVELS)
    assert {value: label for label, value in view.idea_level.options}["department"] == "Department"
    assert view.idea_level.value == "team"


# --- dot voting ----------------------------------------------------------------------------------


def test_vote_until_the_dots_run_out(store: Store, db: Path) -> None:
    view = make(store, dots=3)
    first, second = add(view, "Idea one"), add(view, "Idea two")
    assert view.dots_left == 3 and "3 of 3 dots left" in view.dots_label.value
    for expected_left, idea in ((2, first), (1, second), (0, first)):
        row(view, idea).vote_button.click()
        assert view.dots_left == expected_left
        assert status(view).startswith("Dot placed on")
    assert "●●●" not in view.dots_label.value and "○○○" in view.dots_label.value

    row(view, second).vote_button.click()  # a fourth dot
    assert status(view) == "Ana has spent all 3 dots: take one back (−1) to move it."
    assert "Traceback" not in view.status.value
    assert stored_votes(db) == Counter({(first, "Ana"): 2, (second, "Ana"): 1})
    assert view.dots_left == 0
    # most votes first, dots drawn and counted
    assert [r.idea for r in view.rows] == [first, second]
    assert "●●</span> <b>2</b>" in view.rows[0].text.value
    assert "●</span> <b>1</b>" in view.rows[1].text.value


def test_take_a_vote_back(store: Store, db: Path) -> None:
    view = make(store, dots=3)
    idea, other = add(view, "Idea one"), add(view, "Idea two")
    assert row(view, idea).unvote_button.disabled  # no dot of Ana's there yet
    row(view, idea).vote_button.click()
    row(view, idea).vote_button.click()
    assert not row(view, idea).unvote_button.disabled
    row(view, idea).unvote_button.click()
    assert status(view) == "Dot taken back from “Idea one”; 2 left."
    assert stored_votes(db) == Counter({(idea, "Ana"): 1})
    assert view.dots_left == 2

    row(view, other).unvote_button.click()  # disabled in the browser; a stale click still answers
    assert status(view) == "Ana has no dot on “Idea two”."
    assert stored_votes(db) == Counter({(idea, "Ana"): 1})


def test_voting_needs_a_name_and_the_name_box_switches_voter(store: Store, db: Path) -> None:
    view = make(store, voter=None, dots=2)
    idea = add(view, "Idea one")
    assert view.voter.value == "" and view.dots_left is None
    assert "Type your name to vote." in view.dots_label.value
    row(view, idea).vote_button.click()
    assert status(view) == "Type your name first, so that your dots count."
    assert stored_votes(db) == Counter()

    view.voter.value = "Bo"
    row(view, idea).vote_button.click()
    row(view, idea).vote_button.click()
    view.voter.value = "  Cy "
    assert view.dots_left == 2  # Cy's own dots, read when the name changes
    assert "Cy: ●● 2 of 2 dots left" in view.dots_label.value
    assert row(view, idea).unvote_button.disabled  # Cy has no dot there
    row(view, idea).vote_button.click()
    view.voter.value = "Bo"
    assert view.dots_left == 0
    assert stored_votes(db) == Counter({(idea, "Bo"): 2, (idea, "Cy"): 1})


# --- merging and promoting -----------------------------------------------------------------------


def test_merge_two_ideas_moves_their_votes(store: Store, db: Path) -> None:
    view = make(store, dots=3)
    dup, keep, bystander = (
        add(view, "Grow in Norway"),
        add(view, "Grow in Scandinavia"),
        add(view, "Cut churn"),
    )
    row(view, dup).vote_button.click()
    row(view, dup).vote_button.click()
    view.voter.value = "Bo"
    row(view, keep).vote_button.click()

    view.merge_button.click()  # nothing ticked
    assert status(view) == view.t("pick_two")
    assert view.merge_into.disabled and view.merge_into.options == ()

    row(view, dup).select.value = True
    row(view, keep).select.value = True
    assert [v for _label, v in view.merge_into.options] == [dup, keep]  # most votes first
    assert view.merge_into.value == dup
    view.merge_into.value = keep
    view.merge_button.click()

    assert status(view) == "Merged 1 duplicate(s) into “Grow in Scandinavia”: it has 3 votes now."
    assert stored_votes(db) == Counter({(keep, "Ana"): 2, (keep, "Bo"): 1})
    with Store(db) as other:
        ideas = Board(other, CYCLE).ideas(include_closed=True).set_index("id")
    assert ideas.loc[dup, "state"] == "merged" and ideas.loc[dup, "merged_into"] == keep
    assert [r.idea for r in view.rows] == [keep, bystander]
    assert shown_votes(row(view, keep)) == 3
    assert not any(r.select.value for r in view.rows)  # the ticks are spent
    assert view.merge_into.options == ()
    assert view.dots_left == 2  # Bo's dot moved with the idea, it was not refunded


def test_promote_an_idea_to_a_draft_objective(store: Store, db: Path) -> None:
    view = make(store)
    idea = add(view, "Make onboarding delightful", owner="Head of CX", level="department")
    other = add(view, "Something else")
    row(view, idea).promote_button.click()
    assert status(view) == f"“Make onboarding delightful” is now the draft objective IDEA-{idea}."
    with Store(db) as fresh:
        objective = fresh.load(CYCLE).objective(f"IDEA-{idea}")
    assert objective.title == "Make onboarding delightful"
    assert (objective.owner, objective.level, objective.key_results) == (
        "Head of CX",
        "department",
        (),
    )
    assert [r.idea for r in view.rows] == [other]
    assert f"IDEA-{idea}" in view.promoted.value


# --- several participants ------------------------------------------------------------------------


def test_second_board_sees_the_first_boards_idea_after_refresh(db: Path) -> None:
    with Store(db) as store_a, Store(db) as store_b:
        a, b = make(store_a, voter="Ana"), make(store_b, voter="Bo")
        idea = add(a, "Idea from Ana's kernel")
        row(a, idea).vote_button.click()
        assert b.rows == []  # not before refresh
        b.refresh_button.click()
        assert [r.idea for r in b.rows] == [idea]
        assert "Idea from Ana's kernel" in html.unescape(b.rows[0].text.value)
        assert shown_votes(b.rows[0]) == 1
        assert status(b) == "Board refreshed: 1 open ideas."


def test_idea_merged_meanwhile_is_a_readable_error(db: Path) -> None:
    with Store(db) as store_a, Store(db) as store_b:
        a, b = make(store_a, voter="Ana"), make(store_b, voter="Bo")
        first, second = add(a, "Idea one"), add(a, "Idea two")
        b.refresh_button.click()
        b.row_for(second).select.value = True
        b.row_for(first).select.value = True
        b.merge_into.value = first
        b.merge_button.click()

        a.row_for(second).vote_button.click()  # Ana's board still shows the merged idea
        assert status(a) == a.t("gone")
        assert "merged or promoted meanwhile" in status(a)
        assert [r.idea for r in a.rows] == [first]  # the board re-read the store
        assert a.dots_left == 3
        assert stored_votes(db) == Counter()


def test_take_back_and_promote_after_another_kernel_changed_the_idea(db: Path) -> None:
    with Store(db) as store_a, Store(db) as store_b:
        a, b = make(store_a, voter="Ana"), make(store_b, voter="Bo")
        first, second = add(a, "Idea one"), add(a, "Idea two")
        a.row_for(second).vote_button.click()
        b.refresh_button.click()
        b.row_for(first).select.value = True
        b.row_for(second).select.value = True
        b.merge_into.value = first
        b.merge_button.click()  # Ana's dot moves to idea one

        a.row_for(second).unvote_button.click()
        assert status(a) == a.t("gone")
        assert stored_votes(db) == Counter({(first, "Ana"): 1})  # nothing taken back
        assert [r.idea for r in a.rows] == [first] and shown_votes(a.rows[0]) == 1

        b.row_for(first).promote_button.click()
        a.row_for(first).promote_button.click()  # promoted meanwhile
        assert status(a) == a.t("gone")
        assert a.rows == []
        with Store(db) as fresh:
            assert [o.id for o in fresh.load(CYCLE).objectives] == [f"IDEA-{first}"]


# --- language, escaping, robustness --------------------------------------------------------------


def test_text_tables_have_the_same_keys_and_placeholders() -> None:
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    assert set(TEXT["en"]) == set(TEXT["sv"])
    for key in TEXT["en"]:
        assert fields(TEXT["en"][key]) == fields(TEXT["sv"][key]), key
    assert {f"level_{level}" for level in LEVELS} <= set(TEXT["en"])


def test_swedish_labels(store: Store, db: Path) -> None:
    view = make(store, lang="sv", voter="Åsa", dots=1)
    assert view.add_button.description == "Lägg till"
    assert view.refresh_button.description == "Uppdatera"
    assert view.voter.description == "Ditt namn"
    assert [label for label, _ in view.idea_level.options] == [
        "Företag",
        "Avdelning",
        "Team",
        "Individ",
    ]
    assert "Idéinsamling för 2026-Q1" in view.heading.value
    idea = add(view, "Bli bäst i Norden", level="individual")
    assert "Individ" in view.rows[0].text.value
    assert view.rows[0].promote_button.description == "Gör till mål"
    row(view, idea).vote_button.click()
    assert status(view) == "Prick lagd på ”Bli bäst i Norden”; 0 kvar."
    row(view, idea).vote_button.click()
    assert status(view) == "Åsa har använt alla 1 prickar: ta tillbaka en (−1) för att flytta den."
    assert stored_votes(db) == Counter({(idea, "Åsa"): 1})


def test_language_from_the_environment(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKRKIT_LANG", "sv_SE.UTF-8")
    assert make(store).merge_button.description == "Slå ihop förbockade idéer"
    monkeypatch.setenv("OKRKIT_LANG", "en")
    assert make(store).merge_button.description == "Merge ticked ideas"


def test_user_text_is_escaped(store: Store) -> None:
    view = make(store, voter="<i>Eve</i>")
    title = '<script>alert("x")</script> & <b>more</b>'
    idea = add(view, title, owner="<img src=x onerror=alert(1)>")
    shown = row(view, idea).text.value
    assert "<script>" not in shown and "<img" not in shown and "<b>more" not in shown
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;more" in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert "<script>" not in view.status.value and "&lt;script&gt;" in view.status.value
    assert "<i>" not in view.dots_label.value and "&lt;i&gt;Eve&lt;/i&gt;" in view.dots_label.value
    row(view, idea).promote_button.click()
    assert "<script>" not in view.promoted.value and "&lt;script&gt;" in view.promoted.value


def test_a_callback_never_raises(
    store: Store, db: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    view = make(store)
    idea = add(view, "Idea one")

    def broken(self: Board, idea: int, voter: str) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Board, "vote", broken)
    row(view, idea).vote_button.click()  # must not raise
    assert status(view) == view.t("unexpected")
    assert "disk on fire" not in view.status.value and "Traceback" not in view.status.value
    assert "okrkit view callback failed" in caplog.text
    assert stored_votes(db) == Counter()


def test_the_package_exposes_the_view_lazily() -> None:
    import okrkit.ui

    assert okrkit.ui.brainstorm_board is brainstorm_board


# --- speed ---------------------------------------------------------------------------------------


@contextmanager
def counting_reads(store: Store) -> Iterator[list[int]]:
    """Count the read transactions ``store`` opens."""
    calls: list[int] = []
    original = store._read

    @contextmanager
    def read() -> Iterator[Any]:
        calls.append(1)
        with original() as conn:
            yield conn

    store._read = read  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        del store._read


def test_a_click_costs_one_store_read_with_200_ideas(store: Store) -> None:
    board = Board(store, CYCLE, dots=500)
    for i in range(200):
        board.add_idea(f"Idea number {i}", owner=f"Owner {i % 7}")
    view = make(store, dots=500)
    assert len(view.rows) == 200
    # Response times are measured in benchmarks/widgets.py; here, the work a click does.
    for i in range(9):
        target = view.rows[(i * 37) % 200]
        with counting_reads(store) as reads:
            target.vote_button.click()
        assert status(view).startswith("Dot placed on"), status(view)
        assert len(reads) == 1  # re-rendered from one ideas() read
    with counting_reads(store) as reads:
        view.rows[3].promote_button.click()
        view.idea_title.value = "One more"
        view.add_button.click()
    assert len(reads) == 2
    assert len(view.rows) == 200


# --- two kernels on one store --------------------------------------------------------------------

DOTS = 3
IDEAS_EACH = 20
SHARED_VOTERS = ("ana", "bo", "cy")  # vote in both processes at once, over their dots
ROUNDS = 5


def _workshop(db: str, k: int, barrier: Any, results: Any) -> None:
    """One participant's kernel: add ideas and vote through the widgets; report what it saw."""
    try:
        with Store(db) as store:
            view = brainstorm_board(store, cycle=CYCLE, voter=f"facilitator-{k}", dots=DOTS)
            barrier.wait(timeout=60)
            start = time.perf_counter()
            for i in range(IDEAS_EACH):
                title = f"P{k} idea {i}"
                view.idea_title.value = title
                view.idea_owner.value = f"owner {k}"
                view.add_button.click()
                assert status(view) == view.t("added", title=title), status(view)
            view.refresh_button.click()
            voters = [*SHARED_VOTERS, f"p{k}-dee", f"p{k}-eva"]
            saved: list[tuple[int, str]] = []
            refused = 0
            for rnd in range(ROUNDS):
                for j, voter in enumerate(voters):
                    view.voter.value = voter
                    target = view.rows[(rnd * 11 + j * 3 + k * 5) % len(view.rows)]
                    idea = target.idea
                    assert idea is not None
                    target.vote_button.click()
                    said = status(view)
                    if said.startswith("Dot placed on"):
                        saved.append((idea, voter))
                    else:
                        assert said == view.t("no_dots", voter=voter, dots=DOTS), said
                        assert view.dots_left == 0
                        refused += 1
        seconds = time.perf_counter() - start
        results.put({"k": k, "saved": saved, "refused": refused, "seconds": seconds})
    except BaseException:
        results.put({"k": k, "error": traceback.format_exc()})


def test_two_processes_through_the_widgets_lose_nothing(db: Path) -> None:
    Store(db).close()  # the schema exists before the race
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_workshop, args=(str(db), k, barrier, results)) for k in (0, 1)]
    for p in procs:
        p.start()
    try:
        reports = [results.get(timeout=120) for _ in procs]
        for p in procs:
            p.join(timeout=30)
            assert p.exitcode == 0
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
    errors = [r["error"] for r in reports if "error" in r]
    assert not errors, errors[0]
    print("workshop seconds per process:", [round(r["seconds"], 2) for r in reports])

    with Store(db) as store:
        ideas = Board(store, CYCLE).ideas(include_closed=True)
    expected = {f"P{k} idea {i}" for k in (0, 1) for i in range(IDEAS_EACH)}
    assert sorted(ideas["title"]) == sorted(expected)  # every idea, once

    saved = Counter(vote for r in reports for vote in r["saved"])
    votes = stored_votes(db)
    assert votes == saved  # every vote the widgets confirmed is in the store, and no other
    per_voter = Counter(voter for (_idea, voter), n in votes.items() for _ in range(n))
    assert max(per_voter.values()) <= DOTS
    # each voter tried more often than they had dots: all dots were spent, the rest refused
    voters = [*SHARED_VOTERS, *(f"p{k}-{n}" for k in (0, 1) for n in ("dee", "eva"))]
    assert per_voter == dict.fromkeys(voters, DOTS)
    attempts = 2 * ROUNDS * 5
    assert sum(len(r["saved"]) for r in reports) + sum(r["refused"] for r in reports) == attempts

    with Store(db) as store:  # a third participant sees it all on one refresh
        view = brainstorm_board(store, cycle=CYCLE, voter="ana", dots=DOTS)
        assert len(view.rows) == 2 * IDEAS_EACH
        assert view.dots_left == 0
        shown = sum(shown_votes(r) for r in view.rows)
        assert shown == sum(votes.values()) == len(voters) * DOTS


# --- Enter, and messages in the words of the board ------------------------------------------------


def enter(box: Any) -> None:
    """Press Enter in a text box: the browser sends a ``submit`` message."""
    box._handle_custom_msg({"event": "submit"}, [])


def test_enter_in_the_idea_box_adds_the_idea(store: Store) -> None:
    view = make(store)
    view.idea_title.value = "Open a shop in Oslo"
    enter(view.idea_title)
    assert status(view) == "Added “Open a shop in Oslo”."
    assert view.idea_title.value == ""  # ready for the next idea
    view.idea_title.value = "Halve the delivery time"
    view.idea_owner.value = "COO"
    enter(view.idea_owner)  # Enter in the owner box adds too
    ideas = Board(store, CYCLE).ideas()
    assert sorted(ideas["title"]) == ["Halve the delivery time", "Open a shop in Oslo"]
    assert ideas.set_index("title").loc["Halve the delivery time", "owner"] == "COO"
    enter(view.idea_title)  # an empty box: a message, no idea
    assert status(view) == "Type the idea first."
    assert len(Board(store, CYCLE).ideas()) == 2


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Could not save: Idea: “Open a shop in Oslo” is already taken"),
        ("sv", "Kunde inte spara: Idé: “Open a shop in Oslo” is already taken"),
    ],
)
def test_an_error_names_the_box_by_its_label_and_an_objective_by_its_title(
    store: Store, monkeypatch: pytest.MonkeyPatch, lang: str, expected: str
) -> None:
    from okrkit.errors import ValidationError

    view = make(store, lang=lang)
    first = add(view, "Open a shop in Oslo")
    view.promote(first)
    objective = view.state.promoted[0]["objective"]
    second = add(view, "Open a shop in Bergen")

    def refused(self: Board, idea: int) -> Any:
        raise ValidationError(
            f"{objective} is already taken",
            field="title",
            fix=f"remove {objective} from the aligns_to of CO-1",
        )

    monkeypatch.setattr(Board, "promote", refused)
    row(view, second).promote_button.click()
    shown = status(view)
    assert shown == expected
    assert "field" not in shown and "aligns_to" not in shown
