"""Local accounts: password hashes, sign-in with throttling, session expiry, demo accounts.

- :func:`sign_in` -- check a user name and password; repeated failures lock the
  account for a while (kept in the store, so every app process sees the lock).
- :func:`session_problem` -- whether a signed-in browser session is still valid
  (idle and absolute expiry, account disabled, password changed since sign-in,
  signed out elsewhere).
- :func:`issue_token`, :func:`read_token`, :func:`resume_session`,
  :func:`revoke_session` -- the signed cookie that keeps a sign-in across reloads.
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

import base64
import datetime as dt
import functools
import hashlib
import hmac
import json
import os
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import argon2
import pandas as pd

from gridmap.access import Op, Session, User
from gridmap.domain import CATEGORIES, Role, Scope
from gridmap.i18n import t
from gridmap.settings import IDLE_MINUTES_DEFAULT, MAX_SESSION_HOURS_DEFAULT, Settings
from gridmap.store.base import ScopeError, Store, StoreError, Transaction, now

MIN_PASSWORD_LENGTH = 10
# Long pass-phrases are welcome; argon2's cost barely depends on the length, but a
# bound keeps every attempt's work (and what a form accepts) small.
MAX_PASSWORD_LENGTH = 1024
MAX_USERNAME_LENGTH = 64
MAX_FAILURES = 5  # consecutive failures before a lock
LOCK_MINUTES = 15
# Unknown names (``sign_in_throttle``): a name quiet for this long starts from zero, and
# each newly counted name removes up to THROTTLE_SWEEP such rows, oldest first.
THROTTLE_FORGET_AFTER = dt.timedelta(days=1)
THROTTLE_SWEEP = 20
# Where unknown names are counted and audited when the store holds several counties or
# none: no real county (NBS county codes never start with 00).
UNKNOWN_NAME_COUNTY = "000000"
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
    """Refuse passwords that are too short, too long or all one kind of character."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError("auth.password_too_short", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AuthError("auth.password_too_long", n=f"{MAX_PASSWORD_LENGTH:,}")
    if password.isdigit() or password.isalpha():
        raise AuthError("auth.password_too_simple")


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (constant-time, never raises).

    A password longer than :data:`MAX_PASSWORD_LENGTH` cannot have been set, so it is
    wrong without reaching argon2.
    """
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _HASHER.verify(password_hash, password)
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError, UnicodeError):
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


def sign_in(store: Store, username: str, password: str, *, clock: Callable[[], dt.datetime] = now) -> SignIn:
    """Check ``username`` and ``password``; count and audit the attempt.

    Wrong name and wrong password give the same answer. After :data:`MAX_FAILURES`
    consecutive failures the account is locked for :data:`LOCK_MINUTES` minutes, and
    the lock doubles with each further failure (at most a day). Names that have no
    account are counted the same way, in the store's ``sign_in_throttle`` layer, so
    every app process sees one count. Every attempt is in the audit trail: success,
    wrong password, unknown name, locked, disabled.

    The attempt is counted *before* the password is checked, in a short transaction
    that re-reads the counter under a row lock (PostgreSQL ``FOR UPDATE``, SQLite
    ``BEGIN IMMEDIATE``); argon2 then runs outside any transaction, and a second
    short transaction settles the outcome (a right password clears the count). So
    parallel guesses cannot share one reading of the counter, at most
    :data:`MAX_FAILURES` of them are ever checked before the lock, and sign-ins do not
    queue behind each other's 0.2 s of argon2.

    A name that no account can have (empty after trimming, longer than
    :data:`MAX_USERNAME_LENGTH`, or holding a control character such as NUL) is an
    unknown name; it is never sent to the database as a query. A name typed in
    full-width form finds the account of its NFKC form. A password longer than
    :data:`MAX_PASSWORD_LENGTH` is wrong without reaching argon2.

    Returns:
        A :class:`SignIn`; ``reason`` is ``auth.bad_credentials``, ``auth.locked``
        (with ``until``) or ``auth.disabled`` when it fails.
    """
    typed = username.strip()
    at = clock()
    row = _find_account(store, typed)
    if row is None:
        return _sign_in_unknown(store, typed, password, at)
    return _sign_in_account(store, str(row["id"]), Scope.county(str(row["county_code"])), password, at)


def _find_account(store: Store, typed: str) -> dict[str, Any] | None:
    """The account ``typed`` names: as typed, else its NFKC form; None if it cannot exist."""
    for name in dict.fromkeys((typed, unicodedata.normalize("NFKC", typed))):
        if _could_exist(name):
            row = store.account(name)
            if row is not None:
                return row
    return None


def _could_exist(name: str) -> bool:
    """Whether an account could have this name (the database can hold it, the rules allow it)."""
    return 0 < len(name) <= MAX_USERNAME_LENGTH and not any(unicodedata.category(c) in ("Cc", "Cs") for c in name)


def _sign_in_account(store: Store, name: str, scope: Scope, password: str, at: dt.datetime) -> SignIn:
    """An attempt on an existing account: count it, check the password, settle."""
    with store.transaction(name, scope) as tx:
        row = _account_for_update(tx, name)
        if row is None:  # gone since the look-up a moment ago
            tx.audit("sign_in_failed", "users", target=name, after={"reason": "no_account"})
            return SignIn(None, "auth.bad_credentials")
        locked = _as_datetime(row.get("locked_until"))
        if locked is not None and locked > at:
            tx.audit("sign_in_refused", "users", target=name, after={"reason": "locked", "locked_until": locked})
            return SignIn(None, "auth.locked", locked)
        failures = int(row.get("failed_logins") or 0) + 1
        until = _lock_until(failures, at)
        tx.update("users", name, {"failed_logins": failures, "locked_until": until})
        password_hash = str(row["password_hash"])
    good = verify_password(password_hash, password)  # argon2: outside any transaction and lock
    with store.transaction(name, scope) as tx:
        if not good:
            tx.audit("sign_in_failed", "users", target=name, after={"failures": failures, "locked_until": until})
            return SignIn(None, "auth.locked" if until else "auth.bad_credentials", until)
        row = _account_for_update(tx, name)
        if row is None or str(row["password_hash"]) != password_hash:  # changed while we checked
            tx.audit("sign_in_failed", "users", target=name, after={"reason": "password_changed"})
            return SignIn(None, "auth.bad_credentials")
        # The right password: this attempt was no failure, and the run of failures ends.
        changes: dict[str, object] = {"failed_logins": 0, "locked_until": None}
        if row.get("disabled"):
            tx.update("users", name, changes)
            tx.audit("sign_in_refused", "users", target=name, after={"reason": "disabled"})
            return SignIn(None, "auth.disabled")
        tx.update("users", name, {**changes, "last_login_at": at})
        tx.audit("sign_in", "users", target=name)
    return SignIn(User.from_row(row))


def _account_for_update(tx: Transaction, name: str) -> dict[str, Any] | None:
    """The account row as this transaction sees it, locked until the transaction ends."""
    found = tx.read("users", where={"id": name}, for_update=True)
    return None if found.empty else found.iloc[0].to_dict()


def _sign_in_unknown(store: Store, typed: str, password: str, at: dt.datetime) -> SignIn:
    """An attempt with a name that has no account: counted like one, never right.

    The count is kept in ``sign_in_throttle`` under :func:`throttle_key` of the name,
    in :func:`sign_in_county`. A name quiet for :data:`THROTTLE_FORGET_AFTER` starts
    again from zero; each new name removes up to :data:`THROTTLE_SWEEP` such stale
    rows (the oldest first), so the layer holds about the names tried in the last day.
    """
    key = throttle_key(typed)
    scope = Scope.county(sign_in_county(store))
    with store.transaction(key, scope) as tx:
        tx.lock(f"sign_in:{key}")  # two first failures of one name must not both insert
        found = tx.read("sign_in_throttle", where={"id": key}, for_update=True)
        row = None if found.empty else found.iloc[0].to_dict()
        locked = None if row is None else _as_datetime(row.get("locked_until"))
        if locked is not None and locked > at:
            tx.audit("sign_in_refused", "sign_in_throttle", target=key,
                     after={"reason": "locked", "locked_until": locked})
            return SignIn(None, "auth.locked", locked)
        last = None if row is None else _as_datetime(row.get("last_failure_at"))
        recent = row is not None and last is not None and at - last <= THROTTLE_FORGET_AFTER
        failures = (int(row["failures"]) if recent and row is not None else 0) + 1
        until = _lock_until(failures, at)
        counted = {"failures": failures, "locked_until": until, "last_failure_at": at}
        if row is None:
            _sweep_throttle(tx, at)
            tx.insert("sign_in_throttle", pd.DataFrame([{"id": key, **counted}]), note="sign-in failure")
        else:
            tx.update("sign_in_throttle", key, counted)
    verify_password(_DUMMY_HASH, password)  # a wrong name costs the time of a wrong password
    with store.transaction(key, scope) as tx:
        tx.audit("sign_in_failed", "sign_in_throttle", target=key,
                 after={"failures": failures, "locked_until": until})
    return SignIn(None, "auth.locked" if until else "auth.bad_credentials", until)


def _sweep_throttle(tx: Transaction, at: dt.datetime) -> None:
    """Remove up to :data:`THROTTLE_SWEEP` of the oldest unknown-name rows quiet for a day.

    The rows read are locked, so two sweeps at once never delete the same row twice.
    """
    oldest = tx.read("sign_in_throttle", columns=["id", "locked_until", "last_failure_at"],
                     limit=THROTTLE_SWEEP, for_update=True)
    stale = []
    for row in oldest.to_dict("records"):
        last, locked = _as_datetime(row["last_failure_at"]), _as_datetime(row["locked_until"])
        if (last is None or at - last > THROTTLE_FORGET_AFTER) and (locked is None or locked <= at):
            stale.append(str(row["id"]))
    if stale:
        tx.delete("sign_in_throttle", stale)


def sign_in_county(store: Store) -> str:
    """The county in which attempts with unknown names are counted and audited.

    An unknown name belongs to no county. The store's county when it holds exactly
    one (the usual deployment: its admins see those attempts on the audit page);
    otherwise (several counties, or none yet) :data:`UNKNOWN_NAME_COUNTY`, so that no
    county's admins see names typed for another county. Read them with
    ``store.audit_log(Scope.county(UNKNOWN_NAME_COUNTY))``.
    """
    counties = store.counties()
    return counties[0] if len(counties) == 1 else UNKNOWN_NAME_COUNTY


def throttle_key(typed: str) -> str:
    """The ``sign_in_throttle`` id of a name that has no account (also its audit target).

    The name as typed and trimmed, in NFKC form (so full-width and half-width typing
    of one name share a count, as they share an account), with every hidden character
    written as ``<U+XXXX>`` (the database cannot hold NUL, and a reader of the audit
    trail must see them), cut to :data:`MAX_USERNAME_LENGTH` characters.
    """
    return visible_name(unicodedata.normalize("NFKC", typed))[:MAX_USERNAME_LENGTH]


def visible_name(name: str) -> str:
    """``name`` with each hidden character (except the plain space) shown as ``<U+XXXX>``."""
    return "".join(f"<U+{ord(c):04X}>" if c != " " and _is_hidden(c) else c for c in name)


def _lock_until(failures: int, at: dt.datetime) -> dt.datetime | None:
    if failures < MAX_FAILURES:
        return None
    minutes = min(LOCK_MINUTES * 2 ** (failures - MAX_FAILURES), 24 * 60)
    return at + dt.timedelta(minutes=minutes)


# --------------------------------------------------------------------------- sessions


@dataclass(frozen=True)
class SessionPolicy:
    """How long a browser session lasts."""

    idle_minutes: int = IDLE_MINUTES_DEFAULT
    max_hours: int = MAX_SESSION_HOURS_DEFAULT

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionPolicy:
        """``GRIDMAP_SESSION_IDLE_MINUTES`` and ``GRIDMAP_SESSION_MAX_HOURS`` as parsed in ``settings``."""
        return cls(settings.session_idle_minutes, settings.session_max_hours)


def session_problem(store: Store, username: str, signed_in_at: dt.datetime, last_seen: dt.datetime,
                    at: dt.datetime, policy: SessionPolicy, *, keep: bool = False,
                    sid: str | None = None) -> str | None:
    """Why a browser session must sign in again (an i18n key), or None if it is valid.

    Checked on every page run: idle too long (not for a session signed in with
    ``keep``, "keep me signed in on this screen"), open too long, the account disabled
    or deleted, its password changed after this session signed in, or (with ``sid``)
    this session signed out on another tab or browser (:func:`revoke_session`).
    """
    if not keep and at - last_seen > dt.timedelta(minutes=policy.idle_minutes):
        return "auth.expired_idle"
    if at - signed_in_at > dt.timedelta(hours=policy.max_hours):
        return "auth.expired_max"
    row = store.account(username)
    if row is None or row.get("disabled"):
        return "auth.disabled"
    changed = _as_datetime(row.get("password_set_at"))
    if changed is not None and changed > signed_in_at:
        return "auth.password_changed"
    if sid is not None and session_revoked(store, str(row["county_code"]), username, sid):
        return "auth.token_revoked"
    return None


def current_user(store: Store, username: str) -> User | None:
    """The user as stored now (role or jurisdiction may have changed since sign-in)."""
    row = store.account(username)
    return None if row is None or row.get("disabled") else User.from_row(row)


# --------------------------------------------------------------------------- remembered sessions
#
# A browser keeps its sign-in across reloads in one cookie (:data:`COOKIE_NAME`)
# holding a token signed with the server's secret (HMAC-SHA256). The token carries no
# secret of its own: the user name, a random session id, the sign-in time, the last
# activity and the "keep signed in" choice. It is checked like a live session
# (:func:`session_problem`: idle and absolute expiry, account disabled, password
# changed since sign-in) and against the account's list of signed-out session ids, so
# signing out, a password change or disabling the account ends it on every browser.
# No table holds sessions: the list of signed-out ids lives in the county's ``meta``
# (written through ``set_meta``, so audited), pruned of ids that have expired anyway.

COOKIE_NAME = "gridmap_session"
TOKEN_VERSION = "v1"
SECRET_FILE = "session_secret"
REVOKED_META_PREFIX = "session_revoked:"


@dataclass(frozen=True)
class SessionToken:
    """What a remembered-session cookie says, once its signature has been checked.

    Attributes:
        username: the account.
        sid: a random id of this sign-in (what signing out revokes).
        signed_in_at: when the password was typed (the absolute expiry counts from it).
        seen_at: the last activity the browser was told about (the idle expiry counts
            from it); refreshed by :func:`issue_token` while the user works.
        keep: "keep me signed in on this screen" (a wall screen): no idle expiry, only
            the absolute one.
    """

    username: str
    sid: str
    signed_in_at: dt.datetime
    seen_at: dt.datetime
    keep: bool = False

    def expires_at(self, policy: SessionPolicy) -> dt.datetime:
        """When the token stops being valid at the latest (the absolute expiry)."""
        return self.signed_in_at + dt.timedelta(hours=policy.max_hours)


def new_session_id() -> str:
    """A random session id (128 bits)."""
    return secrets.token_urlsafe(16)


def session_secret(settings: Settings) -> bytes:
    """The key remembered-session tokens are signed with.

    ``GRIDMAP_SECRET`` when set (needed when several machines serve one store);
    otherwise a random key kept in ``<GRIDMAP_DATA>/session_secret`` (created on first
    use, readable by the server's user only), so every process on the machine and
    every restart shares it. It is never written to the store: the audit trail shows
    ``meta`` values to admins. Changing or deleting it signs every browser out.
    """
    if settings.session_secret:
        return settings.session_secret.encode("utf-8")
    return _file_secret(Path(settings.data_dir) / SECRET_FILE)


@functools.cache
def _file_secret(path: Path) -> bytes:
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        pass
    key = secrets.token_hex(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(key)
    except FileExistsError:  # another process made it a moment ago
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except OSError:  # no writable data directory: a key for this process only
        pass
    return bytes.fromhex(key)


def issue_token(secret: bytes, token: SessionToken) -> str:
    """The cookie value for ``token``: ``v1.<payload>.<signature>`` (URL-safe base64)."""
    payload = json.dumps({"u": token.username, "s": token.sid, "i": _epoch(token.signed_in_at),
                          "l": _epoch(token.seen_at), "k": bool(token.keep)}, separators=(",", ":"))
    body = f"{TOKEN_VERSION}.{_b64(payload.encode('utf-8'))}"
    return f"{body}.{_b64(_sign(secret, body))}"


def read_token(secret: bytes, value: str | None) -> SessionToken | None:
    """The token in a cookie value, or None when it is malformed or its signature is wrong."""
    if not value or len(value) > 1024:
        return None
    parts = value.split(".")
    if len(parts) != 3 or parts[0] != TOKEN_VERSION:
        return None
    body = f"{parts[0]}.{parts[1]}"
    try:
        signature = _unb64(parts[2])
        if not hmac.compare_digest(signature, _sign(secret, body)):
            return None
        data = json.loads(_unb64(parts[1]))
        return SessionToken(str(data["u"]), str(data["s"]), _from_epoch(data["i"]), _from_epoch(data["l"]),
                            bool(data.get("k", False)))
    except (ValueError, KeyError, TypeError, OverflowError):
        return None


@dataclass(frozen=True)
class Resumed:
    """The outcome of :func:`resume_session`: the token and its user, or why not."""

    token: SessionToken | None
    user: User | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None


def resume_session(store: Store, secret: bytes, value: str | None, at: dt.datetime,
                   policy: SessionPolicy) -> Resumed:
    """Sign a reloaded browser in again from its cookie; audited as ``sign_in_token``.

    Refused (``reason`` an i18n key) when the token is malformed, forged or signed
    with another key (``auth.token_invalid``), expired (``auth.expired_idle`` /
    ``auth.expired_max``), signed out (``auth.token_revoked``), or when the account
    is disabled or its password changed since (as :func:`session_problem`). A refusal
    of a well-signed token is audited as ``sign_in_refused``; a forged one is not
    (it names no account that can be trusted).
    """
    token = read_token(secret, value)
    if token is None:
        return Resumed(None, reason="auth.token_invalid")
    problem = session_problem(store, token.username, token.signed_in_at, token.seen_at, at, policy,
                              keep=token.keep, sid=token.sid)
    user = None if problem else current_user(store, token.username)
    row = store.account(token.username)
    if row is not None:
        with store.transaction(token.username, Scope.county(str(row["county_code"]))) as tx:
            if user is None:
                tx.audit("sign_in_refused", "users", target=token.username,
                         after={"reason": (problem or "auth.disabled").removeprefix("auth."), "sid": token.sid})
            else:
                tx.audit("sign_in_token", "users", target=token.username,
                         after={"sid": token.sid, "keep": token.keep,
                                "signed_in_at": token.signed_in_at})
    if user is None:
        return Resumed(token, reason=problem or "auth.disabled")
    return Resumed(token, user)


def revoke_session(store: Store, username: str, sid: str, at: dt.datetime, policy: SessionPolicy) -> None:
    """Sign session ``sid`` of ``username`` out on every browser (audited as ``sign_out``).

    The id joins the account's list of signed-out ids in its county's ``meta``
    (``session_revoked:<user>``); ids older than the longest session are dropped
    from the list, since they have expired anyway.
    """
    row = store.account(username)
    if row is None:
        return
    key = REVOKED_META_PREFIX + username
    with store.transaction(username, Scope.county(str(row["county_code"]))) as tx:
        tx.lock(key)
        revoked = _revoked_ids(tx.get_meta(key), at, policy)
        revoked[sid] = _epoch(at)
        tx.set_meta(key, json.dumps(revoked, separators=(",", ":"), sort_keys=True))
        tx.audit("sign_out", "users", target=username, after={"sid": sid})


def session_revoked(store: Store, county_code: str, username: str, sid: str) -> bool:
    """Whether session ``sid`` of ``username`` has been signed out."""
    raw = store.get_meta(county_code, REVOKED_META_PREFIX + username)
    if not raw:
        return False
    try:
        return sid in json.loads(raw)
    except ValueError:
        return False


def _revoked_ids(raw: str | None, at: dt.datetime, policy: SessionPolicy) -> dict[str, int]:
    try:
        found = json.loads(raw) if raw else {}
    except ValueError:
        found = {}
    oldest = _epoch(at - dt.timedelta(hours=policy.max_hours))
    return {str(k): int(v) for k, v in found.items() if isinstance(v, int | float) and v >= oldest} \
        if isinstance(found, dict) else {}


def _sign(secret: bytes, body: str) -> bytes:
    return hmac.new(secret, body.encode("ascii"), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _epoch(value: dt.datetime) -> int:
    """Milliseconds of a naive product time (Beijing), counted as if it were UTC (only compared with itself)."""
    return int(pd.Timestamp(value).to_pydatetime().replace(tzinfo=dt.UTC).timestamp() * 1000)


def _from_epoch(value: object) -> dt.datetime:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"not a time stamp: {value!r}")
    return dt.datetime.fromtimestamp(value / 1000, dt.UTC).replace(tzinfo=None)


# --------------------------------------------------------------------------- management


def add_user(session: Session, username: str, password: str, *, role: Role | str, unit_code: str,
             display_name: str | None = None, department: str | None = None) -> User:
    """Create an account inside the admin's jurisdiction.

    The name is stored in NFKC form (see :func:`normalise_username`); the user is
    returned with the name as stored.

    Raises:
        PermissionDenied: the session may not manage users.
        ScopeError: ``unit_code`` lies outside the session's jurisdiction.
        AuthError: bad name (hidden character, too long), a name taken or differing
            from a taken one only in letter case or width, weak password, unknown unit.
    """
    session.require(Op.MANAGE_USERS)
    username = normalise_username(username)
    if session.store.account(username) is not None:
        raise AuthError("auth.user_exists", username=username)
    _refuse_lookalike(session.store, username, session.scope.county_code)
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


# Dropped around a new user name (what a copy and paste brings along).
_TRIM = " \t\r\n"
# Letters and marks that draw nothing (their Unicode category does not say so).
_BLANK_LETTERS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u2800\u3164\uffa0")


def normalise_username(raw: str) -> str:
    """A new account's user name as stored, or :class:`AuthError` saying what is wrong.

    Spaces, tabs and line breaks around the name are dropped. Inside it, a control or
    format character (NUL, zero-width space U+200B, right-to-left override U+202E,
    byte-order mark U+FEFF, ...), any space, and the few letters and marks that show
    nothing (Hangul filler U+3164, braille blank U+2800, variation selectors, ...) are
    refused, naming the character by its U+ code and its position: two names that
    look the same must not be two accounts. The name is then put in Unicode NFKC form,
    so full-width ``ｗａｎｇ０１`` (the Chinese input method's full-width mode) is stored
    as ``wang01``; sign-in applies the same form to what is typed.
    """
    lead = len(raw) - len(raw.lstrip(_TRIM))
    name = raw.strip(_TRIM)
    for text, offset in ((name, lead), (unicodedata.normalize("NFKC", name), 0)):
        for i, c in enumerate(text):
            if _is_hidden(c):
                raise AuthError("auth.username_hidden_character", pos=offset + i + 1, code=f"U+{ord(c):04X}",
                                name=unicodedata.name(c, "unnamed"))
    name = unicodedata.normalize("NFKC", name)
    if not name or len(name) > MAX_USERNAME_LENGTH:
        raise AuthError("auth.bad_username", n=MAX_USERNAME_LENGTH)
    return name


def _is_hidden(c: str) -> bool:
    """A control, format, private-use, unassigned or space character, or a blank letter.

    Shown as ``<U+XXXX>`` by :func:`visible_name`.
    """
    return (unicodedata.category(c)[0] in "CZ" or c in _BLANK_LETTERS
            or "\ufe00" <= c <= "\ufe0f" or "\U000e0100" <= c <= "\U000e01ef")


def _refuse_lookalike(store: Store, username: str, county_code: str) -> None:
    """Refuse a name that differs from an existing account's only in letter case or width."""
    folded = username.casefold()
    for county in sorted({*store.counties(), county_code}):
        for existing in store.read("users", Scope.county(county), columns=["id"])["id"]:
            if unicodedata.normalize("NFKC", str(existing)).casefold() == folded:
                raise AuthError("auth.user_too_similar", username=username, existing=visible_name(str(existing)))


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
    DemoAccount("gridworker", "demo-gridworker-2026", Role.GRID_WORKER, "网格员", "grid"),
    DemoAccount("department", "demo-department-2026", Role.DEPARTMENT, "县综合执法局 处置员", "county"),
    DemoAccount("admin", "demo-admin-2026", Role.ADMIN, "系统管理员", "county"),
)
DEMO_DEPARTMENT = CATEGORIES[next(iter(CATEGORIES))].department


def town_of_grid(grid_code: str) -> str:
    """The code of the town a grid lies in (its first 9 digits, then ``000``)."""
    return f"{grid_code[:9]}000"


def grid_place(names: dict[str, str], grid_code: str) -> str:
    """``"<town> <grid>"`` from a code -> name mapping; the parts missing are left out."""
    return " ".join(n for n in (names.get(town_of_grid(grid_code)), names.get(grid_code)) if n)


def demo_account_rows(county_code: str, grid_code: str, grid_place: str = "") -> pd.DataFrame:
    """``users`` rows for :data:`DEMO_ACCOUNTS`; the grid worker works in ``grid_code``.

    ``grid_place`` (the grid's town and name, e.g. ``"灵溪镇 第1网格"``) goes in front of
    the grid worker's display name, so the name says where the account works.
    """
    county_unit = f"{county_code[:6]}000000"
    return pd.DataFrame([{
        "id": a.username, "county_code": county_code[:6], "role": a.role.value,
        "display_name": f"{grid_place} {a.display_name}" if a.unit == "grid" and grid_place else a.display_name,
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
    first_grid = str(sorted(grids["code"])[0])
    named = store.read("units", scope, where={"code": [first_grid, town_of_grid(first_grid)]}, columns=["code", "name"])
    place = grid_place(dict(zip(named["code"], named["name"], strict=True)), first_grid)
    names = [a.username for a in DEMO_ACCOUNTS]
    with store.transaction(actor, scope) as tx:
        tx.replace("users", demo_account_rows(county_code, first_grid, place),
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
    stamp = pd.Timestamp(value)
    return None if pd.isna(stamp) else stamp.to_pydatetime()

