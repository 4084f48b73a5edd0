"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable


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


ADAPTERS = ["memory"]
"""Names of the repository adapters every adapter test runs against."""


def repository_factory(adapter: str, folder: Path) -> Callable[[], Any]:
    """Return a function that makes a new, empty repository of *adapter*.

    Adapters that store files put them in *folder*, one file per call.
    """
    from contactlib.testing import MemoryContactRepository  # noqa: PLC0415

    makers = {"memory": MemoryContactRepository}
    del folder
    return makers[adapter]
