"""Reading an upload within limits: a baked PNG's payloads or a credential's JSON, parsed
and read in any shape the standards allow. Pure and synchronous; large uploads are read in
a thread by the verifier."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from questbot.badges.bake import OB2_KEYWORD, OB3_KEYWORD, NotABadgeImage, unbake
from questbot.badges.bounded_json import JsonRejected, load_bounded
from questbot.badges.credential_view import CredentialView, ShapeError, read_credential
from questbot.badges.record_view import RecordView, is_record, read_record
from questbot.badges.verdict import Verdict

_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$")


@dataclass
class Inspection:
    """What the upload holds, read within the limits (in a thread)."""

    credential: dict[str, Any] | None = None
    credential_text: str | None = None
    view: CredentialView | None = None
    assertion: dict[str, Any] | None = None
    assertion_url: str | None = None
    record: RecordView | None = None  # a learner record (CLR 2.0) instead of one badge


def inspect(data: bytes, verdict: Verdict) -> Inspection:
    texts = _texts(data, verdict)
    found = Inspection()
    if texts is None:
        return found
    credential_text = texts.get(OB3_KEYWORD)
    if credential_text is not None:
        found.credential = _document(credential_text, verdict, "ob3")
        if found.credential is not None:
            found.credential_text = credential_text
            _read(found, found.credential, verdict)
    assertion_text = texts.get(OB2_KEYWORD)
    if assertion_text is not None:
        stripped = assertion_text.strip()
        if stripped.startswith(("https://", "http://")) and not stripped.startswith("{"):
            found.assertion_url = stripped  # a legacy baked badge names its hosted assertion
        else:
            found.assertion = _document(assertion_text, verdict, "ob2")
            if found.assertion is not None and not _is_assertion(found.assertion):
                verdict.fail("invalid", "format", "not_ob2_assertion")
    return found


def _read(found: Inspection, credential: dict[str, Any], verdict: Verdict) -> None:
    record = is_record(credential)
    try:
        if record:
            found.record = read_record(credential)
            found.view = found.record.view
        else:
            found.view = read_credential(credential)
    except ShapeError as exc:
        verdict.fail("invalid", "format", "not_clr" if record else "not_ob3", reason=exc)


def _is_assertion(document: dict[str, Any]) -> bool:
    kinds = document.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return "Assertion" in kinds


def _texts(data: bytes, verdict: Verdict) -> dict[str, str] | None:
    if data.lstrip()[:1] in (b"{", b"["):
        try:
            document = load_bounded(data)
        except JsonRejected as exc:
            verdict.fail("invalid", "format", "file_not_badge", reason=exc)
            return None
        if not isinstance(document, dict):
            verdict.fail("invalid", "format", "file_not_object")
            return None
        ob3 = "proof" in document or "credentialSubject" in document
        return {OB3_KEYWORD if ob3 else OB2_KEYWORD: data.decode("utf-8", "replace")}
    try:
        texts = unbake(data)
    except NotABadgeImage as exc:
        verdict.fail("invalid", "format", "not_badge", reason=exc)
        return None
    verdict.passed("format", "baked_png")
    return texts


def _document(text: str, verdict: Verdict, what: str) -> dict[str, Any] | None:
    if _COMPACT_JWS.match(text.strip()):
        verdict.fail("unverifiable", "format", f"{what}_jws")
        return None
    try:
        document = load_bounded(text)
    except JsonRejected as exc:
        verdict.fail("invalid", "format", f"{what}_unusable", reason=exc)
        return None
    if not isinstance(document, dict):
        verdict.fail("invalid", "format", f"{what}_not_object")
        return None
    return document
