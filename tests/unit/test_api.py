import importlib

import pytest

import contactlib
import contactlib.exceptions


class TestPublicNames:
    def test_all_sorted(self):
        """The package's `__all__` is sorted."""
        assert contactlib.__all__ == sorted(contactlib.__all__)

    def test_all_exported(self):
        """Every name in `__all__` exists in the package."""
        missing = [
            name
            for name in contactlib.__all__
            if not hasattr(contactlib, name)
        ]

        assert missing == []

    def test_every_public_name_documented(self):
        """Every public name has a docstring."""
        undocumented = [
            name
            for name in contactlib.__all__
            if not (getattr(contactlib, name).__doc__ or "").strip()
        ]

        assert undocumented == []

    def test_exceptions_share_root(self):
        """Every exception in the exceptions module derives from the root."""
        for name in contactlib.exceptions.__all__:
            error = getattr(contactlib.exceptions, name)

            assert issubclass(error, contactlib.exceptions.ContactlibError)


PUBLIC_NAMES = {
    "contactlib": [
        "Contact",
        "ContactService",
        "ContactStatus",
        "DefaultContact",
        "EligibilityContext",
        "EligibilityRule",
        "EmailAddress",
        "ImportReport",
        "Ineligibility",
        "IneligibilityReason",
        "Invitation",
        "InvitationService",
        "InvitationStatus",
        "InvitationTemplate",
        "InviteResult",
        "Link",
        "MessageTemplate",
        "OrphanPolicy",
        "ParsedPhone",
        "PartyChange",
        "PartyRef",
        "PartyType",
        "PartyTypeRegistry",
        "PhoneNumber",
        "PortalTypeSource",
        "PortalUser",
        "RejectedRow",
        "Resolution",
        "ResolutionReason",
        "RowProblem",
        "RowWarning",
        "SourceEmail",
        "SourceLink",
        "SourcePhone",
        "SourceRecord",
        "StatusChange",
        "StatusEvent",
        "SystemClock",
        "UpsertKey",
        "apply_contact_wide_primary",
        "apply_status_event",
        "build_contact",
        "build_from_record",
        "check_eligibility",
        "email_key",
        "hash_token",
        "import_records",
        "move_link",
        "new_token",
        "normalize_email",
        "normalize_name",
        "parse_phone",
        "portal_scope",
        "resolve_default_contact",
        "resolve_default_contacts",
        "resolve_party_default",
        "resolve_party_defaults",
        "retry",
        "source_primary_survives",
        "status_after_incoming",
        "status_after_outgoing",
    ],
    "contactlib.exceptions": [
        "ConflictError",
        "ContactNotFoundError",
        "ContactlibError",
        "DuplicateContactError",
        "ExpiredTokenError",
        "ImportFileError",
        "InvalidContactError",
        "InvalidEmailError",
        "InvalidLinkError",
        "InvalidNameError",
        "InvalidPhoneError",
        "InvalidValueError",
        "InvitationAcceptedError",
        "InvitationNotFoundError",
        "InvitationNotSentError",
        "InvitationTokenError",
        "MailConnectionError",
        "MailRejectedError",
        "MailTimeoutError",
        "MailerError",
        "MissingDependencyError",
        "NotEligibleError",
        "NotFoundError",
        "PartyExistsError",
        "PrimaryContactConflictError",
        "RevokedTokenError",
        "StorageError",
        "TransientConflictError",
        "UnknownTokenError",
        "UsedTokenError",
        "UserConflictError",
        "UserNotFoundError",
        "VersionConflictError",
    ],
    "contactlib.ports": [
        "Clock",
        "ContactRepository",
        "InvitationStore",
        "Mailer",
        "OutgoingMessage",
        "UserDirectory",
    ],
    "contactlib.testing": [
        "ManualClock",
        "MemoryContactRepository",
        "MemoryInvitationStore",
        "MemoryMailer",
        "MemoryUserDirectory",
    ],
    "contactlib.interchange": [
        "MAPPING_FIELDS",
        "VCARD_VERSIONS",
        "CsvReader",
        "ExportLayout",
        "ExportReport",
        "FormatReader",
        "Layout",
        "ReadOptions",
        "contact_from_dict",
        "contact_to_dict",
        "escape_formula",
        "export_rows",
        "format_names",
        "format_vcard",
        "import_file",
        "make_converter",
        "phone_region",
        "read_csv",
        "read_json",
        "read_vcard",
        "read_xlsx",
        "register_format",
        "to_jcard",
        "write_csv",
        "write_jcard",
        "write_json",
        "write_vcard",
        "write_xlsx",
    ],
}


class TestPinnedNames:
    @pytest.mark.parametrize("module_name", sorted(PUBLIC_NAMES))
    def test_all_pinned(self, module_name):
        """A public module exports exactly the names listed here."""
        module = importlib.import_module(module_name)

        assert module.__all__ == PUBLIC_NAMES[module_name]
