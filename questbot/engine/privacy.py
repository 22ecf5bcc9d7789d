"""A learner's own data: see all of it (/mydata) and have it deleted (/forget confirm)."""

from __future__ import annotations

import json
from typing import Any

from questbot.domain.changes import ForgetLearner
from questbot.domain.errors import Rejected
from questbot.domain.messages import ExportData, ForgetMe
from questbot.domain.progress import LearnerState
from questbot.engine.work import Work


def export(work: Work, _: ExportData) -> None:
    learner = work.actor()
    data = as_export(learner, work)
    pending = work.snapshot.pending_address
    if pending is not None and pending.expires_at >= work.now:
        data["email_waiting_for_its_code"] = pending.email
    work.say("privacy.export", data=json.dumps(data, indent=1, ensure_ascii=False))


def as_export(learner: LearnerState, work: Work) -> dict[str, Any]:
    return {
        "accounts": [str(a) for a in learner.accounts],
        "display_name": learner.display_name,
        "email": learner.email,
        "name_on_badge_pages": learner.show_name,
        "name_on_leaderboards": learner.on_leaderboard,
        "role": work.role_of(learner).name.lower(),
        "quests": {quest_id: {"joined": enrolment.joined_at.isoformat(),
                              "quest_version": enrolment.quest_version}
                   for quest_id, enrolment in sorted(learner.enrolments.items())},
        "steps": [{"quest": s.quest_id, "step": s.step_id, "count": s.count,
                   "completed": s.completed_at.isoformat() if s.completed_at else None,
                   "evidence": s.evidence} for s in learner.steps.values()],
        "xp": learner.xp,
        "badges": [{"badge": a.badge_name, "awarded": a.awarded_at.isoformat(),
                    "url": work.ctx.settings.badge_url(a.award_id),
                    "revoked": a.revocation_reason if a.revoked else None}
                   for a in sorted(learner.awards, key=lambda a: a.awarded_at)],
        "streak": {"current": learner.play.streak.current, "best": learner.play.streak.best,
                   "last": learner.play.streak.last},
        "home_community": learner.play.home_community,
        "reminders": not learner.play.reminders_off,
        "messages_ignored": {"day": learner.play.ignored_day, **learner.play.ignored},
    }


def forget(work: Work, command: ForgetMe) -> None:
    learner = work.snapshot.actor
    if learner is None:
        raise Rejected("privacy.nothing")
    if not command.confirmed:
        raise Rejected("privacy.confirm")
    work.changes.append(ForgetLearner(learner.learner_id))
    work.say("privacy.forgotten", badges=len([a for a in learner.awards if not a.revoked]))
