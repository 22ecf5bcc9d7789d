"""Who is signed in: an encrypted cookie (aiohttp-session's NaCl storage: the key stays on
the server, the browser sees only ciphertext), ``HttpOnly``, ``SameSite=Strict``, ``Secure``
on https, expiring after ``SESSION_LIFETIME``; a CSRF token in the session that every form
that changes something must carry; the role checked again against the store on every
request (a tutor removed since signing in loses what they could do)."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from aiohttp import web
from aiohttp_session import Session, get_session, new_session
from aiohttp_session.nacl_storage import NaClCookieStorage

from questbot.domain.errors import QuestbotError
from questbot.domain.ids import UserRef
from questbot.domain.progress import Role
from questbot.ports.dashboard import SignIn
from questbot.web.dashboard.setup import DASHBOARD, SESSION_LIFETIME, DashboardSetup

COOKIE = "questbot_dashboard"
CSRF_FIELD = "csrf"
MAX_FORM = 8 * 1024  # no dashboard form is larger


def cookie_storage(setup: DashboardSetup) -> NaClCookieStorage:
    return NaClCookieStorage(setup.cookie_key, cookie_name=COOKIE, path="/dashboard",
                             max_age=int(SESSION_LIFETIME.total_seconds()), httponly=True,
                             samesite="Strict", secure=setup.secure_cookies)


@dataclass(frozen=True)
class Staff:
    """The person signed in, with the role they have now."""

    learner_id: str
    account: UserRef
    role: Role
    platform_role: Role
    csrf: str

    @property
    def is_admin(self) -> bool:
        return self.role >= Role.ADMIN


STAFF = web.RequestKey("staff", Staff)


async def csrf_token(request: web.Request) -> str:
    """The session's CSRF token, made on first use (a visitor's too, for the sign-in form)."""
    session = await get_session(request)
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


async def form_of(request: web.Request) -> dict[str, str]:
    """A POSTed form, bounded, after its CSRF token was checked (403 otherwise)."""
    if request.content_length is not None and request.content_length > MAX_FORM:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_FORM, actual_size=request.content_length)
    body = await request.content.read(MAX_FORM + 1)
    if len(body) > MAX_FORM:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_FORM, actual_size=len(body))
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=50)
    except (UnicodeDecodeError, ValueError):
        raise CsrfRefused() from None
    form = dict(pairs)
    session = await get_session(request)
    expected = session.get(CSRF_FIELD)
    given = form.get(CSRF_FIELD, "")
    if not isinstance(expected, str) or not hmac.compare_digest(expected.encode(),
                                                                given.encode()):
        raise CsrfRefused()
    return form


class CsrfRefused(QuestbotError):
    """A form without the session's CSRF token."""


async def start_session(request: web.Request, signed_in: SignIn, now: datetime) -> None:
    """A fresh session for a redeemed link (never the visitor's old one: no fixation)."""
    session = await new_session(request)
    session["learner"] = signed_in.learner_id
    session["account"] = str(signed_in.account)
    session["role"] = int(signed_in.role)
    session["platform_role"] = int(signed_in.platform_role)
    session["since"] = int(now.timestamp())
    session[CSRF_FIELD] = secrets.token_urlsafe(32)


async def end_session(request: web.Request) -> None:
    (await get_session(request)).invalidate()


async def signed_in(request: web.Request) -> Staff | None:
    """The staff member behind this request, if the session is theirs, not expired, and
    they are still a tutor or admin."""
    if STAFF in request:
        known: Staff = request[STAFF]
        return known
    setup = request.config_dict[DASHBOARD]
    session = await get_session(request)
    staff = await _staff(setup, session)
    if staff is not None:
        request[STAFF] = staff
    return staff


async def _staff(setup: DashboardSetup, session: Session) -> Staff | None:
    learner_id, account = session.get("learner"), session.get("account")
    role, platform_role, since = (session.get("role"), session.get("platform_role"),
                                  session.get("since"))
    csrf = session.get(CSRF_FIELD)
    if not (isinstance(learner_id, str) and isinstance(account, str) and isinstance(csrf, str)
            and isinstance(role, int) and isinstance(platform_role, int)
            and isinstance(since, int)):
        return None
    started = datetime.fromtimestamp(since, UTC)
    now = setup.clock.now()
    if not started - SESSION_LIFETIME / 8 <= now <= started + SESSION_LIFETIME:
        session.invalidate()
        return None
    current = await setup.store.staff_role(learner_id)
    if current is None:
        session.invalidate()
        return None
    stored, accounts = current
    try:
        ref = UserRef.parse(account)
    except ValueError:
        return None
    if ref not in accounts:  # the account was unlinked, or its learner forgotten
        session.invalidate()
        return None
    vouched = Role(min(max(platform_role, 0), int(Role.ADMIN)))
    now_role = max(stored, setup.configured_role(accounts), vouched)
    effective = Role(min(max(role, 0), int(now_role)))
    if effective < Role.TUTOR:
        return None
    return Staff(learner_id, ref, effective, vouched, csrf)
