"""POST /verify: a baked PNG or a credential's JSON in, a verdict out (JSON or a page)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestPayloadError

from questbot.badges.verify import Verdict
from questbot.domain.errors import QuestbotError
from questbot.web.context import WEB, wants
from questbot.web.documents import json_response

MAX_UPLOAD = 2 * 1024 * 1024
_TEXT = {"valid": "Valid", "revoked": "Revoked", "expired": "Expired", "tampered": "Tampered",
         "unknown_issuer": "Unknown issuer", "unverifiable": "Cannot check the issuer's key",
         "invalid": "Not a badge"}


class UploadRejected(QuestbotError):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def verify_form(request: web.Request) -> web.Response:
    return request.app[WEB].page("verify.html", verdict=None)


async def verify_upload(request: web.Request) -> web.Response:
    context = request.app[WEB]
    try:
        data = await _read_upload(request)
    except UploadRejected as exc:
        if wants(request, "application/json"):
            return json_response({"status": "invalid", "summary": exc.reason},
                                 status=exc.status)
        return context.message("Cannot verify this upload", exc.reason, exc.status)
    verdict = await context.verifier.verify_bytes(data, context.clock.now())
    return _answer(request, verdict)


def _answer(request: web.Request, verdict: Verdict) -> web.Response:
    status = 422 if verdict.status == "invalid" else 200  # not a badge at all: a 4xx
    if wants(request, "application/json"):
        return json_response(verdict.to_json(), status=status)
    return request.app[WEB].page("verify.html", status=status, verdict=verdict,
                                 verdict_text=_TEXT[verdict.status])


async def _read_upload(request: web.Request) -> bytes:
    if request.content_length is not None and request.content_length > MAX_UPLOAD + 64 * 1024:
        raise UploadRejected(413, "The upload is larger than 2 MB.")
    try:
        return await _read_body(request)
    except (ValueError, AssertionError, RequestPayloadError, HttpProcessingError) as exc:
        # aiohttp's multipart reader and decompressor raise these for malformed bodies
        # (no boundary, a part that never ends, a body that is not the gzip it claims)
        raise UploadRejected(400, "The upload is not a well-formed form or file.") from exc


async def _read_body(request: web.Request) -> bytes:
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                raise UploadRejected(400, "Choose a badge file to upload.")
            if isinstance(part, BodyPartReader) and part.name == "file":
                return await _collect(part.read_chunk)
            if isinstance(part, BodyPartReader):
                await part.release()
    return await _collect(request.content.read)


async def _collect(read: Callable[[int], Awaitable[bytes]]) -> bytes:
    buffer = bytearray()
    while True:
        chunk = await read(64 * 1024)
        if not chunk:
            break
        buffer += chunk
        if len(buffer) > MAX_UPLOAD:
            raise UploadRejected(413, "The upload is larger than 2 MB.")
    if not buffer:
        raise UploadRejected(400, "The upload is empty.")
    return bytes(buffer)
