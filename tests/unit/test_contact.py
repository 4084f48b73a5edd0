import attrs
import pytest

from contactlib import (
    Contact,
    ContactStatus,
    EmailAddress,
    Link,
    PartyRef,
    PhoneNumber,
    build_contact,
)
from contactlib.exceptions import (
    InvalidContactError,
    InvalidEmailError,
    InvalidLinkError,
    InvalidNameError,
    InvalidValueError,
)

CUSTOMER = PartyRef("Customer", "CUST-0042")


class TestContact:
    def test_new_contact_is_passive(self):
        """A contact made without a status is passive."""
        contact = Contact(first_name="Anna")

        assert contact.status is ContactStatus.PASSIVE

    def test_full_name(self):
        """The full name joins first, middle and last name."""
        contact = Contact(first_name="Anna", middle_name="M.", last_name="Ek")

        assert contact.full_name == "Anna M. Ek"

    def test_name_required(self):
        """A contact with no name, company or e-mail is rejected."""
        with pytest.raises(InvalidNameError, match="a contact needs a name"):
            Contact()

    def test_email_only_contact(self):
        """An e-mail address alone is enough to name a contact."""
        contact = Contact(emails=[EmailAddress("a@example.com")])

        assert contact.display_name == "a@example.com"

    def test_names_normalized(self):
        """Names are NFC-normalized and their whitespace collapsed."""
        contact = Contact(first_name="  Zoe\u0308 ", last_name="van  Dijk")

        assert contact.first_name == "Zo\u00eb"
        assert contact.last_name == "van Dijk"

    def test_control_character_rejected(self):
        """A control character in a name is rejected with its position."""
        with pytest.raises(InvalidNameError, match="U\\+0007 at position 2"):
            Contact(first_name="An\ana")

    def test_unknown_status(self):
        """An unknown status names the allowed ones."""
        with pytest.raises(InvalidValueError, match="Passive, Open, Replied"):
            Contact(first_name="Anna", status="Closed")


class TestEmails:
    def test_single_email_primary(self):
        """With exactly one e-mail address, it is primary."""
        contact = Contact(first_name="A", emails=[EmailAddress("a@x.org")])

        assert contact.primary_email == "a@x.org"

    def test_first_of_several_primary(self):
        """With several addresses and none marked, the first is primary."""
        contact = Contact(
            first_name="A",
            emails=[EmailAddress("a@x.org"), EmailAddress("b@x.org")],
        )

        assert contact.primary_email == "a@x.org"
        assert [e.is_primary for e in contact.emails] == [True, False]

    def test_marked_primary_kept(self):
        """A marked primary address stays primary."""
        contact = Contact(
            first_name="A",
            emails=[
                EmailAddress("a@x.org"),
                EmailAddress("b@x.org", is_primary=True),
            ],
        )

        assert contact.primary_email == "b@x.org"

    def test_two_primaries_rejected(self):
        """Two addresses marked primary are rejected."""
        with pytest.raises(InvalidValueError, match="2 e-mail addresses"):
            Contact(
                first_name="A",
                emails=[
                    EmailAddress("a@x.org", is_primary=True),
                    EmailAddress("b@x.org", is_primary=True),
                ],
            )

    def test_case_duplicates_merged(self):
        """Addresses that differ only in case are one address."""
        contact = Contact(
            first_name="A",
            emails=[
                EmailAddress("Anna@X.org"),
                EmailAddress("anna@x.org", is_primary=True),
            ],
        )

        assert [e.address for e in contact.emails] == ["Anna@x.org"]
        assert contact.emails[0].is_primary

    def test_stored_normalized(self):
        """Addresses are stored in email-validator's normalized form."""
        email = EmailAddress("  Anna@EXAMPLE.COM ")

        assert email.address == "Anna@example.com"

    def test_invalid_hides_local_part(self):
        """The error for a bad address shows only its first character."""
        with pytest.raises(InvalidEmailError) as caught:
            EmailAddress("secret.person@nodot")

        assert "secret.person" not in str(caught.value)
        assert "'s…@nodot'" in str(caught.value)


class TestPhones:
    def test_single_phone_primary(self):
        """A single landline number becomes the primary phone."""
        phone = PhoneNumber.parse("030 901820", region="DE")

        contact = Contact(first_name="A", phones=[phone])

        assert contact.primary_phone is not None
        assert contact.primary_phone.e164 == "+4930901820"
        assert contact.primary_mobile is None

    def test_mobile_primary_mobile(self):
        """The first mobile number becomes the primary mobile."""
        landline = PhoneNumber.parse("+49 30 901820")
        mobile = PhoneNumber.parse("+49 171 1234567")

        contact = Contact(first_name="A", phones=[mobile, landline])

        assert contact.primary_mobile == attrs.evolve(
            mobile, is_primary_mobile=True
        )
        assert contact.primary_phone is not None
        assert contact.primary_phone.raw == "+49 30 901820"

    def test_unparseable_kept(self):
        """A number that cannot be parsed is kept and marked unvalidated."""
        phone = PhoneNumber.parse("ask reception")

        assert phone.raw == "ask reception"
        assert phone.e164 is None
        assert not phone.validated

    def test_extension(self):
        """An extension is split off the E.164 form."""
        phone = PhoneNumber.parse("+1 201 555 0123 ext. 42")

        assert phone.e164 == "+12015550123"
        assert phone.extension == "42"

    def test_same_number_merged(self):
        """One number written two ways is stored once."""
        contact = Contact(
            first_name="A",
            phones=[
                PhoneNumber.parse("030 901820", region="DE"),
                PhoneNumber.parse("+49 (30) 90 18 20"),
            ],
        )

        assert len(contact.phones) == 1


