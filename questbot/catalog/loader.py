"""Quest files to an immutable catalog, in stages: read, parse YAML, validate against the
strict models, cross-check. Each stage reports ``file:line:column`` problems as a CatalogError
chained from its cause; a reload keeps the last good version of any file that fails."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from questbot.catalog.catalog import Catalog
from questbot.catalog.checks import cross_check
from questbot.catalog.community import Community, CommunityFile
from questbot.catalog.locate import Locations
from questbot.catalog.models import QuestFile
from questbot.catalog.pathway import Pathway, PathwayFile
from questbot.catalog.pathway_checks import check_pathways
from questbot.catalog.prerequisites import check_prerequisites
from questbot.catalog.quest import Quest
from questbot.catalog.source import parse_yaml, read_text
from questbot.catalog.steps import STEP_KINDS
from questbot.catalog.suggest import did_you_mean
from questbot.catalog.translations import missing_translations
from questbot.domain.errors import CatalogError, Problem

log = logging.getLogger(__name__)

QUEST_SUFFIXES = (".yaml", ".yml")
MAX_PROBLEMS = 50  # per file: a file wrong everywhere needs its first mistakes fixed first


def load_quest_file(path: Path) -> Quest:
    loaded = load_file(path)
    if not isinstance(loaded, Quest):
        raise CatalogError([Problem(str(path), 1, 1, "not a quest file",
                                    f"its kind is {loaded.spec.kind}")])
    return loaded


def load_file(path: Path) -> Loaded:
    """One file of the quest folder, of whichever kind its ``kind`` field says."""
    text = read_text(path)
    data, where = _parse(path, text)
    kind = data.get("kind", "quest")
    version = hashlib.sha256(text.encode()).hexdigest()[:12]
    if kind == "quest":
        return _quest(path, data, where, version)
    if kind == "community":
        spec = _validate(CommunityFile, path, data, where)
        return Community(spec, version, str(path))
    if kind == "pathway":
        return _pathway(path, data, where, version)
    position = where.value(("kind",))
    hint = did_you_mean(str(kind)[:100], list(FILE_KINDS)) or (
        f"kind must be one of {', '.join(FILE_KINDS)}")
    raise CatalogError([Problem(str(path), position.line, position.column,
                                f"unknown file kind '{_short(str(kind))}'", hint)])


FILE_KINDS = ("quest", "community", "pathway")
Loaded = Quest | Community | Pathway


def _pathway(path: Path, data: dict[str, Any], where: Locations, version: str) -> Pathway:
    spec = _validate(PathwayFile, path, data, where)
    if spec.badge.image and not (path.parent / spec.badge.image).is_file():
        position = where.value(("badge", "image"))
        raise CatalogError([Problem(str(path), position.line, position.column,
                                    f"badge image '{_short(spec.badge.image)}' not found",
                                    f"paths are relative to {path.parent}")])
    refs_at = tuple(tuple(_line_column(where, ("requires", g, "of", i))
                          for i in range(len(group.of)))
                    for g, group in enumerate(spec.requires))
    return Pathway(spec, version, path, refs_at, _line_column(where, ("id",)))


def _line_column(where: Locations, at: tuple[str | int, ...]) -> tuple[int, int]:
    position = where.value(at)
    return position.line, position.column


def _quest(path: Path, data: dict[str, Any], where: Locations, version: str) -> Quest:
    spec = _validate(QuestFile, path, data, where)
    problems = cross_check(path, spec, where)
    if problems:
        raise CatalogError(problems)
    warnings = tuple(missing_translations(path, spec, where))
    positions = (where.value(("requires_quests", i)) for i in range(len(spec.requires_quests)))
    return Quest(spec=spec, version=version, source=path, warnings=warnings,
                 requires_at=tuple((p.line, p.column) for p in positions))


def _parse(path: Path, text: str) -> tuple[dict[str, Any], Locations]:
    root, data = parse_yaml(path, text)
    where = Locations(root)
    if where.duplicates:
        raise CatalogError([
            Problem(str(path), d.position.line, d.position.column,
                    f"duplicate key '{_short(d.key)}'", f"first given on line {d.first.line}")
            for d in where.duplicates[:MAX_PROBLEMS]
        ])
    if not isinstance(data, dict):
        raise CatalogError([Problem(str(path), 1, 1, "a quest file must be a mapping",
                                    "start with 'schema_version: 1' and 'id: ...'")])
    return data, where


Model = TypeVar("Model", bound=BaseModel)


def _validate(model: type[Model], path: Path, data: dict[str, Any], where: Locations) -> Model:
    try:
        return model.model_validate(data, context={"patterns": 0})
    except ValidationError as exc:
        # A file wrong in every one of its 100,000 values must not cost 100,000² here.
        errors = _root_causes(exc.errors(include_url=False)[:4 * MAX_PROBLEMS])
        names = _field_names(model)
        problems = _dedupe([_problem(path, error, data, where, names) for error in errors])
        raise CatalogError(problems[:MAX_PROBLEMS]) from exc


@cache
def _field_names(root: type[BaseModel]) -> list[str]:
    """Every field name a file of this kind may use, for "did you mean" hints."""
    names: set[str] = set()
    pending: list[type[BaseModel]] = [root]
    while pending:
        model = pending.pop()
        for name, info in model.model_fields.items():
            names.add(name)
            pending.extend(_models_in(info.annotation))
    return sorted(names)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


def _root_causes(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """Drop 'needs at least one item' errors on a list whose items were themselves wrong:
    pydantic reports both, and only the item's error helps."""
    def nested_under(outer: ErrorDetails) -> bool:
        size = len(outer["loc"])
        return any(len(e["loc"]) > size and e["loc"][:size] == outer["loc"] for e in errors)

    return [e for e in errors if not (e["type"] == "too_short" and nested_under(e))]


