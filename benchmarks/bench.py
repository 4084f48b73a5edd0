"""Measure import and default-contact resolution against a baseline.

The baseline is a hand-written pipeline that uses the same packages
(csv, email-validator, phonenumbers, sqlite3) with none of contactlib's
checks, batching or report.  Both run in the same process, on the same
generated file, so the ratio between them carries over between machines
better than the absolute numbers.

Run it through nox (``nox -s bench``) or directly::

    python benchmarks/bench.py --rows 20000 --output docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import TYPE_CHECKING

import email_validator
import phonenumbers

from contactlib import ContactService, PartyRef
from contactlib.adapters.sqlite import SqliteContactRepository
from contactlib.interchange import import_file
from contactlib.testing import MemoryContactRepository

if TYPE_CHECKING:
    from collections.abc import Callable

FIRST = ["Anna", "Zoë", "Łukasz", "محمد", "小明", "Søren", "José", "Иван"]
LAST = ["Berg", "Nguyen", "Kowalski", "حداد", "王", "Hansen", "García"]
PHONES = [
    "+49 30 {a:03d} {b:04d}",
    "030 {a:03d}{b:04d}",
    "(0171) {a:03d}-{b:04d}",
    "+1 201-{a:03d}-{b:04d}",
    "+44 20 7{a:03d} {b:04d}",
]
HEADER = [
    "First Name",
    "Last Name",
    "Email",
    "Phone",
    "Company",
    "Party Type",
    "Party Name",
]


def write_csv(path: Path, rows: int, parties: int, seed: int) -> None:
    """Write a generic-layout CSV with *rows* contacts."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for index in range(rows):
            phone = rng.choice(PHONES).format(
                a=rng.randrange(100, 999), b=rng.randrange(1000, 9999)
            )
            writer.writerow(
                [
                    rng.choice(FIRST),
                    rng.choice(LAST),
                    f"person{index}@company{rng.randrange(300)}.example",
                    phone,
                    f"Company {rng.randrange(parties)}",
                    "Customer",
                    f"CUST-{rng.randrange(parties):05d}",
                ]
            )


def baseline_import(path: Path, database: Path) -> int:
    """Import *path* with plain library calls and no checks."""
    connection = sqlite3.connect(database)
    connection.executescript(
        "CREATE TABLE contact (id INTEGER PRIMARY KEY, first TEXT,"
        " last TEXT, email TEXT, phone TEXT, e164 TEXT);"
        "CREATE TABLE link (contact INTEGER, party_type TEXT,"
        " party_name TEXT);"
        "CREATE INDEX link_party ON link (party_type, party_name);"
    )
    stored = 0
    with path.open(newline="", encoding="utf-8") as handle:
        batch: list[tuple[object, ...]] = []
        links: list[tuple[object, ...]] = []
        for index, row in enumerate(csv.DictReader(handle)):
            try:
                email = email_validator.validate_email(
                    row["Email"], check_deliverability=False
                ).normalized
                number = phonenumbers.parse(row["Phone"], "DE")
            except (
                email_validator.EmailNotValidError,
                phonenumbers.NumberParseException,
            ):
                continue
            e164 = phonenumbers.format_number(
                number, phonenumbers.PhoneNumberFormat.E164
            )
            batch.append(
                (
                    index,
                    row["First Name"],
                    row["Last Name"],
                    email,
                    row["Phone"],
                    e164,
                )
            )
            links.append((index, row["Party Type"], row["Party Name"]))
            if len(batch) >= 500:  # noqa: PLR2004
                stored += _flush(connection, batch, links)
        stored += _flush(connection, batch, links)
    connection.close()
    return stored


def _flush(
    connection: sqlite3.Connection,
    batch: list[tuple[object, ...]],
    links: list[tuple[object, ...]],
) -> int:
    with connection:
        connection.executemany(
            "INSERT INTO contact VALUES (?, ?, ?, ?, ?, ?)", batch
        )
        connection.executemany("INSERT INTO link VALUES (?, ?, ?)", links)
    count = len(batch)
    batch.clear()
    links.clear()
    return count


