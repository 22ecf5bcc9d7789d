"""``/evidence/REF``: a file a learner handed in. The ref is unguessable (96 bits): whoever
has the URL (the tutors who review it, and readers of a badge whose learner published it)
may see it; it is never listed anywhere."""

from __future__ import annotations

import re
from urllib.parse import quote

from aiohttp import web

from questbot.ports import EvidenceReader
from questbot.web.context import WEB

EVIDENCE = web.AppKey("evidence", EvidenceReader)

_REF = re.compile(r"^[A-Za-z0-9_-]{8,32}$")
# A handed-in file is shown, never run: no scripts, no plugins, no navigation.
SANDBOX = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


async def evidence_file(request: web.Request) -> web.Response:
    ref = request.match_info["ref"]
    reader = request.app.get(EVIDENCE)
    found = await reader.evidence_file(ref) if reader and _REF.match(ref) else None
    if found is None:
        return request.app[WEB].message(request, "error.no_file", "error.no_file_text", 404)
    # Images are shown in the page; a PDF is downloaded (a sandboxed PDF viewer shows nothing).
    how = "inline" if found.media_type.startswith("image/") else "attachment"
    ascii_name = found.file_name.encode("ascii", "replace").decode().replace("?", "_")
    return web.Response(body=found.data, content_type=found.media_type, headers={
        "Content-Disposition": f"{how}; filename=\"{ascii_name}\"; "
                               f"filename*=UTF-8''{quote(found.file_name)}",
        "Content-Security-Policy": SANDBOX, "Cache-Control": "private, max-age=3600",
        "X-Robots-Tag": "noindex"})
