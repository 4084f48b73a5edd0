import pytest
from test_invitation_stores import TestInvitationStore as InvitationContract

from contactlib.adapters.sqlalchemy import (
    SqlAlchemyInvitationStore,
    create_schema,
    create_sqlite_engine,
    invitations_table,
)

sa = pytest.importorskip("sqlalchemy")


class TestSqlAlchemyInvitationStore(InvitationContract):
    """The invitation store contract, on SQLite and PostgreSQL."""

    @pytest.fixture(params=["sqlite", "postgresql"])
    def store(self, request, tmp_path):
        """An empty SQLAlchemy invitation store on each database."""
        if request.param == "sqlite":
            engine = create_sqlite_engine(tmp_path / "contacts.sqlite3")
            create_schema(engine)
            with SqlAlchemyInvitationStore(engine) as store:
                yield store
            return
        engine = request.getfixturevalue("postgresql_engine")
        with engine.begin() as connection:
            connection.execute(invitations_table.delete())
        yield SqlAlchemyInvitationStore(engine)

    def test_host_transaction(self, store):
        """An invitation added on a host connection rolls back with it."""
        from test_invitation_stores import _invitation  # noqa: PLC0415

        engine = store._bind

        with engine.connect() as connection:
            host = connection.begin()
            SqlAlchemyInvitationStore(connection).add(_invitation())
            host.rollback()

        assert list(store) == []
