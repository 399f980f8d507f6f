"""The alignment editor in a real browser at projector size (1280×720), in app mode (Voila).

One page load: the picture comes right under the editor's controls, before the findings, and
is shown at its own size (not scaled down); the findings are folded groups with counts, said in
the words of the screen, and leave out the check-in check (the store's key results were made
minutes ago in a quarter that started weeks ago). Screenshots land in ``build/browser/``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser

RENDER_MS = 120_000
SCREEN = {"width": 1280, "height": 720}


def test_the_alignment_editor_at_projector_size(
    page: Any, voila_server: Any, screenshot: Any
) -> None:
    page.set_viewport_size(SCREEN)
    page.goto(voila_server.notebook_url("03_alignment_graph.ipynb"))
    editor = page.locator(".okrkit-alignment-editor")
    editor.wait_for(timeout=RENDER_MS)
    picture = editor.locator(".widget-image")
    picture.wait_for()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )
    findings = editor.locator("details.okrkit-finding-group").first
    findings.wait_for()
    editor.scroll_into_view_if_needed()
    screenshot(page, "voila-alignment-1280x720")

    top, shown, groups = editor.bounding_box(), picture.bounding_box(), findings.bounding_box()
    assert top and shown and groups
    # The picture is not pushed off screen by the findings: it starts within one screen of
    # the editor's top, and the findings come after it.
    assert shown["y"] - top["y"] < SCREEN["height"], (top, shown)
    assert groups["y"] >= shown["y"] + shown["height"] - 1, (shown, groups)
    # Shown at its own size, inside the page: its labels keep their points on the screen.
    natural = picture.evaluate("img => img.naturalWidth")
    assert shown["x"] >= 0 and shown["x"] + shown["width"] <= SCREEN["width"]
    assert shown["width"] >= 0.9 * min(natural, SCREEN["width"] - shown["x"]), (natural, shown)
    assert shown["width"] <= 1.05 * natural, (natural, shown)  # nor blown up

    text = editor.inner_text()
    assert "check-in" not in text and "aligns_to" not in text
    # Folded: a summary with its count, the findings under it hidden until opened.
    summary = findings.locator("summary").first
    assert re.search(r"\(OKR60\d, (warning|error)\): \d+$", summary.inner_text().strip())
    item = findings.locator("li").first
    assert not item.is_visible()
    summary.click()
    findings.locator("details summary").first.click()
    item.wait_for(state="visible")
    assert "“Aligns to”" in item.inner_text()
    screenshot(page, "voila-alignment-findings-opened")
