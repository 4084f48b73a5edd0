"""Invitation eligibility and portal scope, as pure functions."""

from __future__ import annotations

from contactlib import (
    Contact,
    EligibilityContext,
    EmailAddress,
    Ineligibility,
    IneligibilityReason,
    Link,
    PartyRef,
    PortalUser,
    check_eligibility,
    portal_scope,
)

PORTAL_TYPES = frozenset({"Customer", "Supplier"})


def _contact(**fields):
    values = {
        "first_name": "Anna",
        "emails": [EmailAddress("anna@example.com")],
        "links": [Link("Customer", "CUST-1")],
    }
    values.update(fields)
    return Contact(contact_id="C-1", **values)


def _reasons(context, rules=()):
    return [item.reason for item in check_eligibility(context, rules)]


class TestCheckEligibility:
    """`check_eligibility`."""

    def test_eligible(self):
        """A linked customer contact with an e-mail may be invited."""
        context = EligibilityContext(_contact(), portal_types=PORTAL_TYPES)

        assert check_eligibility(context) == ()

    def test_no_email(self):
        """A contact without an e-mail address is refused."""
        context = EligibilityContext(
            _contact(emails=[]), portal_types=PORTAL_TYPES
        )

        (reason,) = check_eligibility(context)

        assert reason == Ineligibility(
            IneligibilityReason.NO_EMAIL,
            "the contact has no primary e-mail address; add one",
        )
        assert reason.code == "no_email"

    def test_invalid_email(self):
        """An address with a non-ASCII local part cannot receive mail."""
        context = EligibilityContext(
            _contact(emails=[EmailAddress("zoë@example.com")]),
            portal_types=PORTAL_TYPES,
        )

        (reason,) = check_eligibility(context)

        assert reason.reason is IneligibilityReason.INVALID_EMAIL
        assert "non-ASCII" in reason.message
        assert "zoë" not in reason.message

    def test_unsubscribed_respected(self):
        """An unsubscribed contact is refused with respect_unsubscribe set."""
        context = EligibilityContext(
            _contact(unsubscribed=True),
            portal_types=PORTAL_TYPES,
            respect_unsubscribe=True,
        )

        assert _reasons(context) == [IneligibilityReason.UNSUBSCRIBED]

    def test_unsubscribed_ignored(self):
        """An unsubscribed contact is invited by default."""
        context = EligibilityContext(
            _contact(unsubscribed=True), portal_types=PORTAL_TYPES
        )

        assert _reasons(context) == []

    def test_already_user(self):
        """A contact whose user can log in is refused."""
        user = PortalUser("U-1", "anna@example.com", enabled=True)
        context = EligibilityContext(
            _contact(user_id="U-1"),
            linked_user=user,
            email_user=user,
            email_user_contact_ids=frozenset({"C-1"}),
            portal_types=PORTAL_TYPES,
        )

        assert _reasons(context) == [IneligibilityReason.ALREADY_USER]

    def test_pending_user(self):
        """A contact whose user is not enabled yet may be invited again."""
        user = PortalUser("U-1", "anna@example.com")
        context = EligibilityContext(
            _contact(user_id="U-1"),
            linked_user=user,
            email_user=user,
            email_user_contact_ids=frozenset({"C-1"}),
            portal_types=PORTAL_TYPES,
        )

        assert _reasons(context) == []

    def test_email_of_other_contact(self):
        """An address whose user belongs to another contact is refused."""
        context = EligibilityContext(
            _contact(),
            email_user=PortalUser("U-2", "anna@example.com"),
            email_user_contact_ids=frozenset({"C-9"}),
            portal_types=PORTAL_TYPES,
        )

        assert _reasons(context) == [IneligibilityReason.EMAIL_OF_OTHER_USER]

    def test_email_of_other_user(self):
        """An address of a user other than the linked one is refused."""
        context = EligibilityContext(
            _contact(user_id="U-1"),
            linked_user=PortalUser("U-1", "old@example.com"),
            email_user=PortalUser("U-2", "anna@example.com"),
            portal_types=PORTAL_TYPES,
        )

        assert _reasons(context) == [IneligibilityReason.EMAIL_OF_OTHER_USER]

    def test_free_account(self):
        """An account with the address and no contact may be linked."""
        context = EligibilityContext(
            _contact(),
            email_user=PortalUser("U-2", "ANNA@example.com"),
            portal_types=PORTAL_TYPES,
        )

        assert _reasons(context) == []

    def test_user_email_differs(self):
        """A linked user with another login address is refused."""
        context = EligibilityContext(
            _contact(user_id="U-1"),
            linked_user=PortalUser("U-1", "old@example.com"),
            portal_types=PORTAL_TYPES,
        )

        assert _reasons(context) == [IneligibilityReason.USER_EMAIL_DIFFERS]

    def test_no_portal_party(self):
        """A contact linked only to other party types is refused."""
        context = EligibilityContext(
            _contact(links=[Link("Lead", "LEAD-1")]),
            portal_types=PORTAL_TYPES,
        )

        assert _reasons(context) == [IneligibilityReason.NO_PORTAL_PARTY]

    def test_every_reason(self):
        """Every failing rule is reported, in a fixed order."""
        user = PortalUser("U-1", "anna@example.com", enabled=True)
        context = EligibilityContext(
            _contact(emails=[], unsubscribed=True, links=[], user_id="U-1"),
            linked_user=user,
            portal_types=PORTAL_TYPES,
            respect_unsubscribe=True,
        )

        assert _reasons(context) == [
            IneligibilityReason.NO_EMAIL,
            IneligibilityReason.UNSUBSCRIBED,
            IneligibilityReason.ALREADY_USER,
            IneligibilityReason.NO_PORTAL_PARTY,
        ]

    def test_host_rule(self):
        """A host rule adds its reasons after the built-in ones."""

        def credit_hold(context):
            if context.contact.company_name == "Late Payer Ltd":
                yield Ineligibility(
                    IneligibilityReason.HOST_RULE,
                    "the customer is on credit hold",
                    code="credit_hold",
                )

        context = EligibilityContext(
            _contact(company_name="Late Payer Ltd", links=[]),
            portal_types=PORTAL_TYPES,
        )

        reasons = check_eligibility(context, [credit_hold])

        assert [item.code for item in reasons] == [
            "no_portal_party",
            "credit_hold",
        ]
        assert reasons[1].message == "the customer is on credit hold"


class TestPortalScope:
    """`portal_scope`."""

    def test_portal_types_only(self):
        """Only parties of portal-enabled types are in the scope."""
        contact = _contact(
            user_id="U-1",
            links=[
                Link("Customer", "CUST-1"),
                Link("Supplier", "SUPP-1"),
                Link("Lead", "LEAD-1"),
            ],
        )

        scope = portal_scope(contact, "U-1", PORTAL_TYPES)

        assert scope == {
            PartyRef("Customer", "CUST-1"),
            PartyRef("Supplier", "SUPP-1"),
        }

    def test_other_user(self):
        """A contact linked to another user gives no scope."""
        contact = _contact(user_id="U-2")

        assert portal_scope(contact, "U-1", PORTAL_TYPES) == frozenset()

    def test_no_contact(self):
        """A missing contact gives no scope."""
        assert portal_scope(None, "U-1", PORTAL_TYPES) == frozenset()
