"""Test doubles for hosts: in-memory adapters of every port.

Hosts use these in their own tests instead of a database or a mail
server.  They pass the same contract suite as the real adapters.  Hypothesis
strategies for generated contacts are in `contactlib.testing.strategies`.
"""

from __future__ import annotations

from contactlib.adapters.memory import MemoryContactRepository
from contactlib.adapters.memory_portal import (
    ManualClock,
    MemoryInvitationStore,
    MemoryMailer,
    MemoryUserDirectory,
)

__all__ = [
    "ManualClock",
    "MemoryContactRepository",
    "MemoryInvitationStore",
    "MemoryMailer",
    "MemoryUserDirectory",
]
