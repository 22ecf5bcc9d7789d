"""The web dashboard's reads in SQL: every statement is bounded and read through an index
(migration 10): joiners by quest, completed steps by quest and step, quiz answers by
question, awards and revocations by time, learners by the time they came."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from questbot.domain.changes import PutDashboardLink, RecordAnswer
from questbot.domain.ids import UserRef
from questbot.domain.progress import Role
from questbot.ports.dashboard import (
    AnswerCount,
    AwardFilter,
    AwardRow,
    DoneStep,
    Joiner,
    LearnerDetail,
    LearnerRow,
    QuestProgress,
    SignIn,
    StepRow,
)
from questbot.storage.serial import need_ts, parse_ts, ts
from questbot.storage.sql.program import Program, sql

T = TypeVar("T")
MAX_DONE_ROWS = 50_000  # completed steps read for one quest's figures
MAX_IN = 200  # learners whose accounts one statement reads

REDEEM = ("UPDATE dashboard_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL"
          " AND expires_at > $2"
          " RETURNING learner_id, platform, platform_user_id, role, platform_role")
ROLE = "SELECT role FROM learners WHERE learner_id = $1"
ACCOUNTS = "SELECT platform, platform_user_id FROM accounts WHERE learner_id = $1"
JOINERS = ("SELECT e.learner_id, l.display_name, e.joined_at FROM enrolments e"
           " JOIN learners l ON l.learner_id = e.learner_id WHERE e.quest_id = $1"
           " ORDER BY e.joined_at LIMIT $2")
JOINED = "SELECT count(*) FROM enrolments WHERE quest_id = $1"
DONE = ("SELECT learner_id, step_id, completed_at FROM step_progress"
        " WHERE quest_id = $1 AND completed_at IS NOT NULL ORDER BY completed_at LIMIT $2")
STEP_COUNTS = ("SELECT step_id, count(*) FROM step_progress"
               " WHERE quest_id = $1 AND completed_at IS NOT NULL GROUP BY step_id")
RIGHT_AND_WRONG = ("SELECT question, correct, count(*) FROM quiz_answers"
                   " WHERE quest_id = $1 AND step_id = $2 GROUP BY question, correct")
WRONG_WORDS = ("SELECT question, answer, count(*) AS given FROM quiz_answers"
               " WHERE quest_id = $1 AND step_id = $2 AND correct = 0 AND answer IS NOT NULL"
               " GROUP BY question, answer ORDER BY given DESC, question, answer LIMIT $3")
_AWARD = ("SELECT a.award_id, a.learner_id, l.display_name, a.quest_id, a.badge_key,"
          " a.badge_name, a.awarded_at, a.awarded_by, a.revoked_at, a.revocation_reason,"
          " a.revoked_by FROM awards a JOIN learners l ON l.learner_id = a.learner_id")
LEARNERS = ("SELECT learner_id, display_name, created_at, role FROM learners"
            " WHERE created_at < $1 ORDER BY created_at DESC LIMIT $2")
LEARNER = "SELECT learner_id, display_name, created_at, role FROM learners WHERE learner_id = $1"
ENROLMENTS = "SELECT quest_id, joined_at FROM enrolments WHERE learner_id = $1 ORDER BY joined_at"
STEPS = ("SELECT quest_id, step_id, count, completed_at, evidence FROM step_progress"
         " WHERE learner_id = $1 ORDER BY quest_id, step_id")
LEARNER_AWARDS = f"{_AWARD} WHERE a.learner_id = $1 ORDER BY a.awarded_at DESC"
FAR_FUTURE = "9999"  # sorts after every ISO 8601 time

# an account has one live sign-in link at a time, and expired ones go
DROP_DASHBOARD_LINKS = "DELETE FROM dashboard_links WHERE learner_id = $1 OR expires_at < $2"
PUT_DASHBOARD_LINK = ("INSERT INTO dashboard_links (token_hash, learner_id, platform,"
                      " platform_user_id, role, platform_role, expires_at)"
                      " VALUES ($1, $2, $3, $4, $5, $6, $7)")
RECORD_ANSWER = ("INSERT INTO quiz_answers (learner_id, quest_id, step_id, question, correct,"
                 " answer, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")


def dashboard_change(change: PutDashboardLink | RecordAnswer) -> Program[None]:
    """The dashboard's two changes, written inside the event's transaction."""
    match change:
        case PutDashboardLink():
            yield sql(DROP_DASHBOARD_LINKS, change.learner_id, ts(change.issued_at))
            yield sql(PUT_DASHBOARD_LINK, change.token_hash, change.learner_id,
                      change.account.platform, change.account.user_id, int(change.role),
                      int(change.platform_role), ts(change.expires_at))
        case RecordAnswer():
            yield sql(RECORD_ANSWER, change.learner_id, change.quest_id, change.step_id,
                      change.question, int(change.correct), change.answer,
                      ts(change.answered_at))


def redeem(token_hash: str, now: datetime) -> Program[SignIn | None]:
    row = (yield sql(REDEEM, token_hash, ts(now))).first()
    if row is None:
        return None
    learner_id, platform, user_id, role, platform_role = row
    return SignIn(str(learner_id), UserRef(str(platform), str(user_id)), Role(int(role)),
                  Role(int(platform_role)))


def staff_role(learner_id: str) -> Program[tuple[Role, tuple[UserRef, ...]] | None]:
    role = (yield sql(ROLE, learner_id)).value()
    if role is None:
        return None
    accounts = (yield sql(ACCOUNTS, learner_id)).rows
    return Role(int(role)), tuple(UserRef(str(p), str(u)) for p, u in accounts)


def quest_progress(quest_id: str, limit: int) -> Program[QuestProgress]:
    joiners = [Joiner(str(lid), name, need_ts(str(at)))
               for lid, name, at in (yield sql(JOINERS, quest_id, limit)).rows]
    joined = int((yield sql(JOINED, quest_id)).value() or 0)
    done = [DoneStep(str(lid), str(step), need_ts(str(at)))
            for lid, step, at in (yield sql(DONE, quest_id, MAX_DONE_ROWS)).rows]
    counts = {str(step): int(n) for step, n in (yield sql(STEP_COUNTS, quest_id)).rows}
    return QuestProgress(joiners, done, joined, counts)


def answer_counts(quest_id: str, step_id: str, limit: int) -> Program[list[AnswerCount]]:
    totals = [AnswerCount(int(q), bool(c), None, int(n))
              for q, c, n in (yield sql(RIGHT_AND_WRONG, quest_id, step_id)).rows]
    words = [AnswerCount(int(q), False, str(a), int(n))
             for q, a, n in (yield sql(WRONG_WORDS, quest_id, step_id, limit)).rows]
    return sorted(totals, key=lambda c: (c.question, not c.correct)) + words


def _award(row: Sequence[Any]) -> AwardRow:
    (award_id, learner_id, name, quest_id, badge_key, badge_name, awarded_at, awarded_by,
     revoked_at, reason, revoked_by) = row
    return AwardRow(str(award_id), str(learner_id), name, str(quest_id), str(badge_key),
                    str(badge_name), need_ts(str(awarded_at)), awarded_by,
                    parse_ts(revoked_at), reason, revoked_by)


def awards(chosen: AwardFilter, limit: int, column: str) -> Program[list[AwardRow]]:
    """Awards whose ``column`` (awarded_at or revoked_at) falls in the period."""
    assert column in ("awarded_at", "revoked_at")
    where = [f"a.{column} >= $1", f"a.{column} < $2"]
    params: list[object] = [ts(chosen.since), ts(chosen.until)]
    for name, value in (("quest_id", chosen.quest_id), ("badge_key", chosen.badge_key)):
        if value is not None:
            params.append(value)
            where.append(f"a.{name} = ${len(params)}")
    text = f"{_AWARD} WHERE {' AND '.join(where)} ORDER BY a.{column} DESC LIMIT {int(limit)}"
    return [_award(row) for row in (yield sql(text, *params)).rows]


def _accounts_of(learner_ids: Sequence[str]) -> Program[dict[str, list[UserRef]]]:
    found: dict[str, list[UserRef]] = {lid: [] for lid in learner_ids}
    for start in range(0, len(learner_ids), MAX_IN):
        chunk = learner_ids[start:start + MAX_IN]
        marks = ", ".join(f"${i}" for i in range(1, len(chunk) + 1))
        text = ("SELECT learner_id, platform, platform_user_id FROM accounts"
                f" WHERE learner_id IN ({marks}) ORDER BY platform, platform_user_id")
        for lid, platform, user_id in (yield sql(text, *chunk)).rows:
            found[str(lid)].append(UserRef(str(platform), str(user_id)))
    return found


def _learner_rows(rows: Sequence[Sequence[Any]]) -> Program[list[LearnerRow]]:
    accounts = yield from _accounts_of([str(r[0]) for r in rows])
    return [LearnerRow(str(lid), name, need_ts(str(at)), tuple(accounts[str(lid)]),
                       Role(int(role)))
            for lid, name, at, role in rows if accounts[str(lid)]]  # forgotten: no accounts


def learners(limit: int, before: datetime | None) -> Program[list[LearnerRow]]:
    cutoff = ts(before) if before is not None else FAR_FUTURE
    rows = (yield sql(LEARNERS, cutoff, limit)).rows
    return (yield from _learner_rows(rows))


def learner_detail(learner_id: str) -> Program[LearnerDetail | None]:
    rows = (yield sql(LEARNER, learner_id)).rows
    found = yield from _learner_rows(rows)
    if not found:
        return None
    enrolments = [(str(q), need_ts(str(at)))
                  for q, at in (yield sql(ENROLMENTS, learner_id)).rows]
    steps = [StepRow(str(q), str(s), int(n), parse_ts(done), _evidence(evidence))
             for q, s, n, done, evidence in (yield sql(STEPS, learner_id)).rows]
    held = [_award(row) for row in (yield sql(LEARNER_AWARDS, learner_id)).rows]
    return LearnerDetail(found[0], enrolments, steps, held)


def _evidence(text: object) -> dict[str, str]:
    try:
        value = json.loads(str(text))
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


class DashboardQueries(ABC):
    """The dashboard's port, for a store that runs programs."""

    @abstractmethod
    async def write(self, program: Program[T]) -> T:
        ...

    @abstractmethod
    async def read(self, program: Program[T]) -> T:
        ...

    async def redeem_sign_in(self, token_hash: str, now: datetime) -> SignIn | None:
        return await self.write(redeem(token_hash, now))

    async def staff_role(self, learner_id: str) -> tuple[Role, tuple[UserRef, ...]] | None:
        return await self.read(staff_role(learner_id))

    async def quest_progress(self, quest_id: str, limit: int) -> QuestProgress:
        return await self.read(quest_progress(quest_id, limit))

    async def answer_counts(self, quest_id: str, step_id: str, limit: int
                            ) -> list[AnswerCount]:
        return await self.read(answer_counts(quest_id, step_id, limit))

    async def awards(self, chosen: AwardFilter, limit: int) -> list[AwardRow]:
        return await self.read(awards(chosen, limit, "awarded_at"))

    async def revocations(self, chosen: AwardFilter, limit: int) -> list[AwardRow]:
        return await self.read(awards(chosen, limit, "revoked_at"))

    async def learners(self, limit: int, before: datetime | None = None) -> list[LearnerRow]:
        return await self.read(learners(limit, before))

    async def learner_detail(self, learner_id: str) -> LearnerDetail | None:
        return await self.read(learner_detail(learner_id))
