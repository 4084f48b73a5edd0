import pytest

from contactlib.exceptions import StorageError, TransientConflictError

sa = pytest.importorskip("sqlalchemy")

from contactlib.adapters._sqlalchemy_errors import (  # noqa: E402
    translate,
    translated,
)


class PostgresError(Exception):
    """Stand-in for a psycopg error, which carries `sqlstate`."""

    def __init__(self, sqlstate):
        super().__init__(f"error {sqlstate}")
        self.sqlstate = sqlstate


class MysqlError(Exception):
    """Stand-in for a MySQL driver error, whose first argument is a code."""


def _wrap(original, kind=None):
    kind = kind or sa.exc.OperationalError
    return kind("UPDATE contactlib_contacts ...", {"x": 1}, original)


class TestTranslate:
    @pytest.mark.parametrize("sqlstate", ["40001", "40P01", "55P03"])
    def test_postgres_transient(self, sqlstate):
        """Serialization failures, deadlocks and lock errors are transient."""
        error = translate(_wrap(PostgresError(sqlstate)))

        assert isinstance(error, TransientConflictError)
        assert f"SQLSTATE {sqlstate}" in str(error)

    @pytest.mark.parametrize("code", [1205, 1213])
    def test_mysql_transient(self, code):
        """MySQL lock wait time-outs and deadlocks are transient."""
        error = translate(_wrap(MysqlError(code, "Deadlock found")))

        assert isinstance(error, TransientConflictError)
        assert f"error {code}" in str(error)

    def test_sqlite_locked(self):
        """SQLite's "database is locked" is transient."""
        error = translate(_wrap(Exception("database is locked")))

        assert isinstance(error, TransientConflictError)

    def test_other_errors(self):
        """Other driver errors become storage errors without the SQL."""
        error = translate(_wrap(PostgresError("42P01")))

        assert type(error) is StorageError
        assert str(error) == (
            "the database failed with PostgresError, SQLSTATE 42P01; the "
            "transaction was rolled back, see the chained exception for "
            "the driver's message"
        )
        assert "UPDATE" not in str(error)


class TestTranslated:
    def test_raises_library_error(self):
        """Driver errors leave the block as library errors, chained."""
        original = _wrap(PostgresError("40001"))

        with pytest.raises(TransientConflictError) as caught, translated():
            raise original

        assert caught.value.__cause__ is original

    def test_integrity_error_passes(self):
        """Integrity errors pass through for the adapter to explain."""
        original = _wrap(PostgresError("23505"), sa.exc.IntegrityError)

        with pytest.raises(sa.exc.IntegrityError), translated():
            raise original
