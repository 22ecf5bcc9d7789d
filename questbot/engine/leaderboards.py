"""/leaderboard: the top ten of the sender's community and their own rank, all-time or this
season; opting in to be named; the message a season's winners get.

The standings are read before the event's transaction (``prepare``), through the store's
read connections, so counting a rank never holds the writer."""

from __future__ import annotations

from dataclasses import replace

from questbot.catalog.community import Community
from questbot.domain.messages import Event, LeaderboardName, Outbound, ShowLeaderboard, Text
from questbot.domain.seasons import ALL_TIME, season_days, season_of
from questbot.engine.work import Context, Work
from questbot.i18n import format_period, translate
from questbot.ports import Board, BoardQuery, LeaderboardReader, Standing

TOP = 10


def community_name(community: Community) -> str:
    return community.spec.name or community.id


async def prepare(event: Event, ctx: Context, reader: LeaderboardReader) -> Context:
    """The context a /leaderboard decides with: the board it shows, read now."""
    command = event.command
    if not isinstance(command, ShowLeaderboard):
        return ctx
    catalog = ctx.catalog
    if event.conversation.private:
        home = await reader.home_community(event.actor)
        community = (catalog.communities.get(home) if home else None) or catalog.default_community
    else:
        community = catalog.community_for(event.conversation)
    season = season_of(community.spec.leaderboard.seasons, ctx.now, community.zone)
    period = ALL_TIME if command.all_time or season is None else season
    board = await reader.leaderboard(BoardQuery(community.id, period, TOP, event.actor))
    return replace(ctx, board=board)


def season_name(key: str, language: str) -> str:
    """December 2026, or 30 Nov to 6 Dec 2026: a season as the reader says it, not its key."""
    days = season_days(key)
    return format_period(*days, language) if days else key


def _name(standing: Standing, language: str) -> str:
    return standing.name or translate("leaderboard.anonymous", language)


def show(work: Work, command: ShowLeaderboard) -> None:
    board = work.ctx.board
    if board is None:  # no store to read standings from
        work.say("leaderboard.empty")
        return
    community = work.ctx.catalog.communities.get(board.community_id) \
        or work.ctx.catalog.default_community
    name = community_name(community)
    if board.period == ALL_TIME:
        lines = [work.t("leaderboard.heading_all", community=name)]
    else:
        season = season_name(board.period, work.language)
        lines = [work.t("leaderboard.heading_season", community=name, season=season)]
    lines += [work.t("leaderboard.line", rank=s.rank, name=_name(s, work.language), xp=s.xp)
              for s in board.top]
    if not board.top:
        lines.append(work.t("leaderboard.empty"))
    lines.append("")
    lines.append(_own_line(work, board))
    learner = work.snapshot.actor
    if learner is None or not learner.on_leaderboard:
        lines.append(work.t("leaderboard.named_hint"))
    work.say("raw", text="\n".join(lines))


def _own_line(work: Work, board: Board) -> str:
    if board.me is None:
        return work.t("leaderboard.you_none")
    return work.t("leaderboard.you", rank=board.me.rank, xp=board.me.xp)


def set_name(work: Work, command: LeaderboardName) -> None:
    learner = work.actor()
    learner.on_leaderboard = command.show
    work.touch(learner)
    if command.show:
        work.say("leaderboard.optin", name=learner.display_name or work.t("welcome.friend"))
    else:
        work.say("leaderboard.optout")


def winner_message(standing: Standing, *, community: Community, season: str,
                   default_language: str = "en") -> Outbound:
    """What a closed season's winner is told, in their language."""
    language = standing.language or default_language
    return Text(translate("season.won", language, season=season_name(season, language),
                          community=community_name(community), rank=standing.rank,
                          xp=standing.xp), language)
