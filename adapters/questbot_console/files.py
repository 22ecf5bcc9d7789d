"""A file named in a terminal command (``/submit QUEST STEP file:PATH``): the path is on the
user's own machine, read only when it is small enough for questbot to keep."""

from __future__ import annotations

import asyncio
import os
import re

from questbot.domain.submissions import MAX_FILE_BYTES, Attachment

FILE_WORD = re.compile(r"(?:^|\s)file:(\S+)")


def split_file(line: str) -> tuple[str, str | None]:
    """The line without its ``file:PATH`` word, and the path (None when there is none)."""
    found = FILE_WORD.search(line) if line.startswith("/") else None
    if found is None:
        return line, None
    return (line[:found.start()] + line[found.end():]).strip(), found[1]


async def read_file(path: str) -> Attachment | str:
    """The file as an attachment, or why it cannot be read."""
    return await asyncio.to_thread(_read, path)


def _read(path: str) -> Attachment | str:
    path = os.path.expanduser(path)
    name = os.path.basename(path)
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                return Attachment(name, b"", size=size)
            return Attachment(name, handle.read(MAX_FILE_BYTES + 1), size=size)
    except OSError as exc:
        return exc.strerror or "cannot be read"
