"""The store's refusals: :class:`StoreError` and its kinds."""

from __future__ import annotations


class StoreError(Exception):
    """A store operation was refused; the message says why, in words for a user."""


class ScopeError(StoreError):
    """A row or query reaches outside the caller's jurisdiction."""


class NotFound(StoreError):
    """No row with that key in the caller's scope."""


__all__ = ["NotFound", "ScopeError", "StoreError"]
