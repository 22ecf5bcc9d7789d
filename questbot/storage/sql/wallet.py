"""The wallet in SQL: its link (the hash of its token, one per learner), the badges hidden
from it, and what its page reads. Both tables go with /forget and move with /link."""

from __future__ import annotations

from questbot.domain.changes import HideAward, PutWallet
from questbot.domain.ids import UserRef
from questbot.domain.progress import Snapshot
from questbot.domain.streaks import Streak
from questbot.domain.wallet import in_wallet_order
from questbot.ports.wallet import WalletBadge, WalletHolder
from questbot.storage.serial import need_ts, parse_ts, ts
from questbot.storage.sql.program import Program, sql

PUT_WALLET = ("INSERT INTO wallets (learner_id, token_hash, made_at) VALUES ($1, $2, $3)"
              " ON CONFLICT (learner_id) DO UPDATE SET token_hash = excluded.token_hash,"
              " made_at = excluded.made_at")
HIDE = ("INSERT INTO wallet_hidden (award_id, learner_id) VALUES ($1, $2)"
        " ON CONFLICT DO NOTHING")
SHOW = "DELETE FROM wallet_hidden WHERE award_id = $1 AND learner_id = $2"
MADE_AT = "SELECT made_at FROM wallets WHERE learner_id = $1"
HIDDEN = "SELECT award_id FROM wallet_hidden WHERE learner_id = $1"
HOLDER = "SELECT learner_id FROM wallets WHERE token_hash = $1"
ACCOUNT = ("SELECT platform, platform_user_id FROM accounts WHERE learner_id = $1"
           " ORDER BY platform = 'email', platform, platform_user_id LIMIT 1")
PLAY = ("SELECT streak_current, streak_best, streak_last, home_community FROM learners"
        " WHERE learner_id = $1")
BADGES = ("SELECT a.award_id, a.quest_id, a.badge_key, a.badge_name, a.awarded_at,"
          " a.revoked_at, h.award_id FROM awards a"
          " LEFT JOIN wallet_hidden h ON h.award_id = a.award_id WHERE a.learner_id = $1")
XP = "SELECT community_id, xp FROM xp_totals WHERE learner_id = $1 AND period = 'all'"

# /forget: the link stops working and the choices go (changes.FORGET)
FORGET = ("DELETE FROM wallet_hidden WHERE learner_id = $1",
          "DELETE FROM wallets WHERE learner_id = $1")
# /link: hidden badges stay hidden; the learner kept keeps their link, else takes the other's
MERGE = (
    ("UPDATE wallet_hidden SET learner_id = $2 WHERE learner_id = $1", ("source", "into")),
    ("UPDATE wallets SET learner_id = $2 WHERE learner_id = $1 AND NOT EXISTS"
     " (SELECT 1 FROM wallets w WHERE w.learner_id = $2)", ("source", "into")),
    ("DELETE FROM wallets WHERE learner_id = $1", ("source",)),
)


def wallet_change(change: PutWallet | HideAward) -> Program[None]:
    match change:
        case PutWallet():
            yield sql(PUT_WALLET, change.learner_id, change.token_hash, ts(change.made_at))
        case HideAward(hidden=True):
            yield sql(HIDE, change.award_id, change.learner_id)
        case HideAward():
            yield sql(SHOW, change.award_id, change.learner_id)


def load_wallet(actor_id: str, snapshot: Snapshot) -> Program[None]:
    """What /wallet and /record read of the actor: when their link was made, what they hid."""
    snapshot.wallet_made_at = parse_ts((yield sql(MADE_AT, actor_id)).value())
    snapshot.hidden_awards = frozenset(str(r[0]) for r in (yield sql(HIDDEN, actor_id)).rows)


def holder(token_hash: str) -> Program[WalletHolder | None]:
    learner_id = (yield sql(HOLDER, token_hash)).value()
    if learner_id is None:
        return None
    learner_id = str(learner_id)
    play = (yield sql(PLAY, learner_id)).first()
    if play is None:
        return None
    account = (yield sql(ACCOUNT, learner_id)).first()
    badges = [WalletBadge(str(award_id), str(quest), str(key), str(name), need_ts(str(at)),
                          parse_ts(revoked), hidden is not None)
              for award_id, quest, key, name, at, revoked, hidden
              in (yield sql(BADGES, learner_id)).rows]
    xp = {str(c): int(n) for c, n in (yield sql(XP, learner_id)).rows}
    current, best, last, home = play
    return WalletHolder(learner_id, UserRef(str(account[0]), str(account[1])) if account
                        else None, tuple(in_wallet_order(badges)), xp,
                        Streak(int(current or 0), int(best or 0), last), home)
