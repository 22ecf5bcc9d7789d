"""A file named in a terminal command (``/submit QUEST STEP file:PATH``): the path is on the
user's own machine, read only when it is small enough for questbot to keep."""

from __future__ import annotations

import asyncio
import os
import re
import stat

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
        # non-blocking, so a FIFO named by mistake cannot hang the chat; then files only
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        return exc.strerror or "cannot be read"
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            return "not a regular file"
        if status.st_size > MAX_FILE_BYTES:
            return Attachment(name, b"", size=status.st_size)
        try:
            return Attachment(name, handle.read(MAX_FILE_BYTES + 1), size=status.st_size)
        except OSError as exc:
            return exc.strerror or "cannot be read"
