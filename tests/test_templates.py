"""The starter templates: valid, complete and consistent with each other."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest
from testdata import TEMPLATE_PATHS

from okrkit import OkrSet, load_yaml, score
from okrkit.model import FREQUENCIES

IDS = [p.stem for p in TEMPLATE_PATHS]


@pytest.fixture(scope="module")
def all_sets() -> dict[str, OkrSet]:
    return {p.stem: load_yaml(p) for p in TEMPLATE_PATHS}


def test_the_templates_are_there(templates_dir: Path) -> None:
    names = {p.stem for p in templates_dir.glob("*.yaml")}
    assert {
        "company",
        "customer_success",
        "engineering",
        "hr",
        "marketing",
        "personal",
        "product",
        "sales",
    } <= names
    assert len(TEMPLATE_PATHS) == len(names)


@pytest.mark.parametrize("path", TEMPLATE_PATHS, ids=IDS)
def test_template_loads(path: Path) -> None:
    okrs = load_yaml(path)
    assert okrs.objectives
    assert okrs.cycle.id == "2026-Q1"


@pytest.mark.parametrize("path", TEMPLATE_PATHS, ids=IDS)
def test_template_kpis_have_all_four_parts(path: Path) -> None:
    okrs = load_yaml(path)
    assert okrs.kpis, "every template shows at least one KPI"
    for kpi in okrs.kpis:
        assert math.isfinite(kpi.target), kpi.id
        assert kpi.timeframe.strip(), kpi.id
        assert kpi.data_source.strip(), kpi.id
        assert kpi.frequency in FREQUENCIES, kpi.id


@pytest.mark.parametrize("path", TEMPLATE_PATHS, ids=IDS)
def test_template_has_two_to_five_key_results_per_objective(path: Path) -> None:
    okrs = load_yaml(path)
    for o in okrs.objectives:
        assert 2 <= len(o.key_results) <= 5, o.id


@pytest.mark.parametrize("path", TEMPLATE_PATHS, ids=IDS)
def test_template_scores(path: Path) -> None:
    okrs = load_yaml(path)
    for as_of in (okrs.cycle.start, okrs.cycle.end):
        s = score(okrs, as_of)
        assert len(s.key_results) == sum(len(o.key_results) for o in okrs.objectives)
        krs = s.key_results
        known = krs["score"].notna()
        assert krs.loc[known, "score"].between(0.0, 1.0).all()
        # a key result without a score says why: no reading yet, or a milestone not yet due
        assert set(krs.loc[~known, "pending"]) <= {"no data", "not yet due"}
        assert krs.loc[known, "pending"].isna().all()
        objectives = s.objectives
        assert objectives["score"].dropna().between(0.0, 1.0).all()
        assert (objectives["score"].isna() == (objectives["scored"] == 0)).all()
        assert len(s.to_dict()["objectives"]) == len(okrs.objectives)


def test_ids_are_unique_across_templates(all_sets: dict[str, OkrSet]) -> None:
    counts = Counter(ident for okrs in all_sets.values() for ident in okrs.ids)
    assert [ident for ident, n in counts.items() if n > 1] == []


def test_every_aligns_to_exists_in_some_template(all_sets: dict[str, OkrSet]) -> None:
    objective_ids = {o.id for okrs in all_sets.values() for o in okrs.objectives} | {
        kr.id for okrs in all_sets.values() for _, kr in okrs.key_results()
    }
    missing = {
        (name, o.id, parent)
        for name, okrs in all_sets.items()
        for o in okrs.objectives
        for parent in o.aligns_to
        if parent not in objective_ids
    }
    assert missing == set()
    assert any(o.aligns_to for okrs in all_sets.values() for o in okrs.objectives)


def test_team_and_department_objectives_are_aligned(all_sets: dict[str, OkrSet]) -> None:
    unaligned = [
        o.id
        for okrs in all_sets.values()
        for o in okrs.objectives
        if o.level in ("department", "team") and not o.aligns_to
    ]
    assert unaligned == []


def test_the_templates_show_the_shapes_real_teams_use(all_sets: dict[str, OkrSet]) -> None:
    """A team starting from a template sees how to write each shape real OKR sets have."""
    krs = [kr for okrs in all_sets.values() for _, kr in okrs.key_results()]
    kr_ids = {kr.id for kr in krs}
    assert any(
        p in kr_ids for okrs in all_sets.values() for o in okrs.objectives for p in o.aligns_to
    )
    assert any(kr.type == "ordinal" and kr.stretch_zone for kr in krs)
    assert any(kr.bound == "at_least" and kr.start is None for kr in krs)
    assert any(kr.per == "month" for kr in krs)
    assert any(kr.type == "milestone" and kr.due is not None for kr in krs)
    assert any(kr.description for kr in krs)
