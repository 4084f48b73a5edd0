"""Run a transaction again when it collided with a concurrent one."""

from __future__ import annotations

import functools
import random
import time
from typing import TYPE_CHECKING, ParamSpec, TypeVar, overload

from contactlib._log import logger
from contactlib.exceptions import InvalidValueError, TransientConflictError

if TYPE_CHECKING:
    from collections.abc import Callable

_P = ParamSpec("_P")
_R = TypeVar("_R")


@overload
def retry(
    func: Callable[_P, _R],
    /,
    *,
    attempts: int = ...,
    on: tuple[type[Exception], ...] = ...,
    base_delay: float = ...,
    max_delay: float = ...,
    sleep: Callable[[float], object] = ...,
) -> Callable[_P, _R]: ...


@overload
def retry(
    func: None = None,
    /,
    *,
    attempts: int = ...,
    on: tuple[type[Exception], ...] = ...,
    base_delay: float = ...,
    max_delay: float = ...,
    sleep: Callable[[float], object] = ...,
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]: ...


def retry(
    func: Callable[_P, _R] | None = None,
    /,
    *,
    attempts: int = 5,
    on: tuple[type[Exception], ...] = (TransientConflictError,),
    base_delay: float = 0.01,
    max_delay: float = 0.5,
    sleep: Callable[[float], object] = time.sleep,
) -> Callable[_P, _R] | Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Wrap *func* so that it runs again when it raises one of *on*.

    Use it as a decorator, bare (``@retry``) or with options
    (``@retry(attempts=3)``), or call ``retry(func)(*args)`` once.  The
    wrapped function must do the whole transaction, reads included, so
    that each attempt starts from fresh data; the methods of
    `ContactService` do.  Between attempts it sleeps for a random time
    between 0 and ``base_delay * 2 ** (attempt - 1)`` seconds, at most
    *max_delay* ("full jitter" exponential backoff), so that colliding
    writers spread out.

    Args:
        func: The function to wrap.
        attempts: How many times to run *func* at most, at least 1.
        on: Exception classes that start another attempt.  The default
            retries only `TransientConflictError`.  Add
            `VersionConflictError` when *func* reads the contact again on
            each attempt; never add it for a function that saves a contact
            object it was given, because that save fails the same way each
            time.
        base_delay: Upper bound of the first sleep, in seconds.
        max_delay: Upper bound of any sleep, in seconds.
        sleep: Function that sleeps for a number of seconds; tests pass a
            fake one.

    Returns:
        The wrapped function, or a decorator when *func* is not given.
        The wrapped function returns what *func* returns and raises the
        error of the last attempt when every attempt failed.

    Raises:
        InvalidValueError: *attempts* is less than 1 or a delay is
            negative.

    .. versionadded:: 0.1.0
    """
    if attempts < 1:
        raise InvalidValueError(
            "attempts", attempts, "must be at least 1; use 1 for no retry"
        )
    if base_delay < 0 or max_delay < 0:
        raise InvalidValueError(
            "base_delay",
            (base_delay, max_delay),
            "delays must not be negative",
        )

    def decorate(wrapped: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(wrapped)
        def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            for attempt in range(1, attempts):
                try:
                    return wrapped(*args, **kwargs)
                except on as error:
                    delay = random.uniform(  # noqa: S311 - jitter, no secret
                        0, min(max_delay, base_delay * 2 ** (attempt - 1))
                    )
                    logger.info(
                        "attempt %d of %d of %s failed with %s; "
                        "retrying in %.3f s",
                        attempt,
                        attempts,
                        getattr(wrapped, "__qualname__", wrapped),
                        type(error).__name__,
                        delay,
                    )
                    sleep(delay)
            return wrapped(*args, **kwargs)

        return run

    if func is None:
        return decorate
    return decorate(func)
