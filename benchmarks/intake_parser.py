"""Benchmark the bounded spreadsheet parser: what the child process costs, and what the pre-check costs.

Run from the project root:  .venv/bin/python benchmarks/intake_parser.py [--rows 50000] [--repeat 10]

Prints, for a one-row workbook and a `--rows`-row workbook: seconds in process (the pure domain
parser) and in the bounded child (`resources.intake_parser.parse_bounded`), so the difference is
the child's fixed cost; the pre-check's own time (`intake_sheet_bounds.scan_workbook`); and how
long the issue's 512 GiB workbook takes to be refused.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import io  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from boeinghub_dagster.domain.intake import FileRejected, parse_intake_file  # noqa: E402
from boeinghub_dagster.domain.intake_readers import MAX_XLSX_UNPACKED_BYTES  # noqa: E402
from boeinghub_dagster.domain.intake_sheet_bounds import scan_workbook  # noqa: E402
from boeinghub_dagster.resources.intake_parser import parse_bounded  # noqa: E402


def workbook(rows: int) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Parts")
    ws.append(["Part Number", "Qty"])
    for i in range(rows):
        ws.append([f"BACB30LH{i}-4", i % 7 + 1])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def timed(fn, repeat: int) -> tuple[float, float]:
    """(median, max) seconds of `repeat` calls."""
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            fn()
        except FileRejected:
            pass
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), max(seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from boeinghub_dagster_tests.support.hostile_files import far_cell_xlsx

    cases = {"1 row": workbook(1), f"{args.rows:,} rows": workbook(args.rows)}
    print(
        f"{'workbook':>14} {'in process':>12} {'in child':>12} {'child cost':>12} {'pre-check':>12}"
        f"  (median of {args.repeat}, s)"
    )
    for label, content in cases.items():
        repeat = args.repeat if len(content) < 2**20 else max(3, args.repeat // 3)
        inproc = timed(lambda content=content: parse_intake_file("a.xlsx", content, max_parts=10**6), repeat)[0]
        child = timed(lambda content=content: parse_bounded("a.xlsx", content, 10**6), repeat)[0]
        scan = timed(lambda content=content: scan_workbook(content, MAX_XLSX_UNPACKED_BYTES), repeat)[0]
        print(f"{label:>14} {inproc:12.3f} {child:12.3f} {child - inproc:12.3f} {scan:12.3f}")
    hostile = far_cell_xlsx("XFD1048576")
    median, worst = timed(lambda: parse_bounded("a.xlsx", hostile, 50_000), args.repeat)
    print(
        f"A1 + XFD1048576 ({len(hostile):,} bytes, 512 GiB in the reader): "
        f"refused in {median:.3f} s (max {worst:.3f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
