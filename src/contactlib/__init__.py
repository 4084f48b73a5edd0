"""contactlib: the contact person of a business system.

Entities (`Contact`, `Link`, `ContactStatus`), the policies that decide
primary and default contacts, and services that run them against a
storage port.  See the docs for a guided tour.
"""

from contactlib._eligibility import (
    EligibilityContext,
    EligibilityRule,
    Ineligibility,
    IneligibilityReason,
    PortalTypeSource,
    check_eligibility,
    portal_scope,
)
from contactlib._import_report import (
    ImportReport,
    RejectedRow,
    RowProblem,
    RowWarning,
    SourceEmail,
    SourceLink,
    SourcePhone,
    SourceRecord,
)
from contactlib._importing import build_from_record, import_records
from contactlib._invitations import InvitationService
from contactlib._lifecycle import (
    OrphanPolicy,
    PartyChange,
    apply_contact_wide_primary,
    move_link,
    source_primary_survives,
)
from contactlib._model import Contact, build_contact
from contactlib._normalize import (
    ParsedPhone,
    email_key,
    normalize_email,
    normalize_name,
    parse_phone,
)
from contactlib._party_types import (
    PartyType,
    PartyTypeRegistry,
)
from contactlib._portal_model import (
    Invitation,
    InvitationStatus,
    InviteResult,
    PortalUser,
    SystemClock,
    hash_token,
    new_token,
)
from contactlib._resolution import (
    DefaultContact,
    Resolution,
    ResolutionReason,
    resolve_default_contact,
    resolve_default_contacts,
    resolve_party_default,
    resolve_party_defaults,
)
from contactlib._retry import retry
from contactlib._services import ContactService
from contactlib._status import (
    StatusChange,
    StatusEvent,
    apply_status_event,
    status_after_incoming,
    status_after_outgoing,
)
from contactlib._templates import InvitationTemplate, MessageTemplate
from contactlib._upsert import UpsertKey
from contactlib._values import (
    ContactStatus,
    EmailAddress,
    Link,
    PartyRef,
    PhoneNumber,
)

__all__ = [
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
]
