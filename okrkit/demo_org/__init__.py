"""A synthetic organisation of any size, for demos, load tests and the benchmarks.

:func:`demo_org` builds a validated :class:`~okrkit.OkrSet` shaped like a real company:
company objectives, department objectives aligned to them, team objectives aligned to their
department's, and individual objectives aligned to their team's. Each objective has 3 to 5 key
results (4 on average) and each key result about ``checkins_per_kr`` weekly check-ins with a
confidence; departments and teams watch KPIs and run initiatives.

The texts vary the way people write: most key results are measurable metrics ("Cut churn from
6.5 % to 4 %"), milestones, guardrails or graded outcomes; a few are tasks ("Write the migration
plan") or vague wishes ("Make onboarding better"), and a few objectives are orphans, align to an
id no set holds, miss KPI parts or stop checking in, so the quality and alignment checks have
something to find.

The same seed always gives the same organisation. :func:`demo_org_frames` builds the same data
straight into :class:`~okrkit.frames.Frames` (column operations only, so 100,000 objectives with
5 million check-ins take seconds); ``to_frames(demo_org(n, seed=s))`` equals
``demo_org_frames(n, seed=s)``.

Examples
--------
>>> okrs = demo_org(40, seed=1)
>>> len(okrs.objectives), sorted({o.level for o in okrs.objectives})
(40, ['company', 'department', 'individual', 'team'])
>>> okrs == demo_org(40, seed=1)
True
>>> demo_org_frames(40, seed=1).key_results["id"].tolist() == [
...     kr.id for _, kr in okrs.key_results()]
True
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from okrkit.cycles import Cycle
from okrkit.demo_org._frames import object_column, plan_frames
from okrkit.demo_org._vocabulary import (
    COMPANY_THEMES,
    DEPARTMENTS,
    DOWN_WORDS,
    FEATURES,
    FIRST_NAMES,
    GUARDS,
    KPI_NAMES,
    KPI_UNITS,
    LAST_NAMES,
    METRICS,
    MILESTONES,
    NOTES,
    OBJ_ENDS,
    OBJ_THINGS,
    OBJ_VERBS,
    QUALITATIVE,
    REGIONS,
    SOURCES,
    TASKS,
    UP_WORDS,
    VAGUE,
    Plan,
    sizes,
    with_unit,
)
from okrkit.frames import FRAME_COLUMNS, Frames, from_frames
from okrkit.model import OkrSet

__all__ = ["DEFAULT_CYCLE", "demo_org", "demo_org_frames"]

#: The cycle of a demo organisation unless another is given.
DEFAULT_CYCLE = "2026-Q1"


# --- the vocabulary ------------------------------------------------------------------------------


# --- the plan: every table as columns ------------------------------------------------------------


def _plan(n: int, seed: int, cycle: Cycle, checkins_per_kr: int) -> Plan:
    if n < 0:
        raise ValueError(f"objectives must be 0 or more, not {n}")
    if checkins_per_kr < 0:
        raise ValueError(f"checkins_per_kr must be 0 or more, not {checkins_per_kr}")
    rng = np.random.default_rng(seed)
    company, n_depts, dept_obj, team_obj, indiv_obj = sizes(n)
    n_teams = math.ceil(team_obj / 3)
    n_people = math.ceil(indiv_obj / 2)

    # Departments: the catalogue, then the same departments per region.
    depts: list[tuple[str, str, str, tuple[str, ...]]] = []
    for d in range(n_depts):
        code, name, head, areas = DEPARTMENTS[d % len(DEPARTMENTS)]
        if d >= len(DEPARTMENTS):
            region = REGIONS[(d // len(DEPARTMENTS) - 1) % len(REGIONS)]
            code, name, head = f"{code}{d // len(DEPARTMENTS) + 1}", f"{name} {region}", f"{head}"
            head = f"{head} {region}"
        depts.append((code, name, head, areas))
    team_dept = rng.integers(0, max(n_depts, 1), n_teams) if n_depts else np.zeros(n_teams, int)
    team_names = []
    team_codes = []
    for t in range(n_teams):
        code, _, _, team_areas = depts[int(team_dept[t])] if depts else ("CO", "", "", ("Ops",))
        area = team_areas[t % len(team_areas)]
        team_names.append(f"{area} team {t + 1}")
        team_codes.append(f"{code}-T{t + 1}")
    person_team = rng.integers(0, max(n_teams, 1), n_people)

    # --- objectives ---------------------------------------------------------------------------
    ids: list[str] = []
    owners: list[str] = []
    levels: list[str] = []
    titles: list[str] = []
    parents: list[tuple[str, ...]] = []
    unit_of: list[int] = []  # which KPI/initiative unit (department, then team) an objective is in
    for i in range(company):
        title, owner = COMPANY_THEMES[i % len(COMPANY_THEMES)]
        ids.append(f"CO-{i + 1}")
        owners.append(owner)
        levels.append("company")
        titles.append(title)
        parents.append(())
        unit_of.append(-1)
    company_ids = ids[:company]
    verbs = rng.integers(0, len(OBJ_VERBS), n)
    things = rng.integers(0, len(OBJ_THINGS), n)
    ends = rng.integers(0, len(OBJ_ENDS), n)

    def objective_title(i: int, where: str) -> str:
        verb, thing, end = OBJ_VERBS[verbs[i]], OBJ_THINGS[things[i]], OBJ_ENDS[ends[i]]
        return f"{verb} {thing} {end}" + (f" in {where}" if where else "")

    dept_objectives: list[list[str]] = [[] for _ in range(n_depts)]
    for j in range(dept_obj):
        d = j // 3
        code, name, head, _ = depts[d]
        ident = f"{code}-{j % 3 + 1}"
        dept_objectives[d].append(ident)
        i = len(ids)
        ids.append(ident)
        owners.append(head)
        levels.append("department")
        titles.append(objective_title(i, name))
        first = company_ids[int(rng.integers(0, len(company_ids)))] if company_ids else None
        second = company_ids[int(rng.integers(0, len(company_ids)))] if company_ids else None
        links = [first] if first else []
        if second and second != first and rng.random() < 0.15:
            links.append(second)
        parents.append(tuple(links))
        unit_of.append(d)
    team_objectives: list[list[str]] = [[] for _ in range(n_teams)]
    for j in range(team_obj):
        t = j // 3
        ident = f"{team_codes[t]}-{j % 3 + 1}"
        team_objectives[t].append(ident)
        i = len(ids)
        ids.append(ident)
        owners.append(team_names[t])
        levels.append("team")
        titles.append(objective_title(i, team_names[t].rsplit(" team", 1)[0].lower()))
        ups = dept_objectives[int(team_dept[t])] if n_depts else company_ids
        parents.append((ups[int(rng.integers(0, len(ups)))],) if ups else ())
        unit_of.append(n_depts + t)
    first_names = rng.integers(0, len(FIRST_NAMES), n_people)
    last_names = rng.integers(0, len(LAST_NAMES), n_people)
    for j in range(indiv_obj):
        p = j // 2
        ident = f"P{p + 1:06d}-{j % 2 + 1}"
        t = int(person_team[p]) if n_teams else -1
        i = len(ids)
        ids.append(ident)
        owners.append(f"{FIRST_NAMES[first_names[p]]} {LAST_NAMES[last_names[p]]} ({p + 1})")
        levels.append("individual")
        titles.append(objective_title(i, ""))
        ups = team_objectives[t] if t >= 0 else []
        parents.append((ups[int(rng.integers(0, len(ups)))],) if ups else ())
        unit_of.append(n_depts + t if t >= 0 else -1)
    # A few defects for the checks: orphans and links to ids that no set holds.
    lower = np.flatnonzero(np.array(levels, dtype=object) != "company")
    if len(lower):
        for i in rng.choice(lower, size=max(1, len(lower) // 200), replace=False).tolist():
            parents[i] = ()
        for i in rng.choice(lower, size=max(1, len(lower) // 2000), replace=False).tolist():
            parents[i] = (f"X-{i}",)
    kinds = np.where(rng.random(n) < 0.3, "aspirational", "committed")

    # --- key results --------------------------------------------------------------------------
    per = rng.choice([3, 4, 5], size=n, p=[0.15, 0.7, 0.15]) if n else np.zeros(0, int)
    m = int(per.sum())
    kr_obj = np.repeat(np.arange(n), per)
    kr_pos = np.arange(m) - np.repeat(np.cumsum(per) - per, per)
    kr_ids = [f"{ids[o]}-KR{k + 1}" for o, k in zip(kr_obj.tolist(), kr_pos.tolist(), strict=True)]
    roll = rng.random(m)
    ktype = np.select(
        [roll < 0.75, roll < 0.85, roll < 0.92], ["metric", "milestone", "guardrail"], "qualitative"
    ).astype(object)
    wording = rng.random(m)  # < 0.04 a task, < 0.07 vague (as qualitative key results)
    task = wording < 0.04
    vague = (wording >= 0.04) & (wording < 0.07)
    ktype[task] = "milestone"
    ktype[vague] = "qualitative"
    pick = rng.integers(0, 1 << 30, (m, 4))
    metric_i = pick[:, 0] % len(METRICS)
    spec_low = np.array([s[2] for s in METRICS], dtype=float)[metric_i]
    spec_high = np.array([s[3] for s in METRICS], dtype=float)[metric_i]
    rises = np.array([s[4] for s in METRICS], dtype=bool)[metric_i]
    start = spec_low + (spec_high - spec_low) * rng.random(m)
    change = 0.1 + 0.4 * rng.random(m)
    target = np.where(rises, start * (1 + change), start * (1 - change))
    # Percentages stay below 100.
    percent = np.array([s[1] == "%" for s in METRICS], dtype=bool)[metric_i]
    target = np.where(percent & rises, np.minimum(target, 99.0), target)
    scale = 10.0 ** np.where(spec_low >= 10, 0, np.where(spec_low >= 3, 1, 2))
    start = np.round(start * scale) / scale
    target = np.round(target * scale) / scale
    same = start == target
    target[same] = np.where(rises[same], start[same] + 1, start[same] - 1)
    guard_i = pick[:, 1] % len(GUARDS)
    g_low = np.array([g[2] for g in GUARDS])[guard_i]
    g_high = np.array([g[3] for g in GUARDS])[guard_i]
    threshold = np.round(g_low + (g_high - g_low) * rng.random(m), 1)
    feature_i = pick[:, 2] % len(FEATURES)
    template_i = pick[:, 3]
    weight = np.where(rng.random(m) < 0.1, 2.0, 1.0)
    is_metric = ktype == "metric"
    is_guard = ktype == "guardrail"
    kr_titles: list[str] = []
    units: list[str | None] = []
    area_of = [
        (team_names[u - n_depts].rsplit(" team", 1)[0].lower() if u >= n_depts else depts[u][1])
        if u >= 0
        else ""
        for u in unit_of
    ]
    for k in range(m):
        kind = ktype[k]
        tpl = int(template_i[k])
        area = area_of[int(kr_obj[k])]
        where = f" in {area}" if area[:1].isupper() else f" for {area}" if area else ""
        if task[k]:
            kr_titles.append(TASKS[tpl % len(TASKS)].format(a=area or "the company"))
            units.append(None)
        elif vague[k]:
            kr_titles.append(VAGUE[tpl % len(VAGUE)].format(a=area or "the company"))
            units.append(None)
        elif kind == "metric":
            name, unit, *_ = METRICS[int(metric_i[k])]
            forms = UP_WORDS if rises[k] else DOWN_WORDS
            text = forms[tpl % len(forms)].format(
                m=name,
                M=name[:1].upper() + name[1:],
                s=with_unit(float(start[k]), unit),
                t=with_unit(float(target[k]), unit),
            )
            kr_titles.append(text + where if tpl % 3 == 0 else text)
            units.append(unit or None)
        elif kind == "guardrail":
            name, unit, _, _, side = GUARDS[int(guard_i[k])]
            kr_titles.append(f"Keep {name} {side} {with_unit(float(threshold[k]), unit)}{where}")
            units.append(unit or None)
        elif kind == "milestone":
            f = FEATURES[int(feature_i[k])]
            form = MILESTONES[tpl % len(MILESTONES)]
            kr_titles.append(form.format(f=f, F=f[:1].upper() + f[1:]) + where)
            units.append(None)
        else:
            f = FEATURES[int(feature_i[k])]
            kr_titles.append(QUALITATIVE[tpl % len(QUALITATIVE)].format(f=f) + where)
            units.append(None)
    direction = np.array([g[4] for g in GUARDS], dtype=object)[guard_i]

    # --- check-ins ----------------------------------------------------------------------------
    count = np.full(m, checkins_per_kr)
    stopped = rng.random(m) < 0.03  # some key results stop checking in
    if checkins_per_kr > 1:
        count[stopped] = rng.integers(1, checkins_per_kr, int(stopped.sum()))
    total = int(count.sum())
    ci_kr = np.repeat(np.arange(m), count)
    ci_i = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    step = 7 if 7 * checkins_per_kr < cycle.days else max(1, cycle.days // max(checkins_per_kr, 1))
    offset = np.minimum(3 + step * ci_i, cycle.days - 1)
    start_day = np.datetime64(cycle.start, "D")
    ci_date = (start_day + offset).astype("datetime64[D]")
    elapsed = (offset + 1) / cycle.days
    ability = rng.beta(3.0, 1.6, m)  # how well each key result goes
    noise = rng.normal(0.0, 0.06, total)
    progress = np.clip(ability[ci_kr] * elapsed * 1.1 + noise, -0.1, 1.15)
    ci_type = ktype[ci_kr]
    raw_value = start[ci_kr] + (target[ci_kr] - start[ci_kr]) * progress
    value = np.round(raw_value * scale[ci_kr]) / scale[ci_kr]  # rounded like the start
    sign = np.where(direction[ci_kr] == "below", -1.0, 1.0)
    # Guardrail readings mostly hold the line.
    guard_value = np.round(threshold[ci_kr] * (1 + sign * rng.normal(0.01, 0.015, total)), 2)
    value = np.where(is_guard[ci_kr], guard_value, np.where(is_metric[ci_kr], value, np.nan))
    done = np.where(ci_type == "milestone", progress >= 0.95, False)
    grade = np.where(ci_type == "qualitative", np.round(np.clip(progress, 0, 1), 1), np.nan)
    confidence = np.clip(np.round(ability[ci_kr] * 9 + rng.normal(0.5, 1.2, total)), 1, 10)
    note_i = rng.integers(0, len(NOTES), total)
    notes = np.array(NOTES, dtype=object)[note_i]
    kr_owner = [owners[o] for o in kr_obj.tolist()]
    authors = np.array(kr_owner, dtype=object)[ci_kr] if total else np.array([], dtype=object)

    # --- KPIs and initiatives -----------------------------------------------------------------
    units_count = n_depts + n_teams
    unit_arr = np.array(unit_of, dtype=np.int64)
    unit_krs: list[list[int]] = [[] for _ in range(units_count)]
    for k, o in enumerate(kr_obj.tolist()):
        u = unit_of[o]
        if u >= 0 and len(unit_krs[u]) < 12:
            unit_krs[u].append(k)
    del unit_arr
    kpi: dict[str, list[Any]] = {c: [] for c in FRAME_COLUMNS["kpis"]}
    ini: dict[str, list[Any]] = {c: [] for c in FRAME_COLUMNS["initiatives"]}
    for u in range(units_count):
        krs_here = unit_krs[u]
        if not krs_here:
            continue
        is_dept = u < n_depts
        code = depts[u][0] if is_dept else team_codes[u - n_depts]
        owner = depts[u][2] if is_dept else team_names[u - n_depts]
        for j in range(3 if is_dept else 1):
            name_i = int(rng.integers(0, len(KPI_NAMES)))
            target_v = float(np.round(50 + 950 * rng.random(), 0))
            parts = {
                "timeframe": cycle.id,
                "data_source": SOURCES[int(rng.integers(0, len(SOURCES)))],
                "frequency": "weekly" if rng.random() < 0.6 else "monthly",
            }
            if rng.random() < 0.05:  # a KPI missing one of its parts
                parts[("timeframe", "data_source", "frequency")[int(rng.integers(0, 3))]] = ""
            measured = rng.choice(
                krs_here, size=min(len(krs_here), 1 + int(rng.random() < 0.4)), replace=False
            )
            values = {
                "id": f"KPI-{code}-{j + 1}",
                "name": f"{KPI_NAMES[name_i]} ({owner})",
                "target": target_v,
                "baseline": None,
                "timeframe": parts["timeframe"],
                "data_source": parts["data_source"],
                "frequency": parts["frequency"] or None,
                "current": float(np.round(target_v * (0.7 + 0.5 * rng.random()), 0)),
                "direction": "down" if name_i in (1, 3, 4, 8, 9) else "up",
                "unit": KPI_UNITS[name_i],
                "owner": owner,
                "measures": tuple(kr_ids[k] for k in sorted(measured.tolist())),
                "silence": (),
                "version": None,
            }
            for c, v in values.items():
                kpi[c].append(v)
        for j in range(2):
            k = krs_here[int(rng.integers(0, len(krs_here)))]
            supported = rng.choice(
                krs_here, size=min(len(krs_here), int(rng.integers(1, 4))), replace=False
            )
            f = FEATURES[int(rng.integers(0, len(FEATURES)))]
            state = ("planned", "in_progress", "in_progress", "done", "dropped")[
                int(rng.integers(0, 5))
            ]
            values = {
                "id": f"INI-{code}-{j + 1}",
                "title": f"{('Build', 'Roll out', 'Pilot', 'Redesign')[j + (k % 3)]} {f}",
                "owner": owner,
                "state": state,
                "link": f"https://tracker.example.com/browse/{code.split('-')[0]}-{100 + k}",
                "supports": tuple(kr_ids[s] for s in sorted(supported.tolist())),
                "silence": (),
                "version": None,
            }
            for c, v in values.items():
                ini[c].append(v)

    return Plan(
        cycle=cycle,
        objectives={
            "id": ids,
            "title": titles,
            "owner": owners,
            "level": levels,
            "kind": kinds.tolist(),
            "aligns_to": parents,
        },
        key_results={
            "id": kr_ids,
            "objective": [ids[o] for o in kr_obj.tolist()],
            "title": kr_titles,
            "type": ktype,
            "weight": weight,
            "start": np.where(is_metric, start, np.nan),
            "target": np.where(is_metric, target, np.nan),
            "unit": units,
            "done": object_column(m, ktype == "milestone", False),
            "threshold": np.where(is_guard, threshold, np.nan),
            "direction": object_column(m, is_guard, direction),
        },
        checkins={
            "key_result": ci_kr,
            "date": ci_date,
            "value": value,
            "done": done,
            "grade": grade,
            "confidence": confidence,
            "note": notes,
            "author": authors,
            "type": ci_type,
        },
        kpis=kpi,
        initiatives=ini,
    )


# --- frames --------------------------------------------------------------------------------------


def demo_org_frames(
    objectives: int,
    *,
    seed: int = 0,
    cycle: str | Cycle = DEFAULT_CYCLE,
    checkins_per_kr: int = 12,
) -> Frames:
    """The organisation of :func:`demo_org` as :class:`~okrkit.frames.Frames`, built on columns.

    Use it where frames are enough (scoring, checks on frames, the benchmarks): it skips building
    millions of check-in objects.
    """
    return plan_frames(_plan(objectives, seed, Cycle.parse(cycle), checkins_per_kr))


def demo_org(
    objectives: int,
    *,
    seed: int = 0,
    cycle: str | Cycle = DEFAULT_CYCLE,
    checkins_per_kr: int = 12,
) -> OkrSet:
    """A synthetic organisation with ``objectives`` objectives, as a validated OKR set.

    Parameters
    ----------
    objectives
        How many objectives: up to 4 company objectives, 3 per department, about 8 % team
        objectives (3 per team) and the rest individual objectives (2 per person).
    seed
        The same seed gives the same organisation.
    cycle
        The cycle (default :data:`DEFAULT_CYCLE`); check-ins are spread over all of it.
    checkins_per_kr
        Weekly check-ins per key result (about 3 % of key results stop earlier).

    Returns
    -------
    OkrSet
        About 4 key results per objective, ``checkins_per_kr`` check-ins each, with KPIs and
        initiatives per department and team.

    Raises
    ------
    ValueError
        For a negative ``objectives`` or ``checkins_per_kr``.
    """
    # Validated through the column-wise path of from_frames: the same set as building each
    # object with its constructor, several times faster for millions of check-ins.
    return from_frames(
        demo_org_frames(objectives, seed=seed, cycle=cycle, checkins_per_kr=checkins_per_kr)
    )
