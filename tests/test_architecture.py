"""The house's rules, read from the real import graph: what each part may import, by
allow-list (import-linter's contracts in pyproject.toml forbid; these permit)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator

import grimp
import pytest

from questbot.catalog import steps
from questbot.domain.commands import COMMANDS
from questbot.domain.errors import QuestbotError

ROOTS = ("questbot", "questbot_console", "questbot_telegram", "questbot_discord")
STDLIB = set(sys.stdlib_module_names) | {"__future__"}
DATABASES = {"sqlite3", "aiosqlite", "asyncpg"}

# Per part: the other parts of questbot it may import, and the third-party packages.
CORE: dict[str, tuple[set[str], set[str]]] = {
    "domain": (set(), set()),
    "i18n": (set(), {"babel"}),
    "ports": ({"domain"}, set()),
    "catalog": ({"domain"}, {"pydantic", "pydantic_core", "yaml", "re2"}),
    "engine": ({"domain", "catalog", "ports", "i18n"}, set()),
    "storage": ({"domain", "ports"}, {"aiosqlite", "asyncpg"}),
    "badges": ({"domain", "catalog", "ports", "i18n"},
               {"PIL", "aiohttp", "babel", "base58", "nacl", "pebble", "pyld", "qrcode"}),
    "web": ({"domain", "ports", "badges", "i18n"},
            {"aiohttp", "aiohttp_session", "babel", "jinja2", "multidict"}),
    "kit": ({"domain", "ports", "i18n"}, {"pydantic"}),
    "webhooks": ({"domain", "ports", "i18n"}, {"aiohttp"}),
    "mail": ({"domain", "ports", "kit", "i18n"}, {"aiosmtplib", "jinja2"}),
}
ADAPTER_CORE = {"domain", "ports", "kit", "i18n"}
ADAPTER_LIBRARIES = {"pydantic"}  # for their settings section
ADAPTER_SDKS = {"questbot_console": set(), "questbot_telegram": {"telegram", "httpx"},
                "questbot_discord": {"discord", "aiohttp", "yarl"}}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*ROOTS, include_external_packages=True)


def imports_of(graph: grimp.ImportGraph, package: str) -> Iterator[tuple[str, str]]:
    for module in graph.find_descendants(package) | {package}:
        for imported in graph.find_modules_directly_imported_by(module):
            yield module, imported


@pytest.mark.parametrize("part", sorted(CORE))
def test_each_part_of_the_core_imports_only_what_it_may(graph: grimp.ImportGraph,
                                                        part: str) -> None:
    parts, libraries = CORE[part]
    wrong = []
    for module, imported in imports_of(graph, f"questbot.{part}"):
        top, *rest = imported.split(".")
        if top == "questbot":
            if rest and rest[0] != part and rest[0] not in parts:
                wrong.append(f"{module} imports {imported}")
        elif top not in STDLIB and top not in libraries:
            wrong.append(f"{module} imports {imported}")
    assert wrong == []


@pytest.mark.parametrize("adapter", sorted(ADAPTER_SDKS))
def test_adapters_import_the_domain_the_ports_and_their_sdk_only(graph: grimp.ImportGraph,
                                                                 adapter: str) -> None:
    wrong = []
    for module, imported in imports_of(graph, adapter):
        top = imported.split(".")[0]
        if top == "questbot":
            if not any(imported == f"questbot.{ok}" or imported.startswith(f"questbot.{ok}.")
                       for ok in ADAPTER_CORE):
                wrong.append(f"{module} imports {imported}")
        elif top in DATABASES or (top not in STDLIB and top != adapter
                                  and top not in ADAPTER_SDKS[adapter] | ADAPTER_LIBRARIES):
            wrong.append(f"{module} imports {imported}")
    assert wrong == []


@pytest.mark.parametrize("adapter", sorted(ADAPTER_SDKS))
def test_no_module_of_an_adapter_imports_itself_in_a_circle(graph: grimp.ImportGraph,
                                                            adapter: str) -> None:
    modules = sorted(graph.find_descendants(adapter))
    circles = [(a, b) for a in modules for b in modules
               if a < b and graph.chain_exists(a, b) and graph.chain_exists(b, a)]
    assert circles == []


def test_no_part_of_the_core_imports_itself_in_a_circle(graph: grimp.ImportGraph) -> None:
    parts = [f"questbot.{part}" for part in (*CORE, "app")]
    circles = [(a, b) for a in parts for b in parts
               if a < b and graph.chain_exists(a, b, as_packages=True)
               and graph.chain_exists(b, a, as_packages=True)]
    assert circles == []


def test_every_error_the_core_raises_derives_from_the_projects_base_error(
        graph: grimp.ImportGraph) -> None:
    outside = []
    for name in sorted(n for n in graph.find_descendants("questbot")
                       if not n.endswith("__main__")):  # importing that runs the CLI
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseException) \
                    and value.__module__ == name and not issubclass(value, QuestbotError):
                outside.append(f"{name}.{value.__name__}")
    assert outside == []


def test_the_step_kinds_and_commands_are_declared_once() -> None:
    assert steps.STEP_KINDS == ("participation", "quiz", "attendance", "submission")
    names = [spec.name for spec in COMMANDS]
    assert len(names) == len(set(names))


def test_the_shared_sql_leaves_the_databases_to_the_executors(graph: grimp.ImportGraph) -> None:
    """One SQL store, two executors: the statements are written once, without a driver, and
    only the SQLite and PostgreSQL packages run them."""
    wrong = [f"{module} imports {imported}"
             for module, imported in imports_of(graph, "questbot.storage.sql")
             if imported.split(".")[0] in DATABASES
             or imported.startswith(("questbot.storage.sqlite", "questbot.storage.postgres"))]
    assert wrong == []