def timed(action: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Return the median wall time of *action* and its last result."""
    times = []
    result: object = None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def peak_memory(action: Callable[[], object]) -> int:
    """Return the peak of memory allocated by Python during *action*."""
    gc.collect()
    tracemalloc.start()
    action()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def clear_caches() -> None:
    """Empty contactlib's validation caches, so every run starts cold."""
    from contactlib import _normalize  # noqa: PLC0415

    _normalize.normalize_email.cache_clear()
    _normalize._normalize_domain.cache_clear()  # noqa: SLF001
    _normalize.parse_phone.cache_clear()


def main() -> None:
    """Run every measurement and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--parties", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", type=Path)
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="contactlib-bench-"))
    source = work / "contacts.csv"
    write_csv(source, options.rows, options.parties, seed=1)
    runs = iter(range(10_000))

    def fresh_db() -> Path:
        return work / f"run{next(runs)}.sqlite3"

    def run_baseline() -> int:
        return baseline_import(source, fresh_db())

    def run_memory() -> int:
        clear_caches()
        report = import_file(source, MemoryContactRepository(), region="DE")
        return report.stored

    def run_sqlite() -> int:
        clear_caches()
        with SqliteContactRepository(fresh_db()) as repository:
            report = import_file(source, repository, region="DE")
        return report.stored

    results: list[tuple[str, float, str]] = []
    base_time, base_count = timed(run_baseline, options.repeat)
    results.append(("import, hand-written baseline", base_time, ""))
    for label, action in (
        ("import, contactlib, memory", run_memory),
        ("import, contactlib, SQLite file", run_sqlite),
    ):
        seconds, count = timed(action, options.repeat)
        if count != base_count:
            sys.exit(f"{label} stored {count} rows, baseline {base_count}")
        results.append((label, seconds, f"{seconds / base_time:.2f}x"))

    memory_peak = peak_memory(run_sqlite)

    database = fresh_db()
    with SqliteContactRepository(database) as repository:
        import_file(source, repository, region="DE")
        service = ContactService(repository)
        parties = [
            PartyRef("Customer", f"CUST-{n:05d}")
            for n in range(options.parties)
        ]
        one_by_one, _ = timed(
            lambda: [service.resolve_default(p) for p in parties],
            options.repeat,
        )
        batch, _ = timed(
            lambda: service.resolve_defaults(parties), options.repeat
        )
    results.append(
        (f"resolve {options.parties} parties one by one", one_by_one, "")
    )
    results.append(
        (
            f"resolve {options.parties} parties in one batch",
            batch,
            f"{batch / one_by_one:.2f}x",
        )
    )

    lines = [
        "| measurement | seconds | rows or parties per second | relative |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, seconds, relative in results:
        count = options.parties if "resolve" in label else options.rows
        lines.append(
            f"| {label} | {seconds:.3f} | {count / seconds:,.0f} "
            f"| {relative} |"
        )
    lines.append("")
    lines.append(
        f"Peak Python memory while importing {options.rows:,} rows into "
        f"SQLite: {memory_peak / 2**20:.1f} MiB (tracemalloc)."
    )
    table = "\n".join(lines)
    print(table)
    if options.output is not None:
        write_report(options, table)


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown processor"


def write_report(options: argparse.Namespace, table: str) -> None:
    """Write the table with the command and machine that produced it."""
    command = (
        f"python benchmarks/bench.py --rows {options.rows} "
        f"--parties {options.parties} --repeat {options.repeat}"
    )
    text = f"""# Benchmarks

Produced by `nox -s bench`, which runs `{command}`.

Machine: {_cpu_name()}, {os.cpu_count()} cores,
{platform.system()} {platform.machine()},
Python {platform.python_version()}.
Times are the median of {options.repeat} runs, wall clock.

The baseline reads the same generated CSV with `csv.DictReader`,
validates each address with email-validator, parses each number with
phonenumbers and inserts into SQLite with `executemany`, without
contactlib's normalization of names, primary marks, row report or
indexes.  The relative column of an import is its time divided by the
baseline's; for the batch resolution it is the batch time divided by
the one-by-one time.

{table}
"""
    options.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
