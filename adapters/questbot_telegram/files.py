"""Files learners send with a command: a document or a photo, fetched from the Bot API only
when it is small enough for questbot to keep (a larger one is named, not downloaded, and the
learner hears it is too large)."""

from __future__ import annotations

import logging

from telegram import Document, Message, PhotoSize
from telegram.error import TelegramError

from questbot.domain.submissions import MAX_FILE_BYTES, Attachment
from questbot_telegram.send import with_retries

log = logging.getLogger(__name__)


async def read_attachment(message: Message) -> Attachment | None:
    """The file a message carries: fetched only when Telegram says its size and that size
    is one questbot keeps; otherwise named, with no bytes (the learner hears why)."""
    upload: Document | PhotoSize
    if message.document is not None:
        upload, name = message.document, message.document.file_name or "document"
    elif message.photo:
        upload, name = message.photo[-1], "photo.jpg"  # the largest size Telegram made
    else:
        return None
    if not _small(upload.file_size):
        return Attachment(name, b"", size=upload.file_size or TOO_LARGE)
    try:
        file = await with_retries(upload.get_file)
        if not _small(file.file_size):  # what getFile says, where the update said nothing
            return Attachment(name, b"", size=file.file_size or TOO_LARGE)
        data = bytes(await file.download_as_bytearray())
    except TelegramError as exc:
        log.warning("telegram: could not fetch a file a learner sent: %s", exc)
        return Attachment(name, b"", size=upload.file_size)
    return Attachment(name, data[:MAX_FILE_BYTES + 1], size=max(file.file_size or 0, len(data)))


TOO_LARGE = MAX_FILE_BYTES + 1  # a file whose size nobody says is not fetched


def _small(size: int | None) -> bool:
    return size is not None and 0 <= size <= MAX_FILE_BYTES
