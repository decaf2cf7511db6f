"""Local accounts: password hashes, sign-in with throttling, session expiry, demo accounts.

- :func:`sign_in` -- check a user name and password; repeated failures lock the
  account for a while (kept in the store, so every app process sees the lock).
- :func:`session_problem` -- whether a signed-in browser session is still valid
  (idle and absolute expiry, account disabled, password changed since sign-in).
- :func:`add_user`, :func:`list_users`, :func:`set_password`, :func:`disable_user` --
  account management through a :class:`~gridmap.access.Session` (role ``admin``, and
  only inside the admin's jurisdiction).
- :data:`DEMO_ACCOUNTS`, :func:`create_demo_accounts`, :func:`demo_passwords_in_use` --
  one documented account per role for the demo, and the check that refuses production
  while any of them still has its demo password.

Passwords are hashed with argon2id (argon2-cffi defaults: 64 MiB, 3 passes). Hashes
never leave this module: reads for display use :data:`PUBLIC_COLUMNS`, and the store
masks them in the audit trail.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

import argon2
import pandas as pd

from gridmap.access import Op, Session, User
from gridmap.domain import CATEGORIES, Role, Scope
from gridmap.i18n import t
from gridmap.store.base import ScopeError, Store, StoreError, now

MIN_PASSWORD_LENGTH = 10
MAX_FAILURES = 5  # consecutive failures before a lock
LOCK_MINUTES = 15
IDLE_MINUTES_DEFAULT = 30
MAX_SESSION_HOURS_DEFAULT = 12
PUBLIC_COLUMNS: tuple[str, ...] = ("id", "display_name", "role", "unit_code", "department", "disabled",
                                   "failed_logins", "locked_until", "last_login_at", "password_set_at")

_HASHER = argon2.PasswordHasher()
# A hash of nothing in particular: unknown user names are verified against it so that
# a wrong name costs the same time as a wrong password.
_DUMMY_HASH = _HASHER.hash("gridmap-no-such-user")


class AuthError(StoreError):
    """An account operation was refused; ``key`` names the i18n message, ``params`` fill it."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(f"{t(key, 'zh', **params)} / {t(key, 'en', **params)}")
        self.key = key
        self.params = params


