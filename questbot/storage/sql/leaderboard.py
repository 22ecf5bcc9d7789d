"""Leaderboards from the XP totals: the top of a community's standings for a period, one
learner's rank, and the closing of a season (archive, winners told, standings removed).

Every read goes through the ``xp_standings`` index (community, period, xp descending,
learner): the top is the index's first rows, and a rank is 1 + a count of the index entries
above the learner's XP, never a scan of the table."""

from __future__ import annotations

from datetime import datetime

from questbot.domain.codec import outbound_to_dict
from questbot.domain.ids import UserRef
from questbot.domain.seasons import ALL_TIME
from questbot.ports import Board, BoardQuery, Standing, TellWinner
from questbot.storage.serial import dump_json, ts
from questbot.storage.sql.program import PRUNE_BATCH, Program, Row, counted, sql

ARCHIVED = 100  # the top standings a closed season keeps

TOP = ("SELECT t.learner_id, t.xp, l.display_name, l.on_leaderboard, l.language"
       " FROM xp_totals t JOIN learners l ON l.learner_id = t.learner_id"
       " WHERE t.community_id = $1 AND t.period = $2 AND t.xp > 0"
       " ORDER BY t.xp DESC, t.learner_id LIMIT $3")
MINE = ("SELECT t.learner_id, t.xp, l.display_name, l.on_leaderboard, l.language"
        " FROM accounts a JOIN xp_totals t ON t.learner_id = a.learner_id"
        " JOIN learners l ON l.learner_id = a.learner_id"
        " WHERE a.platform = $1 AND a.platform_user_id = $2 AND t.community_id = $3"
        " AND t.period = $4")
ABOVE = ("SELECT count(*) FROM xp_totals WHERE community_id = $1 AND period = $2"
         " AND xp > $3")
SEASON_BEFORE = ("SELECT period FROM xp_totals WHERE community_id = $1 AND period < $2"
                 " ORDER BY period LIMIT 1")
SEASON_AFTER = ("SELECT period FROM xp_totals WHERE community_id = $1 AND period > $2"
                " AND period < $3 ORDER BY period LIMIT 1")
CLAIM = ("INSERT INTO seasons_closed (community_id, season, closed_at) VALUES ($1, $2, $3)"
         " ON CONFLICT DO NOTHING")
ARCHIVE = ("INSERT INTO season_standings (community_id, season, learner_id, rank, xp)"
           " VALUES ($1, $2, $3, $4, $5)")
TELL = ("INSERT INTO outbox (platform, platform_user_id, learner_id, message, created_at)"
        " SELECT platform, platform_user_id, learner_id, $1, $2 FROM accounts"
        " WHERE learner_id = $3")
DROP = ("DELETE FROM xp_totals WHERE community_id = $1 AND period = $2 AND learner_id IN"
        " (SELECT learner_id FROM xp_totals WHERE community_id = $1 AND period = $2"
        f" LIMIT {PRUNE_BATCH})")
def _standing(row: Row, rank: int) -> Standing:
    learner_id, xp, name, named, language = row[:5]
    return Standing(rank, str(learner_id), int(xp), name if named and name else None,
                    language)


def ranked(rows: list[Row]) -> list[Standing]:
    """Rows in order of XP, from the top: equal XP, equal rank (1, 2, 2, 4)."""
    standings: list[Standing] = []
    for position, row in enumerate(rows, start=1):
        tied = standings and standings[-1].xp == int(row[1])
        standings.append(_standing(row, standings[-1].rank if tied else position))
    return standings


def leaderboard(query: BoardQuery) -> Program[Board]:
    top = ranked((yield sql(TOP, query.community_id, query.period, query.limit)).rows)
    me = None
    if query.me is not None:
        mine = (yield sql(MINE, query.me.platform, query.me.user_id, query.community_id,
                          query.period)).first()
        mine_id = str(mine[0]) if mine is not None else None
        listed = next((s for s in top if s.learner_id == mine_id), None)
        if listed is not None:
            me = listed  # among the top: its rank is already known
        elif mine is not None and int(mine[1]) > 0:
            above = (yield sql(ABOVE, query.community_id, query.period, int(mine[1]))).value()
            me = _standing(mine, int(above) + 1)
    return Board(query.community_id, query.period, tuple(top), me)


HOME = ("SELECT l.home_community FROM accounts a JOIN learners l ON l.learner_id = a.learner_id"
        " WHERE a.platform = $1 AND a.platform_user_id = $2")


def home_community(account: UserRef) -> Program[str | None]:
    value = (yield sql(HOME, account.platform, account.user_id)).value()
    return None if value is None else str(value)


def season_to_close(community_id: str, current: str | None) -> Program[str | None]:
    """The oldest season with standings that is not ``current`` (season keys sort below
    ``all``)."""
    before = yield sql(SEASON_BEFORE, community_id, current or ALL_TIME)
    if before.rows or current is None:
        return before.rows[0][0] if before.rows else None
    after = (yield sql(SEASON_AFTER, community_id, current, ALL_TIME)).value()
    return None if after is None else str(after)


def close_season(community_id: str, season: str, winners: int, tell: TellWinner,
                 now: datetime) -> Program[bool]:
    """Claim (community, season) first: a second run, or another process, claims nothing and
    so archives and tells nothing."""
    claimed = yield counted(CLAIM, community_id, season, ts(now))
    if claimed.count == 0:
        return False
    standings = ranked((yield sql(TOP, community_id, season, ARCHIVED)).rows)
    for standing in standings:
        yield sql(ARCHIVE, community_id, season, standing.learner_id, standing.rank,
                  standing.xp)
    for standing in standings:
        if standing.rank > winners:
            break
        message = tell(standing)
        if message is not None:
            yield sql(TELL, dump_json(outbound_to_dict(message)), ts(now), standing.learner_id)
    return True


def drop_season(community_id: str, season: str) -> Program[int]:
    """One batch of a closed season's standings."""
    return (yield counted(DROP, community_id, season)).count

