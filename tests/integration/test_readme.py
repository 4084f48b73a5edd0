"""The README's commands and Python example work as written."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
INSTALL_STEPS = (
    "python3 -m venv .venv",
    ".venv/bin/pip install -e '.[cli]'",
)


def _blocks(language: str) -> list[str]:
    pattern = rf"^```{language}\n(.*?)^```$"
    return re.findall(pattern, README, flags=re.MULTILINE | re.DOTALL)


class TestReadme:
    def test_python_example(self, tmp_path: Path):
        """The Python example prints what its comments state."""
        (code,) = _blocks("python")
        expected = re.findall(r"^print\(.*\)  # (.*)$", code, re.MULTILINE)

        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

        assert done.returncode == 0, done.stderr
        assert expected
        assert done.stdout.splitlines() == expected

    def test_quick_start(self, tmp_path: Path):
        """The quick start imports the example and resolves a contact.

        The install steps are left out, so the test downloads nothing;
        the rest runs with the command installed beside this interpreter.
        """
        quick_start = _blocks("sh")[0].strip()
        steps = quick_start.split(" && ")
        shutil.copytree(ROOT / "examples", tmp_path / "examples")
        script = Path(sys.executable).parent / "contactlib"

        assert tuple(steps[:2]) == INSTALL_STEPS
        for step in steps[2:]:
            arguments = shlex.split(step)
            assert arguments[0] == ".venv/bin/contactlib"
            done = subprocess.run(  # noqa: S603
                [str(script), *arguments[1:]],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                check=False,
                timeout=120,
            )
            assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("Default contact for Customer")
        assert (tmp_path / "contacts.sqlite3").exists()

    def test_test_command_is_the_ci_command(self):
        """The README's test command is the one that CI runs."""
        test_command = _blocks("sh")[1].strip()
        ci_script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")

        assert test_command == (
            "python3 -m venv .venv && .venv/bin/pip install -e '.[tests]' "
            "&& .venv/bin/pytest"
        )
        assert test_command in ci_script.splitlines()