# --------------------------------------------------------------------------- passwords


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` after the length rule is checked."""
    check_password_rules(password)
    return _HASHER.hash(password)


def check_password_rules(password: str) -> None:
    """Refuse passwords that are too short or all one kind of character."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError("auth.password_too_short", n=MIN_PASSWORD_LENGTH)
    if password.isdigit() or password.isalpha():
        raise AuthError("auth.password_too_simple")


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (constant-time, never raises)."""
    try:
        return _HASHER.verify(password_hash, password)
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        return False


# --------------------------------------------------------------------------- sign-in


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: a user, or the i18n key saying why not."""

    user: User | None
    reason: str | None = None
    until: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None


# Unknown user names have no row to count failures on; count them in memory per process.
_unknown_failures: dict[str, tuple[int, dt.datetime]] = {}
_unknown_lock = threading.Lock()


def sign_in(store: Store, username: str, password: str, *, clock: Callable[[], dt.datetime] = now) -> SignIn:
    """Check ``username`` and ``password``; record the attempt.

    Wrong name and wrong password give the same answer. After :data:`MAX_FAILURES`
    consecutive failures the account is locked for :data:`LOCK_MINUTES` minutes, and
    the lock doubles with each further failure (at most a day). Every attempt on an
    existing account is in the audit trail.

    Returns:
        A :class:`SignIn`; ``reason`` is ``auth.bad_credentials``, ``auth.locked``
        (with ``until``) or ``auth.disabled`` when it fails.
    """
    username = username.strip()
    at = clock()
    row = store.account(username) if username else None
    if row is None:
        verify_password(_DUMMY_HASH, password)
        return _unknown_user_failure(username, at)
    locked_until = _as_datetime(row.get("locked_until"))
    if locked_until is not None and locked_until > at:
        return SignIn(None, "auth.locked", locked_until)
    good = verify_password(str(row["password_hash"]), password)
    scope = Scope.county(str(row["county_code"]))
    with store.transaction(username, scope) as tx:
        if not good:
            failures = int(row.get("failed_logins") or 0) + 1
            until = _lock_until(failures, at)
            tx.update("users", username, {"failed_logins": failures, "locked_until": until})
            tx.audit("sign_in_failed", "users", target=username, after={"failures": failures, "locked_until": until})
            return SignIn(None, "auth.locked" if until else "auth.bad_credentials", until)
        if row.get("disabled"):
            tx.audit("sign_in_refused", "users", target=username, after={"reason": "disabled"})
            return SignIn(None, "auth.disabled")
        tx.update("users", username, {"failed_logins": 0, "locked_until": None, "last_login_at": at})
        tx.audit("sign_in", "users", target=username)
    return SignIn(User.from_row(row))


def _lock_until(failures: int, at: dt.datetime) -> dt.datetime | None:
    if failures < MAX_FAILURES:
        return None
    minutes = min(LOCK_MINUTES * 2 ** (failures - MAX_FAILURES), 24 * 60)
    return at + dt.timedelta(minutes=minutes)


def _unknown_user_failure(username: str, at: dt.datetime) -> SignIn:
    with _unknown_lock:
        failures, until = _unknown_failures.get(username, (0, at))
        if until > at and failures >= MAX_FAILURES:
            return SignIn(None, "auth.locked", until)
        failures += 1
        until = _lock_until(failures, at) or at
        _unknown_failures[username] = (failures, until)
        if len(_unknown_failures) > 10_000:  # bounded: drop the oldest half
            for key in list(_unknown_failures)[:5_000]:
                del _unknown_failures[key]
    return SignIn(None, "auth.locked" if failures >= MAX_FAILURES else "auth.bad_credentials",
                  until if failures >= MAX_FAILURES else None)


# --------------------------------------------------------------------------- sessions


@dataclass(frozen=True)
class SessionPolicy:
    """How long a browser session lasts."""

    idle_minutes: int = IDLE_MINUTES_DEFAULT
    max_hours: int = MAX_SESSION_HOURS_DEFAULT

    @classmethod
    def from_env(cls) -> SessionPolicy:
        """``GRIDMAP_SESSION_IDLE_MINUTES`` and ``GRIDMAP_SESSION_MAX_HOURS``, else the defaults."""
        return cls(_env_int("GRIDMAP_SESSION_IDLE_MINUTES", IDLE_MINUTES_DEFAULT),
                   _env_int("GRIDMAP_SESSION_MAX_HOURS", MAX_SESSION_HOURS_DEFAULT))


def session_problem(store: Store, username: str, signed_in_at: dt.datetime, last_seen: dt.datetime,
                    at: dt.datetime, policy: SessionPolicy) -> str | None:
    """Why a browser session must sign in again (an i18n key), or None if it is valid.

    Checked on every page run: idle too long, open too long, the account disabled or
    deleted, or its password changed after this session signed in.
    """
    if at - last_seen > dt.timedelta(minutes=policy.idle_minutes):
        return "auth.expired_idle"
    if at - signed_in_at > dt.timedelta(hours=policy.max_hours):
        return "auth.expired_max"
    row = store.account(username)
    if row is None or row.get("disabled"):
        return "auth.disabled"
    changed = _as_datetime(row.get("password_set_at"))
    if changed is not None and changed > signed_in_at:
        return "auth.password_changed"
    return None


def current_user(store: Store, username: str) -> User | None:
    """The user as stored now (role or jurisdiction may have changed since sign-in)."""
    row = store.account(username)
    return None if row is None or row.get("disabled") else User.from_row(row)


# --------------------------------------------------------------------------- management


def add_user(session: Session, username: str, password: str, *, role: Role | str, unit_code: str,
             display_name: str | None = None, department: str | None = None) -> User:
    """Create an account inside the admin's jurisdiction.

    Raises:
        PermissionDenied: the session may not manage users.
        ScopeError: ``unit_code`` lies outside the session's jurisdiction.
        AuthError: bad name, duplicate name, weak password, unknown unit.
    """
    session.require(Op.MANAGE_USERS)
    username = username.strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise AuthError("auth.bad_username")
    if session.store.account(username) is not None:
        raise AuthError("auth.user_exists", username=username)
    user = User(username, Role(role), unit_code, display_name or username, department)
    if unit_code[:6] != session.scope.county_code or not unit_code.startswith(session.scope.prefix):
        raise ScopeError(f"{t('auth.outside_scope', 'zh')} / {t('auth.outside_scope', 'en')} ({unit_code})")
    if not session.count("units", where={"code": unit_code}) and not session.user.system:
        raise AuthError("auth.unknown_unit", code=unit_code)
    row = pd.DataFrame([{
        "id": username, "county_code": unit_code[:6], "display_name": user.display_name, "role": user.role.value,
        "unit_code": unit_code, "department": department, "password_hash": hash_password(password),
        "password_set_at": now(), "disabled": False, "failed_logins": 0,
    }])
    with session.write(Op.MANAGE_USERS) as tx:
        tx.insert("users", row, note=f"{user.role.value} {unit_code}")
    return user


def list_users(session: Session) -> pd.DataFrame:
    """Accounts inside the session's jurisdiction, without password hashes."""
    return session.read("users", columns=list(PUBLIC_COLUMNS)).sort_values("id").reset_index(drop=True)


def set_password(session: Session, username: str, password: str) -> None:
    """Give ``username`` a new password and lift any lock (signs out its open sessions)."""
    with session.write(Op.MANAGE_USERS) as tx:
        tx.update("users", username, {"password_hash": hash_password(password), "password_set_at": now(),
                                      "failed_logins": 0, "locked_until": None})


def disable_user(session: Session, username: str, disabled: bool = True) -> None:
    """Disable (or re-enable) ``username``; a disabled user is signed out at the next click."""
    if disabled and username == session.user.username:
        raise AuthError("auth.cannot_disable_self")
    with session.write(Op.MANAGE_USERS) as tx:
        tx.update("users", username, {"disabled": bool(disabled)})


# --------------------------------------------------------------------------- demo


@dataclass(frozen=True)
class DemoAccount:
    """One documented demo account (README, "Demo accounts")."""

    username: str
    password: str
    role: Role
    display_name: str
    unit: str  # "county", "town" or "grid": where in the demo county it sits


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("commander", "demo-commander-2026", Role.COMMANDER, "县指挥中心 值班长", "county"),
    DemoAccount("planner", "demo-planner-2026", Role.PLANNER, "县网格办 规划员", "county"),
    DemoAccount("inspector", "demo-inspector-2026", Role.INSPECTOR, "县应急局 巡查员", "county"),
    DemoAccount("gridworker", "demo-gridworker-2026", Role.GRID_WORKER, "宜山镇 网格员", "grid"),
    DemoAccount("department", "demo-department-2026", Role.DEPARTMENT, "县综合执法局 处置员", "county"),
    DemoAccount("admin", "demo-admin-2026", Role.ADMIN, "系统管理员", "county"),
)
DEMO_DEPARTMENT = CATEGORIES[next(iter(CATEGORIES))].department


def demo_account_rows(county_code: str, grid_code: str) -> pd.DataFrame:
    """``users`` rows for :data:`DEMO_ACCOUNTS`; the grid worker works in ``grid_code``."""
    county_unit = f"{county_code[:6]}000000"
    return pd.DataFrame([{
        "id": a.username, "county_code": county_code[:6], "display_name": a.display_name, "role": a.role.value,
        "unit_code": grid_code if a.unit == "grid" else county_unit,
        "department": DEMO_DEPARTMENT if a.role == Role.DEPARTMENT else None,
        "password_hash": _HASHER.hash(a.password), "password_set_at": now(), "disabled": False,
        "failed_logins": 0,
    } for a in DEMO_ACCOUNTS])


def create_demo_accounts(store: Store, county_code: str, actor: str = "demo") -> list[str]:
    """(Re)create the demo accounts in ``county_code``; returns their user names.

    The grid worker gets the first grid (by code) of the county, so its jurisdiction
    is a real unit of the loaded demo.
    """
    scope = Scope.county(county_code)
    grids = store.read("units", scope, where={"level": "grid"}, columns=["code"])
    if grids.empty:
        raise StoreError(f"county {county_code} has no grids: load the demo units first")
    names = [a.username for a in DEMO_ACCOUNTS]
    with store.transaction(actor, scope) as tx:
        tx.replace("users", demo_account_rows(county_code, str(sorted(grids["code"])[0])),
                   where={"id": names}, note="demo accounts")
    return names


def demo_passwords_in_use(store: Store) -> list[str]:
    """User names (in any county) that still have their documented demo password."""
    found = []
    for account in DEMO_ACCOUNTS:
        row = store.account(account.username)
        if row is not None and verify_password(str(row["password_hash"]), account.password):
            found.append(account.username)
    return found


# --------------------------------------------------------------------------- helpers


def _as_datetime(value: object) -> dt.datetime | None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    return None if pd.isna(stamp) else stamp.to_pydatetime()


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        return int(raw) if raw else default
    except ValueError:
        return default
