"""What the wallet gives to download: a zip of its baked badge images, and the holder's
signed record. Hidden badges are in neither; revoked ones are left out of the zip (a
revoked badge is not to be passed on) and given to the record, which says they are
revoked."""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
import unicodedata
import zipfile
from pathlib import Path
from typing import IO

from aiohttp import web

from questbot.web.context import WEB
from questbot.web.language import page_language
from questbot.web.wallet_page import WALLET, holder_of, not_found

CHUNK = 64 * 1024
MAX_NAME = 48


def safe_name(number: int, badge_name: str, award_id: str) -> str:
    """``03-python-basics-AbC123.png``: ASCII letters, digits and dashes only, so no
    archive tool reads a path, a drive or a control character into it."""
    ascii_name = unicodedata.normalize("NFKD", badge_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:MAX_NAME].strip("-")
    award = re.sub(r"[^A-Za-z0-9_-]", "", award_id)
    return f"{number:02d}-{slug or 'badge'}-{award}.png"


def _write_zip(spool: IO[bytes], files: list[tuple[str, Path]]) -> None:
    # PNGs are compressed already: stored, not deflated again
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, path in files:
            archive.write(path, name)


async def badges_zip(request: web.Request) -> web.StreamResponse:
    """Every badge the wallet shows that is not revoked, baked (its documents inside), in
    one zip spooled to a temporary file and streamed: memory stays bounded."""
    found = await holder_of(request)
    if found is None:
        return not_found(request)
    _, holder = found
    badges = request.app[WEB].badges
    files = []
    for number, badge in enumerate(holder.shown, start=1):
        if badge.revoked_at is not None:
            continue
        record = await badges.store.credential(badge.award_id)
        if record is None:
            continue  # not built yet
        files.append((safe_name(number, badge.badge_name, badge.award_id),
                      await badges.write_png(record)))
    response = web.StreamResponse(headers={
        "Content-Type": "application/zip",
        "Content-Disposition": 'attachment; filename="badges.zip"'})
    with tempfile.TemporaryFile() as spool:
        await asyncio.to_thread(_write_zip, spool, files)
        response.content_length = spool.tell()
        spool.seek(0)
        await response.prepare(request)
        while chunk := await asyncio.to_thread(spool.read, CHUNK):
            await response.write(chunk)
    await response.write_eof()
    return response


async def record_json(request: web.Request) -> web.Response:
    """The holder's whole record (a signed CLR 2.0 ClrCredential) of the badges the wallet
    shows, from the ``LearnerRecords`` the server was given; 404 when it has none."""
    found = await holder_of(request)
    if found is None:
        return not_found(request)
    _, holder = found
    records = request.app[WALLET].records
    record = None
    if records is not None:
        language = page_language(request, request.app[WEB].language).code
        try:
            record = await records.record(holder.learner_id,
                                          [b.award_id for b in holder.shown], language)
        except ValueError:  # more badges than one record carries
            return request.app[WEB].message(request, "wallet.record_too_large",
                                            "wallet.record_too_large_text", 413)
    if record is None:
        return request.app[WEB].message(request, "wallet.no_record", "wallet.no_record_text",
                                        404)
    return web.Response(text=json.dumps(record, ensure_ascii=False, indent=1),
                        content_type="application/json", headers={
                            "Content-Disposition": 'attachment; filename="record.json"'})