class TestLinks:
    def test_duplicate_links_merged(self):
        """Two links to one party merge roles, title and primary mark."""
        contact = Contact(
            first_name="A",
            links=[
                Link("Customer", "CUST-0042", roles={"billing"}),
                Link(
                    "Customer",
                    "CUST-0042",
                    title="Acme",
                    is_primary=True,
                    roles={"Shipping"},
                ),
            ],
        )

        assert contact.links == (
            Link(
                "Customer",
                "CUST-0042",
                title="Acme",
                is_primary=True,
                roles={"billing", "shipping"},
            ),
        )

    def test_with_link_keeps_title(self):
        """Linking again keeps the title the link already has."""
        contact = Contact(
            first_name="A", links=[Link("Customer", "CUST-0042", "Acme")]
        )

        linked = contact.with_link(Link("Customer", "CUST-0042", "Other"))

        assert linked.link_to(CUSTOMER) == Link(
            "Customer", "CUST-0042", "Acme"
        )

    def test_primary_per_link(self):
        """A contact can be primary for one party and not another."""
        contact = Contact(
            first_name="A",
            links=[
                Link("Customer", "CUST-0042", is_primary=True),
                Link("Customer", "CUST-0043"),
            ],
        )

        assert [link.is_primary for link in contact.links] == [True, False]

    def test_primary_mark_needs_link(self):
        """Marking primary for a party the contact is not linked to fails."""
        contact = Contact(first_name="A")

        with pytest.raises(InvalidLinkError, match="not linked to Customer"):
            contact.with_primary_mark(CUSTOMER, primary=True)

    def test_empty_party_name(self):
        """A link with an empty party name is rejected."""
        with pytest.raises(InvalidLinkError, match="party name is empty"):
            Link("Customer", "  ")


class TestBuildContact:
    def test_all_problems_reported(self):
        """Every invalid field is reported in one group."""
        with pytest.raises(InvalidContactError) as caught:
            build_contact(
                first_name="Ann\x00",
                emails=["ok@example.com", "broken"],
                phones=[" "],
            )

        assert [field for field, _ in caught.value.problems] == [
            "emails[1]",
            "phones[0]",
            "first_name",
        ]

    def test_strict_phone(self):
        """Strict mode rejects a number that is not valid."""
        with pytest.raises(InvalidContactError) as caught:
            build_contact(first_name="A", phones=["12"], strict=True)

        assert caught.value.problems[0][0] == "phones[0]"


class TestControlCharacters:
    def test_contact_id(self):
        """A lone surrogate in a contact id is rejected."""
        with pytest.raises(InvalidValueError, match="U\\+D800 at position 1"):
            Contact(contact_id="c\ud800", first_name="A")

    def test_user_id(self):
        """A control character in a user id is rejected."""
        with pytest.raises(InvalidValueError, match="U\\+0000"):
            Contact(first_name="A", user_id="u\x00")

    def test_phone_text(self):
        """A control character in phone text is rejected."""
        with pytest.raises(InvalidValueError, match="U\\+0001"):
            PhoneNumber("12\x01")

    def test_role(self):
        """A control character in a role is rejected."""
        with pytest.raises(InvalidNameError, match="U\\+0000"):
            Link("Customer", "C", roles={"a\x00"})


class TestInvisibleCharacters:
    def test_bidi_override(self):
        """A right-to-left override in a name is rejected."""
        with pytest.raises(InvalidNameError) as caught:
            Contact(first_name="Anna\u202eX")

        assert caught.value.reason == (
            "contains invisible formatting character U+202E at position 4; "
            "remove it"
        )

    def test_zero_width_non_joiner(self):
        """A zero-width non-joiner, which Persian names use, is kept."""
        contact = Contact(first_name="سارا\u200cجان")

        assert contact.first_name == "سارا\u200cجان"


class TestGroupError:
    def test_value_error(self):
        """The group of field errors is also a ValueError."""
        with pytest.raises(ValueError, match="invalid contact") as caught:
            build_contact(first_name="A", emails=["broken"])

        assert isinstance(caught.value, InvalidContactError)

    def test_message_lists_problems(self):
        """The message of the group names every problem."""
        with pytest.raises(InvalidContactError) as caught:
            build_contact(first_name="A", phones=[" "])

        assert str(caught.value) == (
            "invalid contact: phones[0]: the phone number is empty; "
            "give a number"
        )

    def test_single_email_string(self):
        """A single address string is one address, not a list of letters."""
        contact = build_contact(first_name="S", emails="s@example.com")

        assert contact.primary_email == "s@example.com"


class TestExtraProperties:
    """`Contact.extra_properties` holds single vCard content lines."""

    def test_kept(self):
        """Lines are kept as given, in order."""
        contact = Contact(
            first_name="Anna", extra_properties=["BDAY:1990-01-01", "X-A:b"]
        )

        assert contact.extra_properties == ("BDAY:1990-01-01", "X-A:b")

    def test_line_break_rejected(self):
        """A line with a line break in it is rejected."""
        with pytest.raises(InvalidValueError) as caught:
            Contact(first_name="Anna", extra_properties=["NOTE:a\nb"])

        assert caught.value.field == "extra_properties[0]"
        assert caught.value.reason == (
            "the line has the control character U+000A at position 7; "
            "give one unfolded line, with line breaks in values written "
            "as \\n"
        )

    def test_not_a_property_rejected(self):
        """A line without a property name and colon is rejected."""
        with pytest.raises(InvalidValueError) as caught:
            Contact(first_name="Anna", extra_properties=["just text"])

        assert caught.value.reason == (
            "the line is not a vCard property; write it as NAME:value, "
            "such as BDAY:1990-01-01"
        )
