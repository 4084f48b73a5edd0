"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


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
