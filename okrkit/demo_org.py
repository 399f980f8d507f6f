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
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from okrkit.cycles import Cycle
from okrkit.frames import FRAME_COLUMNS, Frames, from_frames, to_frames
from okrkit.model import OkrSet

__all__ = ["DEFAULT_CYCLE", "demo_org", "demo_org_frames"]

#: The cycle of a demo organisation unless another is given.
DEFAULT_CYCLE = "2026-Q1"

Array = np.ndarray[Any, Any]

# --- the vocabulary ------------------------------------------------------------------------------

_DEPARTMENTS = (
    ("ENG", "Engineering", "CTO", ("Platform", "Payments", "Mobile", "Data", "Reliability")),
    ("SAL", "Sales", "CRO", ("Enterprise", "Mid-market", "Inside sales", "Renewals", "Deals")),
    ("MKT", "Marketing", "CMO", ("Brand", "Growth", "Content", "Events", "Product marketing")),
    ("PRD", "Product", "CPO", ("Onboarding", "Billing", "Search", "Insights", "Integrations")),
    ("CS", "Customer Success", "VP Customer Success", ("Support", "Onboarding", "Accounts")),
    ("FIN", "Finance", "CFO", ("Planning", "Accounting", "Procurement", "Treasury")),
    ("HR", "People", "CHRO", ("Recruiting", "Learning", "People ops", "Workplace")),
    ("OPS", "Operations", "COO", ("Logistics", "Facilities", "Supply chain", "Quality")),
    ("SEC", "Security", "CISO", ("Identity", "Compliance", "Detection", "AppSec")),
    ("DAT", "Data", "Chief Data Officer", ("Analytics", "Data platform", "ML", "Governance")),
    ("LEG", "Legal", "General Counsel", ("Contracts", "Privacy", "Policy")),
    ("DES", "Design", "VP Design", ("Research", "Design system", "Content design")),
)
_REGIONS = ("EMEA", "Americas", "APAC", "Nordics", "DACH", "UK", "Iberia", "Benelux")
_COMPANY = (
    ("Delight our customers so much that they tell their friends", "CEO"),
    ("Build a profitable, recurring revenue engine", "CFO"),
    ("Become the easiest product in our market to adopt", "CPO"),
    ("Make this the best place to do the work of your life", "CHRO"),
    ("Run a sustainable, resilient business", "COO"),
)


def _words(text: str) -> tuple[str, ...]:
    """A tuple of phrases written as one ``|``-separated text (keeps the lists short)."""
    return tuple(w.strip() for w in text.split("|"))


