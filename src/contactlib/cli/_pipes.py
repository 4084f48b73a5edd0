"""Standard output that outlives its reader.

``contactlib import big.csv | head -1`` closes the pipe after one line,
while the import still has rows and files to store.  Writing to such a
pipe raises `BrokenPipeError`, which would turn finished work into a
failure.  `PipeSafeStream` catches it, points the file descriptor at the
null device, and lets every later write go there, so the command
finishes its work and exits with the status the work earned.

This module imports neither click nor rich, so `contactlib.cli.main` can
use it before it checks that they are installed.
"""

from __future__ import annotations

import os
from typing import Any


class PipeSafeStream:
    """A stream wrapper that discards output once the reader has gone.

    Every attribute other than ``write``, ``flush`` and ``buffer`` comes
    from the wrapped stream, so the wrapper can stand in for
    `sys.stdout`.

    Args:
        stream: The text or binary stream to wrap, usually `sys.stdout`.
        parent: The text wrapper whose ``buffer`` this stream is, so both
            share one state.
    """

    def __init__(
        self,
        stream: Any,  # noqa: ANN401
        *,
        parent: PipeSafeStream | None = None,
    ) -> None:
        """Wrap *stream*; nothing is written yet."""
        self._stream = stream
        self._parent = parent
        self._discarding = False
        self._buffer: PipeSafeStream | None = None

    @property
    def discarding(self) -> bool:
        """Whether the reader has gone and output goes to the null device."""
        if self._parent is not None:
            return self._parent.discarding
        return self._discarding

    @property
    def buffer(self) -> PipeSafeStream:
        """The binary stream below a text stream, wrapped the same way."""
        if self._buffer is None:
            self._buffer = PipeSafeStream(self._stream.buffer, parent=self)
        return self._buffer

    def write(self, data: Any) -> int:  # noqa: ANN401
        """Write *data*, or drop it when the reader has gone."""
        try:
            return int(self._stream.write(data))
        except BrokenPipeError:
            self._discard()
            return len(data)

    def flush(self) -> None:
        """Flush the stream, or drop its content when the reader has gone."""
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._discard()
            # The stream keeps the data it could not write.  Its file
            # descriptor now points at the null device, which takes it.
            self._stream.flush()

    def _discard(self) -> None:
        if self._parent is not None:
            self._parent._discard()  # noqa: SLF001
            return
        if self._discarding:
            return
        self._discarding = True
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, self._stream.fileno())
        finally:
            os.close(null)

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401
        """Return the wrapped stream's attribute *name*."""
        return getattr(self._stream, name)
