"""Development sessions: tests, lint, typecheck, docs and bench."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.default_venv_backend = "venv"

PYTHONS = ["3.11", "3.12", "3.13"]


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Run the test suite."""
    session.install("-e", ".[tests]")

    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check formatting and lint rules with ruff."""
    session.install("ruff")

    session.run("ruff", "format", "--check", ".")
    session.run("ruff", "check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check the package with mypy in strict mode."""
    session.install("-e", ".[tests]", "mypy", "types-openpyxl")

    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """Measure import and resolution; write docs/benchmarks.md."""
    session.install("-e", ".")

    session.run(
        "python",
        "benchmarks/bench.py",
        "--rows",
        "20000",
        "--parties",
        "2000",
        "--output",
        "docs/benchmarks.md",
        *session.posargs,
    )