_OBJ_VERBS = _words(
    "Make|Turn|Build|Grow|Strengthen|Win with|Deliver|Earn trust in|Simplify|Modernise|Scale"
    "|Protect"
)
_OBJ_THINGS = _words(
    "onboarding|our pipeline|the self-service journey|customer conversations"
    "|the product experience|our delivery rhythm|the partner ecosystem|how we learn from data"
    "|our brand|the support experience|renewals|the platform|team health|the release process"
    "|our pricing|cross-team collaboration"
)
_OBJ_ENDS = _words(
    "that customers love|into a competitive edge|that scales with us|people are proud of"
    "|without the friction|for every region|that pays for itself|our customers can count on"
    "|that sets the standard|that works for new hires|we can grow on|built for the next stage"
)
# (metric, unit, low, high, rises) - low..high is the range of a start value.
_METRICS = (
    ("weekly active users", "", 800, 60000, True),
    ("Net Promoter Score", "", 10, 45, True),
    ("monthly churn", "%", 2, 9, False),
    ("trial-to-paid conversion", "%", 4, 15, True),
    ("win rate", "%", 12, 35, True),
    ("pipeline coverage", "x", 1.2, 3.0, True),
    ("net revenue retention", "%", 92, 110, True),
    ("time to first value", "days", 5, 30, False),
    ("mean time to restore", "minutes", 30, 180, False),
    ("first response time", "hours", 2, 24, False),
    ("customer satisfaction", "%", 70, 90, True),
    ("deployment frequency", "a week", 2, 25, True),
    ("change failure rate", "%", 8, 30, False),
    ("qualified leads a month", "", 150, 4000, True),
    ("average deal size", "kUSD", 12, 90, True),
    ("gross margin", "%", 55, 78, True),
    ("days sales outstanding", "days", 30, 75, False),
    ("employee engagement", "%", 60, 82, True),
    ("time to hire", "days", 25, 70, False),
    ("support backlog", "tickets", 80, 900, False),
    ("self-service resolution", "%", 20, 55, True),
    ("page load time", "ms", 600, 2500, False),
    ("test coverage", "%", 40, 75, True),
    ("open critical vulnerabilities", "", 6, 60, False),
    ("feature adoption", "%", 10, 45, True),
    ("on-time deliveries", "%", 80, 95, True),
    ("cost per ticket", "USD", 6, 30, False),
    ("activation rate", "%", 25, 60, True),
    ("expansion revenue", "kUSD", 150, 2500, True),
    ("onboarding completion", "%", 40, 80, True),
)
_UP = (
    "Raise {m} from {s} to {t}",
    "Grow {m} from {s} to {t}",
    "Lift {m} from {s} to {t}",
    "Increase {m} from {s} to {t}",
    "Get {m} to {t}, up from {s}",
    "{M} reaches {t} (from {s})",
)
_DOWN = (
    "Cut {m} from {s} to {t}",
    "Reduce {m} from {s} to {t}",
    "Lower {m} from {s} to {t}",
    "Bring down {m} from {s} to {t}",
    "Get {m} down to {t} from {s}",
    "{M} falls to {t} (from {s})",
)
_FEATURES = _words(
    "self-service onboarding|the new billing page|single sign-on|the partner portal"
    "|usage-based pricing|the mobile check-out|the data export API|the in-app help centre"
    "|two-factor login|the renewal dashboard|the public status page|the EU data centre"
)
_MILESTONES = _words(
    "Launch {f}|{F} is live for all customers|Ship {f} to every region"
    "|Sign the first three customers on {f}"
)
_QUALITATIVE = _words(
    "Customers rate {f} easy to use in interviews"
    "|Users rate {f} clear and useful in the quarterly survey"
    "|Pilot customers rate {f} worth paying for|Reviewers grade {f} ready for enterprise customers"
)
# (measure, unit, low, high, side) - low..high is the range of a threshold.
_GUARDS = (
    ("uptime", "%", 99.5, 99.95, "above"),
    ("support backlog", "tickets", 150, 900, "below"),
    ("gross margin", "%", 55, 70, "above"),
    ("monthly churn", "%", 4, 8, "below"),
    ("customer satisfaction", "%", 75, 88, "above"),
)
_TASKS = _words(
    "Hold weekly pipeline reviews with {a}|Write a migration plan for {a}"
    "|Run customer interviews for {a}|Organise a kick-off workshop for {a}"
    "|Set up a dashboard for {a}"
)
_VAGUE = _words(
    "Improve the quality of {a} work|Make {a} better|Be more customer focused in {a}"
    "|Work on alignment in {a}"
)
_FIRST = _words(
    "Ana|Bo|Carla|David|Elin|Farid|Greta|Hugo|Ines|Jonas|Karin|Leo|Maja|Nils|Olga|Pablo|Queenie"
    "|Rasmus|Sara|Tomas|Ulla|Viktor|Wei|Xenia|Yusuf|Zara|Amir|Britt|Chen|Dana"
)
_LAST = _words(
    "Berg|Lind|Okafor|Novak|Svensson|Garcia|Kowalski|Haddad|Nguyen|Larsen|Rossi|Dubois|Tanaka"
    "|Costa|Ahmed|Fischer|Ek|Moreau|Patel|Johansson|Silva|Kim|Virtanen|Murphy|Sato"
)
_NOTES = _words(
    "||||On track after the campaign|Blocked by data access|Two deals slipped to next month"
    "|Hiring delayed the work|New release moved the number|Seasonal dip, expected"
    "|Waiting for the vendor|Better than planned|Needs help from the platform team"
    "|Measured with the new survey"
)
_SOURCES = _words(
    "CRM|Product analytics|Finance ledger|Support desk|HR system|Data warehouse|Survey tool"
    "|Incident tracker"
)
_KPI_NAMES = _words(
    "Revenue per employee|Support tickets per customer|Qualified pipeline|Employee turnover"
    "|Incident count|Cash conversion|Trial sign-ups|Customer health score|Cost per hire"
    "|Release lead time"
)
_KPI_UNITS = ("kUSD", "tickets", "kUSD", "%", "incidents", "%", "sign-ups", "points", "USD", "days")


