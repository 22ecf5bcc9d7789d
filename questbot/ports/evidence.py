"""Files learners handed in as evidence, kept by the store under unguessable refs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    ref: str
    learner_id: str
    file_name: str
    media_type: str
    data: bytes


class EvidenceReader(Protocol):
    async def evidence_file(self, ref: str) -> EvidenceFile | None:
        ...
