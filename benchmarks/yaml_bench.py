"""How long ``okrkit.load_yaml`` takes on a large file, parsing and validation apart.

Run from the repository root::

    .venv/bin/python benchmarks/yaml_bench.py                  # 1k and 10k objectives
    .venv/bin/python benchmarks/yaml_bench.py --sizes 1000 --repeat 1

For each size N the organisation of :func:`okrkit.demo_org.demo_org` is written with
:func:`okrkit.dump_yaml` and then read back. Printed, each the best of ``--repeat`` runs:

- **parse**: :func:`okrkit.io.yaml_io.read_yaml`, the text to plain dicts and lists with lines;
- **pure parse**: the same with libyaml switched off (``yaml.__with_libyaml__ = False``), the
  path taken where PyYAML is installed without its C extension;
- **total**: :func:`okrkit.load_yaml`, parsing plus the model's validation (``from_plain``);
- **floor**: ``yaml.load(text, Loader=yaml.CSafeLoader)``, libyaml with PyYAML's own
  constructor and none of okrkit's checks.

Sizes above 64 MiB of YAML are refused by ``load_yaml`` as files, but text is read as given.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

import yaml

from okrkit import dump_yaml, load_yaml
from okrkit.demo_org import demo_org
from okrkit.io.yaml_io import read_yaml


def best(repeat: int, run: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def pure_parse(text: str) -> Any:
    saved = yaml.__with_libyaml__
    yaml.__with_libyaml__ = False
    try:
        return read_yaml(text)
    finally:
        yaml.__with_libyaml__ = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="objectives, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement")
    parser.add_argument("--no-pure", action="store_true", help="skip the pure-Python parse")
    args = parser.parse_args()
    print(f"PyYAML {yaml.__version__}, libyaml {yaml.__with_libyaml__}, load {os.getloadavg()}")
    head = ("objectives", "MB", "parse s", "pure parse s", "total s", "floor s")
    print(" | ".join(head))
    for n in (int(s) for s in args.sizes.split(",")):
        text = dump_yaml(demo_org(n))
        parse = best(args.repeat, lambda t=text: read_yaml(t))
        pure = float("nan") if args.no_pure else best(1, lambda t=text: pure_parse(t))
        total = best(args.repeat, lambda t=text: load_yaml(t))
        floor = best(args.repeat, lambda t=text: yaml.load(t, Loader=yaml.CSafeLoader))
        mb = len(text.encode()) / 2**20
        times = (parse, pure, total, floor)
        print(" | ".join((f"{n:,}", f"{mb:.1f}", *(f"{t:.2f}" for t in times))), flush=True)


if __name__ == "__main__":
    main()
