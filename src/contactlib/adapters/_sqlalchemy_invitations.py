"""Invitation store on SQLAlchemy Core."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

import sqlalchemy as sa

from contactlib._portal_model import Invitation
from contactlib.adapters._sqlalchemy_bind import BoundToDatabase
from contactlib.adapters._sqlalchemy_schema import invitations_table
from contactlib.exceptions import ConflictError, InvitationNotFoundError
from contactlib.ports import InvitationStore

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import TracebackType

    from sqlalchemy.engine import Connection, Engine

_TABLE = invitations_table
_VALUE_COLUMNS = tuple(c.name for c in _TABLE.c if c.name != "invitation_id")


def _utc(moment: datetime | None) -> datetime | None:
    # SQLite and MySQL return naive datetimes; every stored time is UTC.
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _row(invitation: Invitation) -> dict[str, Any]:
    return {
        "invitation_id": invitation.invitation_id,
        "contact_id": invitation.contact_id,
        "user_id": invitation.user_id,
        "email": invitation.email,
        "token_hash": invitation.token_hash,
        "created_at": _utc(invitation.created_at),
        "expires_at": _utc(invitation.expires_at),
        "sent_at": _utc(invitation.sent_at),
        "accepted_at": _utc(invitation.accepted_at),
        "attempts": invitation.attempts,
        "last_error": invitation.last_error,
    }


def _invitation(row: Any) -> Invitation:  # noqa: ANN401 - a row mapping
    fields = dict(row)
    for name in ("created_at", "expires_at", "sent_at", "accepted_at"):
        fields[name] = _utc(fields[name])
    return Invitation(**fields)


class SqlAlchemyInvitationStore(BoundToDatabase, InvitationStore):
    """Invitation store in the ``contactlib_invitations`` table.

    Takes an engine or a host connection, with the same transaction rules
    as `SqlAlchemyContactRepository`, so invitations can be written in the
    host's own transaction.  A unique partial index keeps one open
    invitation per contact, and `mark_accepted` is one conditional
    ``UPDATE``, so a token works once even when many workers accept it at
    the same time.

    Args:
        bind: Engine or connection of a database that has the tables of
            `metadata` (see `create_schema`).

    .. versionadded:: 0.1.0
    """

    def __init__(self, bind: Engine | Connection) -> None:
        """Use *bind* for every read and write."""
        super().__init__(bind)

    def add(self, invitation: Invitation) -> Invitation:
        """Store a new invitation.

        Raises:
            ConflictError: The contact has another open invitation, or
                the id or token hash is taken.
        """
        try:
            with self._begin() as connection:
                connection.execute(_TABLE.insert(), _row(invitation))
        except sa.exc.IntegrityError as error:
            raise ConflictError(
                f"invitation {invitation.invitation_id!r} conflicts with a "
                "stored one: a contact has one open invitation and each id "
                "and token is unique; send the open invitation again"
            ) from error
        return invitation

    def save(self, invitation: Invitation) -> Invitation:
        """Replace a stored invitation."""
        row = _row(invitation)
        with self._begin() as connection:
            changed = connection.execute(
                _TABLE.update()
                .where(_TABLE.c.invitation_id == invitation.invitation_id)
                .values({name: row[name] for name in _VALUE_COLUMNS})
            ).rowcount
        if changed != 1:
            raise InvitationNotFoundError(invitation.invitation_id)
        return invitation

    def mark_accepted(
        self, invitation_id: str, token_hash: str, at: datetime
    ) -> bool:
        """Set ``accepted_at`` if unused and *token_hash* is current."""
        with self._begin() as connection:
            changed = connection.execute(
                _TABLE.update()
                .where(
                    _TABLE.c.invitation_id == invitation_id,
                    _TABLE.c.token_hash == token_hash,
                    _TABLE.c.accepted_at.is_(None),
                )
                .values(accepted_at=_utc(at))
            ).rowcount
        return changed == 1

    def _find_one(
        self, *conditions: sa.ColumnElement[bool]
    ) -> Invitation | None:
        with self._read() as connection:
            row = (
                connection.execute(_TABLE.select().where(*conditions))
                .mappings()
                .first()
            )
        return None if row is None else _invitation(row)

    def find(self, invitation_id: str) -> Invitation | None:
        """Return the invitation with *invitation_id*, or ``None``."""
        return self._find_one(_TABLE.c.invitation_id == invitation_id)

    def find_by_token_hash(self, token_hash: str) -> Invitation | None:
        """Return the invitation whose current token has this hash."""
        return self._find_one(_TABLE.c.token_hash == token_hash)

    def find_open(self, contact_id: str) -> Invitation | None:
        """Return the contact's invitation that is not accepted."""
        return self._find_one(
            _TABLE.c.contact_id == contact_id, _TABLE.c.accepted_at.is_(None)
        )

    def __iter__(self) -> Iterator[Invitation]:
        """Iterate over all invitations, by creation time, then id."""
        with self._read() as connection:
            rows = (
                connection.execute(
                    _TABLE.select().order_by(
                        _TABLE.c.created_at, _TABLE.c.invitation_id
                    )
                )
                .mappings()
                .all()
            )
        return iter([_invitation(row) for row in rows])

    def __enter__(self) -> Self:
        """Return the store; `close` runs when the block ends."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the store."""
        self.close()

    def close(self) -> None:
        """Dispose of the engine's pooled connections.

        A host connection is left open: its owner closes it.
        """
        if not isinstance(self._bind, sa.Connection):
            self._bind.dispose()
