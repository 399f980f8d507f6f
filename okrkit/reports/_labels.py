"""The tables of a quarter report, their columns and how each cell is shown, and the labels in
English and Swedish."""

from __future__ import annotations

import re

__all__ = ["COLUMNS", "EXCEL_ILLEGAL", "LABELS"]


#: The columns of each table and how a cell is shown: text, code (a translated value), band,
#: status, score, delta (a signed score change), num, int or date.
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "summary": (("measure", "code"), ("value", "any")),
    "objectives": (("id", "text"), ("title", "text"), ("owner", "text"), ("level", "code"),
                   ("kind", "code"), ("expected", "score"), ("key_results", "int"),
                   ("score", "score"), ("band", "band"), ("status", "status"),
                   ("expectation", "code"), ("forecast", "score"), ("design_score", "int")),
    "key_results": (("id", "text"), ("objective", "text"), ("title", "text"), ("owner", "text"),
                    ("type", "code"), ("value", "num"), ("unit", "text"), ("score", "score"),
                    ("band", "band"), ("status", "status"), ("confidence", "num"),
                    ("last_checkin", "date"), ("forecast", "score")),
    "kpis": (("id", "text"), ("name", "text"), ("owner", "text"), ("current", "num"),
             ("target", "num"), ("unit", "text"), ("direction", "code"), ("status", "status"),
             ("missing", "text")),
    "changes": (("key_result", "text"), ("objective", "text"), ("owner", "text"),
                ("title", "text"), ("date", "date"), ("previous_date", "date"), ("value", "num"),
                ("previous_value", "num"), ("value_change", "num"), ("score", "score"),
                ("previous_score", "score"), ("score_change", "delta"), ("confidence", "num"),
                ("note", "text")),
    "findings": (("code", "text"), ("severity", "code"), ("item", "text"), ("owner", "text"),
                 ("objective", "text"), ("message", "text"), ("fix", "text"),
                 ("silenced", "text")),
    "by_owner": (("owner", "text"), ("objectives", "int"), ("key_results", "int"),
                 ("score", "score"), ("band", "band"), ("on_track", "int"), ("at_risk", "int"),
                 ("off_track", "int"), ("committed_total", "int"), ("committed_met", "int"),
                 ("aspirational_total", "int"), ("aspirational_landed", "int"),
                 ("findings", "int")),
}  # fmt: skip


_EN = dict(
    report="Quarter report", as_of="Cycle {cycle}, as of {date}", none="none",
    alignment="Alignment", no_owner="(no owner)", by_owner_sections="Per owner",
    summary="Summary", objectives="Objectives", key_results="Key results", kpis="KPIs",
    changes="Changes since the last check-in", findings="Findings", by_owner="By owner",
    measure="Measure", value="Value", id="ID", title="Title", owner="Owner", level="Level",
    kind="Kind", score="Score", band="Band", status="Status", expectation="Expectation",
    forecast="Forecast", design_score="Design score", objective="Objective", type="Type",
    unit="Unit", confidence="Confidence", last_checkin="Last check-in", name="Name",
    current="Current", target="Target", direction="Direction", missing="Missing parts",
    key_result="Key result", date="Date", previous_date="Previous date",
    previous_value="Previous value", value_change="Value change", previous_score="Score before",
    score_change="Score change", note="Note", code="Code", severity="Severity", item="Item",
    message="Message", fix="Fix", silenced="Silenced", on_track="On track", at_risk="At risk",
    off_track="Off track", committed_total="Committed", committed_met="Committed met",
    aspirational_total="Aspirational", aspirational_landed="Aspirational landed (0.6+)",
    cycle="Cycle", as_of_date="As of", mean_score="Mean objective score", green="green",
    yellow="yellow", red="red", band_green="Objectives green (0.7+)",
    band_yellow="Objectives yellow (0.4–0.7)", band_red="Objectives red (below 0.4)",
    findings_error="Findings: errors", findings_warning="Findings: warnings",
    findings_info="Findings: info", findings_silenced="Findings: silenced",
    expected="Expected score",
    kpis_on_track="KPIs on track", kpis_incomplete="KPIs lacking a part", error="error",
    warning="warning", info="info", company="company", department="department", team="team",
    individual="individual", met="met", missed="missed", exceeded="exceeded", landed="landed",
    short="short", metric="metric", milestone="milestone", qualitative="qualitative",
    guardrail="guardrail", up="up", down="down",
    picture_note="Objectives by level, coloured by band; lines join aligned objectives.",
    sheet_alignment="Alignment", sheet_changes="Changes",
)  # fmt: skip


