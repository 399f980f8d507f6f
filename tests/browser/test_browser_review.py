"""The quarter-end review in a real browser, in app mode (Voila) and in JupyterLab.

A grade typed into the qualitative key result's slider reaches the page and the store. What a
facilitator sees: each key result's input on the same row as its label and result, under
its own objective's header and above the next one's; headers across the whole table; no cell on
top of another. Then the carry-over: untick an objective, read the preview, confirm, and find
exactly the ticked copies in the store. One page load per mode; screenshots in
``build/browser/``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import pandas as pd
import pytest

from okrkit.cycles import current_quarter
from okrkit.ui.review import css_class
from tests.browser.conftest import SHOTS
from tests.browser.test_browser_workshop import button, open_notebook, status

pytestmark = pytest.mark.browser

#: How far apart the vertical centres of a row's cells may be, in CSS pixels.
ROW_SLACK = 4


@pytest.fixture(params=["voila", "lab"])
def served(request: pytest.FixtureRequest) -> Any:
    """The Voila app, then JupyterLab."""
    return request.getfixturevalue(f"{request.param}_server")


def shoot(page: Any, name: str) -> None:
    """Keep the review widget, all of it, as ``build/browser/NAME.png``.

    Voila and JupyterLab scroll inside the page, so a screenshot holds the window only: the
    window is made as tall as the widget for the picture, then set back.
    """
    SHOTS.mkdir(parents=True, exist_ok=True)
    review = page.locator(".okrkit-review")
    size = page.viewport_size
    shape = review.bounding_box()
    assert shape is not None
    page.set_viewport_size({"width": size["width"], "height": int(shape["height"]) + 400})
    review.scroll_into_view_if_needed()
    review.screenshot(path=str(SHOTS / f"{name}.png"))
    page.set_viewport_size(size)


def box(page: Any, selector: str) -> dict[str, float]:
    """The on-screen box of the one visible element ``selector`` matches."""
    found = page.locator(selector)
    assert found.count() == 1, selector
    shape = found.bounding_box()
    assert shape is not None and shape["width"] > 0 and shape["height"] > 0, selector
    return shape


def middle(shape: dict[str, float]) -> float:
    return shape["y"] + shape["height"] / 2


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    """Whether two boxes share more than a pixel each way."""
    wide = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
    high = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
    return wide > 1 and high > 1


def grade(page: Any, served: Any) -> None:
    """Grade the qualitative key result MKT-3-KR3 by typing into its slider's readout."""
    ident = "MKT-3-KR3"  # the qualitative key result of the marketing starter set
    kr = css_class("okrkit-kr", ident)
    value = 0.7 if served.mode == "voila" else 0.6
    page.locator(f".okrkit-review-input.{kr} .widget-readout").click()
    page.keyboard.press("Control+A")
    page.keyboard.type(f"{value:.2f}")
    page.keyboard.press("Enter")
    status(page, re.compile(rf"{ident}.*{value:g}"))
    page.locator(f".okrkit-review-result.{kr}").get_by_text(f"{value:g}", exact=True).wait_for()
    shoot(page, f"{served.mode}-4-review-graded")

    today = dt.date.today()
    as_of = min(max(today, current_quarter(today).start), current_quarter(today).end)
    with served.store() as store:
        checkins = store.checkins(ident)
    assert checkins["grade"].iloc[-1] == pytest.approx(value)
    assert pd.Timestamp(checkins["date"].iloc[-1]).date() == as_of


def test_grade_the_review_row_by_row_and_carry_over(page: Any, served: Any) -> None:
    open_notebook(page, served, "05_quarter_end_review.ipynb", "Quarter-end review")
    grade(page, served)
    with served.store() as store:
        frames = store.frames()
    objectives = frames.objectives["id"].tolist()
    by_objective = frames.key_results.groupby("objective", sort=False)["id"].apply(list)
    page.locator(".okrkit-review-objective").first.wait_for()
    shoot(page, f"{served.mode}-5-review-rows")

    grid = box(page, ".widget-gridbox:has(.okrkit-review-objective)")
    headers = {}
    for oid in objectives:
        selector = f".okrkit-review-objective.{css_class('okrkit-objective', oid)}"
        assert page.locator(selector).inner_text().startswith(oid)
        headers[oid] = box(page, selector)
        # A header spans the table: it is not one cell of a row.
        assert headers[oid]["x"] == pytest.approx(grid["x"], abs=2)
        assert headers[oid]["width"] == pytest.approx(grid["width"], abs=2), oid
    cells = list(headers.values())
    for oid, after in itertools.zip_longest(objectives, objectives[1:]):
        for ident in by_objective.get(oid, []):
            kr = css_class("okrkit-kr", ident)
            label = box(page, f".okrkit-review-label.{kr}")
            assert page.locator(f".okrkit-review-label.{kr}").inner_text().startswith(ident)
            field = box(page, f".okrkit-review-input.{kr}")
            result = box(page, f".okrkit-review-result.{kr}")
            for cell in (field, result):
                assert abs(middle(cell) - middle(label)) <= ROW_SLACK, ident
                assert cell["x"] > label["x"] + label["width"] - 1, ident  # to the right
            for cell in (label, field, result):
                assert cell["y"] >= headers[oid]["y"] + headers[oid]["height"] - 1, ident
                if after is not None:
                    assert cell["y"] + cell["height"] <= headers[after]["y"] + 1, ident
            cells += [label, field, result]
    crossing = [(a, b) for a, b in itertools.combinations(cells, 2) if overlap(a, b)]
    assert not crossing

    # Carry-over: the unfinished objectives are ticked; MKT-2 stays behind.
    assert page.locator(".okrkit-carry-pick input:checked").count() == len(frames.key_results) + 3
    page.locator(f".{css_class('okrkit-carry', 'MKT-2')} input").uncheck()
    preview = page.locator(".okrkit-carry-preview")
    target = re.search(r"(\d{4}-Q\d):", preview.inner_text())
    assert target is not None
    copy = f"MKT-2-{target.group(1)}"
    page.wait_for_function(
        "id => !document.querySelector('.okrkit-carry-preview').innerText.includes(id)", arg=copy
    )
    shown = preview.inner_text()
    assert f"MKT-1-{target.group(1)}" in shown and f"MKT-3-KR3-{target.group(1)}" in shown
    shoot(page, f"{served.mode}-5-carry-preview")
    with served.store() as store:
        assert target.group(1) not in [c.id for c in store.cycles()]  # nothing written yet
    button(page, f"Confirm: carry over to {target.group(1)}").click()
    status(page, re.compile(rf"Carried 2 objectives .* to {target.group(1)}"))
    button(page, "Undo the carry-over").wait_for()
    shoot(page, f"{served.mode}-5-carried")

    with served.store() as store:
        carried = store.frames(target.group(1))
    assert carried.objectives["carried_from"].tolist() == ["MKT-1", "MKT-3"]
    assert set(carried.key_results["carried_from"]) == set(by_objective["MKT-1"]) | set(
        by_objective["MKT-3"]
    )
