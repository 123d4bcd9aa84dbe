"""`make bench`: every benchmark of issue 6, one markdown report.

    python -m benchmarks [--sizes 1000 10000 50000] [--repeat 3] [--output benchmarks/results/<date>.md]

Runs benchmarks.check, benchmarks.floor, benchmarks.admission and
benchmarks.kyverno_library (given a checkout of Kyverno's library) one after the
other (never at once: they would time each other) and writes their sections
to one file, or to stdout with `--output -`. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

from benchmarks import admission, check, floor, kyverno_library

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", nargs="+", default=["1000", "10000", "50000"])
    p.add_argument("--engines", nargs="+", default=list(check.ENGINES))
    p.add_argument("--repeat", default="3")
    p.add_argument("--timeout", default="900")
    p.add_argument("--kyverno-library", help=f"a checkout of kyverno/policies (default: ${kyverno_library.ENV})")
    p.add_argument("--output", help="the markdown report ('-': stdout; default benchmarks/results/<date>.md)")
    args = p.parse_args()
    common = ["--repeat", args.repeat, "--timeout", args.timeout]
    sections = [
        "# hint2policy benchmarks\n",
        check.run(["--sizes", *args.sizes, "--engines", *args.engines, *common]),
        floor.run(common),
        admission.run(["--timeout", args.timeout]),
        kyverno_library.run(["--sizes", *args.sizes, *common, *_library(args.kyverno_library)]),
    ]
    text = "\n".join(sections)
    if args.output == "-":
        print(text)
        return
    out = Path(args.output) if args.output else RESULTS / f"{datetime.date.today().isoformat()}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)


def _library(path: str | None) -> list[str]:
    return ["--library", path] if path else []  # else kyverno_library reads its environment variable


if __name__ == "__main__":
    main()
