"""Baking and unbaking Open Badges in PNG text chunks, at the byte level (pixels are never
decoded or re-encoded).

Baking: ``bake(png, {keyword: text})`` removes every earlier text chunk (tEXt, zTXt or iTXt)
under those keywords and inserts one uncompressed iTXt chunk per keyword, with empty language
tag and translated keyword, just before IEND, as both Open Badges specifications require. It
raises ``ValueError`` (``NotABadgeImage`` for a bad base image) rather than return a PNG that
would not unbake to exactly the texts given.

Unbaking: ``unbake_payloads(png) -> dict[str, Payload]`` gives, per badge keyword
(``openbadges`` for 2.0, ``openbadgecredential`` for 3.0), the text and how it was stored (chunk
type, compressed or not); ``unbake(png) -> dict[str, str]`` gives the texts alone. Both raise
``NotABadgeImage`` with a sentence saying why whenever the PNG is damaged or its payloads are
ambiguous, so that what a viewer shows can never differ from what was verified:

* every text chunk type counts (tEXt, zTXt, iTXt compressed or not), keywords compared as exact
  Latin-1 bytes like Pillow does; a keyword carried more than once, in any mix of types, is
  refused, and so is a look-alike keyword (``OpenBadges``, ``open badges``);
* the file must be a well-formed PNG: signature, IHDR first, consecutive IDATs, IEND last and
  nothing after it (readers ignore trailing bytes, a forger would not), every CRC right, no
  unknown critical chunk;
* a badge payload must be non-empty and free of NUL; an iTXt one valid UTF-8 with compression
  flag 0 or 1, method 0 and no language tag or translated keyword; a tEXt or zTXt one ASCII
  (Latin-1 and UTF-8 readers would show other bytes differently); a compressed one a single
  complete zlib stream.

Limits, checked before any work they bound: ``MAX_PNG_BYTES`` (uploads are at most 2 MiB),
``MAX_CHUNKS``, each compressed text below ``MAX_TEXT_CHUNK`` inflated (Pillow's
``PngImagePlugin.MAX_TEXT_CHUNK``: Pillow refuses to load larger ones), and all compressed texts
together at most ``MAX_INFLATED`` inflated. Inflation stops at the limit, so a zip bomb is
refused after at most that many bytes."""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass

from questbot.domain.errors import QuestbotError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB2_KEYWORD = "openbadges"
OB3_KEYWORD = "openbadgecredential"
BADGE_KEYWORDS = (OB2_KEYWORD, OB3_KEYWORD)
TEXT_CHUNKS = (b"tEXt", b"zTXt", b"iTXt")
KNOWN_CRITICAL = (b"IHDR", b"PLTE", b"IDAT", b"IEND")

MiB = 1024 * 1024
MAX_PNG_BYTES = 2 * MiB
MAX_CHUNKS = 4096
# Pillow's PngImagePlugin.MAX_TEXT_CHUNK (a test pins it), copied rather than read because
# other code may raise Pillow's module global and the verifier's limit must not move with it
MAX_TEXT_CHUNK = 1 * MiB
MAX_INFLATED = 4 * MiB
MAX_CHUNK_LENGTH = 2**31 - 1
MAX_KEYWORD = 79
_PIECE = 64 * 1024


class NotABadgeImage(QuestbotError, ValueError):
    """The bytes are not a well-formed PNG, are damaged, or carry badge payloads ambiguously."""


@dataclass(frozen=True)
class Chunk:
    kind: bytes
    data: bytes

    def encode(self) -> bytes:
        crc = zlib.crc32(self.kind + self.data) & 0xFFFFFFFF
        return struct.pack(">I", len(self.data)) + self.kind + self.data + struct.pack(">I", crc)


@dataclass(frozen=True)
class Payload:
    """One baked badge payload: its text, and how the PNG stored it."""

    keyword: str
    text: str
    chunk_type: str  # "iTXt", "zTXt" or "tEXt"
    compressed: bool

    @property
    def as_specified(self) -> bool:
        """Stored as both Open Badges specifications require: one uncompressed iTXt."""
        return self.chunk_type == "iTXt" and not self.compressed


def itxt(keyword: str, text: str) -> Chunk:
    """An uncompressed iTXt chunk with empty language tag and translated keyword."""
    name = keyword.encode("latin-1")
    if not 1 <= len(name) <= MAX_KEYWORD or b"\x00" in name:
        raise ValueError(f"{keyword!r} is not a PNG keyword (1 to 79 Latin-1 bytes, no NUL)")
    # keyword, NUL, compression flag 0 (the spec says MUST NOT compress), method 0,
    # empty language tag, NUL, empty translated keyword, NUL, UTF-8 text
    return Chunk(b"iTXt", name + b"\x00" + b"\x00\x00" + b"\x00" + b"\x00" + text.encode())


