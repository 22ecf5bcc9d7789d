"""What packaging promises, read statically: the licence, the version's one place, a lock that
pins every dependency the image needs, and the Dockerfile's shape. No Docker engine runs
here, so the image itself is not built by the tests."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

import questbot
from tests.paths import ROOT

PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())
IMAGE_EXTRAS = ("telegram", "discord")


@dataclass(frozen=True)
class Instruction:
    name: str
    arguments: str


def dockerfile() -> list[Instruction]:
    """The Dockerfile's instructions, continuation lines joined, comments left out."""
    text = re.sub(r"\\\n(\s*#[^\n]*\n)*", " ", (ROOT / "Dockerfile").read_text())
    lines = (line.strip() for line in text.splitlines())
    return [Instruction(name.upper(), rest.strip()) for name, _, rest in
            (line.partition(" ") for line in lines if line and not line.startswith("#"))]


def stages() -> list[list[Instruction]]:
    found: list[list[Instruction]] = []
    for instruction in dockerfile():
        if instruction.name == "FROM":
            found.append([])
        assert found, "the Dockerfile must start with FROM"
        found[-1].append(instruction)
    return found


def locked() -> dict[str, tuple[Version, int]]:
    """requirements.lock's pins: name -> (version, how many hashes)."""
    pins: dict[str, tuple[Version, int]] = {}
    text = (ROOT / "requirements.lock").read_text()
    for block in re.split(r"\n(?=\S)", text):
        match = re.match(r"([A-Za-z0-9_.-]+)==(\S+)", block)
        if match:
            pins[canonicalize_name(match[1])] = (Version(match[2]), block.count("--hash=sha256:"))
    return pins


def test_the_licence_file_matches_the_declared_licence() -> None:
    assert PYPROJECT["project"]["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License")
    assert "Copyright (c) questbot contributors" in text
    assert "LICENSE" in PYPROJECT["project"]["license-files"]


def test_the_version_is_written_in_one_place() -> None:
    project = PYPROJECT["project"]
    assert "version" not in project and "version" in project["dynamic"]
    dynamic = PYPROJECT["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "questbot.__version__"}
    assert str(Version(questbot.__version__)) == questbot.__version__


def test_the_lock_pins_every_dependency_of_the_image_with_hashes() -> None:
    """A dependency added to pyproject.toml without `make lock` fails here, not in the
    image build."""
    pins = locked()
    project = PYPROJECT["project"]
    wanted = [*project["dependencies"],
              *(r for extra in IMAGE_EXTRAS for r in project["optional-dependencies"][extra])]
    for line in wanted:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run `make lock`"
        pinned, hashes = pins[name]
        assert requirement.specifier.contains(pinned, prereleases=True), \
            f"requirements.lock pins {name}=={pinned}, outside {requirement.specifier}"
        assert hashes > 0, name
    assert all(hashes > 0 for _, hashes in pins.values())
    assert "asyncpg" in pins  # PostgreSQL's driver, a core dependency


def test_the_dockerfile_is_multi_stage_from_a_pinned_base() -> None:
    found = stages()
    assert len(found) >= 2
    names: set[str] = set()
    for stage in found:
        image, _, alias = stage[0].arguments.partition(" AS ")
        if image not in names:
            # a full x.y.z version and a distribution release, never latest or a bare 3.11
            assert re.fullmatch(r"python:3\.\d+\.\d+-slim-[a-z]+(@sha256:[0-9a-f]{64})?",
                                image), image
        names.add(alias.strip())


def test_the_image_installs_the_lock_before_the_source() -> None:
    build = stages()[0]
    copies = [(i, instruction.arguments) for i, instruction in enumerate(build)
              if instruction.name == "COPY"]
    runs = [(i, instruction.arguments) for i, instruction in enumerate(build)
            if instruction.name == "RUN"]
    lock = next(i for i, arguments in copies if arguments.startswith("requirements.lock "))
    install = next(i for i, arguments in runs if "--require-hashes" in arguments
                   and "requirements.lock" in arguments)
    source = min(i for i, arguments in copies
                 if arguments.startswith(("questbot ", "adapters ")))
    assert lock < install < source
    final = " ".join(arguments for _, arguments in runs)
    assert "questbot[telegram,discord]" in final and "--no-index" in final


def test_the_image_runs_unprivileged_with_a_health_check_and_a_data_volume() -> None:
    runtime = stages()[-1]
    users = [i.arguments for i in runtime if i.name == "USER"]
    assert users and users[-1] not in {"root", "0"} and not users[-1].startswith("0:")
    [health] = [i.arguments for i in runtime if i.name == "HEALTHCHECK"]
    assert "/healthz" in health and "CMD" in health
    volumes = " ".join(i.arguments for i in runtime if i.name == "VOLUME")
    assert "/data" in volumes
    env = " ".join(i.arguments for i in runtime if i.name == "ENV")
    assert "QUESTBOT_DATA_DIR=/data" in env


def test_everything_the_dockerfile_copies_is_in_the_repository() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    for instruction in dockerfile():
        if instruction.name != "COPY" or instruction.arguments.startswith("--from"):
            continue
        *sources, _ = instruction.arguments.split()
        for source in sources:
            assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
            assert source not in ignored, f"COPY {source}: left out by .dockerignore"
