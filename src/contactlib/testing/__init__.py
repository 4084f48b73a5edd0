"""Test doubles for hosts: in-memory adapters of every port.

Hosts use these in their own tests instead of a database or a mail
server.  They pass the same contract suite as the real adapters.  Hypothesis
strategies for generated contacts are in `contactlib.testing.strategies`.
"""

from __future__ import annotations

from contactlib.adapters.memory import MemoryContactRepository

__all__ = ["MemoryContactRepository"]
