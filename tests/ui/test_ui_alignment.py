"""The alignment editor, driven like a facilitator would: pick an objective, its parents, Save.

No browser: ipywidgets run in plain Python, observers fire and ``Button.click()`` calls the
handlers. Each test asserts on the store (through a second Store object) and on what the view
shows: the parents, the picture (PNG bytes) and the findings OKR601–OKR606.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from okrkit import Objective, OkrSet, load_template
from okrkit.store import Store
from okrkit.ui import alignment_editor
from okrkit.ui.alignment import TEXT, AlignmentEditor, parent_choices

CYCLE = "2026-Q1"
PNG = b"\x89PNG\r\n\x1a\n"


def make(store: Store, **kwargs: Any) -> AlignmentEditor:
    kwargs.setdefault("cycle", CYCLE)
    return alignment_editor(store, **kwargs)


def text(widget: Any) -> str:
    """What an HTML widget shows as text (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", widget.value))


def png(view: AlignmentEditor) -> bytes:
    """The picture's bytes (the Image widget holds a memoryview)."""
    return bytes(view.picture.value)


def codes(view: AlignmentEditor) -> list[tuple[str, str]]:
    return [(f.code, f.item) for f in view.checks]


def test_labels_have_the_same_keys_in_both_languages() -> None:
    assert set(TEXT["en"]) == set(TEXT["sv"])


def test_builds_with_the_picture_and_the_checks(store: Store) -> None:
    view = make(store)
    ids = [value for _, value in view.objective_pick.options]
    assert ids == ["CO-1", "CO-2", "CO-3", "CO-4", "MKT-1", "MKT-2", "MKT-3"]
    assert png(view).startswith(PNG)
    assert len(png(view)) > 5000
    assert ("OKR605", "CO-3") in codes(view)  # nobody aligns to CO-3 in these two templates
    assert all(code.startswith("OKR60") for code, _ in codes(view))
    assert "OKR605" in text(view.findings)
    assert "warning CO-3: no objective aligns to company objective CO-3" in text(view.findings)


def test_picking_an_objective_shows_its_parents_and_not_itself(store: Store) -> None:
    view = make(store)
    view.objective_pick.value = "MKT-1"
    assert view.parents.value == ("CO-1", "CO-2")
    options = [value for _, value in view.parents.options]
    assert "MKT-1" not in options
    assert set(options) == {"CO-1", "CO-2", "CO-3", "CO-4", "MKT-2", "MKT-3"}
    view.objective_pick.value = "CO-1"
    assert view.parents.value == ()


def test_save_sets_the_parents(store: Store, other: Store) -> None:
    view = make(store)
    before = png(view)
    version = other.versions(CYCLE)["MKT-3"]
    view.objective_pick.value = "MKT-3"
    view.parents.value = ("MKT-1", "CO-3")
    view.save_button.click()
    assert other.load(CYCLE).objective("MKT-3").aligns_to == ("MKT-1", "CO-3")
    assert other.versions(CYCLE)["MKT-3"] == version + 1
    assert "Saved: MKT-3 aligns to MKT-1, CO-3" in text(view.status)
    assert view.objective_pick.value == "MKT-3"
    assert set(view.parents.value) == {"MKT-1", "CO-3"}
    assert ("OKR605", "CO-3") not in codes(view)  # the checks were run again
    assert png(view).startswith(PNG)
    assert png(view) != before  # and the picture redrawn


def test_no_parents_makes_an_orphan(store: Store, other: Store) -> None:
    view = make(store)
    view.objective_pick.value = "MKT-2"
    view.parents.value = ()
    view.save_button.click()
    assert other.load(CYCLE).objective("MKT-2").aligns_to == ()
    assert ("OKR604", "MKT-2") in codes(view)
    assert "Saved: MKT-2 aligns to nothing" in text(view.status)


def test_a_loop_is_saved_and_shown_as_okr601(store: Store, other: Store) -> None:
    view = make(store)
    assert not [c for c in codes(view) if c[0] == "OKR601"]
    view.objective_pick.value = "CO-1"
    view.parents.value = ("MKT-1",)  # MKT-1 already aligns to CO-1
    view.save_button.click()
    assert other.load(CYCLE).objective("CO-1").aligns_to == ("MKT-1",)
    assert ("OKR601", "CO-1") in codes(view)
    shown = text(view.findings)
    assert "OKR601" in shown
    assert "CO-1 -> MKT-1 -> CO-1" in shown
    assert shown.index("OKR601") < shown.index("OKR605")  # errors first
    assert png(view).startswith(PNG)


def test_a_stale_version_is_a_conflict(store: Store, other: Store) -> None:
    view = make(store)
    view.objective_pick.value = "MKT-3"
    other.realign("MKT-3", other.versions(CYCLE)["MKT-3"], ["CO-4"])
    view.parents.value = ("CO-2",)
    view.save_button.click()
    assert "changed by somebody else" in text(view.status)
    assert other.load(CYCLE).objective("MKT-3").aligns_to == ("CO-4",)
    view.refresh_button.click()
    assert view.parents.value == ("CO-4",)


def test_parents_of_enclosing_and_earlier_cycles(store: Store) -> None:
    store.import_set(
        OkrSet(cycle="2026", objectives=[Objective(id="Y-1", title="A year goal", level="company")])
    )
    store.import_set(
        OkrSet(cycle="2025-Q4", objectives=[Objective(id="Q4-1", title="Last quarter")])
    )
    store.import_set(OkrSet(cycle="2026-Q2", objectives=[Objective(id="Q2-1", title="Later")]))
    view = make(store)
    view.objective_pick.value = "MKT-3"
    labels = dict((value, label) for label, value in view.parents.options)
    assert "Y-1" in labels and "(2026)" in labels["Y-1"]
    assert "Q4-1" in labels
    assert "Q2-1" not in labels
    view.parents.value = ("Y-1",)
    view.save_button.click()
    assert store.load(CYCLE).objective("MKT-3").aligns_to == ("Y-1",)
    # the picture and checks cover every cycle; an enclosing cycle is no OKR603
    assert ("OKR603", "MKT-3") not in codes(view)
    assert ("OKR605", "Y-1") not in codes(view)


def test_parent_choices_lists_its_cycle_first_then_the_closest() -> None:
    sets = {
        okrs.cycle.id: okrs
        for okrs in (
            OkrSet(cycle="2026-Q1", objectives=[Objective(id="A", title="a")]),
            OkrSet(cycle="2026", objectives=[Objective(id="Y", title="y")]),
            OkrSet(cycle="2025-Q4", objectives=[Objective(id="P", title="p")]),
            OkrSet(cycle="2026-Q2", objectives=[Objective(id="N", title="n")]),
            OkrSet(
                cycle={"id": "jan-mar", "start": "2026-01-01", "end": "2026-03-31"},
                objectives=[Objective(id="B", title="b"), Objective(id="C", title="c")],
            ),
        )
    }
    assert [c[0] for c in parent_choices(sets, "2026-Q1", "A")] == ["B", "C", "Y", "P"]
    assert parent_choices(sets, "jan-mar", "B") == [
        ("C", "c", "jan-mar"),
        ("A", "a", "2026-Q1"),
        ("Y", "y", "2026"),
        ("P", "p", "2025-Q4"),
    ]
    assert [c[0] for c in parent_choices(sets, "2026", "Y")] == ["P"]


def test_a_link_to_a_missing_objective_is_kept_and_reported(tmp_path: Path) -> None:
    with Store(tmp_path / "okrkit.db") as alone:
        alone.import_set(load_template("marketing"))  # aligns to CO-1 and CO-2, not loaded
        view = make(alone)
        view.objective_pick.value = "MKT-1"
        assert view.parents.value == ("CO-1", "CO-2")
        labels = dict((value, label) for label, value in view.parents.options)
        assert labels["CO-1"] == "CO-1 (not in the store)"
        assert ("OKR602", "MKT-1") in codes(view)
        view.parents.value = ("CO-2", "MKT-2")
        view.save_button.click()
        assert alone.load(CYCLE).objective("MKT-1").aligns_to == ("CO-2", "MKT-2")


def test_user_text_is_escaped(store: Store) -> None:
    evil = "<script>alert(1)</script>"
    store.import_set(
        OkrSet(
            cycle=CYCLE,
            objectives=[Objective(id="T-1", title=evil, level="team", aligns_to=[evil])],
        )
    )
    view = make(store)
    assert ("OKR602", "T-1") in codes(view)
    assert "<script>" not in view.findings.value
    assert "&lt;script&gt;" in view.findings.value
    assert evil in text(view.findings)


def test_swedish_labels(store: Store) -> None:
    view = make(store, lang="sv")
    assert view.save_button.description == "Spara"
    assert view.parents.description == "Bidrar till"
    assert view.objective_pick.description == "Mål"
    shown = text(view.findings)
    assert "Kopplingskontroller" in shown
    # The findings' own Swedish message and fix, not an English message under a Swedish title
    assert "varning CO-3: företagsmålet CO-3 stöds inte av något mål" in shown  # OKR605
    assert "eller stryk det om ingen arbetar med det" in shown
    assert "no objective aligns to" not in shown
    assert all("aligns to" not in f.message for f in view.checks)
    view.objective_pick.value = "MKT-2"
    view.parents.value = ()
    view.save_button.click()
    assert "Sparat: MKT-2 bidrar till inget" in text(view.status)
    assert ("OKR604", "MKT-2") in codes(view)
    assert "MKT-2 är ett avdelningsmål som inte pekar på något mål" in text(view.findings)


def test_an_empty_store_shows_a_message(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.db") as empty:
        view = alignment_editor(empty)
        assert "is empty" in text(view.status)
        view.save_button.click()  # does not raise
        assert png(view) == b""
