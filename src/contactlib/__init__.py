"""contactlib: the contact person of a business system.

Entities (`Contact`, `Link`, `ContactStatus`), the policies that decide
primary and default contacts, and services that run them against a
storage port.  See the docs for a guided tour.
"""

from __future__ import annotations

from contactlib._importing import (
    ImportReport,
    RejectedRow,
    RowProblem,
    RowWarning,
    SourceEmail,
    SourceLink,
    SourcePhone,
    SourceRecord,
    build_from_record,
    import_records,
)
from contactlib._model import (
    Contact,
    ContactStatus,
    EmailAddress,
    Link,
    PartyRef,
    PhoneNumber,
    build_contact,
)
from contactlib._normalize import (
    ParsedPhone,
    email_key,
    normalize_email,
    normalize_name,
    parse_phone,
)
from contactlib._resolution import (
    DefaultContact,
    Resolution,
    ResolutionReason,
    resolve_default_contact,
)
from contactlib._services import ContactService
from contactlib._upsert import UpsertKey

__all__ = [
    "Contact",
    "ContactService",
    "ContactStatus",
    "DefaultContact",
    "EmailAddress",
    "ImportReport",
    "Link",
    "ParsedPhone",
    "PartyRef",
    "PhoneNumber",
    "RejectedRow",
    "Resolution",
    "ResolutionReason",
    "RowProblem",
    "RowWarning",
    "SourceEmail",
    "SourceLink",
    "SourcePhone",
    "SourceRecord",
    "UpsertKey",
    "build_contact",
    "build_from_record",
    "email_key",
    "import_records",
    "normalize_email",
    "normalize_name",
    "parse_phone",
    "resolve_default_contact",
]
