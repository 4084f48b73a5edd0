"""The linking policy: registered party types, roles and link merging."""

import pytest

from contactlib import (
    ContactService,
    Link,
    PartyRef,
    PartyType,
    PartyTypeRegistry,
    SourceLink,
    SourceRecord,
    import_records,
)
from contactlib._eligibility import portal_type_names
from contactlib.exceptions import InvalidLinkError
from contactlib.testing import MemoryContactRepository

ACME = PartyRef("Customer", "ACME")
GLOBEX = PartyRef("Supplier", "GLOBEX")

REGISTRY = PartyTypeRegistry(
    [
        PartyType("Customer", portal=True, roles={"billing", "shipping"}),
        PartyType("Supplier", portal=True),
        "Lead",
    ]
)


@pytest.fixture
def service():
    return ContactService(MemoryContactRepository(), party_types=REGISTRY)


class TestPartyTypeRegistry:
    def test_portal_types(self):
        """Only types registered with portal access are portal types."""
        assert REGISTRY.portal_types == {"Customer", "Supplier"}

    def test_plain_name_allows_any_role(self):
        """A type registered by name alone accepts every role."""
        link = Link("Lead", "LEAD-1", roles={"anything"})

        REGISTRY.check_link(link)

    def test_unknown_type(self):
        """A link to an unregistered type is rejected with the choices."""
        link = Link("Patient", "P-1")

        with pytest.raises(InvalidLinkError) as caught:
            REGISTRY.check_link(link)

        assert caught.value.reason == (
            "unknown party type 'Patient'; register it or use one of "
            "Customer, Lead, Supplier"
        )

    def test_type_in_wrong_case(self):
        """A type spelled in other letter case gets a suggestion."""
        with pytest.raises(InvalidLinkError) as caught:
            REGISTRY.get("customer")

        assert caught.value.reason == (
            "unknown party type 'customer'; did you mean 'Customer'?"
        )

    def test_unknown_role(self):
        """A role the type does not know is rejected with the known ones."""
        link = Link("Customer", "ACME", roles={"billing", "Catering"})

        with pytest.raises(InvalidLinkError) as caught:
            REGISTRY.check_link(link)

        assert caught.value.field == "roles"
        assert caught.value.reason == (
            "unknown role 'catering' for Customer 'ACME'; known roles of "
            "Customer: billing, shipping"
        )

    def test_registered_twice(self):
        """Registering one type twice is rejected."""
        with pytest.raises(InvalidLinkError, match="registered twice"):
            PartyTypeRegistry(["Customer", PartyType("Customer")])

    def test_erpnext_default(self):
        """The ERPNext registry allows its usual types, portal for two."""
        registry = PartyTypeRegistry.erpnext()

        assert "Sales Partner" in registry
        assert "Shareholder" in registry
        assert registry.portal_types == {"Customer", "Supplier"}


class TestServiceLinking:
    def test_customer_and_supplier_at_once(self, service):
        """One contact links to a customer and a supplier at once."""
        contact = service.create(first_name="Anna")

        service.link(contact.contact_id, ACME)
        linked = service.link(contact.contact_id, GLOBEX)

        assert linked.parties == {ACME, GLOBEX}

    def test_standalone_contact(self, service):
        """A contact without links is valid and stored."""
        contact = service.create(first_name="Anna")

        assert contact.links == ()

    def test_link_unknown_type(self, service):
        """Linking to an unregistered type stores nothing."""
        contact = service.create(first_name="Anna")

        with pytest.raises(InvalidLinkError, match="unknown party type"):
            service.link(contact.contact_id, PartyRef("Patient", "P-1"))

        assert service.repository.get(contact.contact_id).links == ()

    def test_link_unknown_role(self, service):
        """Linking with a role the type does not know is rejected."""
        contact = service.create(first_name="Anna")

        with pytest.raises(InvalidLinkError, match="unknown role"):
            service.link(contact.contact_id, ACME, roles=["catering"])

    def test_create_checks_links(self, service):
        """Creating a contact checks its links against the registry."""
        with pytest.raises(InvalidLinkError, match="unknown party type"):
            service.create(first_name="Anna", links=[Link("Patient", "P")])

        assert len(service.repository) == 0

    def test_update_checks_new_links(self, service):
        """An update that adds a link checks it against the registry."""
        contact = service.create(first_name="Anna")

        with pytest.raises(InvalidLinkError, match="unknown party type"):
            service.update(contact.contact_id, links=[Link("Patient", "P")])

    def test_open_registry(self):
        """With ``party_types=None`` every type and role is allowed."""
        service = ContactService(MemoryContactRepository(), party_types=None)
        contact = service.create(first_name="Anna")

        linked = service.link(
            contact.contact_id, PartyRef("Patient", "P-1"), roles=["x"]
        )

        assert linked.parties == {PartyRef("Patient", "P-1")}

    def test_relink_merges_roles(self, service):
        """Linking twice unites the roles in one link."""
        contact = service.create(first_name="Anna")
        service.link(contact.contact_id, ACME, roles=["billing"])

        linked = service.link(contact.contact_id, ACME, roles=["shipping"])

        assert len(linked.links) == 1
        assert linked.links[0].roles == {"billing", "shipping"}

    def test_relink_keeps_title(self, service):
        """Linking again keeps the title the link already has."""
        contact = service.create(first_name="Anna")
        service.link(contact.contact_id, ACME, title="ACME Corporation")

        linked = service.link(contact.contact_id, ACME, title="Other")

        assert linked.links[0].title == "ACME Corporation"

    def test_relink_keeps_primary(self, service):
        """Linking again without the primary mark keeps the mark."""
        contact = service.create(first_name="Anna")
        service.link(contact.contact_id, ACME, primary=True)

        linked = service.link(contact.contact_id, ACME, roles=["billing"])

        assert linked.links[0].is_primary


class TestPortalTypes:
    def test_registry_feeds_portal_scope(self):
        """The invitation service reads portal types from a registry."""
        names = portal_type_names(REGISTRY)

        assert "Customer" in names
        assert "Lead" not in names


class TestImportChecksRegistry:
    def test_unregistered_type_rejected(self):
        """An import with a registry rejects rows linked to other types."""
        records = [
            SourceRecord(
                2,
                fields={"first_name": "Anna"},
                links=(SourceLink("Customer", "ACME", "Link Name"),),
            ),
            SourceRecord(
                3,
                fields={"first_name": "Ben"},
                links=(SourceLink("Patient", "P-1", "Link Name"),),
            ),
        ]

        report = import_records(
            records, MemoryContactRepository(), party_types=REGISTRY
        )

        assert report.stored == 1
        assert [row.row for row in report.rejected] == [3]
        problem = report.rejected[0].problems[0]
        assert problem.column == "Link Name"
        assert problem.reason.startswith("unknown party type 'Patient'")

    def test_no_registry_stores_all(self):
        """Without a registry an import stores every type, as before."""
        records = [
            SourceRecord(
                2,
                fields={"first_name": "Ben"},
                links=(SourceLink("Patient", "P-1", "Link Name"),),
            )
        ]

        report = import_records(records, MemoryContactRepository())

        assert report.stored == 1
