"""Concurrent writers on shared parties, and the checks of their result.

Each worker owns two contacts and, at random, links them to a few shared
parties, unlinks them, and makes them primary.  Making a contact primary
demotes another worker's contact, so workers keep writing each other's
contacts, which is where lost updates and double primaries would show.

Every link carries a role unique to the operation that added it.  A
worker keeps a model of its own contacts (the parties each links to and
the roles of each link) and applies an operation to the model only when
the service accepted it.  After the run the stored contacts must equal
the models: an accepted write that was lost, or a rejected one that was
stored, shows as a difference.

The module is imported by worker processes started with the "spawn"
method, so everything a worker needs is defined at module level.
"""

from __future__ import annotations

import random
import threading
from typing import TYPE_CHECKING, Any

import attrs

from contactlib import Contact, ContactService, PartyRef, retry
from contactlib.exceptions import (
    ConflictError,
    PrimaryContactConflictError,
    TransientConflictError,
    VersionConflictError,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from contactlib.ports import ContactRepository

WORKERS = 8
OPERATIONS = 2000
CONTACTS_PER_WORKER = 2
PARTIES = tuple(PartyRef("Customer", f"CUST-{i}") for i in range(12))
RETRYABLE = (
    TransientConflictError,
    VersionConflictError,
    PrimaryContactConflictError,
)


def contact_ids(worker: int) -> list[str]:
    """Return the ids of the contacts that *worker* owns."""
    return [f"w{worker}-c{k}" for k in range(CONTACTS_PER_WORKER)]


def seed_contacts(repository: ContactRepository) -> None:
    """Store every worker's contacts, unlinked."""
    repository.add_many(
        Contact(contact_id=contact_id, first_name=contact_id)
        for worker in range(WORKERS)
        for contact_id in contact_ids(worker)
    )


@attrs.define
class WorkerResult:
    """What one worker did and what it expects to be stored.

    Attributes:
        accepted: Operations the service accepted.
        rejected: Operations that raised a conflict error after retries.
        unexpected: Errors other than conflict errors, as text.
        link_versions: Versions returned by accepted link and unlink
            operations, per contact; these always write, so two equal
            versions of one contact mean a lost update.
        expected: Per contact, the roles of each link, by party.
        made_primary: ``(contact, party)`` of accepted set-primary calls.
    """

    accepted: int = 0
    rejected: int = 0
    unexpected: list[str] = attrs.Factory(list)
    link_versions: dict[str, list[int]] = attrs.Factory(dict)
    expected: dict[str, dict[tuple[str, str], set[str]]] = attrs.Factory(dict)
    made_primary: set[tuple[str, tuple[str, str]]] = attrs.Factory(set)


def run_worker(
    factory: Callable[[], ContactRepository],
    worker: int,
    operations: int,
    seed: int,
    repository: ContactRepository | None = None,
) -> WorkerResult:
    """Run *operations* random operations as worker number *worker*.

    Args:
        factory: Makes the repository, in the worker's own process.
        worker: Number of the worker, which picks its contacts.
        operations: How many operations to run.
        seed: Seed of the worker's random choices.
        repository: A repository to share instead of calling *factory*.
    """
    own = repository is None
    repository = factory() if repository is None else repository
    service = ContactService(repository)
    rng = random.Random(seed)  # noqa: S311 - test data, no secret
    result = WorkerResult()
    model: dict[str, dict[PartyRef, set[str]]] = {
        contact_id: {} for contact_id in contact_ids(worker)
    }
    try:
        for number in range(operations):
            contact_id = rng.choice(contact_ids(worker))
            party = rng.choice(PARTIES)
            _run_one(service, model, result, rng, contact_id, party, number)
    finally:
        if own:
            repository.close()
    result.expected = {
        contact_id: {
            (party.party_type, party.party_name): roles
            for party, roles in links.items()
        }
        for contact_id, links in model.items()
    }
    return result


def _run_one(  # noqa: PLR0917
    service: ContactService,
    model: dict[str, dict[PartyRef, set[str]]],
    result: WorkerResult,
    rng: random.Random,
    contact_id: str,
    party: PartyRef,
    number: int,
) -> None:
    links = model[contact_id]
    role = f"{contact_id}-op{number}"
    kind, primary, call = _choose(service, links, rng, contact_id, party, role)
    try:
        stored = retry(
            call, attempts=8, on=RETRYABLE, base_delay=0.005, max_delay=0.05
        )()
    except ConflictError:
        result.rejected += 1
        return
    except Exception as error:  # noqa: BLE001 - reported by the test
        result.unexpected.append(f"{kind} {contact_id}: {error!r}")
        return
    result.accepted += 1
    if kind == "link":
        links.setdefault(party, set()).add(role)
    elif kind == "unlink":
        del links[party]
    if primary:
        result.made_primary.add((contact_id, _key(party)))
    if kind != "set_primary":
        result.link_versions.setdefault(contact_id, []).append(stored.version)
    if stored.parties != set(links):
        result.unexpected.append(f"{kind} {contact_id}: returned stale links")


def _choose(  # noqa: PLR0917
    service: ContactService,
    links: dict[PartyRef, set[str]],
    rng: random.Random,
    contact_id: str,
    party: PartyRef,
    role: str,
) -> tuple[str, bool, Callable[[], Contact]]:
    """Pick an operation that is valid for the worker's own contact."""
    choice = rng.random()
    if party not in links or choice < 0.25:
        primary = rng.random() < 0.25
        return (
            "link",
            primary,
            lambda: service.link(
                contact_id, party, roles=[role], primary=primary
            ),
        )
    if choice < 0.55:
        return (
            "set_primary",
            True,
            lambda: service.set_primary(party, contact_id),
        )
    return "unlink", False, lambda: service.unlink(contact_id, party)


def _key(party: PartyRef) -> tuple[str, str]:
    return (party.party_type, party.party_name)


def primary_violations(repository: ContactRepository) -> list[str]:
    """Return the parties that have more than one primary contact.

    One `find_by_parties` call reads the link flags of every contact in
    one statement, so the result is consistent without a snapshot.
    """
    found = repository.find_by_parties(PARTIES)
    problems = []
    for party, contacts in found.items():
        primaries = [
            contact.contact_id
            for contact in contacts
            if (link := contact.link_to(party)) is not None and link.is_primary
        ]
        if len(primaries) > 1:
            problems.append(f"{party} has primaries {primaries}")
    return problems


class Checker(threading.Thread):
    """Thread that checks invariants while the workers write.

    Args:
        check: Returns a list of problems; called again and again.
    """

    def __init__(self, check: Callable[[], list[str]]) -> None:
        super().__init__(daemon=True)
        self.check = check
        self.rounds = 0
        self.problems: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        """Check until stopped, pausing briefly between rounds."""
        while not self.stop.is_set():
            try:
                self.problems.extend(self.check())
            except ConflictError:
                continue
            self.rounds += 1
            self.stop.wait(0.05)


def final_problems(
    repository: ContactRepository, results: list[WorkerResult]
) -> list[str]:
    """Compare the stored contacts with the results the workers got."""
    problems = primary_violations(repository)
    made_primary = set().union(*(r.made_primary for r in results))
    for result in results:
        problems.extend(result.unexpected)
        for contact_id, versions in result.link_versions.items():
            if len(versions) != len(set(versions)):
                problems.append(f"{contact_id}: repeated versions {versions}")
        for contact_id, expected in result.expected.items():
            stored = repository.get(contact_id)
            actual = {
                _key(link.party): set(link.roles) for link in stored.links
            }
            if actual != expected:
                problems.append(f"{contact_id}: stored {actual} != {expected}")
            problems.extend(
                f"{contact_id} is primary for {link.party} unasked"
                for link in stored.links
                if link.is_primary
                and (contact_id, _key(link.party)) not in made_primary
            )
    return problems


def summary(results: list[WorkerResult]) -> dict[str, Any]:
    """Return the counts of a run, for assertion messages."""
    return {
        "accepted": sum(r.accepted for r in results),
        "rejected": sum(r.rejected for r in results),
        "unexpected": sum(len(r.unexpected) for r in results),
    }


def postgresql_repository(url: str) -> ContactRepository:
    """Make a SQLAlchemy repository on the PostgreSQL database at *url*."""
    import sqlalchemy as sa  # noqa: PLC0415

    from contactlib.adapters.sqlalchemy import (  # noqa: PLC0415
        SqlAlchemyContactRepository,
    )

    return SqlAlchemyContactRepository(sa.create_engine(url, pool_size=10))


def sqlite_repository(path: str) -> ContactRepository:
    """Make a standard-library SQLite repository on the file at *path*.

    The long timeout keeps eight processes on a loaded machine from
    failing on the file's write lock, which this adapter reports as a
    `StorageError`, not as a conflict.
    """
    from contactlib.adapters.sqlite import (  # noqa: PLC0415
        SqliteContactRepository,
    )

    return SqliteContactRepository(path, timeout=30)
