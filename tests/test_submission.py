"""Submission steps: evidence handed in, accepted by a rule or reviewed by a tutor."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from questbot.catalog import load_quest_file
from questbot.domain import BadgeAwarded, Delivery, Outbound, parse_text
from questbot.domain.errors import CatalogError
from questbot.domain.messages import Submit
from questbot.domain.submissions import MAX_FILE_BYTES, Attachment
from questbot.engine import QuestEngine
from questbot.ports import Store
from tests.helpers import Player, render

pytestmark = pytest.mark.stores("sqlite", "postgres")  # a store-contract module

QUEST = """\
schema_version: 1
id: show
title: Show it
badge: {name: Shown, description: Showed it., criteria: Handed in a project.}
steps:
  - id: work
    kind: submission
"""


def problems_with(tmp_path: Path, step_fields: str) -> list[str]:
    path = tmp_path / "show.yaml"
    path.write_text(QUEST + textwrap.indent(textwrap.dedent(step_fields), "    "))
    try:
        load_quest_file(path)
    except CatalogError as caught:
        return [str(p) for p in caught.problems]
    return []


@pytest.mark.parametrize(("fields", "expected"), [
    ("review: auto\n", "show.yaml:8:13: review: auto needs a pattern to accept by"),
    ("review: auto\npattern: {pattern: 'https://.+'}\n",
     "show.yaml:6:5: a file cannot be accepted by a pattern"),  # the step: accepts is unsaid
    ("pattern: {pattern: 'x'}\n", "a pattern is only used with review: auto"),
    ("accepts: [link, link]\n", "a form of evidence is listed twice"),
    ("accepts: [video]\n", "show.yaml:8:15: steps[0].accepts[0]: expected 'link', 'text' or"),
    ("review: maybe\n", "review"),
])
def test_authors_mistakes_are_located(tmp_path: Path, fields: str, expected: str) -> None:
    found = problems_with(tmp_path, fields)
    assert any(expected in p for p in found), found


def test_a_well_formed_submission_step_loads(tmp_path: Path) -> None:
    assert problems_with(tmp_path, "accepts: [link]\nreview: auto\n"
                         "pattern: {pattern: 'https://github\\\\.com/.+'}\n") == []
    assert problems_with(tmp_path, "accepts: [file, text]\nprompt: a photo of your work\n") == []


# --- playing a submission quest, on both stores ---------------------------------------------
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
REPO = "https://github.com/alice/weather-app"


def told(deliveries: list[Delivery], user: str) -> list[Outbound]:
    return [d.message for d in deliveries if d.recipient.user_id == user]


async def outbox_of(store: Store, user: str) -> str:
    return render(told(await store.pending_deliveries("console", 200), user))


def review_id(listing: str, learner: str) -> str:
    found = re.search(rf"^(\w+): {learner}, ", listing, re.MULTILINE)
    assert found, listing
    return found[1]


async def test_a_link_matching_the_rule_is_accepted_at_once(alice: Player) -> None:
    assert "takes a link" in await alice.say("/submit portfolio repository my weather app")
    assert "does not look like" in await alice.say(
        "/submit portfolio repository https://example.org/alice/weather")
    reply = await alice.say(f"/submit portfolio repository {REPO}")
    assert "You joined Show Your Work" in reply and "Step done: Share your repository" in reply
    assert "already completed" in await alice.say(f"/submit portfolio repository {REPO}")
    assert "✓ Share your repository" in await alice.say("/progress portfolio")


async def test_a_tutor_rejects_with_feedback_then_approves_and_the_badge_links_the_file(
        alice: Player, tutor: Player, store: Store) -> None:
    await alice.say(f"/submit portfolio repository {REPO}")
    assert "waiting for a tutor's review" in await alice.say(
        "/submit portfolio write-up I learned to call an API")
    assert "handed in, waiting" in await alice.say("/progress portfolio")
    assert "Only tutors" in await alice.say("/review")
    listing = await tutor.say("/review portfolio")
    assert "1 submission waiting for review" in listing and "I learned to call an API" in listing
    first = review_id(listing, "Alice")
    assert "Usage: /reject" in await tutor.say(f"/reject {first}")  # feedback is required
    assert "another try" in await tutor.say(f"/reject {first} say what the API returns")
    assert "say what the API returns" in await outbox_of(store, "alice")
    assert "asked for another try (say what the API returns)" in await alice.say(
        "/progress portfolio")
    assert "No submission" in await tutor.say(f"/approve {first}")  # no longer waiting

    reply = await alice.send(Submit("portfolio", "write-up", None,
                                    Attachment("../../write up.pdf", PDF), public=True))
    assert "waiting for a tutor's review" in reply
    listing = await tutor.say("/review")
    assert "write up.pdf http://127.0.0.1:8080/evidence/" in listing
    second = review_id(listing, "Alice")
    assert second != first
    ref = re.search(r"/evidence/([\w-]+)", listing)
    assert ref is not None
    kept = await store.evidence_file(ref[1])
    assert kept is not None and kept.data == PDF and kept.media_type == "application/pdf"
    assert kept.file_name == "write up.pdf"  # no path from the learner's side

    assert "Accepted Alice's work" in await tutor.say(f"/approve {second} clear and short")
    news = await outbox_of(store, "alice")
    assert "Tina accepted your work for Hand in a write-up. Feedback: clear and short" in news
    assert "BADGE Project Portfolio" in news
    assert "No submissions are waiting" in await tutor.say("/review")
    [award] = [a for d in await store.pending_deliveries("console", 200)
               if isinstance(a := d.message, BadgeAwarded)]
    view = await store.get_award(award.award_id)
    assert view is not None
    evidence = view.award.evidence["Hand in a write-up"]
    assert f"file: http://127.0.0.1:8080/evidence/{ref[1]}" in evidence
    assert "reviewed by: Tina" in evidence and "feedback: clear and short" in evidence


async def test_unpublished_evidence_is_described_without_a_link(
        alice: Player, tutor: Player, store: Store) -> None:
    await alice.say(f"/submit portfolio repository {REPO}")
    await alice.send(Submit("portfolio", "write-up", None, Attachment("notes.pdf", PDF)))
    listing = await tutor.say("/review")
    await tutor.say(f"/approve {review_id(listing, 'Alice')}")
    [award] = [d.message for d in await store.pending_deliveries("console", 200)
               if isinstance(d.message, BadgeAwarded)]
    view = await store.get_award(award.award_id)
    assert view is not None
    evidence = view.award.evidence["Hand in a write-up"]
    assert "handed in: PDF (not published)" in evidence and "/evidence/" not in evidence
    assert view.award.evidence["Share your repository"].startswith("accepted: by its rule")
    assert "not published" in view.award.evidence["Share your repository"]


async def test_nobody_reviews_their_own_submission(tutor: Player, engine: QuestEngine) -> None:
    await tutor.say(f"/submit portfolio repository {REPO}")
    await tutor.say("/submit portfolio write-up my own work")
    listing = await tutor.say("/review")
    assert "cannot review your own" in await tutor.say(f"/approve {review_id(listing, 'Tina')}")
    assert "1 submission waiting" in await tutor.say("/review")


@pytest.mark.parametrize(("attachment", "refusal"), [
    (Attachment("big.pdf", b"", size=MAX_FILE_BYTES + 1), "too large"),
    (Attachment("cat.pdf", b"GIF89a" + b"\0" * 100), "PNG and JPEG images and PDF"),
    (Attachment("page.html", b"<html><script>alert(1)</script>"), "PNG and JPEG images and PDF"),
])
async def test_files_that_are_not_kept_are_refused_and_nothing_is_stored(
        alice: Player, tutor: Player, attachment: Attachment, refusal: str) -> None:
    await alice.say(f"/submit portfolio repository {REPO}")
    assert refusal in await alice.send(Submit("portfolio", "write-up", None, attachment))
    assert "No submissions are waiting" in await tutor.say("/review")


async def test_a_file_caption_is_read_like_a_typed_command(alice: Player) -> None:
    await alice.say(f"/submit portfolio repository {REPO}")
    command = parse_text("/submit portfolio write-up public", "console",
                         attachment=Attachment("a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20))
    assert isinstance(command, Submit) and command.public and command.attachment is not None
    assert "waiting for a tutor's review" in await alice.send(command)
    assert "Usage: /submit" in await alice.say("/submit portfolio write-up")  # nothing handed in


async def test_forgetting_deletes_the_files_handed_in(alice: Player, store: Store,
                                                     tutor: Player) -> None:
    await alice.say(f"/submit portfolio repository {REPO}")
    await alice.send(Submit("portfolio", "write-up", None, Attachment("w.pdf", PDF), True))
    ref = re.search(r"/evidence/([\w-]+)", await tutor.say("/review"))
    assert ref is not None and await store.evidence_file(ref[1]) is not None
    await alice.say("/forget confirm")
    assert await store.evidence_file(ref[1]) is None
    assert "No submissions are waiting" in await tutor.say("/review")
