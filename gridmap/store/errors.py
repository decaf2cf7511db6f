"""The store's refusals: :class:`StoreError` and its kinds."""

from __future__ import annotations


class StoreError(Exception):
    """A store operation was refused; the message says why, in words for a user."""


class SchemaTooNew(StoreError):
    """The store was migrated by a newer gridmap: its schema version is above the code's."""

    def __init__(self, where: str, found: int, supported: int) -> None:
        super().__init__(f"{where} has schema version {found}, newer than this program ({supported}); "
                         "upgrade gridmap")
        self.found = found
        self.supported = supported


class ScopeError(StoreError):
    """A row or query reaches outside the caller's jurisdiction."""


class NotFound(StoreError):
    """No row with that key in the caller's scope."""


__all__ = ["NotFound", "SchemaTooNew", "ScopeError", "StoreError"]
