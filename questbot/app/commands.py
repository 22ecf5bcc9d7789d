"""Command-line actions on badges: keys, verify, award (one learner or a CSV), revoke."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import secrets
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

from questbot.app.config import Settings
from questbot.app.offline import OPERATOR, Offline, offline_services, operator_name
from questbot.badges.keys import load_or_create_keyring, rotate
from questbot.badges.verify import Verdict
from questbot.domain.errors import ConfigError
from questbot.domain.ids import ConversationRef, UserRef
from questbot.domain.messages import Command, Event, Grant, OpenDashboard, RevokeById, Text
from questbot.domain.parsing import MAX_REASON

MAX_CSV_ROWS = 10_000


def keys(settings: Settings, rotate_key: bool) -> int:
    folder = settings.data_dir / "keys"
    keyring = rotate(folder) if rotate_key else load_or_create_keyring(folder)
    for key in reversed(keyring.keys):
        state = "active " if key is keyring.active else "retired"
        print(f"{state}  {key.did}  (created {key.created.date().isoformat()})")
    print(f"public key (Multikey): {keyring.active.multibase}")
    return 0


async def verify(settings: Settings, target: str, as_json: bool) -> int:
    data = await _fetch(target) if target.startswith(("http://", "https://")) \
        else _read_file(target)
    async with offline_services(settings) as services:
        verdict = await services.verifier.verify_bytes(data, datetime.now(UTC))
    if as_json:
        print(json.dumps(verdict.to_json(), indent=2))
    else:
        print(f"{verdict.status.upper()}: {verdict.summary}")
        if verdict.badge_name:
            print(f"badge: {verdict.badge_name}")
        for check in verdict.checks:
            print(f"  {'ok ' if check.passed else 'BAD'} {check.detail}")
    return exit_status(verdict)


def exit_status(verdict: Verdict) -> int:
    """0: valid, issued here; 3: valid, issued by another issuer; 4: its key cannot be
    checked; 1: anything else (tampered, revoked, expired, not a badge)."""
    if verdict.status == "valid":
        return 0 if verdict.this_server else 3
    return 4 if verdict.status == "unverifiable" else 1


def _read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(4 * 1024 * 1024 + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    if len(data) > 4 * 1024 * 1024:
        raise ConfigError(f"{path}: larger than 4 MB, not a badge")
    return data


async def _fetch(url: str) -> bytes:
    headers = {"Accept": "application/vc+ld+json, image/png;q=0.9"}
    try:
        timeout = aiohttp.ClientTimeout(total=20)
        async with aiohttp.ClientSession(timeout=timeout) as http, \
                http.get(url, headers=headers) as response:
            if response.status >= 400 and response.status != 410:
                raise ConfigError(f"{url}: the server answered {response.status}")
            return await response.content.read(4 * 1024 * 1024)
    except aiohttp.ClientError as exc:
        raise ConfigError(f"{url}: cannot fetch: {exc}") from None


@dataclass(frozen=True)
class AwardRow:
    row: int
    learner: UserRef
    reason: str


def parse_learner(text: str) -> UserRef:
    text = text.strip()
    if "@" in text and ":" not in text:
        return UserRef("email", text.lower())
    return UserRef.parse(text)


def parse_badge(text: str) -> tuple[str, str]:
    quest_id, _, item = text.replace("/", ".").partition(".")
    return quest_id.lower(), (item or "badge").lower()


def read_csv(path: Path) -> tuple[list[AwardRow], list[str], str]:
    """All rows, or every row's problem: nothing is awarded unless the whole file is good."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text))
    fields = {f.strip().lower() for f in reader.fieldnames or []}
    reason_field = "reason" if "reason" in fields else "evidence"
    if "learner" not in fields or reason_field not in fields:
        raise ConfigError(f"{path}:1: the header must name the columns learner and reason"
                          " (or evidence)")
    rows, problems = [], []
    for number, record in enumerate(reader, start=2):
        if number > MAX_CSV_ROWS + 1:
            problems.append(f"{path}:{number}: more than {MAX_CSV_ROWS} rows")
            break
        values = {k.strip().lower(): (v or "").strip() for k, v in record.items() if k}
        try:
            learner = parse_learner(values.get("learner", ""))
        except ValueError:
            problems.append(f"{path}:{number}: learner {values.get('learner')!r} is neither"
                            " platform:id nor an email address")
            continue
        reason = values.get(reason_field, "")
        if not reason:
            problems.append(f"{path}:{number}: the {reason_field} is empty")
        elif len(reason) > MAX_REASON:
            problems.append(f"{path}:{number}: the {reason_field} is longer than {MAX_REASON}")
        else:
            rows.append(AwardRow(number, learner, reason))
    return rows, problems, hashlib.sha256(raw).hexdigest()[:16]


