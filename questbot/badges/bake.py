"""Baking: badge metadata in PNG iTXt chunks, inserted before IEND at the byte level (pixels
are never decoded or re-encoded). Unbaking reads chunks only, checking every CRC."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB2_KEYWORD = "openbadges"
OB3_KEYWORD = "openbadgecredential"
MAX_CHUNKS = 10_000
MAX_TEXT = 4 * 1024 * 1024


class NotABadgeImage(ValueError):
    """The bytes are not a well-formed PNG (or are damaged)."""


@dataclass(frozen=True)
class Chunk:
    kind: bytes
    data: bytes

    def encode(self) -> bytes:
        crc = zlib.crc32(self.kind + self.data) & 0xFFFFFFFF
        return struct.pack(">I", len(self.data)) + self.kind + self.data + struct.pack(">I", crc)


def itxt(keyword: str, text: str) -> Chunk:
    # keyword, NUL, compression flag 0 (the spec says MUST NOT compress), method 0,
    # empty language tag, NUL, empty translated keyword, NUL, UTF-8 text
    data = keyword.encode("latin-1") + b"\x00\x00\x00" + b"\x00" + b"\x00" + text.encode()
    return Chunk(b"iTXt", data)


def read_chunks(png: bytes) -> list[Chunk]:
    if not png.startswith(PNG_SIGNATURE):
        raise NotABadgeImage("not a PNG file")
    chunks: list[Chunk] = []
    offset = len(PNG_SIGNATURE)
    while offset < len(png):
        if offset + 8 > len(png) or len(chunks) >= MAX_CHUNKS:
            raise NotABadgeImage("the PNG is truncated or malformed")
        (length,) = struct.unpack(">I", png[offset:offset + 4])
        kind = png[offset + 4:offset + 8]
        end = offset + 12 + length
        if length > 2**31 - 1 or end > len(png):
            raise NotABadgeImage("a PNG chunk runs past the end of the file")
        data = png[offset + 8:offset + 8 + length]
        (crc,) = struct.unpack(">I", png[offset + 8 + length:end])
        if zlib.crc32(kind + data) & 0xFFFFFFFF != crc:
            raise NotABadgeImage(f"the PNG chunk {kind!r} is damaged (CRC mismatch)")
        chunks.append(Chunk(kind, data))
        offset = end
        if kind == b"IEND":
            break
    if not chunks or chunks[0].kind != b"IHDR" or chunks[-1].kind != b"IEND":
        raise NotABadgeImage("the PNG has no IHDR or IEND chunk")
    return chunks


def _keyword(chunk: Chunk) -> str | None:
    if chunk.kind not in (b"iTXt", b"tEXt"):
        return None
    return chunk.data.split(b"\x00", 1)[0].decode("latin-1")


def bake(png: bytes, entries: dict[str, str]) -> bytes:
    """The PNG with one iTXt chunk per keyword, replacing any earlier ones."""
    chunks = [c for c in read_chunks(png) if _keyword(c) not in entries]
    baked = [*chunks[:-1], *(itxt(k, v) for k, v in entries.items()), chunks[-1]]
    return PNG_SIGNATURE + b"".join(c.encode() for c in baked)


def unbake(png: bytes) -> dict[str, str]:
    """The badge texts in a PNG, by keyword (openbadges, openbadgecredential)."""
    found: dict[str, str] = {}
    for chunk in read_chunks(png):
        keyword = _keyword(chunk)
        if keyword not in (OB2_KEYWORD, OB3_KEYWORD):
            continue
        if keyword in found:
            raise NotABadgeImage(f"the PNG has more than one {keyword} chunk")
        found[keyword] = _text(chunk)
    return found


def _text(chunk: Chunk) -> str:
    _, rest = chunk.data.split(b"\x00", 1)
    if chunk.kind == b"tEXt":
        return rest.decode("latin-1")
    if len(rest) < 2:
        raise NotABadgeImage("a badge iTXt chunk is malformed")
    compressed, rest = rest[0], rest[2:]
    try:
        _language, _translated, text = rest.split(b"\x00", 2)
        if compressed:
            inflater = zlib.decompressobj()
            text = inflater.decompress(text, MAX_TEXT)
            if inflater.unconsumed_tail:
                raise NotABadgeImage("a badge iTXt chunk inflates past the size limit")
        return text.decode()
    except (ValueError, zlib.error, UnicodeDecodeError) as exc:
        raise NotABadgeImage("a badge iTXt chunk is malformed") from exc
