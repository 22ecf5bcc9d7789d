"""What every step kind has: an id, a title, the steps it requires; and what each kind
says about itself (its checks beyond the schema, and the line /progress shows)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pydantic import Field

from questbot.catalog.fields import MAX_STEPS, MAX_XP, Slug, Strict
from questbot.catalog.localized import LongLocalized, ShortLocalized
from questbot.domain.progress import StepState

Location = tuple[str | int, ...]  # a path inside the step, as (field, index, ...)
Problem = tuple[Location, str, str | None]  # where, what is wrong, a hint
Todo = tuple[str, Mapping[str, object]]  # a message-catalogue key and its parameters


class StepBase(Strict):
    id: Slug
    title: ShortLocalized | None = None
    description: LongLocalized | None = None
    requires: tuple[Slug, ...] = Field((), max_length=MAX_STEPS,
                                       description="steps that must be complete first")
    xp: int = Field(0, ge=0, le=MAX_XP, description="XP the learner gains for the step")

    def problems(self) -> Iterator[Problem]:
        """Mistakes the schema cannot see (a window that closes before it opens)."""
        return iter(())

    def todo(self, quest_id: str, state: StepState | None) -> Todo:
        """What is left to do, for /progress; ``state`` is the learner's so far, if any."""
        raise NotImplementedError
