"""Audit rows cannot be forged or bloated (issue 8, defect 11, audit part). Both backends.

Before the fix ``Transaction.audit`` appended any action with any payload: a write could
add a fake ``delete`` row, or a 1 MB row that no one can ever remove (the log is
append-only). Now the layer writes append their own rows, ``audit`` takes only the
sign-in actions, and a payload over 64 KiB is refused with its size.
"""

from __future__ import annotations

import pytest

from gridmap.access import GuardedTransaction
from gridmap.store import Store, StoreError
from gridmap.store.base import AUDIT_ACTIONS, AUDIT_PAYLOAD_LIMIT, AuditFilter
from tests.store_fixtures import SCOPE


def _rows(store: Store) -> int:
    return len(store.audit_log(SCOPE, limit=10_000))


@pytest.mark.parametrize("action", ["delete", "insert", "update", "set_meta", "replace", "anything"])
def test_a_layer_write_or_unknown_action_cannot_be_claimed(tiny_store: Store, action: str) -> None:
    before = _rows(tiny_store)
    with pytest.raises(StoreError, match=action), tiny_store.transaction("mallory", SCOPE) as tx:
        tx.audit(action, "issues", target="i1", before={"rows": [{"id": "i1"}]})
    assert _rows(tiny_store) == before
    assert tiny_store.audit_log(SCOPE, filters=AuditFilter(actor="mallory")).empty


def test_a_payload_over_64_kib_is_refused_naming_its_size(tiny_store: Store) -> None:
    before = _rows(tiny_store)
    with pytest.raises(StoreError) as refused, tiny_store.transaction("mallory", SCOPE) as tx:
        tx.audit("sign_in_failed", "users", target="x", after={"junk": "x" * 1_000_000})
    assert "1,000," in str(refused.value) and "64 KiB" in str(refused.value)
    assert _rows(tiny_store) == before


def test_a_payload_nested_thousands_deep_is_a_store_error(tiny_store: Store) -> None:
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(StoreError), tiny_store.transaction("mallory", SCOPE) as tx:
        tx.audit("sign_in_failed", "users", target="x", after={"deep": deep})


def test_sign_in_actions_are_recorded(tiny_store: Store) -> None:
    assert {"sign_in", "sign_in_failed", "sign_in_refused"} <= AUDIT_ACTIONS
    with tiny_store.transaction("auth", SCOPE) as tx:
        tx.audit("sign_in_failed", "users", target="bob", after={"reason": "no_account", "pad": "x" * 1000})
    (row,) = tiny_store.audit_log(SCOPE, filters=AuditFilter(actor="auth")).to_dict("records")
    assert row["action"] == "sign_in_failed" and row["target"] == "bob"
    assert AUDIT_PAYLOAD_LIMIT == 64 * 1024


def test_a_guarded_write_cannot_append_audit_rows() -> None:
    assert not hasattr(GuardedTransaction, "audit")