# --- reading chunks -------------------------------------------------------------------------

def read_chunks(png: bytes) -> list[Chunk]:
    """The chunks of a well-formed PNG, every CRC checked; NotABadgeImage otherwise."""
    if len(png) > MAX_PNG_BYTES:
        raise NotABadgeImage(f"the file is larger than {MAX_PNG_BYTES // MiB} MiB, "
                             "the most a badge image may be")
    if not png.startswith(PNG_SIGNATURE):
        raise NotABadgeImage("not a PNG file")
    chunks: list[Chunk] = []
    offset = len(PNG_SIGNATURE)
    while not chunks or chunks[-1].kind != b"IEND":
        if len(chunks) >= MAX_CHUNKS:
            raise NotABadgeImage(f"the PNG has more than {MAX_CHUNKS} chunks")
        chunk, offset = _read_chunk(png, offset)
        chunks.append(chunk)
    if offset != len(png):
        extra = len(png) - offset
        raise NotABadgeImage(f"the PNG has data after its IEND chunk ({extra} "
                             f"byte{'s' if extra > 1 else ''}); viewers ignore it, so a badge "
                             "may carry none")
    _check_layout(chunks)
    return chunks


def _read_chunk(png: bytes, offset: int) -> tuple[Chunk, int]:
    if offset == len(png):
        raise NotABadgeImage("the PNG ends without an IEND chunk (truncated)")
    if offset + 8 > len(png):
        raise NotABadgeImage("a PNG chunk header runs past the end of the file")
    (length,) = struct.unpack(">I", png[offset:offset + 4])
    kind = png[offset + 4:offset + 8]
    if not kind.isalpha():
        raise NotABadgeImage(f"the PNG chunk type {kind!r} is not four ASCII letters")
    name = kind.decode()
    end = offset + 12 + length
    if length > MAX_CHUNK_LENGTH or end > len(png):
        raise NotABadgeImage(f"the PNG chunk {name} runs past the end of the file")
    data = png[offset + 8:end - 4]
    (crc,) = struct.unpack(">I", png[end - 4:end])
    if zlib.crc32(data, zlib.crc32(kind)) != crc:
        raise NotABadgeImage(f"the PNG chunk {name} is damaged (CRC mismatch)")
    return Chunk(kind, data), end


def _check_layout(chunks: list[Chunk]) -> None:
    kinds = [c.kind for c in chunks]
    if kinds[0] != b"IHDR":
        raise NotABadgeImage(f"the PNG does not start with IHDR (its first chunk is "
                             f"{kinds[0].decode()})")
    if len(chunks[0].data) != 13 or kinds.count(b"IHDR") > 1:
        raise NotABadgeImage("the PNG's IHDR chunk is malformed or repeated")
    if chunks[-1].data:
        raise NotABadgeImage("the PNG's IEND chunk is not empty")
    unknown = next((k for k in kinds if _critical(k) and k not in KNOWN_CRITICAL), None)
    if unknown is not None:
        raise NotABadgeImage(f"the PNG has an unknown critical chunk {unknown.decode()}")
    idat = [i for i, k in enumerate(kinds) if k == b"IDAT"]
    if not idat:
        raise NotABadgeImage("the PNG has no image data (IDAT)")
    if idat != list(range(idat[0], idat[-1] + 1)):
        raise NotABadgeImage("the PNG's IDAT chunks are not consecutive")
    plte = [i for i, k in enumerate(kinds) if k == b"PLTE"]
    if len(plte) > 1 or (plte and plte[0] > idat[0]):
        raise NotABadgeImage("the PNG's PLTE chunk is repeated or comes after the image data")


def _critical(kind: bytes) -> bool:
    return not kind[0] & 0x20  # an upper-case first letter marks a chunk readers must know


# --- text chunks ----------------------------------------------------------------------------

def _keyword(data: bytes) -> str:
    # like Pillow: everything before the first NUL, or the whole chunk when there is none
    end = data.find(b"\x00")
    return data[:end if end >= 0 else len(data)].decode("latin-1")


def _looks_like_badge_keyword(keyword: str) -> bool:
    if len(keyword) > 2 * MAX_KEYWORD:
        return False
    return re.sub(r"[^0-9a-z]", "", keyword.lower()) in BADGE_KEYWORDS


