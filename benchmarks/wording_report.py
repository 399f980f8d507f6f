"""How well and how fast okrkit.wording judges key results, measured on the labelled corpora.

Run from the repository root::

    .venv/bin/python benchmarks/wording_report.py            # prints, writes wording_results.md
    .venv/bin/python benchmarks/wording_report.py --repeat 50 --output /tmp/report.md

Prints precision, recall and F1 per class and language (on the whole corpus and on its held-out
half), the confusion matrices, the accuracy of language detection, and the time per call (median,
mean, p99 and max over every corpus sentence, repeated), and writes the same as Markdown together
with a description of the machine.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from okrkit.wording import assess_key_result, detect_language
from okrkit.wording._read import typo_kind  # the cache a cold run clears

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "wording_corpus_{lang}.tsv"
LANGS = ("en", "sv")
VERDICTS = ("measurable", "task", "vague")

Rows = list[tuple[str, str]]


def load_corpus(lang: str) -> Rows:
    """``(label, text)`` rows of a corpus file (TSV with a ``label<TAB>text`` header)."""
    path = Path(str(CORPUS).format(lang=lang))
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        return [(label, text) for label, text in reader]


def held_out(rows: Rows) -> Rows:
    """The 2nd, 4th, ... row of each label: the half tests/test_wording.py holds out."""
    seen: dict[str, int] = {}
    out = []
    for label, text in rows:
        k = seen[label] = seen.get(label, -1) + 1
        if k % 2 == 1:
            out.append((label, text))
    return out


def confusion(rows: Rows) -> dict[str, dict[str, int]]:
    """Counts of (label, verdict) with the language detected."""
    matrix = {label: dict.fromkeys(VERDICTS, 0) for label in VERDICTS}
    for label, text in rows:
        matrix[label][assess_key_result(text).verdict] += 1
    return matrix


def class_scores(matrix: dict[str, dict[str, int]]) -> dict[str, tuple[float, float, float, int]]:
    """Precision, recall, F1 and support per class."""
    out = {}
    for c in VERDICTS:
        tp = matrix[c][c]
        predicted = sum(matrix[label][c] for label in VERDICTS)
        support = sum(matrix[c].values())
        p = tp / predicted if predicted else 0.0
        r = tp / support if support else 0.0
        out[c] = (p, r, 2 * p * r / (p + r) if p + r else 0.0, support)
    return out


def time_calls(
    func: Callable[[str], object],
    texts: Sequence[str],
    repeat: int,
    before: Callable[[], object] | None = None,
) -> list[float]:
    """Seconds per call, every text ``repeat`` times (after one warm-up pass); ``before`` runs
    before each call, untimed."""
    for text in texts:
        func(text)
    times = []
    clock = time.perf_counter_ns
    gc.collect()
    for _ in range(repeat):
        for text in texts:
            if before is not None:
                before()
            start = clock()
            func(text)
            times.append((clock() - start) / 1e9)
    return times


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def import_seconds() -> float:
    """Seconds to load okrkit/wording.py on its own (reading and compiling the word lists)."""
    spec = importlib.util.find_spec("okrkit.wording")
    assert spec and spec.origin
    code = (
        "import importlib.util, sys, time\n"
        f"spec = importlib.util.spec_from_file_location('wording', {spec.origin!r})\n"
        "m = sys.modules['wording'] = importlib.util.module_from_spec(spec)\n"
        "t = time.perf_counter(); spec.loader.exec_module(m); print(time.perf_counter() - t)\n"
    )
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout)
        for _ in range(5)
    ]
    return statistics.median(runs)


def machine() -> list[tuple[str, str]]:
    return [
        ("platform", platform.platform()),
        ("processor", platform.processor() or platform.machine()),
        ("CPU count", str(os.cpu_count())),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("date", dt.date.today().isoformat()),
    ]


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A Markdown table (also readable as plain text)."""
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    return [
        line(cells[0]),
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
        *map(line, cells[1:]),
    ]


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.0f} µs"


def report(repeat: int) -> str:
    out = ["# okrkit.wording: precision, recall and speed", ""]
    out += [
        "Written by `benchmarks/wording_report.py` from the labelled sets "
        "`tests/wording_corpus_en.tsv` and `tests/wording_corpus_sv.tsv`; the language of each "
        "sentence is detected, not given.",
        "",
        "The held-out half is the one tests/test_wording.py holds out (every second sentence of "
        "each label). Its sentences were not used to pick words, but the person who wrote the "
        "word lists had read them, so these figures are optimistic; docs/wording.md gives the "
        "figures on sentences written after the rules, before any tuning.",
        "",
    ]
    texts: list[str] = []
    for lang in LANGS:
        rows = load_corpus(lang)
        texts += [text for _, text in rows]
        name = {"en": "English", "sv": "Swedish"}[lang]
        for title, part in (
            (f"{name}: all {len(rows)} sentences", rows),
            (f"{name}: held-out half ({len(held_out(rows))})", held_out(rows)),
        ):
            matrix = confusion(part)
            scores = class_scores(matrix)
            out += [f"## {title}", ""]
            out += table(
                ["class", "precision", "recall", "F1", "sentences"],
                [(c, f"{p:.2f}", f"{r:.2f}", f"{f:.2f}", n) for c, (p, r, f, n) in scores.items()],
            )
            out += ["", "Confusion (rows: label, columns: verdict):", ""]
            out += table(
                ["label \\ verdict", *VERDICTS], [(c, *matrix[c].values()) for c in VERDICTS]
            )
            out += [""]
        wrong = [text for _, text in rows if detect_language(text) != lang]
        out += [
            f"Language detected correctly: {1 - len(wrong) / len(rows):.3f} "
            f"({len(rows) - len(wrong)} of {len(rows)}).",
            "",
        ]

    assess = time_calls(assess_key_result, texts, repeat)
    given = time_calls(lambda t: assess_key_result(t, "en"), texts, max(1, repeat // 2))
    cold = time_calls(
        assess_key_result, texts, max(1, repeat // 2), before=typo_kind.cache_clear
    )
    detect = time_calls(detect_language, texts, repeat)
    out += ["## Time per call", ""]
    out += [
        f"Every sentence of both corpora ({len(texts)}), {repeat} times after a warm-up pass, "
        "timed one call at a time with `time.perf_counter_ns`. The typo matches of first words "
        "are cached (a widget asks again for the same first word on every keystroke); the row "
        "*typo cache cleared* empties that cache before every call.",
        "",
    ]
    out += table(
        ["call", "median", "mean", "p99", "max", "calls"],
        [
            (
                name,
                us(statistics.median(t)),
                us(statistics.fmean(t)),
                us(percentile(t, 0.99)),
                us(max(t)),
                len(t),
            )
            for name, t in (
                ("assess_key_result(text)", assess),
                ("assess_key_result(text, 'en')", given),
                ("assess_key_result(text), typo cache cleared", cold),
                ("detect_language(text)", detect),
            )
        ],
    )
    out += [
        "",
        f"Loading the module (reading and compiling the word lists): "
        f"{import_seconds() * 1e3:.0f} ms, once per process.",
        "",
    ]
    out += ["## Machine", ""]
    out += table(["", ""], machine())
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="passes over the corpora (20)")
    parser.add_argument(
        "--output",
        type=Path,
        default=Path(__file__).with_name("wording_results.md"),
        help="where to write the Markdown report (benchmarks/wording_results.md)",
    )
    args = parser.parse_args(argv)
    text = report(args.repeat)
    print(text)
    args.output.write_text(text, encoding="utf-8")
    print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