_SV = dict(
    report="Kvartalsrapport", as_of="Period {cycle}, per {date}", none="inga",
    alignment="Samordning", no_owner="(ingen ägare)", by_owner_sections="Per ägare",
    summary="Sammanfattning", objectives="Mål", key_results="Nyckelresultat", kpis="Nyckeltal",
    changes="Ändringar sedan förra avstämningen", findings="Anmärkningar", by_owner="Per ägare",
    measure="Mått", value="Värde", id="ID", title="Titel", owner="Ägare", level="Nivå",
    kind="Slag", score="Poäng", band="Färg", status="Status", expectation="Förväntan",
    forecast="Prognos", design_score="Utformning", objective="Mål", type="Typ", unit="Enhet",
    confidence="Tilltro", last_checkin="Senaste avstämning", name="Namn", current="Nuvarande",
    target="Mål", direction="Riktning", missing="Saknade delar", key_result="Nyckelresultat",
    date="Datum", previous_date="Förra datum", previous_value="Förra värde",
    value_change="Ändring i värde", previous_score="Poäng före", score_change="Ändring i poäng",
    note="Anteckning", code="Kod", severity="Allvar", item="Post", message="Meddelande",
    fix="Åtgärd", silenced="Tystad", on_track="På rätt spår", at_risk="I riskzonen",
    off_track="På fel spår", committed_total="Åtaganden", committed_met="Åtaganden uppnådda",
    aspirational_total="Utökade mål", aspirational_landed="Utökade mål landade (0,6+)",
    cycle="Period", as_of_date="Per", mean_score="Medelpoäng för målen", green="grön",
    yellow="gul", red="röd", band_green="Mål gröna (0,7+)", band_yellow="Mål gula (0,4–0,7)",
    band_red="Mål röda (under 0,4)", findings_error="Anmärkningar: fel",
    findings_warning="Anmärkningar: varningar", findings_info="Anmärkningar: info",
    findings_silenced="Anmärkningar: tystade", expected="Förväntad poäng",
    kpis_on_track="Nyckeltal på rätt spår", kpis_incomplete="Nyckeltal som saknar en del",
    error="fel", warning="varning", info="info", company="företag", department="avdelning",
    team="team", individual="individ", met="uppnått", missed="missat", exceeded="överträffat",
    landed="landat", short="under", metric="mätvärde", milestone="milstolpe",
    qualitative="kvalitativt", guardrail="gränsvärde", up="upp", down="ner",
    picture_note="Målen per nivå, färgade efter poäng; linjer förbinder samordnade mål.",
    sheet_alignment="Samordning", sheet_changes="Ändringar",
)  # fmt: skip


_VALUES = {
    "en": {"on track": "on track", "at risk": "at risk", "off track": "off track",
           "committed": "committed", "aspirational": "aspirational"},
    "sv": {"on track": "på rätt spår", "at risk": "i riskzonen", "off track": "på fel spår",
           "committed": "åtagande", "aspirational": "utökat mål"},
}  # fmt: skip


#: Labels by language: headings, column names, measures and shown values.
LABELS: dict[str, dict[str, str]] = {"en": _EN | _VALUES["en"], "sv": _SV | _VALUES["sv"]}


EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
