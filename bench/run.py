"""`make bench`: the one table of issue 20's ratios, each beside its goal, from one run on PostgreSQL.

    DATABASE_URL=postgres://… python -m bench.run [--scale F]

Builds or reuses the dataset (bench/scale.py), then collects the rows of bench/pages.py (every list page,
large against small) and of every other module of bench/ that exposes `rows()` (bench/access_links.py:
the access log's "who has seen" lookups at 100 000 against 1 000 000 entries, …), and prints them in one
table (bench/table.py) with the machine's load averages before and after: the figures of a loaded
machine say less, and the table should be read with them.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from bench import scale  # noqa: E402
from bench.table import print_table  # noqa: E402

# Not measurements, or measured first.
NOT_ROWS = {"run", "scale", "table", "pages"}


def modules_with_rows() -> list[str]:
    """The modules of bench/ that define `rows()` at their top level, besides bench.pages, by name."""
    return [
        path.stem
        for path in sorted(BENCH.glob("*.py"))
        if path.stem not in NOT_ROWS and re.search(r"^def rows\(", path.read_text(), re.MULTILINE)
    ]


def load_averages() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()  # noqa: S607


def main() -> None:
    scale.from_command_line(__doc__.splitlines()[0])
    before = load_averages()
    from bench import pages

    rows = pages.rows()
    for module in modules_with_rows():
        print(f"\nbench/{module}.py …", flush=True)
        rows += importlib.import_module(f"bench.{module}").rows()
    after = load_averages()
    print(f"\nload before: {before}\nload after:  {after}")
    print_table(rows)


if __name__ == "__main__":
    main()