# --- the plan: every table as columns ------------------------------------------------------------


@dataclass(slots=True)
class _Plan:
    cycle: Cycle
    objectives: dict[str, Any]
    key_results: dict[str, Any]
    checkins: dict[str, Any]
    kpis: dict[str, Any]
    initiatives: dict[str, Any]


def _number(value: float) -> str:
    """A number as people write it in a title: 1200, 6.5, 99.9."""
    return f"{value:g}" if abs(value) < 1e6 else f"{value:,.0f}"


def _with_unit(value: float, unit: str) -> str:
    if not unit:
        return _number(value)
    if unit in ("%", "x"):
        return f"{_number(value)}{' %' if unit == '%' else 'x'}"
    if unit == "USD":
        return f"${_number(value)}"
    return f"{_number(value)} {unit}"


def _sizes(n: int) -> tuple[int, int, int, int, int]:
    """(company, departments, department objectives, team objectives, individual objectives)."""
    company = min(4, n)
    departments = int(min(40, max(1, round(math.sqrt(n) / 4))))
    dept_objectives = min(3 * departments, n - company)
    departments = max(1, math.ceil(dept_objectives / 3)) if dept_objectives else 0
    rest = n - company - dept_objectives
    team_objectives = min(rest, max(3, round(0.08 * n))) if rest else 0
    return company, departments, dept_objectives, team_objectives, rest - team_objectives