async def award(settings: Settings, badge: str, learner: str | None, reason: str | None,
                csv_path: Path | None) -> int:
    quest_id, item = parse_badge(badge)
    if csv_path is not None:
        rows, problems, digest = read_csv(csv_path)
        if problems:
            for problem in problems:
                print(problem, file=sys.stderr)
            print("nothing was awarded; fix the rows above and run again", file=sys.stderr)
            return 1
        prefix = f"csv-{digest}"  # running the same file again awards nothing twice
    else:
        if not learner or not reason or not reason.strip():
            raise ConfigError("award: give --to LEARNER and --reason TEXT, or --csv FILE")
        try:
            rows = [AwardRow(0, parse_learner(learner), reason.strip()[:MAX_REASON])]
        except ValueError:
            raise ConfigError(f"--to: {learner!r} is neither platform:id nor an email"
                              " address") from None
        prefix = f"award-{datetime.now(UTC).timestamp()}"
    failures = 0
    async with offline_services(settings) as services:
        if quest_id not in services.library.catalog:
            raise ConfigError(f"award: there is no quest '{quest_id}' in"
                              f" {settings.quests_dir}")
        for row in rows:
            command = Grant(row.learner, quest_id, item, row.reason)
            ok = await _award_one(services, command, f"{prefix}-{row.row}", row)
            failures += 0 if ok else 1
    return 1 if failures else 0


async def _award_one(services: Offline, command: Grant, event_id: str, row: AwardRow) -> bool:
    handled = await services.engine.handle_detailed(
        _event(command, event_id, operator_name(services.settings)))
    where = f"row {row.row}: " if row.row else ""
    if handled.duplicate:
        print(f"{where}{row.learner}: already awarded by an earlier run of this file")
        return True
    if not handled.awards:
        text = " ".join(r.text for r in handled.replies if isinstance(r, Text))
        print(f"{where}{row.learner}: {text}", file=sys.stderr)
        return False
    for record, issued in handled.awards:
        if issued is None:
            print(f"{where}{row.learner}: awarded, but the badge could not be built yet",
                  file=sys.stderr)
            return False
        print(f"{where}{row.learner}: {record.badge_name} {issued.url} {issued.image_path}")
    return True


async def revoke(settings: Settings, award_id: str, reason: str) -> int:
    if not reason.strip():
        raise ConfigError("revoke: --reason must not be empty")
    async with offline_services(settings) as services:
        command = RevokeById(award_id, reason.strip()[:MAX_REASON])
        handled = await services.engine.handle_detailed(
            _event(command, f"revoke-{award_id}-{datetime.now(UTC).timestamp()}",
                   operator_name(settings)))
    text = " ".join(r.text for r in handled.replies if isinstance(r, Text))
    ok = text.startswith("Revoked")
    print(text, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def _event(command: Command, event_id: str, name: str) -> Event:
    return Event(event_id, OPERATOR, ConversationRef("cli", "terminal"), command, name)


async def dashboard_link(settings: Settings, account: str) -> int:
    """A one-time sign-in link for a tutor's or admin's account, through the same rules as
    /dashboard in a private chat (the engine refuses learners)."""
    try:
        who = UserRef.parse(account)
    except ValueError:
        raise ConfigError(f"dashboard-link: {account!r} is not platform:id") from None
    async with offline_services(settings) as services:
        event = Event(f"cli-dashboard-{secrets.token_hex(8)}", who,
                      ConversationRef(who.platform, "cli", private=True), OpenDashboard(),
                      language=settings.language)
        replies = await services.engine.handle(event)
    said = [r.text for r in replies if isinstance(r, Text)]
    print("\n".join(said))
    return 0 if any("/dashboard/sign-in/" in text for text in said) else 1
