"""A learner's whole record, as the wallet offers it for download: a signed Comprehensive
Learner Record 2.0 (``ClrCredential``) of the badges they show."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class LearnerRecords(Protocol):
    async def record(self, learner_id: str, award_ids: Sequence[str], language: str = "en"
                     ) -> dict[str, Any] | None:
        """The signed record of ``learner_id`` holding the awards ``award_ids`` (the ones
        their wallet shows, hidden ones left out), named in ``language``, or None when none
        can be made (no such learner, no issued badge among them). Raises ValueError when
        more badges are asked for than one record carries."""
        ...
