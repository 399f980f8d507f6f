"""The quality rules themselves: one function per row of :data:`okrkit.rules.RULES`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from okrkit.kpis import kpi_missing_parts
from okrkit.lifecycle import objective_unfinished
from okrkit.rules._context import (
    Context,
    find_number,
    normalise_title,
    shown_number,
)
from okrkit.rules._registry import Hit, implements

__all__: list[str] = []  # the functions register themselves with implements()


# --- the rules -----------------------------------------------------------------------------------


@implements("OKR101")
def _objective_number(ctx: Context) -> Iterator[Hit]:
    o = ctx.objectives
    found = {t: find_number(t) for t in o["title"].unique()}
    numbers = [found[t] for t in o["title"]]
    for ident, owner, number in zip(o["id"], o["owner"], numbers, strict=True):
        if number is not None:
            yield Hit("OKR101", ident, owner, ident, {"number": number})


@implements("OKR102", "OKR103")
def _kr_count(ctx: Context) -> Iterator[Hit]:
    o, cfg = ctx.objectives, ctx.config
    counts = o["id"].map(ctx.key_results["objective"].value_counts()).fillna(0).astype(int)
    bad = (counts < cfg.min_krs) | (counts > cfg.max_krs)
    for ident, owner, count in zip(o["id"][bad], o["owner"][bad], counts[bad], strict=True):
        code = "OKR102" if count < cfg.min_krs else "OKR103"
        yield Hit(code, ident, owner, ident, {"count": int(count)})


@implements("OKR104")
def _owner_load(ctx: Context) -> Iterator[Hit]:
    owners = ctx.objectives["owner"]
    counts = owners[owners != ""].value_counts()
    for owner, count in counts[counts > ctx.config.max_objectives_per_owner].items():
        yield Hit("OKR104", str(owner), str(owner), None, {"count": int(count)})


@implements("OKR201", "OKR202", "OKR207")
def _wording(ctx: Context) -> Iterator[Hit]:
    krs = ctx.key_results
    words = ctx.wording()
    kind = krs["type"]
    # a bound target ("NPS of 42 or higher") needs no start to be measurable
    has_numbers = krs["target"].notna() & (krs["start"].notna() | (krs["bound"] != ""))
    structural = (
        ((kind == "metric") & has_numbers)
        | (kind == "milestone")
        | ((kind == "guardrail") & krs["threshold"].notna())
        # an ordinal key result is measured by its three described levels
        | ((kind == "ordinal") & (krs["target_zone"] != ""))
    )
    no_target = ~structural & words["no_target"]
    vague = ~structural & words["vague"]
    for code, mask in (("OKR201", no_target), ("OKR202", words["task"]), ("OKR207", vague)):
        rows = krs[mask]
        suggestions = words["suggestion"][mask]
        metric_draft = (rows["type"] == "metric") & ~has_numbers[mask]
        for ident, objective, owner, title, suggestion, draft in zip(
            rows["id"],
            rows["objective"],
            rows["owner"],
            rows["title"],
            suggestions,
            metric_draft,
            strict=True,
        ):
            params: dict[str, Any] = {"title": title, "suggestion": suggestion}
            if code == "OKR201" and draft:
                params["variant"] = "metric"
            elif code != "OKR201" and not suggestion:
                params["variant"] = "plain"
            yield Hit(code, ident, owner, objective or None, params)


@implements("OKR203")
def _duplicates(ctx: Context) -> Iterator[Hit]:
    krs = ctx.key_results
    n = len(krs)
    ids, objectives, owners, titles = (
        krs[c].to_numpy() for c in ("id", "objective", "owner", "title")
    )
    cache = {t: normalise_title(t) for t in dict.fromkeys(titles.tolist())}
    normal = np.array([cache[t] for t in titles.tolist()], dtype=object)
    codes, uniques = pd.factorize(normal)
    # Exact duplicates over the whole set: every later copy names the first.
    _, first_of_code = np.unique(codes, return_index=True)
    first = first_of_code[codes] if n else codes
    exact = (normal != "") & (first != np.arange(n))
    for i in np.flatnonzero(exact).tolist():
        j = int(first[i])
        yield Hit(
            "OKR203",
            ids[i],
            owners[i],
            objectives[i] or None,
            {"other": ids[j], "other_title": titles[j]},
        )
    # Near-duplicates inside one objective: token Jaccard over the pairs of each objective.
    # A key result is reported once: as a copy, else as near the first similar one before it.
    reported = set(np.flatnonzero(exact).tolist())
    threshold = ctx.config.near_duplicate
    tokens = [frozenset(u.split()) for u in uniques.tolist()]
    group, _ = pd.factorize(objectives)
    order = np.argsort(group, kind="stable")
    bounds = np.flatnonzero(np.diff(group[order])) + 1
    code_list = codes.tolist()
    for positions in np.split(order, bounds):
        if len(positions) < 2:
            continue
        members = positions.tolist()
        for a_index, a in enumerate(members):
            ta = tokens[code_list[a]]
            for b in members[a_index + 1 :]:
                if b in reported or code_list[a] == code_list[b]:
                    continue
                tb = tokens[code_list[b]]
                small, large = sorted((len(ta), len(tb)))
                if not small or small < threshold * large:
                    continue
                similarity = len(ta & tb) / len(ta | tb)
                if similarity >= threshold:
                    reported.add(b)
                    yield Hit(
                        "OKR203",
                        ids[b],
                        owners[b],
                        objectives[b] or None,
                        {
                            "other": ids[a],
                            "other_title": titles[a],
                            "similarity": round(100 * similarity),
                            "variant": "near",
                        },
                    )


@implements("OKR204", "OKR205")
def _metric_numbers(ctx: Context) -> Iterator[Hit]:
    krs = ctx.key_results
    metric = (krs["type"] == "metric") & krs["start"].notna() & krs["target"].notna()
    start, target = krs["start"], krs["target"]
    change = (target - start).abs()
    same = metric & (change == 0)
    jump = metric & (start != 0) & (change > ctx.config.jump_factor * start.abs())
    for code, mask in (("OKR204", same), ("OKR205", jump)):
        rows = krs[mask]
        for ident, objective, owner, s, t in zip(
            rows["id"],
            rows["objective"],
            rows["owner"],
            rows["start"],
            rows["target"],
            strict=True,
        ):
            params = {"start": shown_number(s), "target": shown_number(t)}
            if code == "OKR205":
                params["ratio"] = round(abs(t - s) / abs(s), 1)
            yield Hit(code, ident, owner, objective or None, params)


@implements("OKR301", "OKR302", "OKR303")
def _quarter_end(ctx: Context) -> Iterator[Hit]:
    if not ctx.at_cycle_end() or ctx.objectives.empty:
        return
    scores = ctx.scores()
    krs = scores.key_results
    frames = ctx.frames
    # Only objectives with some reading are judged: a draft nobody checked in on is no result.
    k = frames.key_results[frames.key_results["objective"].isin(frames.objectives["id"])]
    reading = (
        (krs["checkins"].to_numpy() > 0)
        | pd.to_numeric(k["current"], errors="coerce").notna().to_numpy()
        | pd.to_numeric(k["grade"], errors="coerce").notna().to_numpy()
        | k["zone"].notna().to_numpy(dtype=bool)
        | (k["done"].astype("boolean").fillna(False).to_numpy(dtype=bool))
    )
    read_objectives = set(krs["objective"].to_numpy()[reading])
    o = scores.objectives
    o = o.assign(
        owner=o["owner"].map(lambda v: v.strip() if isinstance(v, str) else ""),
        judged=o["id"].isin(read_objectives) & o["score"].notna(),
    )
    judged = o[o["judged"]]
    unfinished = judged["score"].map(objective_unfinished).astype(bool)
    committed = judged[(judged["kind"] != "aspirational") & unfinished]
    for ident, owner, value in zip(
        committed["id"], committed["owner"], committed["score"], strict=True
    ):
        yield Hit("OKR301", ident, owner, ident, {"score": round(float(value), 2)})
    aspirational = judged[judged["kind"] == "aspirational"]
    low = aspirational[aspirational["score"] < ctx.config.aspirational_low]
    for ident, owner, value in zip(low["id"], low["owner"], low["score"], strict=True):
        yield Hit("OKR303", ident, owner, ident, {"score": round(float(value), 2)})
    per_owner = (
        aspirational[aspirational["owner"] != ""]
        .assign(full=~unfinished[aspirational.index])
        .groupby("owner")["full"]
        .agg(["size", "all"])
    )
    sandbag = per_owner[(per_owner["size"] >= 2) & per_owner["all"]]
    for owner, count in zip(sandbag.index, sandbag["size"], strict=True):
        yield Hit("OKR302", str(owner), str(owner), None, {"count": int(count)})


@implements("OKR401")
def _kpi_parts(ctx: Context) -> Iterator[Hit]:
    p = ctx.kpis
    missing = kpi_missing_parts(p)
    bad = missing.map(bool)
    for ident, owner, parts in zip(p["id"][bad], p["owner"][bad], missing[bad], strict=True):
        yield Hit("OKR401", ident, owner, None, {"missing": ", ".join(parts)})


@implements("OKR501")
def _weights(ctx: Context) -> Iterator[Hit]:
    krs, cfg = ctx.key_results, ctx.config
    if krs.empty:
        return
    groups = krs.groupby("objective", sort=False)["weight"]
    stats = groups.agg(["size", "sum", "max", "idxmax"])
    stats = stats[stats["size"] >= 2]
    percent = (stats["sum"] >= cfg.percent_weights_from) & ((stats["sum"] - 100).abs() > 0.5)
    fraction = (stats["max"] < 1.0) & ((stats["sum"] - 1.0).abs() > 0.01)
    dominant = (stats["size"] >= cfg.dominant_min_krs) & (
        stats["max"] > cfg.dominant_share * stats["sum"]
    )
    bad = stats[percent | fraction | dominant]
    owner = ctx.objectives.drop_duplicates("id").set_index("id")["owner"]
    for objective, row in bad.iterrows():
        objective = str(objective)
        total = shown_number(round(float(row["sum"]), 4))
        if percent[objective]:
            params: dict[str, Any] = {"variant": "percent", "total": total}
        elif fraction[objective]:
            params = {"variant": "fraction", "total": total}
        else:
            params = {
                "other": krs["id"][row["idxmax"]],
                "share": round(100 * float(row["max"]) / float(row["sum"])),
                "count": int(row["size"]),
            }
        yield Hit("OKR501", objective, str(owner.get(objective, "")), objective or None, params)
