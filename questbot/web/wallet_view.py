"""The wallet page's content, read for one request: the badges it shows (each as it stands
now, in the reader's language), the holder's pathways, level and streak."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from aiohttp import web

from questbot.badges.classes import class_id
from questbot.badges.pathway_map import PathwayMap
from questbot.badges.service import BadgeService
from questbot.badges.verdict import status_label
from questbot.domain.sharing import linkedin_add_url
from questbot.domain.streaks import live_current
from questbot.i18n import translate
from questbot.ports import WalletBadge, WalletHolder
from questbot.web.context import WEB
from questbot.web.language import PageLanguage

DEFAULT_LEVEL_NAMES = 10  # level.name.1 ... level.name.10 in the chat catalogue
MAX_SHOWN = 500  # badges one page shows (a learner with more is asked to hide some)


@dataclass(frozen=True, slots=True)
class BadgeLine:
    award_id: str
    name: str
    issued: datetime
    status: str  # valid, expired or revoked
    status_text: str
    linkedin: str | None  # none for a revoked badge: it is not to be passed on


@dataclass(frozen=True, slots=True)
class PathwayLine:
    map: PathwayMap
    done: int  # components held that count towards it
    need: int
    earned: bool


@dataclass(frozen=True, slots=True)
class Standing:
    level: str  # "Level 3 · Explorer"
    xp: int
    streak: str | None  # the streak line, where the community keeps streaks


def held_classes(badges: tuple[WalletBadge, ...]) -> frozenset[str]:
    """The badge classes a wallet shows its holder holds: not hidden, not revoked."""
    return frozenset(class_id(b.quest_id, b.badge_key) for b in badges
                     if not b.hidden and b.revoked_at is None)


async def badge_line(request: web.Request, badge: WalletBadge,
                     language: PageLanguage) -> BadgeLine:
    context = request.app[WEB]
    badges = context.badges
    current = await context.answers.current(badge.award_id)
    record = await context.answers.record(current) if current is not None else None
    if current is None or record is None:  # not built yet: it is, within moments
        status = "revoked" if badge.revoked_at is not None else "valid"
        return BadgeLine(badge.award_id, badge.badge_name, badge.awarded_at, status,
                         status_label(status, language.code), None)
    info = await badges.class_info(record.class_id)
    name = info.texts(language.code).name if info is not None else badge.badge_name
    linkedin = None
    if current.status != "revoked" and info is not None:
        linkedin = linkedin_add_url(info.name, badges.issuer.name,
                                    badges.urls.page(badge.award_id), badge.award_id,
                                    badge.awarded_at, current.expires)
    return BadgeLine(badge.award_id, name, badge.awarded_at, current.status,
                     status_label(current.status, language.code), linkedin)


def pathway_lines(request: web.Request, held: frozenset[str],
                  language: PageLanguage) -> list[PathwayLine]:
    badges = request.app[WEB].badges
    lines = []
    for pathway_id in sorted(badges.catalog.pathways):
        drawn = badges.pathway_map(pathway_id, language.code)
        if drawn is None:
            continue
        done = sum(min(sum(b.class_id in held for b in g.badges), g.need)
                   for g in drawn.groups)
        lines.append(PathwayLine(drawn, done, sum(g.need for g in drawn.groups),
                                 drawn.class_id in held))
    return lines


def standing(badges: BadgeService, holder: WalletHolder, now: datetime,
             language: str) -> Standing:
    """The holder's level and streak in their home community (as /progress tells them in a
    private chat)."""
    catalog = badges.catalog
    home = holder.home_community
    community = (catalog.communities.get(home) if home is not None else None) \
        or catalog.default_community
    xp = holder.xp_by_community.get(community.id, 0)
    level = community.spec.levels.level(xp)
    names = community.spec.levels.names
    if names is None:
        name = translate(f"level.name.{min(level, DEFAULT_LEVEL_NAMES)}", language)
    else:
        name = names[min(level, len(names)) - 1].text(language) if names else ""
    label = translate("level.label_named", language, level=level, name=name) if name \
        else translate("level.label", language, level=level)
    rules = community.spec.streaks
    streak = None
    if rules is not None:
        current = live_current(holder.streak, now.astimezone(UTC), community.zone,
                               rules.period)
        key = "progress.streak_week" if rules.period == "week" else "progress.streak_day"
        streak = translate(key, language, count=current, best=max(holder.streak.best, current))
    return Standing(label, xp, streak)
