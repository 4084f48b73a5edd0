"""The status policy: how messages move a contact between statuses."""

from __future__ import annotations

import enum

import attrs

from contactlib._model import Contact, to_status
from contactlib._values import ContactStatus
from contactlib.exceptions import InvalidValueError


class StatusEvent(enum.StrEnum):
    """Cause of a status change.

    .. versionadded:: 0.1.0
    """

    OUTGOING = "outgoing"
    """A message was sent to the contact."""

    INCOMING = "incoming"
    """A message from the contact arrived."""

    MANUAL = "manual"
    """A user set the status by hand."""


def status_after_outgoing(status: ContactStatus) -> ContactStatus:
    """Return the status after a message is sent to the contact.

    A passive contact becomes open.  Open and replied contacts keep their
    status, so a reply already received is not forgotten.

    .. versionadded:: 0.1.0
    """
    if status is ContactStatus.PASSIVE:
        return ContactStatus.OPEN
    return status


def status_after_incoming(status: ContactStatus) -> ContactStatus:
    """Return the status after a message from the contact arrives.

    Every status becomes replied, a passive one included: the person
    wrote first.

    .. versionadded:: 0.1.0
    """
    del status
    return ContactStatus.REPLIED


@attrs.frozen
class StatusChange:
    """Record of one status event, whether it changed the status or not.

    Services return it so the host can keep an audit trail.

    Attributes:
        contact: The contact after the event, as stored.
        previous: The status before the event.
        event: What caused the change.

    .. versionadded:: 0.1.0
    """

    contact: Contact
    previous: ContactStatus
    event: StatusEvent

    @property
    def current(self) -> ContactStatus:
        """The status after the event."""
        return self.contact.status

    @property
    def changed(self) -> bool:
        """Whether the event changed the status."""
        return self.previous is not self.contact.status


def apply_status_event(
    contact: Contact,
    event: StatusEvent,
    status: ContactStatus | str | None = None,
) -> Contact:
    """Return *contact* with the status that *event* gives it.

    Args:
        contact: The contact the event concerns.
        event: What happened.
        status: The new status for `StatusEvent.MANUAL`; ignored for the
            other events.

    Raises:
        InvalidValueError: *event* is manual and *status* is missing or
            not a status.

    .. versionadded:: 0.1.0
    """
    if event is StatusEvent.OUTGOING:
        new = status_after_outgoing(contact.status)
    elif event is StatusEvent.INCOMING:
        new = status_after_incoming(contact.status)
    elif status is None:
        raise InvalidValueError(
            "status", None, "a manual status change needs the new status"
        )
    else:
        new = to_status(status)
    if new is contact.status:
        return contact
    return attrs.evolve(contact, status=new)
