"""The ``contactlib`` command: a thin host over `ContactService`.

The command needs click and rich, which the ``cli`` extra installs
(``pip install 'contactlib[cli]'``).  This module imports neither, so
`main` can name the extra to install when they are missing, and
``import contactlib`` never loads them.
"""

from __future__ import annotations

import sys

from contactlib.cli._pipes import PipeSafeStream

__all__ = ["main"]

_CLI_PACKAGES = frozenset({"click", "rich"})


def main() -> None:
    """Run the ``contactlib`` command with the arguments of this process.

    Exits with the command's exit status; see the command docs for the
    meaning of each status.  When the reader of standard output goes
    away, as in ``contactlib import FILE | head -1``, the rest of the
    output is discarded and the command still finishes its work.

    .. versionadded:: 0.1.0
    """
    try:
        from contactlib.cli._app import cli  # noqa: PLC0415
    except ModuleNotFoundError as error:
        missing = (error.name or "").partition(".")[0]
        if missing not in _CLI_PACKAGES:
            raise
        sys.stderr.write(
            f"error: the contactlib command needs {missing}, which is not "
            "installed; install the command with: "
            "pip install 'contactlib[cli]'\n"
        )
        raise SystemExit(1) from None
    stdout = PipeSafeStream(sys.stdout)
    sys.stdout = stdout
    try:
        cli(prog_name="contactlib")
    finally:
        # Flushed here, because a failing flush at interpreter exit
        # would print a traceback and change the exit status to 120.
        stdout.flush()
