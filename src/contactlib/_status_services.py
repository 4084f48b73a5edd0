"""Status use cases: record messages and manual status changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from contactlib._log import logger
from contactlib._status import StatusChange, StatusEvent, apply_status_event
from contactlib.exceptions import InvalidValueError

if TYPE_CHECKING:
    from contactlib._model import Contact
    from contactlib._values import ContactStatus
    from contactlib.ports import ContactRepository


class StatusMethods:
    """The status methods of `ContactService`."""

    repository: ContactRepository

    if TYPE_CHECKING:

        def find_by_email(self, text: str) -> list[Contact]:
            """Return the contacts with this address; see `ContactService`."""

        def find_by_phone(self, text: str) -> list[Contact]:
            """Return the contacts with this number; see `ContactService`."""

    def record_outgoing(self, contact_id: str) -> StatusChange:
        """Record that a message was sent to a contact.

        A passive contact becomes open; see `status_after_outgoing`.

        Raises:
            ContactNotFoundError: No contact has *contact_id*.

        .. versionadded:: 0.1.0
        """
        return self._record(contact_id, StatusEvent.OUTGOING)

    def record_incoming(
        self, *, email: str | None = None, phone: str | None = None
    ) -> list[StatusChange]:
        """Record a message from the person with this address or number.

        Give exactly one of *email* (compared ignoring letter case) and
        *phone* (in any formatting, parsed with the default region).
        Every contact with that address or number becomes replied; none
        is an empty list, not an error, because mail from strangers is
        normal.

        Raises:
            InvalidValueError: Neither or both of *email* and *phone* are
                given.
            InvalidEmailError: *email* is not a valid address.
            InvalidPhoneError: *phone* cannot be parsed.

        .. versionadded:: 0.1.0
        """
        if (email is None) == (phone is None):
            raise InvalidValueError(
                "sender",
                None,
                "give either the e-mail address or the phone number of the "
                "sender, not both or neither",
            )
        with self.repository.transaction():
            found = (
                self.find_by_email(email)
                if email is not None
                else self.find_by_phone(str(phone))
            )
            return [
                self._record(contact.contact_id, StatusEvent.INCOMING)
                for contact in found
            ]

    def set_status(
        self, contact_id: str, status: ContactStatus | str
    ) -> StatusChange:
        """Set a contact's status by hand.

        Raises:
            ContactNotFoundError: No contact has *contact_id*.
            InvalidValueError: *status* is not a status.

        .. versionadded:: 0.1.0
        """
        return self._record(contact_id, StatusEvent.MANUAL, status)

    def _record(
        self,
        contact_id: str,
        event: StatusEvent,
        status: ContactStatus | str | None = None,
    ) -> StatusChange:
        with self.repository.transaction():
            contact = self.repository.get(contact_id)
            changed = apply_status_event(contact, event, status)
            stored = (
                contact
                if changed == contact
                else self.repository.save(changed)
            )
        logger.debug(
            "contact %s: %s event, status %s -> %s",
            contact_id,
            event,
            contact.status,
            stored.status,
        )
        return StatusChange(stored, contact.status, event)
