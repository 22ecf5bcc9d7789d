"""The command line: ``questbot run|serve|validate|schema``. The only place that exits."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from questbot.app.config import Settings, load_settings
from questbot.app.runtime import serve
from questbot.catalog import load_catalog, quest_files, quest_json_schema_text
from questbot.domain.errors import ConfigError, StoreError


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
                     help="who you are in the terminal chat (default: console_user)")
    run.add_argument("--tutor", action="store_true",
                     help="the terminal user is a tutor and admin")
    commands.add_parser(
        "serve", parents=[common], help="badge server + adapters, without the terminal chat",
        description="Run as a service: the badge server and every adapter with a token.")
    validate = commands.add_parser(
        "validate", parents=[common], help="check quest files",
        description="Check quest files; print each problem as file:line:column: message.")
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                          help="files or folders (default: the quests folder)")
    schema = commands.add_parser(
        "schema", parents=[common], help="print the JSON Schema of quest files",
        description="Write the JSON Schema of the quest format, for editors.")
    schema.add_argument("--output", "-o", type=Path, help="write to this file, not stdout")
    return parser


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


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "schema":
        return _schema(args.output)
    overrides: dict[str, object] = {}
    settings = load_settings(args.config)
    if args.command == "validate":
        return _validate(args.paths or [settings.quests_dir])
    if args.command == "run":
        if args.user:
            overrides["console_user"] = args.user
        if args.tutor:
            user = args.user or settings.console_user
            overrides["admins"] = (*settings.admins, f"console:{user}")
        if overrides:
            settings = load_settings(args.config, overrides=overrides)
    _configure_logging(settings)
    asyncio.run(serve(settings, interactive=args.command == "run"))
    return 0


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


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
        problems += len(report.problems)
    sys.stdout.flush()
    print(f"{files} quest file(s) checked, {problems} problem(s)", file=sys.stderr)
    return 1 if problems else 0


def _schema(output: Path | None) -> int:
    text = quest_json_schema_text()
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
