"""Fixtures shared by every test folder."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import postgres_server

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="session")
def corpus() -> Path:
    """Folder of real contact files written by other programs.

    Named by the environment variable ``CONTACTLIB_CORPUS``.  Tests that
    need it are skipped when it is not set, unless
    ``CONTACTLIB_REQUIRE_CORPUS`` is set, as CI does, which makes a
    missing corpus an error.
    """
    folder = os.environ.get("CONTACTLIB_CORPUS")
    if not folder:
        if os.environ.get("CONTACTLIB_REQUIRE_CORPUS"):
            pytest.fail("CONTACTLIB_CORPUS is not set")
        pytest.skip("set CONTACTLIB_CORPUS to the corpus folder")
    path = Path(folder)
    if not path.is_dir():
        pytest.fail(f"CONTACTLIB_CORPUS={folder!r} is not a folder")
    return path


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    """SQLAlchemy URL of a throw-away PostgreSQL server and database.

    The server runs for the whole session; see `postgres_server`.  Tests
    that need it are skipped when PostgreSQL or psycopg is not installed,
    unless ``CONTACTLIB_REQUIRE_POSTGRES`` is set, as CI does, which makes
    a missing server an error.
    """
    required = bool(os.environ.get("CONTACTLIB_REQUIRE_POSTGRES"))
    bin_dir = postgres_server.find_bin_dir()
    problem = None
    if bin_dir is None:
        problem = "PostgreSQL (initdb, pg_ctl) is not installed"
    elif importlib.util.find_spec("psycopg") is None:
        problem = "psycopg is not installed; install the 'tests' extra"
    if problem is not None:
        if required:
            pytest.fail(f"{problem}, but CONTACTLIB_REQUIRE_POSTGRES is set")
        pytest.skip(problem)
    assert bin_dir is not None

    with postgres_server.start_server(bin_dir) as url:
        yield url