def _problem(path: Path, error: ErrorDetails, data: Any, where: Locations,
             field_names: list[str]) -> Problem:
    at = _data_path(error["loc"], data)
    kind = error["type"]
    name = _dotted(at)
    hint: str | None = None
    if kind == "extra_forbidden":
        pos = where.key(at)
        message = f"unknown field '{_short(str(at[-1]))}'"
        hint = did_you_mean(str(at[-1])[:100], field_names)
    elif kind == "missing":
        pos = where.value(at[:-1])
        message = f"missing field '{_dotted(at)}'"
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        pos = where.value((*at, "kind"))
        tag = error.get("ctx", {}).get("tag")
        expected = ", ".join(STEP_KINDS)
        message = (f"unknown step kind '{_short(str(tag))}'" if tag
                   else f"{name}: missing field 'kind'")
        hint = (did_you_mean(str(tag)[:100], expected.split(", ")) if tag else None) or (
            f"kind must be one of {expected}")
    elif kind == "timezone_aware":
        pos = where.value(at)
        message = f"{name}: the time needs a time zone"
        hint = "for example 2026-12-01T18:00:00Z or 2026-12-01T19:00:00+01:00"
    else:
        pos = where.value(at)
        message = f"{name}: {_friendly(error['msg'])}"
        hint = _limit_hint(error)
    return Problem(str(path), pos.line, pos.column, message, hint)


def _limit_hint(error: ErrorDetails) -> str | None:
    """Our own validators carry a hint; for pydantic's bounds, say what the bound is for."""
    ctx = error.get("ctx", {})
    if isinstance(ctx.get("hint"), str):
        return str(ctx["hint"])
    kind = error["type"]
    if kind in ("less_than_equal", "less_than"):
        largest = _number(ctx.get("le", ctx.get("lt")))
        return f"larger values are refused as mistakes; the largest is {largest}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"the smallest is {_number(ctx.get('ge', ctx.get('gt')))}" + (
            " (exclusive)" if kind == "greater_than" else "")
    if kind == "finite_number":
        return "write a plain number, such as 0.8"
    if kind == "too_long":
        return f"at most {ctx.get('max_length')} items; split the quest if it needs more"
    if kind == "string_too_long":
        return f"at most {ctx.get('max_length')} characters"
    return None


def _number(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _short(text: str, limit: int = 60) -> str:
    """User text quoted in a message, cut so one problem stays one readable line."""
    return text if len(text) <= limit else text[:limit] + "…"


def _friendly(message: str) -> str:
    return message.removeprefix("Value error, ").replace("Input should be", "expected")


def _data_path(loc: tuple[str | int, ...], data: Any) -> tuple[str | int, ...]:
    """Pydantic's error location without the union tags it adds, which are not in the file."""
    path: list[str | int] = []
    current = data
    for index, part in enumerate(loc):
        if _has(current, part):
            current = current[part]
        elif not (index == len(loc) - 1 and isinstance(current, dict)):
            continue  # a tag such as 'quiz' or 'str'; a missing key (last, in a mapping) stays
        path.append(part)
    return tuple(path)


def _has(container: Any, part: str | int) -> bool:
    if isinstance(container, dict):
        return part in container
    return isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container)


