"""POST /verify: a baked PNG or a credential's JSON in, a verdict out (JSON or a page)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestPayloadError

from questbot.badges.verdict import status_label
from questbot.badges.verify import RECORD_WAIT, Verdict, VerifierBusy
from questbot.domain.errors import QuestbotError
from questbot.i18n import translate
from questbot.web.context import WEB, wants
from questbot.web.documents import json_response
from questbot.web.language import PageLanguage, page_language

MAX_UPLOAD = 2 * 1024 * 1024


class UploadRejected(QuestbotError):
    """An upload not worth verifying; ``key`` names its reason in the web catalogue."""

    def __init__(self, status: int, key: str, verdict: str = "invalid") -> None:
        self.reason = translate(f"web.{key}", "en")  # what the JSON answer says
        super().__init__(self.reason)
        self.status = status
        self.key = key
        self.verdict = verdict


async def verify_form(request: web.Request) -> web.Response:
    return request.app[WEB].page(request, "verify.html", verdict=None)


async def verify_upload(request: web.Request) -> web.Response:
    context = request.app[WEB]
    try:
        data = await _read_upload(request)
        try:
            verdict = await context.verifier.verify_bytes(data, context.clock.now())
        except VerifierBusy as exc:
            raise UploadRejected(429, "upload.busy", "unverifiable") from exc
    except UploadRejected as exc:
        if wants(request, "application/json"):
            response = json_response({"status": exc.verdict, "summary": exc.reason},
                                     status=exc.status)
        else:
            response = context.message(request, "verify.cannot", exc.key, exc.status)
        if exc.status == 429:
            response.headers["Retry-After"] = f"{RECORD_WAIT:.0f}"
        return response
    return _answer(request, verdict)


def _answer(request: web.Request, verdict: Verdict) -> web.Response:
    status = 422 if verdict.status == "invalid" else 200  # not a badge at all: a 4xx
    if wants(request, "application/json"):
        return json_response(verdict.to_json(), status=status)
    context = request.app[WEB]
    language = page_language(request, context.language)
    return context.page(request, "verify.html", status=status, verdict=verdict,
                        verdict_text=status_label(verdict.status, language.code),
                        issued_on=_day(verdict.issued_on, language),
                        expires=_day(verdict.expires, language))


def _day(moment: str | None, language: PageLanguage) -> str | None:
    """An ISO date-time a badge names, as the reader writes its day; as given when odd."""
    if not moment:
        return None
    try:
        return language.date(datetime.fromisoformat(moment.replace("Z", "+00:00")))
    except ValueError:
        return moment[:10]


async def _read_upload(request: web.Request) -> bytes:
    if request.content_length is not None and request.content_length > MAX_UPLOAD + 64 * 1024:
        raise UploadRejected(413, "upload.too_large")
    try:
        return await _read_body(request)
    except (ValueError, AssertionError, RequestPayloadError, HttpProcessingError) as exc:
        # aiohttp's multipart reader and decompressor raise these for malformed bodies
        # (no boundary, a part that never ends, a body that is not the gzip it claims)
        raise UploadRejected(400, "upload.malformed") from exc


async def _read_body(request: web.Request) -> bytes:
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                raise UploadRejected(400, "upload.no_file")
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
            raise UploadRejected(413, "upload.too_large")
    if not buffer:
        raise UploadRejected(400, "upload.empty")
    return bytes(buffer)
