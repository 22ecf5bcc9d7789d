"""What the dashboard is given by the composition root, and where it keeps it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web

from questbot.domain.ids import UserRef
from questbot.domain.progress import Role
from questbot.ports import Clock, DashboardStore, EventHandler, QuestShelf

SESSION_LIFETIME = timedelta(hours=8)  # then the dashboard asks for a new sign-in link
COOKIE_KEY_BYTES = 32


@dataclass(frozen=True)
class DashboardSetup:
    store: DashboardStore
    shelf: QuestShelf
    engine: EventHandler  # the web's grants, revocations and reviews go through the rules
    clock: Clock
    cookie_key: bytes  # encrypts the session cookie (NaCl secretbox); never logged
    secure_cookies: bool  # the base URL is https
    admins: frozenset[UserRef] = frozenset()
    tutors: frozenset[UserRef] = frozenset()

    def configured_role(self, accounts: tuple[UserRef, ...]) -> Role:
        if any(a in self.admins for a in accounts):
            return Role.ADMIN
        if any(a in self.tutors for a in accounts):
            return Role.TUTOR
        return Role.LEARNER


DASHBOARD = web.AppKey("dashboard", DashboardSetup)
