"""The linking policy: which party types and roles a host allows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from contactlib._normalize import normalize_name
from contactlib._values import Link, normalize_roles
from contactlib.exceptions import InvalidLinkError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator


def _to_roles(roles: Iterable[str] | None) -> frozenset[str] | None:
    return None if roles is None else normalize_roles(roles)


def _to_type_name(name: str) -> str:
    return normalize_name(name, "party_type")


@attrs.frozen
class PartyType:
    """One party type a host allows contacts to link to.

    Attributes:
        name: The type, exactly as links spell it, such as
            ``"Customer"``.
        portal: Whether contacts linked to parties of this type may log
            in to the portal and see those parties.
        roles: The roles a link to this type may carry, stored in lower
            case; ``None`` allows any role.

    .. versionadded:: 0.1.0
    """

    name: str = attrs.field(converter=_to_type_name)
    portal: bool = attrs.field(default=False, converter=bool)
    roles: frozenset[str] | None = attrs.field(
        default=None, converter=_to_roles
    )

    def __attrs_post_init__(self) -> None:
        """Reject an empty type name."""
        if not self.name:
            raise InvalidLinkError(
                "party_type", self.name, "the party type name is empty"
            )


class PartyTypeRegistry:
    """The allow-list of party types, with portal access and known roles.

    A host builds one registry and gives it to `ContactService`, which
    checks every link it writes against it.

    Args:
        types: The allowed types, as `PartyType` objects or plain names
            (a plain name allows any role and no portal access).

    Raises:
        InvalidLinkError: A type is registered twice.

    .. versionadded:: 0.1.0
    """

    def __init__(self, types: Iterable[PartyType | str]) -> None:
        """Index *types* by name."""
        self._types: dict[str, PartyType] = {}
        for item in types:
            party_type = PartyType(item) if isinstance(item, str) else item
            if party_type.name in self._types:
                raise InvalidLinkError(
                    "party_type",
                    party_type.name,
                    f"party type {party_type.name!r} is registered twice; "
                    "register each type once",
                )
            self._types[party_type.name] = party_type

    def __repr__(self) -> str:
        """Return the registered type names."""
        return f"PartyTypeRegistry({sorted(self._types)!r})"

    def __contains__(self, name: object) -> bool:
        """Return whether *name* is a registered type."""
        return name in self._types

    def __iter__(self) -> Iterator[PartyType]:
        """Iterate over the registered types, sorted by name."""
        return iter(sorted(self._types.values(), key=lambda t: t.name))

    def __len__(self) -> int:
        """Return the number of registered types."""
        return len(self._types)

    @classmethod
    def erpnext(cls) -> PartyTypeRegistry:
        """Return the registry of the party types ERPNext uses.

        It allows Bank, Company, Customer, Employee, Lead, Prospect, Sales
        Partner, Shareholder, Supplier and User, with any role.
        Customers' and suppliers' contacts may use the portal, as in
        ERPNext, which gives invited contacts of those two types their
        portal roles.  This is the default registry of `ContactService`.
        """
        return ERPNEXT_PARTY_TYPES

    @property
    def portal_types(self) -> frozenset[str]:
        """Names of the types whose contacts may use the portal."""
        return frozenset(t.name for t in self._types.values() if t.portal)

    def get(self, name: str) -> PartyType:
        """Return the registered type called *name*.

        Raises:
            InvalidLinkError: *name* is not registered.  The message lists
                the registered types and suggests the right spelling when
                only the letter case differs.
        """
        party_type = self._types.get(name)
        if party_type is not None:
            return party_type
        spelled = [t for t in self._types if t.casefold() == name.casefold()]
        hint = (
            f"did you mean {spelled[0]!r}?"
            if spelled
            else "register it or use one of " + ", ".join(sorted(self._types))
        )
        raise InvalidLinkError(
            "party_type", name, f"unknown party type {name!r}; {hint}"
        )

    def check_link(self, link: Link) -> None:
        """Check that *link* has a registered type and only known roles.

        Raises:
            InvalidLinkError: The type is not registered, or a role is not
                known for it.
        """
        party_type = self.get(link.party_type)
        if party_type.roles is None:
            return
        unknown = sorted(link.roles - party_type.roles)
        if unknown:
            known = ", ".join(sorted(party_type.roles)) or "none"
            raise InvalidLinkError(
                "roles",
                unknown[0],
                f"unknown role {unknown[0]!r} for {link.party_type} "
                f"{link.party_name!r}; known roles of {party_type.name}: "
                f"{known}",
            )


ERPNEXT_PARTY_TYPES = PartyTypeRegistry(
    [
        PartyType("Bank"),
        PartyType("Company"),
        PartyType("Customer", portal=True),
        PartyType("Employee"),
        PartyType("Lead"),
        PartyType("Prospect"),
        PartyType("Sales Partner"),
        PartyType("Shareholder"),
        PartyType("Supplier", portal=True),
        PartyType("User"),
    ]
)
"""The registry `PartyTypeRegistry.erpnext` returns."""


def check_links(
    links: Iterable[Link], registry: PartyTypeRegistry | None
) -> None:
    """Check every link against *registry*; ``None`` allows everything.

    Raises:
        InvalidLinkError: The first link that breaks a rule.
    """
    if registry is None:
        return
    for link in links:
        registry.check_link(link)
