"""``/dashboard``: a one-time link that signs a tutor or admin in to the web dashboard.

The token is 192 random bits, good for ``LINK_LIFETIME`` and one use, bound to the account
that asked. The store keeps its SHA-256 only; the reply the store records for redelivery
holds a marker, which the engine replaces with the token after commit (``ShowSignInLink``)."""

from __future__ import annotations

from questbot.domain.changes import PutDashboardLink, ShowSignInLink
from questbot.domain.errors import Rejected
from questbot.domain.messages import OpenDashboard
from questbot.domain.progress import Role
from questbot.domain.sign_in import LINK_LIFETIME, SIGN_IN_PATH, token_hash
from questbot.engine.work import Work

TOKEN_MARKER = "TOKEN-SHOWN-ONCE"


def open_dashboard(work: Work, _: OpenDashboard) -> None:
    person = work.actor()
    work.require_role(person, Role.TUTOR)
    if not work.event.conversation.private:
        raise Rejected("dashboard.private")  # a link in a group is anyone's
    token = work.ctx.new_id() + work.ctx.new_id()
    work.changes.append(PutDashboardLink(
        token_hash(token), person.learner_id, work.event.actor, work.role_of(person),
        work.event.platform_role, work.now + LINK_LIFETIME, work.now))
    url = work.ctx.settings.base_url.rstrip("/") + SIGN_IN_PATH + TOKEN_MARKER
    work.say("dashboard.link", url=url, minutes=int(LINK_LIFETIME.total_seconds() // 60))
    work.effects.append(ShowSignInLink(token, TOKEN_MARKER))
