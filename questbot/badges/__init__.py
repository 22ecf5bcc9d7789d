"""Open Badges: credentials built, signed (Ed25519, eddsa-rdfc-2022), baked into PNGs."""

from questbot.badges.service import BadgeService
from questbot.badges.verify import Verdict, Verifier

__all__ = ["BadgeService", "Verdict", "Verifier"]
