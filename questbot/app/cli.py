"""The command line: ``questbot run|serve|validate|schema|keys|verify|award|revoke|outbox|
webhooks|dashboard-link|backup|restore``. The only place that exits."""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import socket
import ssl
import sys
import traceback
from pathlib import Path
from typing import Any, TextIO

from questbot.app import commands
from questbot.app.backup import backup_command, restore_command
from questbot.app.config import Settings, check_quests_dir, load_settings
from questbot.app.logging_filters import configure_logging, redact_text, secret_values
from questbot.app.outbox_admin import outbox
from questbot.app.runtime import serve
from questbot.app.webhooks_admin import webhooks
from questbot.catalog import load_catalog, quest_files
from questbot.catalog.schema import FILE_MODELS, file_json_schema_text
from questbot.domain.errors import ConfigError, StoreError
from questbot.storage import copy_data, migrate_database


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=None,
                        help="TOML settings file (default ./questbot.toml if present)")
    parser = argparse.ArgumentParser(
        prog="questbot", parents=[common],
        description="Quests in YAML for chat communities, with verifiable Open Badges.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser(
        "run", parents=[common], help="terminal chat + badge server + configured adapters",
        description="Start the terminal chat, the badge server and every adapter with a token.")
    run.add_argument("--as", dest="user", metavar="NAME",
                     help="who you are in the terminal chat (default: [console] user)")
    run.add_argument("--tutor", action="store_true",
                     help="the terminal user is a tutor and admin")
    serve_command = commands.add_parser(
        "serve", parents=[common], help="badge server + adapters, without the terminal chat",
        description="Run as a service: the badge server and every adapter with a token.")
    serve_command.add_argument("--workers", type=int, metavar="N",
                               help="badge server processes sharing the port"
                                    " (default: web_workers, 1)")
    validate = commands.add_parser(
        "validate", parents=[common], help="check quest files",
        description="Check quest files; print each problem as file:line:column: message.")
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                          help="files or folders (default: the quests folder)")
    schema = commands.add_parser(
        "schema", parents=[common], help="print the JSON Schema of quest files",
        description="Write the JSON Schema of the quest format, for editors.")
    schema.add_argument("--output", "-o", type=Path, help="write to this file, not stdout")
    schema.add_argument("--kind", choices=sorted(FILE_MODELS), default="quest",
                        help="which kind of file (default: quest)")
    keys = commands.add_parser(
        "keys", parents=[common], help="show (or rotate) the issuer's signing keys",
        description="Show the issuer's public keys and did:key. Rotating adds a new signing "
                    "key; badges signed with older keys stay verifiable.")
    keys.add_argument("--rotate", action="store_true", help="create a new signing key")
    verify = commands.add_parser(
        "verify", parents=[common], help="verify a badge file or URL",
        description="Say whether a baked PNG, a credential JSON file or a badge URL is "
                    "valid, revoked, expired or tampered with. Exit status 0 only if valid.")
    verify.add_argument("target", metavar="FILE|URL")
    verify.add_argument("--json", action="store_true", help="print the verdict as JSON")
    award = commands.add_parser(
        "award", parents=[common], help="award a badge to a learner or a CSV of learners",
        description="Award BADGE (QUEST for the quest's badge, or QUEST.MILESTONE) to one "
                    "learner (platform:id or email) or to every row of a CSV file with the "
                    "columns learner and reason. Prints each badge's URL and PNG path.")
    award.add_argument("badge", metavar="BADGE")
    award.add_argument("--to", metavar="LEARNER", help="platform:id or email address")
    award.add_argument("--reason", metavar="TEXT", help="evidence shown on the badge")
    award.add_argument("--csv", type=Path, metavar="FILE", help="learner,reason rows")
    revoke = commands.add_parser(
        "revoke", parents=[common], help="revoke a badge by its id",
        description="Revoke a badge everywhere: its page, its 2.0 assertion (410 Gone) and "
                    "the status list.")
    revoke.add_argument("award_id", metavar="BADGE_ID", help="the last part of its URL")
    revoke.add_argument("--reason", required=True, metavar="TEXT")
    deliveries = commands.add_parser(
        "outbox", parents=[common], help="list (or resend) deliveries that did not arrive",
        description="List the outbox's failed deliveries (the platform kept refusing them: "
                    "a blocked bot, closed DMs) and uncertain ones (sent, answered too late: "
                    "probably arrived, never resent automatically), newest first, with their "
                    "last error. --retry makes some pending again with fresh attempts.")
    deliveries.add_argument("--platform", metavar="NAME", help="only this platform's")
    deliveries.add_argument("--retry", type=int, nargs="+", default=[], metavar="ID",
                            help="send these deliveries again")
    deliveries.add_argument("--retry-all", action="store_true",
                            help="send every listed delivery again")
    deliveries.add_argument("--limit", type=int, default=100, metavar="N",
                            help="at most N deliveries (default 100)")
    _add_webhook_commands(commands, common)
    dashboard = commands.add_parser(
        "dashboard-link", parents=[common], help="print a one-time sign-in link to the dashboard",
        description="Print a sign-in link to the web dashboard for ACCOUNT (platform:id of a "
                    "tutor or admin), good once and for 10 minutes, as /dashboard sends it "
                    "in a private chat. Learners are refused.")
    dashboard.add_argument("account", metavar="ACCOUNT", help="platform:id, e.g. telegram:42")
    backup = commands.add_parser(
        "backup", parents=[common], help="copy the database and keys, even while running",
        description="Write a consistent copy of the SQLite database and the issuer's keys "
                    "into the new folder PATH (never overwritten), while questbot runs. "
                    "PostgreSQL is backed up with pg_dump (see README.md).")
    backup.add_argument("path", type=Path, metavar="PATH", help="a folder that does not exist")
    _add_database_commands(commands, common)
    restore = commands.add_parser(
        "restore", parents=[common], help="bring a backup back into an empty data folder",
        description="Copy a backup made by `questbot backup` into the data folder, which "
                    "must be empty or absent; then start questbot on it.")
    restore.add_argument("path", type=Path, metavar="PATH", help="the backup's folder")
    return parser


