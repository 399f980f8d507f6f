"""The words a synthetic organisation is written in (departments, regions, metrics, features,
names, notes) and the plan of its tables as columns."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from okrkit.cycles import Cycle

__all__ = [
    "COMPANY_THEMES",
    "DEPARTMENTS",
    "DOWN_WORDS",
    "FEATURES",
    "FIRST_NAMES",
    "GUARDS",
    "KPI_NAMES",
    "KPI_UNITS",
    "LAST_NAMES",
    "METRICS",
    "MILESTONES",
    "NOTES",
    "OBJ_ENDS",
    "OBJ_THINGS",
    "OBJ_VERBS",
    "QUALITATIVE",
    "REGIONS",
    "SOURCES",
    "TASKS",
    "UP_WORDS",
    "VAGUE",
    "Array",
    "Plan",
    "sizes",
    "with_unit",
]


Array = np.ndarray[Any, Any]


DEPARTMENTS = (
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


REGIONS = ("EMEA", "Americas", "APAC", "Nordics", "DACH", "UK", "Iberia", "Benelux")


COMPANY_THEMES = (
    ("Delight our customers so much that they tell their friends", "CEO"),
    ("Build a profitable, recurring revenue engine", "CFO"),
    ("Become the easiest product in our market to adopt", "CPO"),
    ("Make this the best place to do the work of your life", "CHRO"),
    ("Run a sustainable, resilient business", "COO"),
)


def _words(text: str) -> tuple[str, ...]:
    """A tuple of phrases written as one ``|``-separated text (keeps the lists short)."""
    return tuple(w.strip() for w in text.split("|"))


OBJ_VERBS = _words(
    "Make|Turn|Build|Grow|Strengthen|Win with|Deliver|Earn trust in|Simplify|Modernise|Scale"
    "|Protect"
)


OBJ_THINGS = _words(
    "onboarding|our pipeline|the self-service journey|customer conversations"
    "|the product experience|our delivery rhythm|the partner ecosystem|how we learn from data"
    "|our brand|the support experience|renewals|the platform|team health|the release process"
    "|our pricing|cross-team collaboration"
)


OBJ_ENDS = _words(
    "that customers love|into a competitive edge|that scales with us|people are proud of"
    "|without the friction|for every region|that pays for itself|our customers can count on"
    "|that sets the standard|that works for new hires|we can grow on|built for the next stage"
)


# (metric, unit, low, high, rises) - low..high is the range of a start value.
METRICS = (
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


UP_WORDS = (
    "Raise {m} from {s} to {t}",
    "Grow {m} from {s} to {t}",
    "Lift {m} from {s} to {t}",
    "Increase {m} from {s} to {t}",
    "Get {m} to {t}, up from {s}",
    "{M} reaches {t} (from {s})",
)


DOWN_WORDS = (
    "Cut {m} from {s} to {t}",
    "Reduce {m} from {s} to {t}",
    "Lower {m} from {s} to {t}",
    "Bring down {m} from {s} to {t}",
    "Get {m} down to {t} from {s}",
    "{M} falls to {t} (from {s})",
)


FEATURES = _words(
    "self-service onboarding|the new billing page|single sign-on|the partner portal"
    "|usage-based pricing|the mobile check-out|the data export API|the in-app help centre"
    "|two-factor login|the renewal dashboard|the public status page|the EU data centre"
)


MILESTONES = _words(
    "Launch {f}|{F} is live for all customers|Ship {f} to every region"
    "|Sign the first three customers on {f}"
)


QUALITATIVE = _words(
    "Customers rate {f} easy to use in interviews"
    "|Users rate {f} clear and useful in the quarterly survey"
    "|Pilot customers rate {f} worth paying for|Reviewers grade {f} ready for enterprise customers"
)


# (measure, unit, low, high, side) - low..high is the range of a threshold.
GUARDS = (
    ("uptime", "%", 99.5, 99.95, "above"),
    ("support backlog", "tickets", 150, 900, "below"),
    ("gross margin", "%", 55, 70, "above"),
    ("monthly churn", "%", 4, 8, "below"),
    ("customer satisfaction", "%", 75, 88, "above"),
)


TASKS = _words(
    "Hold weekly pipeline reviews with {a}|Write a migration plan for {a}"
    "|Run customer interviews for {a}|Organise a kick-off workshop for {a}"
    "|Set up a dashboard for {a}"
)


VAGUE = _words(
    "Improve the quality of {a} work|Make {a} better|Be more customer focused in {a}"
    "|Work on alignment in {a}"
)


FIRST_NAMES = _words(
    "Ana|Bo|Carla|David|Elin|Farid|Greta|Hugo|Ines|Jonas|Karin|Leo|Maja|Nils|Olga|Pablo|Queenie"
    "|Rasmus|Sara|Tomas|Ulla|Viktor|Wei|Xenia|Yusuf|Zara|Amir|Britt|Chen|Dana"
)


LAST_NAMES = _words(
    "Berg|Lind|Okafor|Novak|Svensson|Garcia|Kowalski|Haddad|Nguyen|Larsen|Rossi|Dubois|Tanaka"
    "|Costa|Ahmed|Fischer|Ek|Moreau|Patel|Johansson|Silva|Kim|Virtanen|Murphy|Sato"
)


NOTES = _words(
    "||||On track after the campaign|Blocked by data access|Two deals slipped to next month"
    "|Hiring delayed the work|New release moved the number|Seasonal dip, expected"
    "|Waiting for the vendor|Better than planned|Needs help from the platform team"
    "|Measured with the new survey"
)


SOURCES = _words(
    "CRM|Product analytics|Finance ledger|Support desk|HR system|Data warehouse|Survey tool"
    "|Incident tracker"
)


KPI_NAMES = _words(
    "Revenue per employee|Support tickets per customer|Qualified pipeline|Employee turnover"
    "|Incident count|Cash conversion|Trial sign-ups|Customer health score|Cost per hire"
    "|Release lead time"
)


KPI_UNITS = ("kUSD", "tickets", "kUSD", "%", "incidents", "%", "sign-ups", "points", "USD", "days")


@dataclass(slots=True)
class Plan:
    cycle: Cycle
    objectives: dict[str, Any]
    key_results: dict[str, Any]
    checkins: dict[str, Any]
    kpis: dict[str, Any]
    initiatives: dict[str, Any]


def _number(value: float) -> str:
    """A number as people write it in a title: 1200, 6.5, 99.9."""
    return f"{value:g}" if abs(value) < 1e6 else f"{value:,.0f}"


def with_unit(value: float, unit: str) -> str:
    if not unit:
        return _number(value)
    if unit in ("%", "x"):
        return f"{_number(value)}{' %' if unit == '%' else 'x'}"
    if unit == "USD":
        return f"${_number(value)}"
    return f"{_number(value)} {unit}"


def sizes(n: int) -> tuple[int, int, int, int, int]:
    """(company, departments, department objectives, team objectives, individual objectives)."""
    company = min(4, n)
    departments = int(min(40, max(1, round(math.sqrt(n) / 4))))
    dept_objectives = min(3 * departments, n - company)
    departments = max(1, math.ceil(dept_objectives / 3)) if dept_objectives else 0
    rest = n - company - dept_objectives
    team_objectives = min(rest, max(3, round(0.08 * n))) if rest else 0
    return company, departments, dept_objectives, team_objectives, rest - team_objectives