class _Unreadable(QuestbotError):
    """A compressed text that does not inflate cleanly; ``too_large`` if it passes the limit."""

    def __init__(self, reason: str, *, too_large: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.too_large = too_large


class _Budget:
    """What the compressed texts of one PNG may still inflate to, all together."""

    def __init__(self) -> None:
        self.left = MAX_INFLATED

    def inflate(self, stream: memoryview, *, keep: bool = True) -> bytearray:
        """The inflated text (nothing when not ``keep``), fed and drawn in small pieces so a
        zip bomb costs at most the limit in memory and time."""
        limit = min(MAX_TEXT_CHUNK - 1, self.left)
        inflater = zlib.decompressobj()
        text, size, fed = bytearray(), 0, 0
        pending: bytes | memoryview = b""
        starved = True
        try:
            while not inflater.eof and size <= limit:
                if starved:
                    if fed >= len(stream):
                        break
                    pending, fed = stream[fed:fed + _PIECE], fed + _PIECE
                room = min(_PIECE, limit + 1 - size)
                piece = inflater.decompress(pending, room)
                pending = inflater.unconsumed_tail
                # a full piece may leave output inside zlib, so ask again before feeding more
                starved = not pending and len(piece) < room
                size += len(piece)
                if keep:
                    text += piece
        except zlib.error as exc:
            raise _Unreadable("is not a valid zlib stream") from exc
        self.left -= min(size, self.left)
        if size > limit:
            raise _Unreadable(self._too_large(limit), too_large=True)
        if not inflater.eof:
            raise _Unreadable("is a truncated zlib stream")
        if inflater.unused_data or fed < len(stream):
            raise _Unreadable("has bytes after its zlib stream")
        return text

    @staticmethod
    def _too_large(limit: int) -> str:
        if limit < MAX_TEXT_CHUNK - 1:
            return (f"takes the PNG's compressed texts past {MAX_INFLATED // MiB} MiB "
                    "inflated in all")
        # Pillow refuses a text longer than MAX_TEXT_CHUNK and, depending on where zlib stops,
        # may refuse one of exactly that size: one byte under it, a viewer always shows it
        return (f"inflates to {MAX_TEXT_CHUNK // MiB} MiB or more, past what Pillow shows "
                "(PngImagePlugin.MAX_TEXT_CHUNK)")


def unbake_payloads(png: bytes) -> dict[str, Payload]:
    """The badge payloads in a PNG by keyword, each exactly once; NotABadgeImage otherwise."""
    found: dict[str, list[Chunk]] = {}
    others: list[Chunk] = []
    for chunk in read_chunks(png):
        if chunk.kind not in TEXT_CHUNKS:
            continue
        keyword = _keyword(chunk.data)
        if keyword in BADGE_KEYWORDS:
            found.setdefault(keyword, []).append(chunk)
        elif _looks_like_badge_keyword(keyword):
            raise NotABadgeImage(f"the PNG has a text chunk ({chunk.kind.decode()}) under "
                                 f"{keyword!r}, which a reader could take for a badge keyword")
        else:
            others.append(chunk)
    for keyword, chunks in found.items():
        if len(chunks) > 1:
            kinds = ", ".join(_label(c) for c in chunks)
            raise NotABadgeImage(f"the PNG carries {len(chunks)} {keyword} payloads ({kinds}); "
                                 "a badge carries exactly one")
    budget = _Budget()
    payloads = {keyword: _payload(keyword, chunk, budget) for keyword, [chunk] in found.items()}
    for chunk in others:
        _check_other(chunk, budget)
    return payloads


def _label(chunk: Chunk) -> str:
    flag_at = chunk.data.find(b"\x00") + 1
    compressed = chunk.kind == b"iTXt" and 0 < flag_at < len(chunk.data) and chunk.data[flag_at]
    return f"compressed {chunk.kind.decode()}" if compressed else chunk.kind.decode()


def unbake(png: bytes) -> dict[str, str]:
    """The badge texts in a PNG, by keyword (openbadges, openbadgecredential)."""
    return {keyword: payload.text for keyword, payload in unbake_payloads(png).items()}


def _payload(keyword: str, chunk: Chunk, budget: _Budget) -> Payload:
    kind = chunk.kind.decode()
    where = f"the {keyword} {kind} chunk"
    start = chunk.data.find(b"\x00") + 1
    if not start:
        raise NotABadgeImage(f"{where} is malformed (no NUL after the keyword)")
    try:
        if chunk.kind == b"iTXt":
            text, compressed = _itxt_text(chunk.data, start, budget, where)
        else:
            text, compressed = _latin1_text(chunk.kind, chunk.data, start, budget, where)
    except _Unreadable as exc:
        raise NotABadgeImage(f"the compressed text in {where} {exc.reason}") from None
    if not text.strip():
        raise NotABadgeImage(f"the {keyword} payload is empty")
    if "\x00" in text:
        raise NotABadgeImage(f"the {keyword} payload contains a NUL byte; readers disagree on "
                             "where such a text ends")
    return Payload(keyword, text, kind, compressed)


def _itxt_text(data: bytes, start: int, budget: _Budget, where: str) -> tuple[str, bool]:
    if len(data) - start < 2:
        raise NotABadgeImage(f"{where} is malformed (no compression flag and method)")
    flag, method = data[start], data[start + 1]
    if flag not in (0, 1):
        raise NotABadgeImage(f"{where} has compression flag {flag} (only 0 and 1 exist)")
    if method != 0:
        raise NotABadgeImage(f"{where} names unknown compression method {method}")
    language_end = data.find(b"\x00", start + 2)
    translated_end = data.find(b"\x00", language_end + 1) if language_end >= 0 else -1
    if translated_end < 0:
        raise NotABadgeImage(f"{where} is malformed (no language tag and translated keyword)")
    if translated_end != start + 3:
        raise NotABadgeImage(f"{where} has a language tag or translated keyword; a badge "
                             "leaves both empty")
    stored = memoryview(data)[translated_end + 1:]
    raw = budget.inflate(stored) if flag else stored
    try:
        return str(raw, "utf-8"), bool(flag)
    except UnicodeDecodeError:
        raise NotABadgeImage(f"the text of {where} is not valid UTF-8") from None


def _latin1_text(kind: bytes, data: bytes, start: int, budget: _Budget,
                 where: str) -> tuple[str, bool]:
    compressed = kind == b"zTXt"
    stored = memoryview(data)[start:]
    if compressed:
        if not stored:
            raise NotABadgeImage(f"{where} is malformed (no compression method)")
        if stored[0] != 0:
            raise NotABadgeImage(f"{where} names unknown compression method {stored[0]}")
    text = str(budget.inflate(stored[1:]) if compressed else stored, "latin-1")
    if not text.isascii():
        # Pillow reads these bytes as Latin-1, openbadges-bakery as UTF-8
        raise NotABadgeImage(f"{where} holds non-ASCII bytes, which Latin-1 and UTF-8 readers "
                             "show differently; a badge text with them belongs in iTXt")
    return text, compressed


def _check_other(chunk: Chunk, budget: _Budget) -> None:
    """Refuse what would stop Pillow from loading the image, so it shows every text we read."""
    keyword = _keyword(chunk.data)
    where = f"the {chunk.kind.decode()} chunk {keyword[:MAX_KEYWORD]!r}"
    stream = _other_stream(chunk.kind, chunk.data, len(keyword) + 1, where)
    if stream is None:
        return
    try:
        budget.inflate(stream, keep=False)
    except _Unreadable as exc:
        if exc.too_large:  # a broken stream only hides that one text, Pillow shows the rest
            raise NotABadgeImage(f"the compressed text in {where} {exc.reason}") from None


def _other_stream(kind: bytes, data: bytes, start: int, where: str) -> memoryview | None:
    if kind == b"zTXt":
        if start < len(data) and data[start] != 0:
            raise NotABadgeImage(f"{where} names unknown compression method {data[start]}")
        return memoryview(data)[start + 1:]
    if kind == b"iTXt" and start + 2 <= len(data) and data[start] and data[start + 1] == 0:
        language_end = data.find(b"\x00", start + 2)
        translated_end = data.find(b"\x00", language_end + 1) if language_end >= 0 else -1
        return memoryview(data)[translated_end + 1:] if translated_end >= 0 else None
    return None


# --- baking ---------------------------------------------------------------------------------

def bake(png: bytes, entries: dict[str, str]) -> bytes:
    """The PNG with one uncompressed iTXt chunk per keyword before IEND, replacing every
    earlier text chunk of any type under those keywords."""
    kept = [c for c in read_chunks(png)
            if c.kind not in TEXT_CHUNKS or _keyword(c.data) not in entries]
    chunks = [*kept[:-1], *(itxt(k, v) for k, v in entries.items()), kept[-1]]
    baked = PNG_SIGNATURE + b"".join(c.encode() for c in chunks)
    texts = unbake(baked)
    changed = [k for k, v in entries.items() if k in BADGE_KEYWORDS and texts.get(k) != v]
    if changed:
        raise ValueError(f"the {changed[0]} text would not unbake unchanged")
    return baked