def _add_webhook_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    hooks = commands.add_parser(
        "webhooks", parents=[common], help="outbound webhooks: register, list, log",
        description="Endpoints that are told, by signed HTTPS POSTs (Standard Webhooks), when "
                    "a badge is awarded or revoked, a quest completed or a learner joins one.")
    actions = hooks.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", parents=[common], help="register an endpoint",
                             description="Register URL and print its signing secret, once.")
    add.add_argument("target", metavar="URL")
    add.add_argument("--events", default="", metavar="TYPES",
                     help="comma-separated: badge.awarded, badge.revoked, quest.completed,"
                          " learner.joined (default: all)")
    actions.add_parser("list", parents=[common], help="endpoints, their state and queues")
    for name, what in (("remove", "remove an endpoint, its queue and its log"),
                       ("enable", "enable an endpoint; its queue goes out in order"),
                       ("disable", "stop sending to an endpoint (its queue waits)")):
        action = actions.add_parser(name, parents=[common], help=what, description=what)
        action.add_argument("target", metavar="ID")
        if name == "disable":
            action.add_argument("--reason", metavar="TEXT", help="shown in the list")
    log = actions.add_parser("log", parents=[common], help="delivery attempts, newest first",
                             description="Delivery attempts with their status codes.")
    log.add_argument("target", nargs="?", metavar="ID", help="only this endpoint's")
    log.add_argument("--limit", type=int, default=50, metavar="N", help="at most N (50)")


