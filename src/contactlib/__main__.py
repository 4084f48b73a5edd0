"""Run the ``contactlib`` command as ``python -m contactlib``."""

from __future__ import annotations

from contactlib.cli import main

if __name__ == "__main__":
    main()
