"""Regression (issue 8, defect 12): ``users add`` accepted names with invisible characters.

``commander\\u200b`` (a zero-width space after it) could be created next to
``commander``, and looks the same in every list. A user name may no longer hold a
control or format character, a space-like character, or another invisible one; the
message names the character by its U+ code and its position. Names are stored in
Unicode NFKC form, so full-width ``ｃｏｍｍａｎｄｅｒ`` (typed with the Chinese input
method's full-width mode on) is ``commander``; and a name that differs from an
existing one only in letter case or width is refused as too similar.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gridmap import auth
from gridmap.access import Session
from gridmap.domain import Role
from gridmap.store import open_store
from gridmap.store.base import Store
from tests.conftest import TEST_PASSWORD, run_cli
from tests.store_fixtures import G1, SCOPE, tiny_units

HIDDEN = {
    "zero-width-space": "\u200b",
    "rtl-override": "\u202e",
    "bom": "\ufeff",
    "zero-width-joiner": "\u200d",
    "word-joiner": "\u2060",
    "soft-hyphen": "\u00ad",
    "nul": "\x00",
    "bell": "\x07",
    "no-break-space": "\u00a0",
    "ideographic-space": "\u3000",
    "en-space": "\u2002",
    "hangul-filler": "\u3164",
    "braille-blank": "\u2800",
    "variation-selector": "\ufe0f",
    "private-use": "\ue000",
}


@pytest.fixture
def accounts(store: Store) -> Store:
    """The tiny county with the account ``commander``."""
    with store.transaction("seed", SCOPE) as tx:
        tx.insert("units", tiny_units())
    auth.add_user(Session.system(store, SCOPE), "commander", TEST_PASSWORD, role=Role.COMMANDER,
                  unit_code="330327000000")
    return store


def _add(store: Store, name: str) -> auth.User:
    return auth.add_user(Session.system(store, SCOPE), name, TEST_PASSWORD, role=Role.GRID_WORKER, unit_code=G1)


@pytest.mark.parametrize("char", list(HIDDEN.values()), ids=list(HIDDEN))
def test_a_hidden_character_in_a_new_user_name_is_refused_by_code_and_position(accounts: Store,
                                                                                char: str) -> None:
    for name, position in ((f"commander{char}", 10), (f"com{char}mander", 4)):
        with pytest.raises(auth.AuthError) as caught:
            _add(accounts, name)
        assert caught.value.key == "auth.username_hidden_character"
        message = str(caught.value)
        assert f"U+{ord(char):04X}" in message and f"{position}" in message, message
    assert set(accounts.read("users", SCOPE, columns=["id"])["id"]) == {"commander"}


def test_a_full_width_name_is_the_same_name(accounts: Store) -> None:
    with pytest.raises(auth.AuthError) as caught:
        _add(accounts, "ｃｏｍｍａｎｄｅｒ")
    assert caught.value.key == "auth.user_exists" and "“commander”" in str(caught.value)
    user = _add(accounts, "ｗａｎｇ０１")
    assert user.username == "wang01"  # stored in NFKC form
    assert auth.sign_in(accounts, "wang01", TEST_PASSWORD).ok
    assert auth.sign_in(accounts, "ｗａｎｇ０１", TEST_PASSWORD).ok  # typed with full-width mode on


@pytest.mark.parametrize("name", ["Commander", "COMMANDER", "ＣＯＭＭＡＮＤＥＲ"])
def test_a_name_differing_only_in_case_or_width_is_refused(accounts: Store, name: str) -> None:
    with pytest.raises(auth.AuthError) as caught:
        _add(accounts, name)
    assert caught.value.key in ("auth.user_too_similar", "auth.user_exists")
    assert "commander" in str(caught.value)


def test_ordinary_names_are_still_accepted(accounts: Store) -> None:
    for name in ("王网格员", "wang.li-01", "li_si@lingxi", "Zhang3"):
        assert _add(accounts, name).username == name


def test_cli_users_add_names_the_hidden_character(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    with open_store(url) as store, store.transaction("seed", SCOPE) as tx:
        tx.insert("units", tiny_units())
    first = run_cli("users", "add", "commander", "--role", "commander", "--unit", "330327000000",
                    "--password-stdin", "--db", url, stdin=f"{TEST_PASSWORD}\n")
    assert first.returncode == 0, first.stderr
    shadow = run_cli("users", "add", "commander\u200b", "--role", "admin", "--unit", "330327000000",
                     "--password-stdin", "--db", url, stdin=f"{TEST_PASSWORD}\n")
    assert shadow.returncode == 2 and "Traceback" not in shadow.stderr
    assert "U+200B" in shadow.stderr and "第 10 个字符" in shadow.stderr and "Character 10" in shadow.stderr
    listing = run_cli("users", "list", "--db", url)
    assert len(listing.stdout.splitlines()) == 1  # one account
    wide = run_cli("users", "add", "ｗａｎｇ０１", "--role", "grid_worker", "--unit", G1, "--password-stdin",
                   "--db", url, stdin=f"{TEST_PASSWORD}\n")
    assert wide.returncode == 0, wide.stderr
    assert "added wang01" in wide.stdout and "“wang01”" in wide.stdout and "“ｗａｎｇ０１”" in wide.stdout


def test_an_old_look_alike_account_stands_out_in_the_list_and_still_signs_in(tmp_path: Path) -> None:
    """Accounts created before the rule keep working, but ``users list`` shows the hidden character."""
    url = f"sqlite:///{tmp_path}/old.db"
    with open_store(url) as store:
        with store.transaction("seed", SCOPE) as tx:
            tx.insert("units", tiny_units())
        system = Session.system(store, SCOPE)
        auth.add_user(system, "commander", TEST_PASSWORD, role=Role.COMMANDER, unit_code="330327000000")
        row = store.read("users", SCOPE, where={"id": "commander"}).assign(id="commander\u200b", role="admin")
        with store.transaction("before-the-fix", SCOPE) as tx:
            tx.insert("users", row)
        assert auth.sign_in(store, "commander\u200b", TEST_PASSWORD).user.role == Role.ADMIN  # type: ignore[union-attr]
    listing = run_cli("users", "list", "--db", url)
    assert "commander<U+200B>" in listing.stdout and len(listing.stdout.splitlines()) == 2