def _plan(n: int, seed: int, cycle: Cycle, checkins_per_kr: int) -> _Plan:
    if n < 0:
        raise ValueError(f"objectives must be 0 or more, not {n}")
    if checkins_per_kr < 0:
        raise ValueError(f"checkins_per_kr must be 0 or more, not {checkins_per_kr}")
    rng = np.random.default_rng(seed)
    company, n_depts, dept_obj, team_obj, indiv_obj = _sizes(n)
    n_teams = math.ceil(team_obj / 3)
    n_people = math.ceil(indiv_obj / 2)

    # Departments: the catalogue, then the same departments per region.
    depts: list[tuple[str, str, str, tuple[str, ...]]] = []
    for d in range(n_depts):
        code, name, head, areas = _DEPARTMENTS[d % len(_DEPARTMENTS)]
        if d >= len(_DEPARTMENTS):
            region = _REGIONS[(d // len(_DEPARTMENTS) - 1) % len(_REGIONS)]
            code, name, head = f"{code}{d // len(_DEPARTMENTS) + 1}", f"{name} {region}", f"{head}"
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
        title, owner = _COMPANY[i % len(_COMPANY)]
        ids.append(f"CO-{i + 1}")
        owners.append(owner)
        levels.append("company")
        titles.append(title)
        parents.append(())
        unit_of.append(-1)
    company_ids = ids[:company]
    verbs = rng.integers(0, len(_OBJ_VERBS), n)
    things = rng.integers(0, len(_OBJ_THINGS), n)
    ends = rng.integers(0, len(_OBJ_ENDS), n)

    def objective_title(i: int, where: str) -> str:
        verb, thing, end = _OBJ_VERBS[verbs[i]], _OBJ_THINGS[things[i]], _OBJ_ENDS[ends[i]]
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
    first_names = rng.integers(0, len(_FIRST), n_people)
    last_names = rng.integers(0, len(_LAST), n_people)
    for j in range(indiv_obj):
        p = j // 2
        ident = f"P{p + 1:06d}-{j % 2 + 1}"
        t = int(person_team[p]) if n_teams else -1
        i = len(ids)
        ids.append(ident)
        owners.append(f"{_FIRST[first_names[p]]} {_LAST[last_names[p]]} ({p + 1})")
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
    metric_i = pick[:, 0] % len(_METRICS)
    spec_low = np.array([s[2] for s in _METRICS], dtype=float)[metric_i]
    spec_high = np.array([s[3] for s in _METRICS], dtype=float)[metric_i]
    rises = np.array([s[4] for s in _METRICS], dtype=bool)[metric_i]
    start = spec_low + (spec_high - spec_low) * rng.random(m)
    change = 0.1 + 0.4 * rng.random(m)
    target = np.where(rises, start * (1 + change), start * (1 - change))
    # Percentages stay below 100.
    percent = np.array([s[1] == "%" for s in _METRICS], dtype=bool)[metric_i]
    target = np.where(percent & rises, np.minimum(target, 99.0), target)
    scale = 10.0 ** np.where(spec_low >= 10, 0, np.where(spec_low >= 3, 1, 2))
    start = np.round(start * scale) / scale
    target = np.round(target * scale) / scale
    same = start == target
    target[same] = np.where(rises[same], start[same] + 1, start[same] - 1)
    guard_i = pick[:, 1] % len(_GUARDS)
    g_low = np.array([g[2] for g in _GUARDS])[guard_i]
    g_high = np.array([g[3] for g in _GUARDS])[guard_i]
    threshold = np.round(g_low + (g_high - g_low) * rng.random(m), 1)
    feature_i = pick[:, 2] % len(_FEATURES)
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
            kr_titles.append(_TASKS[tpl % len(_TASKS)].format(a=area or "the company"))
            units.append(None)
        elif vague[k]:
            kr_titles.append(_VAGUE[tpl % len(_VAGUE)].format(a=area or "the company"))
            units.append(None)
        elif kind == "metric":
            name, unit, *_ = _METRICS[int(metric_i[k])]
            forms = _UP if rises[k] else _DOWN
            text = forms[tpl % len(forms)].format(
                m=name,
                M=name[:1].upper() + name[1:],
                s=_with_unit(float(start[k]), unit),
                t=_with_unit(float(target[k]), unit),
            )
            kr_titles.append(text + where if tpl % 3 == 0 else text)
            units.append(unit or None)
        elif kind == "guardrail":
            name, unit, _, _, side = _GUARDS[int(guard_i[k])]
            kr_titles.append(f"Keep {name} {side} {_with_unit(float(threshold[k]), unit)}{where}")
            units.append(unit or None)
        elif kind == "milestone":
            f = _FEATURES[int(feature_i[k])]
            form = _MILESTONES[tpl % len(_MILESTONES)]
            kr_titles.append(form.format(f=f, F=f[:1].upper() + f[1:]) + where)
            units.append(None)
        else:
            f = _FEATURES[int(feature_i[k])]
            kr_titles.append(_QUALITATIVE[tpl % len(_QUALITATIVE)].format(f=f) + where)
            units.append(None)
    direction = np.array([g[4] for g in _GUARDS], dtype=object)[guard_i]

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
    note_i = rng.integers(0, len(_NOTES), total)
    notes = np.array(_NOTES, dtype=object)[note_i]
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
            name_i = int(rng.integers(0, len(_KPI_NAMES)))
            target_v = float(np.round(50 + 950 * rng.random(), 0))
            parts = {
                "timeframe": cycle.id,
                "data_source": _SOURCES[int(rng.integers(0, len(_SOURCES)))],
                "frequency": "weekly" if rng.random() < 0.6 else "monthly",
            }
            if rng.random() < 0.05:  # a KPI missing one of its parts
                parts[("timeframe", "data_source", "frequency")[int(rng.integers(0, 3))]] = ""
            measured = rng.choice(
                krs_here, size=min(len(krs_here), 1 + int(rng.random() < 0.4)), replace=False
            )
            values = {
                "id": f"KPI-{code}-{j + 1}",
                "name": f"{_KPI_NAMES[name_i]} ({owner})",
                "target": target_v,
                "timeframe": parts["timeframe"],
                "data_source": parts["data_source"],
                "frequency": parts["frequency"] or None,
                "current": float(np.round(target_v * (0.7 + 0.5 * rng.random()), 0)),
                "direction": "down" if name_i in (1, 3, 4, 8, 9) else "up",
                "unit": _KPI_UNITS[name_i],
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
            f = _FEATURES[int(rng.integers(0, len(_FEATURES)))]
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

    return _Plan(
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
            "done": _objects(m, ktype == "milestone", False),
            "threshold": np.where(is_guard, threshold, np.nan),
            "direction": _objects(m, is_guard, direction),
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


def _objects(n: int, where: Array, value: Any) -> Array:
    """An object array of ``None`` with ``value`` (a scalar or an array of n) where ``where``."""
    out: Array = np.full(n, None, dtype=object)
    out[where] = value[where] if isinstance(value, np.ndarray) else value
    return out


def _empty(n: int) -> list[None]:
    return [None] * n


def _frames(plan: _Plan) -> Frames:
    o, k, c = plan.objectives, plan.key_results, plan.checkins
    n, m = len(o["id"]), len(k["id"])
    objectives = pd.DataFrame(
        {
            "id": o["id"],
            "title": o["title"],
            "owner": o["owner"],
            "level": o["level"],
            "kind": o["kind"],
            "description": [""] * n,
            "aligns_to": pd.Series(o["aligns_to"], dtype=object),
            "carried_from": _empty(n),
            "silence": pd.Series([()] * n, dtype=object),
            "version": pd.array([None] * n, dtype="Int64"),
        },
        columns=list(FRAME_COLUMNS["objectives"]),
    )
    ktype = k["type"]
    milestone = ktype == "milestone"
    key_results = pd.DataFrame(
        {
            "id": k["id"],
            "objective": k["objective"],
            "title": k["title"],
            "type": ktype.tolist(),
            "weight": k["weight"],
            "owner": [""] * m,
            "confidence": np.full(m, np.nan),
            "start": k["start"],
            "target": k["target"],
            "current": np.full(m, np.nan),
            "unit": k["unit"],
            "done": pd.array(_objects(m, milestone, False), dtype="boolean"),
            "grade": np.full(m, np.nan),
            "threshold": k["threshold"],
            "direction": k["direction"].tolist(),
            "carried_from": _empty(m),
            "silence": pd.Series([()] * m, dtype=object),
            "version": pd.array([None] * m, dtype="Int64"),
        },
        columns=list(FRAME_COLUMNS["key_results"]),
    )
    ci_type = c["type"]
    total = len(ci_type)
    done = pd.array(_objects(total, ci_type == "milestone", c["done"]), dtype="boolean")
    kr_ids = np.array(k["id"], dtype=object)
    checkins = pd.DataFrame(
        {
            "id": pd.array([None] * total, dtype="Int64"),
            "key_result": kr_ids[c["key_result"]] if total else np.array([], dtype=object),
            "date": c["date"].astype("datetime64[s]"),
            "value": c["value"],
            "done": done,
            "grade": c["grade"],
            "confidence": c["confidence"],
            "note": c["note"],
            "author": c["author"],
        },
        columns=list(FRAME_COLUMNS["checkins"]),
    )
    for col in ("key_result", "note", "author"):
        checkins[col] = checkins[col].astype("str")
    p = pd.DataFrame(plan.kpis, columns=list(FRAME_COLUMNS["kpis"]))
    for col in ("measures", "silence"):
        p[col] = p[col].astype(object)
    i = pd.DataFrame(plan.initiatives, columns=list(FRAME_COLUMNS["initiatives"]))
    for col in ("supports", "silence"):
        i[col] = i[col].astype(object)
    empty = to_frames(OkrSet(cycle=plan.cycle))  # the dtypes of empty tables
    built = {
        "objectives": objectives,
        "key_results": key_results,
        "checkins": checkins,
        "kpis": _like_records(p, "kpis"),
        "initiatives": _like_records(i, "initiatives"),
    }
    return Frames(
        cycle=plan.cycle,
        **{name: df if len(df) else getattr(empty, name) for name, df in built.items()},
    )


def _like_records(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """``df`` with the dtypes :func:`okrkit.frames.to_frames` gives the same values."""
    if name == "kpis":
        for col in ("target", "current"):
            df[col] = pd.to_numeric(df[col]).astype("float64")
    df["version"] = df["version"].astype("Int64")
    return df


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
    return _frames(_plan(objectives, seed, Cycle.parse(cycle), checkins_per_kr))


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
