"""The message catalogue: every sentence people read goes through ``translate``.

Only English ships; a language is a dict of the same keys, so translations add a dict and
touch no other module. Unknown languages fall back to English."""

from __future__ import annotations

from collections.abc import Mapping

ENGLISH: dict[str, str] = {
    "raw": "{text}",
    "welcome": "👋 Welcome, {name}! I turn learning into quests and give you badges anyone can"
    " verify.",
    "welcome.friend": "friend",
    "help": "Commands:\n{commands}",
    "help.start": "/start: begin here",
    "help.help": "/help: this list",
    "help.quests": "/quests: the quests you can join",
    "help.join": "/join QUEST: join a quest",
    "help.progress": "/progress [QUEST]: where you are",
    "help.badges": "/badges: the badges you have earned",
    "help.quiz": "/quiz [QUEST] [STEP]: start or resume a quiz",
    "help.answer": "/answer TEXT: answer the current quiz question",
    "help.checkin": "/checkin CODE: check in to a session",
    "help.email": "/email ADDRESS|off: the address your badges name (hashed), for backpacks",
    "help.link": "/link [CODE]: use one learner across platforms (a code, then /link CODE there)",
    "help.mydata": "/mydata: everything questbot keeps about you",
    "help.forget": "/forget confirm: delete your progress and personal data",
    "help.showname": "/showname on|off: show your name on your badge pages",
    "help.tutor_heading": "For tutors:",
    "help.code": "/code QUEST [STEP]: show the check-in code of a session",
    "help.grant": "/grant LEARNER QUEST STEP|BADGE REASON: grant a step or a badge",
    "help.revoke": "/revoke LEARNER QUEST BADGE REASON: revoke a badge",
    "help.tutor": "/tutor LEARNER [remove]: make someone a tutor (admins)",
    "help.reload": "/reload: reload the quest files (admins)",
    "private.hint": "I did not catch that. Type /help to see what I can do.",
    "command.unknown": "Unknown command /{name}. Type /help to see the commands.",
    "input.too_long": "That message is too long (the limit is {limit} characters).",
    "usage.join": "Usage: /join QUEST (see /quests for the ids)",
    "usage.progress": "Usage: /progress [QUEST]",
    "usage.forget": "Usage: /forget confirm",
    "param.quest": "the quest's id, from /quests",
    "param.step": "the step's id",
    "param.text": "your answer",
    "param.code": "the code you were given",
    "param.address": "an email address, or off",
    "param.show": "on or off",
    "param.confirm": "confirm: delete now (badges you earned stay valid)",
    "param.learner": "the learner",
    "param.item": "a step id, badge, or a milestone id",
    "param.reason": "why (shown on the badge)",
    "param.remove": "remove: no longer a tutor",
    "usage.quiz": "Usage: /quiz [QUEST] [STEP]",
    "usage.answer": "Usage: /answer TEXT",
    "usage.checkin": "Usage: /checkin CODE",
    "usage.code": "Usage: /code QUEST [STEP]",
    "usage.grant": "Usage: /grant LEARNER QUEST STEP|BADGE REASON (a reason is required)",
    "usage.revoke": "Usage: /revoke LEARNER QUEST BADGE REASON (a reason is required)",
    "usage.tutor": "Usage: /tutor LEARNER [remove]",
    "usage.email": "Usage: /email ADDRESS, or /email off",
    "usage.showname": "Usage: /showname on|off",
    "privacy.export": "Everything questbot keeps about you:\n{data}",
    "privacy.confirm": "This deletes your progress, XP and personal data on every platform"
    " you linked. Badges you earned stay valid at their links. Type /forget confirm to go"
    " ahead.",
    "privacy.nothing": "questbot keeps nothing about you.",
    "privacy.forgotten": "Done: your progress and personal data are deleted. Your {badges}"
    " badge(s) stay valid at their links; ask a tutor to revoke one you want withdrawn.",
    "usage.link": "Usage: /link to get a code, or /link CODE to use one",
    "link.code": "Your link code is {code}. On your other platform, type /link {code} within"
    " {minutes} minutes; your progress and badges will be shared.",
    "link.bad_code": "That link code is unknown or has expired. Type /link on your other"
    " platform for a new one.",
    "link.same": "This account already belongs to you.",
    "link.too_many": "Too many wrong link codes. Try again in {minutes} minutes.",
    "link.locked": "Too many wrong codes were tried against that link code, so it no longer"
    " works. Type /link on your other platform for a new one.",
    "link.granted": "These accounts cannot be joined: one of them granted the other something"
    " as a tutor. Ask an admin if they really are one person.",
    "link.done": "Linked! These accounts now share one set of progress and badges: {accounts}",
    "email.set": "Badges you earn from now on name {email} (as a salted hash), so you can"
    " import them into a backpack.",
    "email.removed": "Badges you earn from now on name an anonymous identifier.",
    "showname.on": "Your badge pages now show your name.",
    "showname.off": "Your badge pages no longer show your name.",
    "revoke.unknown_award": "There is no badge with the id {award}.",
    "revoke.already": "The {badge} badge is already revoked.",
    "perm.tutor_only": "Only tutors can do that.",
    "perm.admin_only": "Only admins can do that.",
    "quests.none": "There are no quests yet.",
    "quests.list": "Quests:\n{quests}\n\nJoin one with /join QUEST.",
    "quests.line": "{mark}{title} ({id}): {steps} steps, earns the {badge} badge",
    "quest.unknown": "There is no quest called '{quest}'. Type /quests to see them.",
    "quest.joined": "You joined {quest}! Finish it to earn the {badge} badge.",
    "quest.already_joined": "You are already on {quest}. Type /progress to see where you are.",
    "quest.not_joined": "You have not joined '{quest}' yet: type /join {quest} first.",
    "quest.joined_by_checkin": "You are now on {quest}.",
    "quest.complete": "🏁 You finished {quest}!",
    "step.complete": "✅ Step done: {step} ({quest})",
    "step.locked": "{step} opens after: {missing}.",
    "step.line_done": "  ✓ {title}",
    "step.line_locked": "  🔒 {title} (after {after})",
    "step.line_todo": "  ○ {title}: {detail}",
    "step.todo_message": "{count}/{target} messages",
    "step.todo_reaction": "{count}/{target} reactions",
    "step.todo_grant": "a tutor grants it",
    "step.todo_quiz": "quiz, {used}/{attempts} attempts used (/quiz {quest} {id})",
    "step.todo_attendance": "check in between {opens} and {closes}",
    "step.todo_submission": "hand in a {forms}: /submit {quest} {id} ... {prompt}",
    "step.todo_submission_pending": "handed in, waiting for a tutor's review",
    "step.todo_submission_rejected": (
        "a tutor asked for another try ({feedback}): /submit {quest} {id} ..."
    ),
    "help.submit": (
        "/submit QUEST STEP [public] LINK|TEXT (or send a file with it): hand in evidence; "
        "public lets your badge link to it"
    ),
    "help.review": "/review [QUEST]: the submissions waiting for a tutor",
    "help.approve": "/approve ID [FEEDBACK]: accept a submission",
    "help.reject": "/reject ID FEEDBACK: ask for another try",
    "usage.submit": (
        "Usage: /submit QUEST STEP [public] LINK|TEXT, or send a file with /submit QUEST STEP "
        "as its caption"
    ),
    "usage.review": "Usage: /review [QUEST]",
    "usage.approve": "Usage: /approve ID [FEEDBACK] (the ID comes from /review)",
    "usage.reject": "Usage: /reject ID FEEDBACK (say what to improve)",
    "param.share": "public: your badge may link to what you hand in",
    "param.evidence": "a link or a short text",
    "param.file": "an image (PNG, JPEG) or a PDF",
    "param.submission": "the id /review shows",
    "param.feedback": "what the learner should know",
    "submission.not_one": "Step {step} of {quest} is not a step you hand something in for.",
    "submission.done": "You have already completed {step}.",
    "submission.no_match": "That does not look like what {step} asks for. Check it and try again.",
    "submission.form": "This step takes: {forms}.",
    "submission.needs_link": "This step takes a link (https://...).",
    "submission.too_long": "That is too long: at most {limit} characters.",
    "submission.file_size": "That file is too large: at most {limit} MB.",
    "submission.file_type": "I keep PNG and JPEG images and PDF files only.",
    "submission.received": (
        "Thanks! Your work for {step} ({quest}) is waiting for a tutor's review; you will hear "
        "back here."
    ),
    "submission.approved": "🎉 {tutor} accepted your work for {step}. Feedback: {feedback}",
    "submission.rejected": (
        "{tutor} asked for another try at {step}: {feedback}\nHand it in again with /submit "
        "{quest} {id} ..."
    ),
    "review.none": "No submissions are waiting for review.",
    "review.list": "{count} waiting for review (/approve ID or /reject ID FEEDBACK):\n{lines}",
    "review.line": "{id}: {learner}, {step}: {evidence}",
    "review.unknown": "No submission {id} is waiting for review (see /review).",
    "review.own": "You cannot review your own submission; another tutor will.",
    "review.approved": "Accepted {learner}'s work for {step}; they have been told.",
    "review.rejected": "Asked {learner} for another try at {step}; they have been told.",
    "milestone.xp": "⭐ +{xp} XP (total {total})",
    "progress.none": "You have not joined any quest yet. Type /quests to see them.",
    "progress.header": "{quest} {bar} ({done}/{total} steps)",
    "progress.xp": "XP: {xp}",
    "badges.none": "No badges yet. Finish a quest to earn one!",
    "badges.list": "Your badges:\n{badges}",
    "badges.line": "🏅 {name} ({date}) {url}",
    "badges.line_revoked": "✗ {name} ({date}), revoked: {reason}",
    "quiz.none": "There is no quiz to take in your quests. Type /progress to see your steps.",
    "quiz.not_quiz": "'{step}' is not a quiz step of {quest}.",
    "quiz.passed": "You already passed {step}.",
    "quiz.no_attempts": "You have used every attempt at {step}. A tutor can help.",
    "quiz.cooldown": "You can try again in {seconds} seconds.",
    "quiz.intro": "📝 {step}: {count} questions, pass mark {mark}%. Attempt {attempt} of"
    " {attempts}.",
    "quiz.resume": "Back to your quiz:",
    "quiz.question": "Question {number}/{count}: {text}",
    "quiz.type_answer": "(type your answer)",
    "quiz.true": "True",
    "quiz.false": "False",
    "quiz.correct": "✅ Correct!",
    "quiz.wrong": "❌ Not quite.",
    "quiz.too_late": "⏰ Time was up for that question, so it counts as wrong.",
    "quiz.explanation": "💡 {text}",
    "quiz.score": "You scored {correct}/{count} ({percent}%).",
    "quiz.failed_retry": "You need {mark}% to pass. {left} attempt(s) left: type /quiz to try"
    " again.",
    "quiz.failed_cooldown": "You need {mark}% to pass. {left} attempt(s) left; you can try again"
    " in {seconds} seconds.",
    "quiz.failed_final": "You needed {mark}% and have no attempts left. A tutor can help.",
    "quiz.not_started": "There is no quiz question open. Type /quiz to start one.",
    "quiz.gone": "That quiz has changed since you started it. Type /quiz to start again.",
    "quiz.stale": "That button belongs to an earlier question. Answer the current one.",
    "quiz.type_it": "Type your answer to this question.",
    "quiz.empty_answer": "Type an answer.",
    "quiz.pick_choice": "Answer with a number from 1 to {count}, or the text of a choice.",
    "quiz.true_or_false": "Answer true or false.",
    "code.issued": "Check-in code for {step} ({quest}): {code}\nOpen from {opens} to {closes}.",
    "code.rotates": "It changes in {seconds} s (every {every} s); type /code again for the"
    " new one.",
    "code.window_closed": "⚠ The check-in window has closed: nobody can check in now.",
    "code.window_not_open": "⚠ The check-in window is not open yet.",
    "code.not_attendance": "'{step}' is not an attendance step of {quest}.",
    "code.no_attendance": "{quest} has no attendance step.",
    "code.which_step": "{quest} has several attendance steps; name one: {steps}",
    "code.relocked": "⚠ The previous code was locked after {count} wrong tries by learners;"
    " here is a new one.",
    "checkin.bad_code": "That code is not valid. Check it with your tutor (codes may change"
    " every few minutes).",
    "checkin.too_many": "Too many wrong codes. Try again in {minutes} minutes.",
    "checkin.locked": "Too many wrong codes were tried for {step}, so its code is locked. Ask"
    " your tutor for a new one (/code).",
    "checkin.closed": "Check-in for {step} is open from {opens} to {closes}.",
    "checkin.already": "You already checked in to {step}.",
    "grant.self": "You cannot grant or change things for yourself; ask another tutor.",
    "grant.self_email": "{email} is an address you registered, so it is you: ask another"
    " tutor.",
    "grant.unknown_learner": "I do not know {learner}. They need to talk to me first (/start),"
    " or you can reply to one of their messages.",
    "grant.step_done": "{learner} has already completed {step}.",
    "grant.step_ok": "Granted {step} to {learner}.",
    "grant.badge_ok": "Awarded the {badge} badge to {learner}.",
    "grant.has_badge": "{learner} already holds the {badge} badge.",
    "grant.unknown_item": "'{item}' is neither a step nor a badge of {quest}. Choose from:"
    " {items}",
    "grant.notice_step": "🎓 {tutor} granted you {step} in {quest}: {reason}",
    "grant.notice_badge": "🎓 {tutor} awarded you the {badge} badge: {reason}",
    "learner.unknown": "I do not know {learner}.",
    "revoke.only_badges": "Only badges can be revoked; name 'badge' or a milestone of {quest}.",
    "revoke.none": "{learner} holds no live '{item}' badge.",
    "revoke.ok": "Revoked the {badge} badge of {learner}.",
    "revoke.notice": "Your {badge} badge was revoked: {reason}",
    "tutor.self": "You cannot change your own role.",
    "tutor.added": "{learner} is now a tutor.",
    "tutor.removed": "{learner} is no longer a tutor.",
    "tutor.still_configured": "They are still named in the settings, which take precedence.",
    "tutor.notice": "You are now a tutor: type /help to see the tutor commands.",
    "reload.done": "Quests reloaded: {count} in service.",
    "reload.problems": "Some files have errors; their previous version stays in service:\n"
    "{problems}",
    "error.internal": "Sorry, something went wrong on my side. Please try again.",
    "quiz.time_limit": "(you have {seconds} seconds)",
    "web.status_valid": "Status: valid",
    "web.status_revoked": "Status: revoked ({reason})",
    "badge.awarded": "🏅 You earned the {badge} badge ({quest})! Verify or share it: {url}",
}

CATALOGUES: dict[str, dict[str, str]] = {"en": ENGLISH}


ADDED: dict[str, dict[str, str]] = {}  # the parts' own sentences (adapters'), by language


def register_messages(namespace: str, catalogues: Mapping[str, Mapping[str, str]]) -> None:
    """A part's own sentences (an adapter's), as ``NAMESPACE.KEY`` in every language it
    ships, kept beside the core's catalogue, which names no platform."""
    for language, messages in catalogues.items():
        added = ADDED.setdefault(language, {})
        added.update({f"{namespace}.{key}": text for key, text in messages.items()})


class _Params(dict[str, object]):
    """A missing parameter shows as {name} instead of raising mid-reply."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def translate(key: str, language: str = "en", **params: object) -> str:
    language = language.split("-", maxsplit=1)[0].lower()
    template = (CATALOGUES.get(language, ENGLISH).get(key) or ADDED.get(language, {}).get(key)
                or ENGLISH.get(key) or ADDED.get("en", {}).get(key) or key)
    return template.format_map(_Params(params))


def split_message(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters, broken at line ends where possible (chat
    platforms cap a message's length: Telegram 4,096, Discord 2,000)."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    pieces.append(text)
    return pieces
