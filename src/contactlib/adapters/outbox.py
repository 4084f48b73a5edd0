"""Mailer that writes each message as an .eml file, for development.

Open the files with any mail program to see exactly what an SMTP server
would have received.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from contactlib._log import logger
from contactlib._mime import build_mime_message, header_address
from contactlib.exceptions import MailerError
from contactlib.ports import Mailer

if TYPE_CHECKING:
    from contactlib.ports import OutgoingMessage

__all__ = ["OutboxMailer"]


class OutboxMailer(Mailer):
    """Mailer that stores messages as files in a folder instead of sending.

    Each message becomes ``YYYYMMDDTHHMMSSffffffZ-<random>.eml``, so the
    names sort by time.  A file is written under a temporary name and
    renamed when complete, so a reader never sees a partial message.

    Args:
        folder: Where the files go; created if missing.
        sender: The From address.
        sender_name: The From display name.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        sender: str,
        sender_name: str = "",
    ) -> None:
        """Check the sender; the folder is created on the first send."""
        header_address(sender, sender_name)
        self.folder = Path(folder)
        self.sender = sender
        self.sender_name = sender_name

    def send(self, message: OutgoingMessage) -> None:
        """Write *message* to a new file in the folder.

        Raises:
            MailerError: The folder cannot be created or written to.
            InvalidEmailError: The recipient's address is invalid.
        """
        now = datetime.now(UTC)
        mime = build_mime_message(
            message, sender=self.sender, sender_name=self.sender_name, now=now
        )
        name = f"{now:%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:12]}.eml"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._write(self.folder / name, mime.as_bytes())
        except OSError as error:
            raise MailerError(
                f"cannot write the message to the outbox folder "
                f"{str(self.folder)!r} ({error.strerror or error}); check "
                "that it exists and is writable"
            ) from error
        logger.debug("wrote message %s to the outbox", name)

    def _write(self, target: Path, data: bytes) -> None:
        handle, temporary = tempfile.mkstemp(
            dir=self.folder, prefix=".", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            Path(temporary).replace(target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def messages(self) -> list[Path]:
        """Return the message files in the folder, oldest first."""
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob("*.eml"))
