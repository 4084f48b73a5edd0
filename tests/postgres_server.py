"""A throw-away PostgreSQL server for the tests.

`start_server` runs ``initdb`` into a new temporary folder and starts
``postgres`` on 127.0.0.1 with a free port, its Unix socket in that
folder, trust authentication and durability turned off (the data is
thrown away).  PostgreSQL refuses to run as root, so when the tests run
as root (as CI does) every server command runs as the ``postgres`` system
user, which Debian's ``postgresql`` package creates, or else as
``nobody``, through ``runuser``, and the folder is handed to that user.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

SUPERUSER = "contactlib"
DATABASE = "contactlib"


def find_bin_dir() -> Path | None:
    """Return the folder of ``initdb`` and ``pg_ctl``, or ``None``.

    Looks on ``PATH`` first, then in ``/usr/lib/postgresql/*/bin``
    (Debian's layout), newest major version first.
    """
    initdb = shutil.which("initdb")
    if initdb is not None:
        folder = Path(initdb).resolve().parent
        if (folder / "pg_ctl").exists():
            return folder
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=_major,
        reverse=True,
    )
    for candidate in candidates:
        folder = candidate.parent
        if (folder / "pg_ctl").exists():
            return folder
    return None


def _major(initdb: Path) -> int:
    version = initdb.parent.parent.name
    return int(version) if version.isdigit() else -1


def _server_user() -> str | None:
    """Return the user to run the server as, or ``None`` for ourselves."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    msg = "running as root and neither 'postgres' nor 'nobody' exists"
    raise RuntimeError(msg)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(command: list[str], user: str | None) -> None:
    if user is not None:
        command = ["runuser", "-u", user, "--", *command]
    result = subprocess.run(  # noqa: S603 - fixed programs, our arguments
        command, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        msg = (
            f"{' '.join(command)} exited with {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
        raise RuntimeError(msg)


@contextlib.contextmanager
def start_server(bin_dir: Path) -> Iterator[str]:
    """Run a server for the duration of the block and yield its URL.

    The URL names a new, empty database, for SQLAlchemy with psycopg 3.
    The server is stopped and its folder removed when the block ends,
    also when it raises.
    """
    user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="contactlib-pg-"))
    data = root / "data"
    port = _free_port()
    started = False
    try:
        if user is not None:
            account = pwd.getpwnam(user)
            os.chown(root, account.pw_uid, account.pw_gid)
        _run(
            [
                str(bin_dir / "initdb"),
                "--pgdata",
                str(data),
                "--username",
                SUPERUSER,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                "--no-sync",
            ],
            user,
        )
        options = (
            f"-h 127.0.0.1 -p {port} -k {root} "
            "-c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=60 "
            "-c deadlock_timeout=100ms"
        )
        _run(
            [
                str(bin_dir / "pg_ctl"),
                "--pgdata",
                str(data),
                "--log",
                str(root / "server.log"),
                "--options",
                options,
                "--wait",
                "start",
            ],
            user,
        )
        started = True
        _create_database(port)
        yield (f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/{DATABASE}")
    finally:
        if started:
            _run(
                [
                    str(bin_dir / "pg_ctl"),
                    "--pgdata",
                    str(data),
                    "--mode",
                    "fast",
                    "--wait",
                    "stop",
                ],
                user,
            )
        shutil.rmtree(root, ignore_errors=True)


def _create_database(port: int) -> None:
    import psycopg  # noqa: PLC0415 - only needed when a server runs

    with psycopg.connect(
        host="127.0.0.1",
        port=port,
        user=SUPERUSER,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
