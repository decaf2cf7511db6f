"""Persistence behind one interface, two backends.

- :func:`open_store` -- open the store named by a URL (``sqlite:///path`` or
  ``postgresql://...``), or by ``GRIDMAP_DB``, or the embedded default file.
- :class:`Store`, :class:`Transaction` -- the interface.
- :class:`StoreError`, :class:`ScopeError`, :class:`NotFound`, :class:`SchemaTooNew` -- refusals.
"""

from __future__ import annotations

from gridmap.settings import Settings, get_settings
from gridmap.store.base import NotFound, SchemaTooNew, ScopeError, Store, StoreError, Transaction


def default_url(settings: Settings | None = None) -> str:
    """``GRIDMAP_DB`` if set, else an SQLite file in ``GRIDMAP_DATA`` (``settings.db_url``).

    Args:
        settings: default :func:`gridmap.settings.get_settings`.
    """
    return (settings or get_settings()).db_url


def open_store(url: str | None = None, *, migrate: bool = True) -> Store:
    """Open (and by default migrate) the store at ``url``."""
    url = url or default_url()
    if url.startswith("sqlite:///"):
        from gridmap.store.sqlite import SqliteStore

        store: Store = SqliteStore(url)
    elif url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        from gridmap.store.postgis import PostgisStore

        store = PostgisStore(url)
    else:
        raise StoreError(f"unknown store URL {url!r}: use sqlite:///path/to/file.db or postgresql://...")
    if migrate:
        store.migrate()
    return store


__all__ = ["NotFound", "SchemaTooNew", "ScopeError", "Store", "StoreError", "Transaction", "default_url", "open_store"]
