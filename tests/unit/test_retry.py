import pytest

from contactlib import retry
from contactlib.exceptions import (
    InvalidValueError,
    TransientConflictError,
    VersionConflictError,
)


class Flaky:
    """Callable that fails a given number of times, then returns."""

    def __init__(self, failures, error):
        self.failures = failures
        self.error = error
        self.calls = 0

    def __call__(self, value):
        """Raise the error for the first calls, then return *value*."""
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return value


class TestRetry:
    def test_succeeds_after_transient(self):
        """A transient conflict is retried until the call succeeds."""
        flaky = Flaky(2, TransientConflictError("deadlock"))
        sleeps = []

        result = retry(flaky, sleep=sleeps.append)("done")

        assert result == "done"
        assert flaky.calls == 3
        assert len(sleeps) == 2

    def test_gives_up(self):
        """The error of the last attempt is raised when all attempts fail."""
        flaky = Flaky(10, TransientConflictError("deadlock"))

        with pytest.raises(TransientConflictError):
            retry(flaky, attempts=3, sleep=lambda _: None)("x")

        assert flaky.calls == 3

    def test_other_errors_pass(self):
        """Errors not named in `on` are raised at once."""
        flaky = Flaky(1, VersionConflictError("c1", 1, 2))

        with pytest.raises(VersionConflictError):
            retry(flaky, sleep=lambda _: None)("x")

        assert flaky.calls == 1

    def test_custom_errors(self):
        """Errors named in `on` are retried."""
        flaky = Flaky(1, VersionConflictError("c1", 1, 2))

        result = retry(
            flaky, on=(VersionConflictError,), sleep=lambda _: None
        )("x")

        assert result == "x"

    def test_backoff_bounds(self):
        """Each sleep lies between 0 and the doubled, capped bound."""
        flaky = Flaky(5, TransientConflictError("deadlock"))
        sleeps = []

        retry(
            flaky,
            attempts=6,
            base_delay=0.1,
            max_delay=0.25,
            sleep=sleeps.append,
        )("x")

        bounds = [0.1, 0.2, 0.25, 0.25, 0.25]
        assert all(0 <= s <= b for s, b in zip(sleeps, bounds, strict=True))

    def test_decorator_forms(self):
        """Both `@retry` and `@retry(...)` wrap a function."""

        @retry
        def bare():
            return 1

        @retry(attempts=2)
        def configured():
            return 2

        assert bare() == 1
        assert configured() == 2
        assert bare.__name__ == "bare"

    def test_invalid_attempts(self):
        """Fewer than one attempt is rejected."""
        with pytest.raises(InvalidValueError, match="at least 1"):
            retry(attempts=0)