def _add_database_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    commands.add_parser(
        "migrate", parents=[common], help="apply pending database migrations",
        description="Bring the database's schema up to this questbot's, then exit: run it "
                    "before starting processes that have QUESTBOT_AUTO_MIGRATE off.")
    copy = commands.add_parser(
        "copy-data", parents=[common], help="copy a whole SQLite database into PostgreSQL",
        description="Move an installation to PostgreSQL: every table of the SQLite "
                    "database, in one transaction, into an empty PostgreSQL database "
                    "(migrated first). Stop questbot first; keep the data folder's keys/.")
    copy.add_argument("--from", dest="source", required=True, metavar="sqlite:///PATH")
    copy.add_argument("--to", dest="destination", required=True,
                      metavar="postgresql://USER@HOST/DB")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
    except ConfigError as exc:
        print(f"questbot: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"questbot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if not _is_network_failure(exc):
            raise
        # A platform that cannot be reached at start-up is one line, not a traceback (the
        # traceback is logged at DEBUG, with its secrets redacted like every log line).
        logging.getLogger(__name__).debug("start-up failed", exc_info=exc)
        print(redact_text(f"questbot: {_network_failure(exc)}"), file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "schema":
        return _schema(args.output, args.kind)
    overrides: dict[str, object] = {}
    settings = load_settings(args.config)
    if args.command == "validate":
        return _validate(args.paths or [settings.quests_dir])
    if args.command == "keys":
        return commands.keys(settings, args.rotate)
    if args.command == "verify":
        return asyncio.run(commands.verify(settings, args.target, args.json))
    if args.command == "award":
        check_quests_dir(settings)
        return asyncio.run(commands.award(settings, args.badge, args.to, args.reason, args.csv))
    if args.command == "revoke":
        return asyncio.run(commands.revoke(settings, args.award_id, args.reason))
    if args.command == "outbox":
        return asyncio.run(outbox(settings, args.platform, args.retry, args.retry_all,
                                  max(1, min(args.limit, 10_000))))
    if args.command == "webhooks":
        return asyncio.run(webhooks(settings, args.action, getattr(args, "target", None),
                                    getattr(args, "events", ""), getattr(args, "reason", None),
                                    getattr(args, "limit", 50)))
    if args.command == "dashboard-link":
        return asyncio.run(commands.dashboard_link(settings, args.account))
    if args.command == "backup":
        return backup_command(settings, args.path)
    if args.command == "copy-data":
        copied = asyncio.run(copy_data(args.source, args.destination))  # StoreError: exit 1
        for table, rows in copied.items():
            print(f"{table}: {rows} rows")
        print(f"copied {sum(copied.values())} rows in {len(copied)} tables")
        return 0
    if args.command == "migrate":
        return asyncio.run(_migrate(settings))
    if args.command == "restore":
        return restore_command(settings, args.path)
    if args.command == "serve" and args.workers is not None:
        settings = load_settings(args.config, overrides={"web_workers": args.workers})
    if args.command == "run":
        if args.user is not None:
            overrides["console_user"] = args.user
        if args.tutor:
            user = args.user if args.user is not None else settings.adapter("console").user
            overrides["admins"] = (*settings.admins, f"console:{user}")
        if overrides:
            settings = load_settings(args.config, overrides=overrides)
    check_quests_dir(settings)
    _configure_logging(settings)
    asyncio.run(serve(settings, interactive=args.command == "run"))
    return 0


async def _migrate(settings: Settings) -> int:
    before, after = await migrate_database(settings.database)  # StoreError: exit 1
    if before == after:
        print(f"the database is at schema version {after}: nothing to do")
    else:
        print(f"the database went from schema version {before} to {after}")
    return 0


def _configure_logging(settings: Settings, stream: TextIO | None = None) -> logging.Handler:
    """Logs to stderr at the configured level; every secret setting's value and anything
    shaped like a bot token is redacted from every record, whichever library logs it."""
    return configure_logging(settings.log_level, secret_values(settings), stream)


_NETWORK_ERRORS = (ConnectionError, TimeoutError, socket.gaierror, ssl.SSLError)
_NETWORK_NAMES = {"NetworkError", "TransportError", "ClientConnectionError", "TimedOut"}


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _is_network_failure(exc: BaseException) -> bool:
    return any(isinstance(e, _NETWORK_ERRORS) or
               any(cls.__name__ in _NETWORK_NAMES for cls in type(e).__mro__)
               for e in _chain(exc))


def _network_failure(exc: BaseException) -> str:
    """Which adapter (from the traceback), what failed, and the first cause."""
    where = "a platform"
    for frame in traceback.extract_tb(exc.__traceback__):
        found = re.search(r"questbot_([a-z0-9]+)", frame.filename)
        if found:
            where = f"the {found[1]} adapter"
    chain = _chain(exc)
    detail = str(exc) or type(exc).__name__
    root = str(chain[-1])
    if len(chain) > 1 and root and root not in detail:
        detail = f"{detail} ({root})"
    return (f"{where} could not reach its server at start-up: {detail}; check the network "
            f"and the adapter's base URL")


def _validate(paths: list[Path]) -> int:
    files = 0
    problems = 0
    for path in paths:
        if not path.exists():
            print(f"{path}:1:1: no such file or folder")
            problems += 1
            continue
        report = load_catalog(path)
        files += len(quest_files(path))
        for problem in report.problems:
            print(problem)
        for warning in report.warnings:  # missing translations: told, never failing
            print(warning)
        problems += len(report.problems)
    sys.stdout.flush()
    print(f"{files} quest file(s) checked, {problems} problem(s)", file=sys.stderr)
    return 1 if problems else 0


def _schema(output: Path | None, kind: str = "quest") -> int:
    text = file_json_schema_text(kind)
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"questbot: cannot write {output}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"wrote {output}", file=sys.stderr)
    return 0
