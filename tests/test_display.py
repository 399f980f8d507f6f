"""Tables for notebooks (okrkit.display): what a reader sees in the HTML."""

from __future__ import annotations

import datetime as dt
import html
import re

import pandas as pd
import pytest

import okrkit
from okrkit.display import format_date, live_table, score_table, table

TITLE = "Grow monthly recurring revenue from $1.6M to $2M"


def cells(html_text: str) -> list[str]:
    """The text of every body cell, as a reader sees it."""
    found = re.findall(r"<td[^>]*>(.*?)</td>", html_text, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in found]


@pytest.fixture
def sales_scores() -> okrkit.Scores:
    okrs = okrkit.load_template("sales", "2026-Q1")
    return okrkit.score(okrs, dt.date(2026, 2, 1))


def test_two_dollars_never_reach_a_maths_renderer(sales_scores: okrkit.Scores) -> None:
    html_text = score_table(sales_scores).to_html()
    assert TITLE in [c.strip() for c in cells(html_text)]
    assert "$" not in html_text  # MathJax and Markdown see &#36;, never a pair of $
    classes = re.search(r'<table[^>]* class="([^"]*)"', html_text)
    assert classes is not None  # and MathJax 2 and 3 skip the table anyway
    assert {"tex2jax_ignore", "mathjax_ignore"} <= set(classes.group(1).split())


def test_ids_never_wrap(sales_scores: okrkit.Scores) -> None:
    html_text = table(sales_scores.key_results[["id", "objective", "title"]]).to_html()
    nowrap = {
        int(col)
        for selectors, style in re.findall(r"([^{}]+)\{([^}]*)\}", html_text)
        if "white-space: nowrap" in style
        for col in re.findall(r"_row\d+_col(\d+)", selectors)
    }
    assert nowrap == {0, 1}  # id and objective; the title wraps
    indexed = table(sales_scores.objectives.set_index("id")[["title"]]).to_html()
    assert re.search(r"#T_\w+_level0_row0[^{]*\{[^}]*white-space: nowrap", indexed)


def test_numbers_are_rounded_and_empty_values_are_a_dash() -> None:
    frame = pd.DataFrame(
        {
            "id": ["A", "B"],
            "score": [0.016667, None],
            "rolled_up": [float("nan"), 0.5],
            "value": [1234567.891, float("nan")],
            "votes": [3, 0],
        }
    )
    shown = cells(table(frame).to_html())
    assert shown == ["A", "0.02", "–", "1,234,567.89", "3", "B", "–", "0.50", "–", "0"]
    swedish = cells(table(frame, lang="sv").to_html())
    assert swedish[1:4] == ["0,02", "–", "1\u00a0234\u00a0567,89"]
    assert not any("nan" in c.lower() for c in shown + swedish)


def test_dates_follow_the_language() -> None:
    frame = pd.DataFrame({"id": ["A", "B"], "last_checkin": pd.to_datetime(["2026-03-02", None])})
    assert cells(table(frame, lang="en").to_html()) == ["A", "2 Mar 2026", "B", "–"]
    assert cells(table(frame, lang="sv").to_html()) == ["A", "2026-03-02", "B", "–"]
    assert format_date(dt.date(2026, 12, 31), "en") == "31 Dec 2026"


def test_score_table_caption_and_empty_scores(sales_scores: okrkit.Scores) -> None:
    html_text = score_table(sales_scores, lang="sv").to_html()
    assert "2026-02-01" in html_text
    assert "1 Feb 2026" in score_table(sales_scores).to_html()
    assert "nan" not in html_text.lower()


def shown_html(live: object) -> str:
    (output,) = live.table.outputs  # type: ignore[attr-defined]
    return str(output["data"]["text/html"])


def test_live_table_follows_the_views_it_is_given() -> None:
    import ipywidgets as widgets

    rows = [pd.DataFrame({"id": ["A"], "votes": [1]})]
    view = widgets.VBox()
    view.status = widgets.HTML()
    shown = live_table(lambda: rows[-1], follow=[view])
    assert cells(shown_html(shown)) == ["A", "1"]
    rows.append(pd.DataFrame({"id": ["A", "B"], "votes": [2, 1]}))
    view.status.value = "Dot placed"  # the view saved something
    assert cells(shown_html(shown)) == ["A", "2", "B", "1"]
    rows.append(pd.DataFrame({"id": ["C"], "votes": [0]}))
    shown.refresh_button.click()
    assert cells(shown_html(shown)) == ["C", "0"]


def test_headers_and_codes_follow_the_language() -> None:
    frame = pd.DataFrame({"id": ["A"], "status": ["off track"], "last_checkin": [None]})
    english = table(frame).to_html()
    swedish = table(frame, lang="sv").to_html()
    headers = [
        re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", swedish)
    ]
    assert headers == ["ID", "Status", "Senaste avstämning"]
    assert "på fel spår" in cells(swedish) and "off track" in cells(english)
    assert "Last check-in" in english
    assert ">0<" not in english  # no row numbers
