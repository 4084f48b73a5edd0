"""Storage and mail adapters that implement `contactlib.ports`."""
