"""The status policy: Passive, Open and Replied."""

import pytest

from contactlib import (
    Contact,
    ContactService,
    ContactStatus,
    StatusEvent,
    apply_status_event,
    status_after_incoming,
    status_after_outgoing,
)
from contactlib.exceptions import (
    ContactNotFoundError,
    InvalidPhoneError,
    InvalidValueError,
)
from contactlib.testing import MemoryContactRepository

PASSIVE = ContactStatus.PASSIVE
OPEN = ContactStatus.OPEN
REPLIED = ContactStatus.REPLIED


@pytest.fixture
def service():
    return ContactService(MemoryContactRepository(), default_region="DE")


class TestTransitions:
    @pytest.mark.parametrize(
        ("before", "after"),
        [(PASSIVE, OPEN), (OPEN, OPEN), (REPLIED, REPLIED)],
    )
    def test_outgoing(self, before, after):
        """Sending opens a passive contact and keeps other statuses."""
        assert status_after_outgoing(before) is after

    @pytest.mark.parametrize("before", [PASSIVE, OPEN, REPLIED])
    def test_incoming(self, before):
        """A message from the person makes every status replied."""
        assert status_after_incoming(before) is REPLIED

    def test_manual(self):
        """A manual event sets the status it is given."""
        contact = Contact(first_name="Anna", status=REPLIED)

        changed = apply_status_event(contact, StatusEvent.MANUAL, "Passive")

        assert changed.status is PASSIVE

    def test_manual_needs_status(self):
        """A manual event without a status is rejected."""
        contact = Contact(first_name="Anna")

        with pytest.raises(InvalidValueError, match="needs the new status"):
            apply_status_event(contact, StatusEvent.MANUAL)

    def test_unchanged_is_same_object(self):
        """An event that changes nothing returns the contact itself."""
        contact = Contact(first_name="Anna", status=OPEN)

        assert apply_status_event(contact, StatusEvent.OUTGOING) is contact


class TestRecordOutgoing:
    def test_new_contact_becomes_open(self, service):
        """The first message sent to a new contact opens it."""
        anna = service.create(first_name="Anna")

        change = service.record_outgoing(anna.contact_id)

        assert change.previous is PASSIVE
        assert change.current is OPEN
        assert change.changed
        assert service.repository.get(anna.contact_id).status is OPEN

    def test_unchanged_not_saved(self, service):
        """A message to an open contact does not write a new version."""
        anna = service.create(first_name="Anna", status=OPEN)

        change = service.record_outgoing(anna.contact_id)

        assert not change.changed
        assert change.contact.version == anna.version

    def test_unknown_contact(self, service):
        """Recording for an unknown id raises a not-found error."""
        with pytest.raises(ContactNotFoundError):
            service.record_outgoing("nope")


class TestRecordIncoming:
    def test_by_email_any_case(self, service):
        """The sender is found by e-mail address in any letter case."""
        anna = service.create(first_name="Anna", emails=["anna@example.com"])

        changes = service.record_incoming(email=" ANNA@Example.COM ")

        assert [c.contact.contact_id for c in changes] == [anna.contact_id]
        assert changes[0].current is REPLIED
        assert changes[0].event is StatusEvent.INCOMING

    def test_by_phone_any_formatting(self, service):
        """The sender is found by phone number written another way."""
        anna = service.create(first_name="Anna", phones=["030 901820"])

        changes = service.record_incoming(phone="+49 (30) 90 18 20")

        assert [c.contact.contact_id for c in changes] == [anna.contact_id]

    def test_unknown_sender(self, service):
        """Mail from an unknown address records nothing and raises nothing."""
        service.create(first_name="Anna", emails=["anna@example.com"])

        assert service.record_incoming(email="bob@example.com") == []

    def test_shared_address(self, service):
        """Every contact with the sender's address becomes replied."""
        service.create(first_name="Anna", emails=["info@example.com"])
        service.create(first_name="Ben", emails=["info@example.com"])

        changes = service.record_incoming(email="info@example.com")

        assert [c.current for c in changes] == [REPLIED, REPLIED]

    def test_needs_one_sender(self, service):
        """Giving both an address and a number is rejected."""
        with pytest.raises(InvalidValueError, match="not both or neither"):
            service.record_incoming(email="a@example.com", phone="030 1")

    def test_unparseable_phone(self, service):
        """A phone number that cannot be parsed is rejected."""
        with pytest.raises(InvalidPhoneError):
            service.record_incoming(phone="reception")


class TestSetStatus:
    def test_manual_change_recorded(self, service):
        """A manual change is stored and returned as a manual event."""
        anna = service.create(first_name="Anna", status=REPLIED)

        change = service.set_status(anna.contact_id, PASSIVE)

        assert change.event is StatusEvent.MANUAL
        assert change.previous is REPLIED
        assert service.repository.get(anna.contact_id).status is PASSIVE

    def test_unknown_status(self, service):
        """An unknown status is rejected with the allowed ones."""
        anna = service.create(first_name="Anna")

        with pytest.raises(InvalidValueError) as caught:
            service.set_status(anna.contact_id, "Closed")

        assert caught.value.reason == (
            "unknown status 'Closed'; use one of Passive, Open, Replied"
        )