def _dotted(at: tuple[str | int, ...]) -> str:
    text = ""
    for part in at:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "file"


def _dedupe(problems: list[Problem]) -> list[Problem]:
    """A value that fits none of a union's shapes gives one error per shape: keep the first."""
    seen: set[tuple[int, int]] = set()
    unique = []
    for problem in problems:
        if (problem.line, problem.column) not in seen:
            seen.add((problem.line, problem.column))
            unique.append(problem)
    return unique


@dataclass(frozen=True)
class LoadReport:
    catalog: Catalog
    problems: list[Problem]
    kept_old: list[str]  # files with errors whose previous version stays in service
    # What the author would want to fix but learners can live with (a missing translation):
    # printed as ``file:line:column: warning: ...``, never a reason to refuse a file.
    warnings: list[Problem] = field(default_factory=list)


def quest_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.suffix in QUEST_SUFFIXES and p.is_file())


def load_catalog(root: Path, previous: Catalog | None = None) -> LoadReport:
    """Load every file under ``root``: quests and community files. A file that fails keeps
    its previous version (if there was one); the problems are reported, never raised."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    kept_old: list[str] = []
    quests: dict[str, Quest] = {}
    communities: dict[str, Community] = {}
    pathways: dict[str, Pathway] = {}
    if not root.exists():
        problems.append(Problem(str(root), 1, 1, "quest folder not found"))
    for path in quest_files(root) if root.exists() else []:
        try:
            loaded: Loaded | None = load_file(path)
        except Exception as exc:  # one file must never stop the others, even through a bug
            problems.extend(_problems_of(path, exc))
            loaded = previous.by_source(path) if previous is not None else None
            if loaded is not None:
                kept_old.append(str(path))
        if isinstance(loaded, Community):
            problems.extend(_add_community(communities, loaded, path))
            continue
        if isinstance(loaded, Pathway):
            if loaded.id in pathways:
                problems.append(Problem(str(path), *loaded.id_at,
                                        f"pathway id '{loaded.id}' is already used",
                                        f"by {pathways[loaded.id].source}"))
            else:
                pathways[loaded.id] = loaded
            continue
        if loaded is None:
            continue
        if loaded.id in quests:
            other = quests[loaded.id]
            problems.append(Problem(str(path), 1, 1, f"quest id '{loaded.id}' is already used",
                                    f"by {other.source}"))
            continue
        quests[loaded.id] = loaded
        if str(path) not in kept_old:  # the previous version's warnings were told before
            warnings.extend(loaded.warnings)
    problems.extend(check_prerequisites(quests))
    problems.extend(check_pathways(quests, pathways))
    return LoadReport(Catalog(quests, communities, pathways), problems, kept_old, warnings)


def _add_community(communities: dict[str, Community], community: Community,
                   path: Path) -> list[Problem]:
    """A community id, a place and the default (a file naming no place) belong to one file."""
    for other in communities.values():
        clash = None
        if other.id == community.id:
            clash = f"community id '{community.id}' is already used"
        elif not other.spec.places and not community.spec.places:
            clash = "a second default community (a file that names no places)"
        elif shared := set(other.spec.places) & set(community.spec.places):
            clash = f"place '{_short(sorted(shared)[0])}' already belongs to '{other.id}'"
        if clash:
            return [Problem(str(path), 1, 1, clash, f"see {other.source}")]
    communities[community.id] = community
    return []


def _problems_of(path: Path, exc: Exception) -> list[Problem]:
    if isinstance(exc, CatalogError):
        return exc.problems
    # A bug, not the author's mistake: logged in full, and still reported at the file.
    log.error("loading %s failed unexpectedly", path, exc_info=exc)
    return [Problem(str(path), 1, 1, f"could not load the file ({type(exc).__name__}: "
                    f"{_short(str(exc), 200)})", "please report this as a questbot bug")]
