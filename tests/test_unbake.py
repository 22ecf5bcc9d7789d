"""Unbaking accepts a PNG only when each badge payload in it is exactly what was issued and
exactly what Pillow (a viewer) shows under that keyword; anything else is refused with a reason.
A property test mutates genuine baked PNGs the way a forger or a damaged upload would."""

from __future__ import annotations

import io
import json
import re
import struct
import time
import tracemalloc
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import openbadges_bakery
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from questbot.badges.bake import (
    MAX_CHUNKS,
    MAX_INFLATED,
    MAX_PNG_BYTES,
    MAX_TEXT_CHUNK,
    OB2_KEYWORD,
    OB3_KEYWORD,
    NotABadgeImage,
    Payload,
    bake,
    read_chunks,
    unbake,
    unbake_payloads,
)

MiB = 1024 * 1024
KEYWORDS = (OB2_KEYWORD, OB3_KEYWORD)
TEXT_KINDS = (b"tEXt", b"zTXt", b"iTXt")
LABELS = ("tEXt", "zTXt", "iTXt", "iTXt+zlib")  # how a payload can be stored
ASSERTION = json.dumps({"type": "Assertion", "id": "https://example.org/assertions/1"})
CREDENTIAL = json.dumps({"type": ["VerifiableCredential", "OpenBadgeCredential"],
                         "name": "Première quête ✓"}, ensure_ascii=False)
ISSUED = {OB2_KEYWORD: ASSERTION, OB3_KEYWORD: CREDENTIAL}


# --- building PNGs ---------------------------------------------------------------------------

def pillow_png(mode: str, info: PngImagePlugin.PngInfo | None = None) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (3, 2), 7).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def other_texts() -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "questbot tests")
    info.add_text("Comment", "squeezed " * 20, zip=True)
    info.add_itxt("Title", "Titre é", lang="fr", tkey="Titre", zip=True)
    return info


BASES = (pillow_png("RGB"), pillow_png("P"), pillow_png("RGBA", other_texts()))
BAKED = bake(BASES[0], ISSUED)


@dataclass(frozen=True)
class Raw:
    """A chunk as found, damaged or not: its length and CRC fields are kept as they are."""

    length: bytes
    kind: bytes
    data: bytes
    crc: bytes

    @classmethod
    def of(cls, kind: bytes, data: bytes) -> Raw:
        return cls(struct.pack(">I", len(data)), kind, data,
                   struct.pack(">I", zlib.crc32(kind + data)))

    def encode(self) -> bytes:
        return self.length + self.kind + self.data + self.crc

    @property
    def keyword(self) -> bytes:
        return self.data.split(b"\x00", 1)[0]


def split(png: bytes) -> tuple[bytes, list[Raw], bytes]:
    """The signature, the chunks that follow one another by their length fields, the rest."""
    chunks: list[Raw] = []
    offset = 8
    while offset + 12 <= len(png):
        (length,) = struct.unpack(">I", png[offset:offset + 4])
        end = offset + 12 + length
        if end > len(png):
            break
        chunks.append(Raw(png[offset:offset + 4], png[offset + 4:offset + 8],
                          png[offset + 8:end - 4], png[end - 4:end]))
        offset = end
        if chunks[-1].kind == b"IEND":
            break
    return png[:8], chunks, png[offset:]


def join(head: bytes, chunks: list[Raw], rest: bytes) -> bytes:
    return head + b"".join(c.encode() for c in chunks) + rest


def ztxt(keyword: str, stream: bytes, method: int = 0) -> Raw:
    return Raw.of(b"zTXt", keyword.encode("latin-1") + b"\x00" + bytes([method]) + stream)


def itxt(keyword: str, stored: bytes, *, flag: int = 0, method: int = 0,
         language: bytes = b"", translated: bytes = b"") -> Raw:
    return Raw.of(b"iTXt", keyword.encode("latin-1") + b"\x00" + bytes([flag, method])
                  + language + b"\x00" + translated + b"\x00" + stored)


def text(keyword: str, stored: bytes) -> Raw:
    return Raw.of(b"tEXt", keyword.encode("latin-1") + b"\x00" + stored)


def stored_as(label: str, keyword: str, payload: str, encoding: str = "latin-1") -> Raw:
    """The payload in a chunk of that kind; tEXt and zTXt take Latin-1 bytes if the text has
    them, else UTF-8 (what a careless tool writes)."""
    if label.startswith("iTXt"):
        raw = payload.encode()
    else:
        try:
            raw = payload.encode(encoding)
        except UnicodeEncodeError:
            raw = payload.encode()
    match label:
        case "tEXt":
            return text(keyword, raw)
        case "zTXt":
            return ztxt(keyword, zlib.compress(raw))
        case "iTXt":
            return itxt(keyword, raw)
        case _:
            return itxt(keyword, zlib.compress(raw), flag=1)


def inserted(chunk: Raw, at: int = -1, png: bytes = BAKED) -> bytes:
    head, chunks, rest = split(png)
    chunks.insert(at if at >= 0 else len(chunks) - 1, chunk)
    return join(head, chunks, rest)


def replaced(keyword: str, chunk: Raw, png: bytes = BAKED) -> bytes:
    head, chunks, rest = split(png)
    [index] = [i for i, c in enumerate(chunks) if c.keyword == keyword.encode()]
    chunks[index] = chunk
    return join(head, chunks, rest)


def with_chunk(png: bytes, kind: bytes, change: Callable[[Raw], Raw]) -> bytes:
    head, chunks, rest = split(png)
    [index] = [i for i, c in enumerate(chunks) if c.kind == kind][:1]
    chunks[index] = change(chunks[index])
    return join(head, chunks, rest)


def without(kind: bytes, png: bytes = BAKED) -> bytes:
    head, chunks, rest = split(png)
    return join(head, [c for c in chunks if c.kind != kind], rest)


@cache
def zeros_stream(size: int) -> bytes:
    return zlib.compress(bytes(size), 9)


def bomb_stream(mib: int) -> bytes:
    """A zlib stream of ``mib`` MiB of zeros, about 1 KiB per MiB: full flushes make each MiB
    compress to the same bytes, so it is built by repetition rather than by compressing."""
    deflate = zlib.compressobj(9)
    first = deflate.compress(bytes(MiB)) + deflate.flush(zlib.Z_FULL_FLUSH)
    again = deflate.compress(bytes(MiB)) + deflate.flush(zlib.Z_FULL_FLUSH)
    final_block = deflate.flush()[:-4]
    adler = ((mib * MiB) % 65521) << 16 | 1  # Adler-32 of zeros: a = 1, b = length
    return first + again * (mib - 1) + final_block + struct.pack(">I", adler)


# --- what a viewer shows ---------------------------------------------------------------------

def fold(keyword: str) -> str:
    return re.sub(r"[^0-9a-z]", "", keyword.lower())


def pillow_shows(png: bytes) -> tuple[dict[str, str], dict[str | tuple[int, int], Any]]:
    """Image.text and Image.info once the whole file is read (texts after IDAT too)."""
    with Image.open(io.BytesIO(png)) as image:
        assert isinstance(image, PngImagePlugin.PngImageFile)
        image.load()
        return {k: str(v) for k, v in image.text.items()}, dict(image.info)


def assert_viewers_agree(png: bytes, payloads: dict[str, Payload]) -> None:
    shown, info = pillow_shows(png)
    for keyword in KEYWORDS:
        expected = payloads[keyword].text if keyword in payloads else None
        assert shown.get(keyword) == expected
        assert info.get(keyword) == expected
    assert {k for k in shown if fold(k) in KEYWORDS} == set(payloads)
    ob2 = payloads.get(OB2_KEYWORD)
    if ob2 is not None and ob2.chunk_type in ("iTXt", "tEXt") and not ob2.compressed:
        assert openbadges_bakery.unbake(io.BytesIO(png)) == ob2.text


# --- the property ----------------------------------------------------------------------------

Mutation = Callable[[bytes, dict[str, str], st.DataObject], bytes]
MUTATIONS: list[Mutation] = []


def mutation(function: Mutation) -> Mutation:
    MUTATIONS.append(function)
    return function


def badge_indexes(chunks: list[Raw]) -> list[int]:
    return [i for i, c in enumerate(chunks)
            if c.kind in TEXT_KINDS and c.keyword.decode("latin-1") in KEYWORDS]


def pick_badge(png: bytes, data: st.DataObject) -> tuple[bytes, list[Raw], bytes, int] | None:
    head, chunks, rest = split(png)
    found = badge_indexes(chunks)
    if not found:
        return None
    return head, chunks, rest, data.draw(st.sampled_from(found))


@mutation
def duplicate(png: bytes, issued: dict[str, str], data: st.DataObject) -> bytes:
    head, chunks, rest = split(png)
    keyword = data.draw(st.sampled_from(KEYWORDS))
    payload = data.draw(st.sampled_from([issued[keyword], '{"forged": true}']))
    chunk = stored_as(data.draw(st.sampled_from(LABELS)), keyword, payload)
    chunks.insert(data.draw(st.integers(0, len(chunks))), chunk)
    return join(head, chunks, rest)


@mutation
def restore_as(png: bytes, issued: dict[str, str], data: st.DataObject) -> bytes:
    """Store a payload again, faithfully, in another chunk type."""
    if (picked := pick_badge(png, data)) is None:
        return png
    head, chunks, rest, index = picked
    keyword = chunks[index].keyword.decode()
    label = data.draw(st.sampled_from(LABELS))
    encoding = data.draw(st.sampled_from(["latin-1", "utf-8"]))
    chunks[index] = stored_as(label, keyword, issued[keyword], encoding)
    return join(head, chunks, rest)


@mutation
def restyle_itxt(png: bytes, issued: dict[str, str], data: st.DataObject) -> bytes:
    if (picked := pick_badge(png, data)) is None:
        return png
    head, chunks, rest, index = picked
    keyword = chunks[index].keyword.decode()
    flag = data.draw(st.sampled_from([0, 1, 2]))
    raw = issued[keyword].encode()
    chunks[index] = itxt(keyword, zlib.compress(raw) if flag else raw, flag=flag,
                         method=data.draw(st.sampled_from([0, 0, 8])),
                         language=data.draw(st.sampled_from([b"", b"en"])),
                         translated=data.draw(st.sampled_from([b"", b"Badge"])))
    return join(head, chunks, rest)


@mutation
def damage_stream(png: bytes, issued: dict[str, str], data: st.DataObject) -> bytes:
    if (picked := pick_badge(png, data)) is None:
        return png
    head, chunks, rest, index = picked
    keyword = chunks[index].keyword.decode()
    stream = zlib.compress(issued[keyword].encode())
    cut = data.draw(st.integers(1, len(stream) - 1))
    damaged = data.draw(st.sampled_from([
        stream + b"junk", stream[:cut], stream[:cut] + stream[cut + 1:], b"not zlib",
        zlib.compress(issued[keyword].encode(), wbits=-15)]))
    chunks[index] = (ztxt(keyword, damaged) if data.draw(st.booleans())
                     else itxt(keyword, damaged, flag=1))
    return join(head, chunks, rest)


@mutation
def edit_text(png: bytes, issued: dict[str, str], data: st.DataObject) -> bytes:
    """Empty the payload, or put a NUL into it (C readers stop there)."""
    if (picked := pick_badge(png, data)) is None:
        return png
    head, chunks, rest, index = picked
    keyword = chunks[index].keyword.decode()
    original = issued[keyword]
    at = data.draw(st.integers(0, len(original)))
    edited = data.draw(st.sampled_from(["", " \n", original[:at] + "\x00" + original[at:]]))
    chunks[index] = stored_as(data.draw(st.sampled_from(LABELS)), keyword, edited)
    return join(head, chunks, rest)


@mutation
def rename(png: bytes, issued: dict[str, str], data: st.DataObject) -> bytes:
    """A keyword a person or a lax reader takes for the badge keyword."""
    if (picked := pick_badge(png, data)) is None:
        return png
    head, chunks, rest, index = picked
    chunk = chunks[index]
    keyword = chunk.keyword.decode()
    variant = data.draw(st.sampled_from([
        keyword.upper(), keyword.capitalize(), keyword.replace("b", "B"), f" {keyword}",
        f"{keyword} ", keyword.replace("badge", " badge"), keyword.replace("badge", "_badge")]))
    chunks[index] = Raw.of(chunk.kind, variant.encode() + chunk.data[len(keyword):])
    return join(head, chunks, rest)


@mutation
def move(png: bytes, issued: dict[str, str], data: st.DataObject) -> bytes:
    head, chunks, rest = split(png)
    if not chunks:
        return png
    chunk = chunks.pop(data.draw(st.integers(0, len(chunks) - 1)))
    chunks.insert(data.draw(st.integers(0, len(chunks))), chunk)
    return join(head, chunks, rest)


@mutation
def move_text(png: bytes, issued: dict[str, str], data: st.DataObject) -> bytes:
    """A text chunk moved anywhere between IHDR and IEND: before, amid or after the image."""
    head, chunks, rest = split(png)
    texts = [i for i, c in enumerate(chunks) if c.kind in TEXT_KINDS]
    if not texts or len(chunks) < 3:
        return png
    chunk = chunks.pop(data.draw(st.sampled_from(texts)))
    chunks.insert(data.draw(st.integers(1, len(chunks) - 1)), chunk)
    return join(head, chunks, rest)


@mutation
def add_other_text(png: bytes, issued: dict[str, str], data: st.DataObject) -> bytes:
    """Some other text chunk, well-formed or not, which must not change the verdict."""
    keyword = data.draw(st.text(st.characters(codec="latin-1", exclude_characters="\x00"),
                                min_size=1, max_size=12))
    payload = data.draw(st.text(max_size=12))
    chunk = stored_as(data.draw(st.sampled_from(LABELS)), keyword, payload,
                      data.draw(st.sampled_from(["latin-1", "utf-8"])))
    if data.draw(st.booleans()):
        chunk = Raw.of(chunk.kind, chunk.data[:data.draw(st.integers(0, len(chunk.data)))])
    head, chunks, rest = split(png)
    chunks.insert(data.draw(st.integers(1, max(1, len(chunks) - 1))), chunk)
    return join(head, chunks, rest)


@mutation
def flip_payload_byte(png: bytes, issued: dict[str, str], data: st.DataObject) -> bytes:
    if (picked := pick_badge(png, data)) is None:
        return png
    head, chunks, rest, index = picked
    chunk = chunks[index]
    at = data.draw(st.integers(0, len(chunk.data) - 1))
    flipped = chunk.data[at] ^ data.draw(st.integers(1, 255))
    chunks[index] = replace(chunk, data=chunk.data[:at] + bytes([flipped]) + chunk.data[at + 1:])
    return join(head, chunks, rest)


@mutation
def flip_any_byte(png: bytes, issued: dict[str, str], data: st.DataObject) -> bytes:
    if not png:
        return png
    at = data.draw(st.integers(0, len(png) - 1))
    return png[:at] + bytes([png[at] ^ data.draw(st.integers(1, 255))]) + png[at + 1:]


@mutation
def break_crc(png: bytes, issued: dict[str, str], data: st.DataObject) -> bytes:
    head, chunks, rest = split(png)
    if not chunks:
        return png
    index = data.draw(st.integers(0, len(chunks) - 1))
    (crc,) = struct.unpack(">I", chunks[index].crc)
    broken = crc ^ data.draw(st.integers(1, 2**32 - 1))
    chunks[index] = replace(chunks[index], crc=struct.pack(">I", broken))
    return join(head, chunks, rest)


@mutation
def change_length(png: bytes, issued: dict[str, str], data: st.DataObject) -> bytes:
    head, chunks, rest = split(png)
    if not chunks:
        return png
    index = data.draw(st.integers(0, len(chunks) - 1))
    (length,) = struct.unpack(">I", chunks[index].length)
    delta = data.draw(st.one_of(st.integers(1, 16), st.integers(-16, -1),
                                st.integers(1, 2**32 - 1)))
    chunks[index] = replace(chunks[index], length=struct.pack(">I", (length + delta) % 2**32))
    return join(head, chunks, rest)


@mutation
def truncate(png: bytes, issued: dict[str, str], data: st.DataObject) -> bytes:
    if not png:
        return png
    return png[:data.draw(st.integers(0, len(png) - 1))]


@mutation
def append_after_iend(png: bytes, issued: dict[str, str], data: st.DataObject) -> bytes:
    forged = stored_as(data.draw(st.sampled_from(LABELS)),
                       data.draw(st.sampled_from(KEYWORDS)), '{"forged": true}')
    tail = data.draw(st.one_of(st.binary(min_size=1, max_size=16),
                               st.just(forged.encode()), st.just(Raw.of(b"IEND", b"").encode())))
    return png + tail


@mutation
def add_compressed(png: bytes, issued: dict[str, str], data: st.DataObject) -> bytes:
    """A big compressed text: near, at or far past Pillow's limit."""
    keyword = data.draw(st.sampled_from([*KEYWORDS, "Comment", "Description"]))
    size = data.draw(st.sampled_from([MAX_TEXT_CHUNK - 1, MAX_TEXT_CHUNK, 64 * MiB]))
    stream = zeros_stream(size)
    chunk = ztxt(keyword, stream) if data.draw(st.booleans()) else itxt(keyword, stream, flag=1)
    head, chunks, rest = split(png)
    chunks.insert(data.draw(st.integers(1, max(1, len(chunks) - 1))), chunk)
    return join(head, chunks, rest)


@mutation
def add_other_chunk(png: bytes, issued: dict[str, str], data: st.DataObject) -> bytes:
    kind = data.draw(st.sampled_from([b"ABCD", b"abCd", b"prVt", b"tEXT", b"iTXT", b"ab1d"]))
    body = data.draw(st.sampled_from([b"", b"openbadges\x00{}", b"\x00\x01\x02"]))
    head, chunks, rest = split(png)
    chunks.insert(data.draw(st.integers(1, max(1, len(chunks) - 1))), Raw.of(kind, body))
    return join(head, chunks, rest)


def document(kind: str) -> st.SearchStrategy[str]:
    return st.builds(lambda name, ascii_only: json.dumps({"type": kind, "name": name},
                                                         ensure_ascii=ascii_only),
                     st.text(max_size=12), st.booleans())


def outcome(reason: str) -> str:
    return "refused: " + re.sub(r"'[^']*'|\([^)]*\)|\d+", "…", reason)[:70]


@settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(issued=st.fixed_dictionaries({OB2_KEYWORD: document("Assertion"),
                                     OB3_KEYWORD: document("OpenBadgeCredential")}),
       base=st.sampled_from(BASES),
       mutations=st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3),
       data=st.data())
def test_a_mutated_badge_is_accepted_only_with_the_issued_payloads(
        issued: dict[str, str], base: bytes, mutations: list[Mutation],
        data: st.DataObject) -> None:
    png = bake(base, issued)
    for mutate in mutations:
        png = mutate(png, issued, data)
        event(f"mutation: {mutate.__name__}")
    reason: str | None = None
    try:
        payloads = unbake_payloads(png)
    except NotABadgeImage as exc:
        reason = str(exc)
    if reason is not None:
        assert reason and not reason.endswith(".")  # the verifier adds its own full stop
        event(outcome(reason))
        return
    event("accepted")
    assert {k: p.text for k, p in payloads.items()} == issued
    assert_viewers_agree(png, payloads)


# --- named cases -----------------------------------------------------------------------------

def test_a_genuine_badge_unbakes_as_issued_and_as_pillow_and_bakery_show_it() -> None:
    payloads = unbake_payloads(BAKED)
    assert payloads == {k: Payload(k, v, "iTXt", compressed=False) for k, v in ISSUED.items()}
    assert all(p.as_specified for p in payloads.values())
    assert unbake(BAKED) == ISSUED
    assert_viewers_agree(BAKED, payloads)


def test_our_text_limit_is_pillows() -> None:
    assert MAX_TEXT_CHUNK == PngImagePlugin.MAX_TEXT_CHUNK
    assert MAX_INFLATED < PngImagePlugin.MAX_TEXT_MEMORY


def forged_text_after_iend() -> bytes:
    return BAKED + text(OB2_KEYWORD, b'{"forged": true}').encode()


REFUSED: dict[str, tuple[Callable[[], bytes], str]] = {
    "iTXt and zTXt under one keyword": (
        lambda: inserted(stored_as("zTXt", OB3_KEYWORD, '{"other": 1}')),
        "the PNG carries 2 openbadgecredential payloads (iTXt, zTXt); "
        "a badge carries exactly one"),
    "the same payload again, in a zTXt": (
        lambda: inserted(stored_as("zTXt", OB2_KEYWORD, ASSERTION), at=1),
        "the PNG carries 2 openbadges payloads (zTXt, iTXt); a badge carries exactly one"),
    "three chunk types under one keyword": (
        lambda: inserted(text(OB2_KEYWORD, b"https://example.org/a"), at=1,
                         png=inserted(stored_as("iTXt+zlib", OB2_KEYWORD, ASSERTION))),
        "the PNG carries 3 openbadges payloads (tEXt, iTXt, compressed iTXt)"),
    "a text chunk before IHDR": (
        lambda: inserted(text("Comment", b"hello"), at=0),
        "the PNG does not start with IHDR (its first chunk is tEXt)"),
    "a forged payload after IEND": (
        forged_text_after_iend,
        "the PNG has data after its IEND chunk (39 bytes); viewers ignore it, so a badge may "
        "carry none"),
    "one byte after IEND": (lambda: BAKED + b"\x00", "data after its IEND chunk (1 byte)"),
    "the keyword in other case": (
        lambda: replaced(OB2_KEYWORD, itxt("OpenBadges", ASSERTION.encode())),
        "the PNG has a text chunk (iTXt) under 'OpenBadges', which a reader could take for a "
        "badge keyword"),
    "a look-alike keyword beside the real one": (
        lambda: inserted(text("open badges", b"https://evil.example/a")),
        "under 'open badges', which a reader could take for a badge keyword"),
    "an iTXt language tag": (
        lambda: replaced(OB3_KEYWORD, itxt(OB3_KEYWORD, CREDENTIAL.encode(), language=b"fr")),
        "the openbadgecredential iTXt chunk has a language tag or translated keyword; "
        "a badge leaves both empty"),
    "an iTXt translated keyword": (
        lambda: replaced(OB3_KEYWORD, itxt(OB3_KEYWORD, CREDENTIAL.encode(),
                                           translated=b"Badge")),
        "has a language tag or translated keyword"),
    "compression flag 1 with method 8": (
        lambda: replaced(OB3_KEYWORD, itxt(OB3_KEYWORD, zlib.compress(CREDENTIAL.encode()),
                                           flag=1, method=8)),
        "the openbadgecredential iTXt chunk names unknown compression method 8"),
    "compression flag 0 with method 8": (
        lambda: replaced(OB3_KEYWORD, itxt(OB3_KEYWORD, CREDENTIAL.encode(), method=8)),
        "names unknown compression method 8"),
    "compression flag 2": (
        lambda: replaced(OB3_KEYWORD, itxt(OB3_KEYWORD, zlib.compress(CREDENTIAL.encode()),
                                           flag=2)),
        "the openbadgecredential iTXt chunk has compression flag 2 (only 0 and 1 exist)"),
    "a zTXt with compression method 1": (
        lambda: replaced(OB2_KEYWORD, ztxt(OB2_KEYWORD, zlib.compress(b"{}"), method=1)),
        "the openbadges zTXt chunk names unknown compression method 1"),
    "invalid UTF-8 in iTXt": (
        lambda: replaced(OB3_KEYWORD, itxt(OB3_KEYWORD, b'{"name": "\xe9"}')),
        "the text of the openbadgecredential iTXt chunk is not valid UTF-8"),
    "invalid UTF-8 in a compressed iTXt": (
        lambda: replaced(OB3_KEYWORD, itxt(OB3_KEYWORD, zlib.compress(b"\xff"), flag=1)),
        "is not valid UTF-8"),
    "UTF-8 bytes in a tEXt": (
        lambda: replaced(OB3_KEYWORD, text(OB3_KEYWORD, CREDENTIAL.encode())),
        "the openbadgecredential tEXt chunk holds non-ASCII bytes, which Latin-1 and UTF-8 "
        "readers show differently"),
    "Latin-1 bytes in a zTXt": (
        lambda: replaced(OB3_KEYWORD, ztxt(OB3_KEYWORD, zlib.compress(
            CREDENTIAL.encode("latin-1", "replace")))),
        "the openbadgecredential zTXt chunk holds non-ASCII bytes"),
    "an empty payload": (
        lambda: replaced(OB3_KEYWORD, itxt(OB3_KEYWORD, b"")),
        "the openbadgecredential payload is empty"),
    "a blank tEXt payload": (
        lambda: replaced(OB2_KEYWORD, text(OB2_KEYWORD, b" \r\n")),
        "the openbadges payload is empty"),
    "a NUL inside an iTXt text": (
        lambda: replaced(OB2_KEYWORD, itxt(OB2_KEYWORD, b'{"a": 1}\x00{"a": 2}')),
        "the openbadges payload contains a NUL byte; readers disagree on where such a text "
        "ends"),
    "a NUL inside a tEXt text": (
        lambda: replaced(OB2_KEYWORD, text(OB2_KEYWORD, b"https://a.example/\x00evil")),
        "contains a NUL byte"),
    "a tEXt with no separator": (
        lambda: replaced(OB2_KEYWORD, Raw.of(b"tEXt", b"openbadges")),
        "the openbadges tEXt chunk is malformed (no NUL after the keyword)"),
    "an iTXt cut after its keyword": (
        lambda: replaced(OB2_KEYWORD, Raw.of(b"iTXt", b"openbadges\x00\x00")),
        "the openbadges iTXt chunk is malformed (no compression flag and method)"),
    "an iTXt with no language field": (
        lambda: replaced(OB2_KEYWORD, Raw.of(b"iTXt", b"openbadges\x00\x00\x00{}")),
        "is malformed (no language tag and translated keyword)"),
    "a zTXt with no method": (
        lambda: replaced(OB2_KEYWORD, Raw.of(b"zTXt", b"openbadges\x00")),
        "the openbadges zTXt chunk is malformed (no compression method)"),
    "an unknown critical chunk": (
        lambda: inserted(Raw.of(b"ABCD", b"")),
        "the PNG has an unknown critical chunk ABCD"),
    "a chunk type that is not letters": (
        lambda: inserted(Raw.of(b"ab1d", b"")),
        "the PNG chunk type b'ab1d' is not four ASCII letters"),
    "a CRC mismatch": (
        lambda: with_chunk(BAKED, b"iTXt", lambda c: replace(c, crc=bytes(4))),
        "the PNG chunk iTXt is damaged (CRC mismatch)"),
    "a CRC mismatch in the image data": (
        lambda: with_chunk(BAKED, b"IDAT", lambda c: replace(c, data=c.data[:-1] + b"\x00")),
        "the PNG chunk IDAT is damaged (CRC mismatch)"),
    "a length beyond the end": (
        lambda: with_chunk(BAKED, b"iTXt", lambda c: replace(c, length=b"\x00\x10\x00\x00")),
        "the PNG chunk iTXt runs past the end of the file"),
    "a length past 2**31": (
        lambda: with_chunk(BAKED, b"iTXt", lambda c: replace(c, length=b"\xff\xff\xff\xff")),
        "the PNG chunk iTXt runs past the end of the file"),
    "a file cut inside a chunk header": (
        lambda: BAKED[:-5], "a PNG chunk header runs past the end of the file"),
    "a file cut before IEND": (
        lambda: BAKED[:-12], "the PNG ends without an IEND chunk (truncated)"),
    "not a PNG": (lambda: b"GIF89a", "not a PNG file"),
    "a file over 2 MiB": (
        lambda: inserted(Raw.of(b"prVt", bytes(MAX_PNG_BYTES))),
        "the file is larger than 2 MiB, the most a badge image may be"),
    "too many chunks": (
        lambda: many_chunks(MAX_CHUNKS + 1),
        "the PNG has more than 4096 chunks"),
    "no IDAT": (lambda: without(b"IDAT"), "the PNG has no image data (IDAT)"),
    "IDAT chunks apart": (
        lambda: inserted(Raw.of(b"IDAT", b"")), "the PNG's IDAT chunks are not consecutive"),
    "a second IHDR": (
        lambda: inserted(split(BAKED)[1][0]), "the PNG's IHDR chunk is malformed or repeated"),
    "PLTE after the image data": (
        lambda: inserted(Raw.of(b"PLTE", bytes(3))),
        "the PNG's PLTE chunk is repeated or comes after the image data"),
    "data in IEND": (
        lambda: with_chunk(BAKED, b"IEND", lambda c: Raw.of(b"IEND", b"x")),
        "the PNG's IEND chunk is not empty"),
    "a truncated zlib stream": (
        lambda: replaced(OB2_KEYWORD, ztxt(OB2_KEYWORD, zlib.compress(ASSERTION.encode())[:-6])),
        "the compressed text in the openbadges zTXt chunk is a truncated zlib stream"),
    "bytes after the zlib stream": (
        lambda: replaced(OB2_KEYWORD, itxt(OB2_KEYWORD, zlib.compress(b"{}") + b"{}", flag=1)),
        "the compressed text in the openbadges iTXt chunk has bytes after its zlib stream"),
    "not a zlib stream": (
        lambda: replaced(OB2_KEYWORD, ztxt(OB2_KEYWORD, ASSERTION.encode())),
        "the compressed text in the openbadges zTXt chunk is not a valid zlib stream"),
    "a badge payload at Pillow's limit": (
        lambda: replaced(OB3_KEYWORD, ztxt(OB3_KEYWORD, zeros_stream(MAX_TEXT_CHUNK))),
        "the compressed text in the openbadgecredential zTXt chunk inflates to 1 MiB or more, "
        "past what Pillow shows (PngImagePlugin.MAX_TEXT_CHUNK)"),
    "a zip bomb in another text chunk": (
        lambda: inserted(ztxt("Comment", zeros_stream(64 * MiB))),
        "the compressed text in the zTXt chunk 'Comment' inflates to 1 MiB or more"),
    "a compressed iTXt elsewhere at Pillow's limit": (
        lambda: inserted(itxt("Comment", zeros_stream(MAX_TEXT_CHUNK), flag=1)),
        "the compressed text in the iTXt chunk 'Comment' inflates to 1 MiB or more"),
    "compressed texts past the total": (
        lambda: many_texts(MAX_INFLATED // (MAX_TEXT_CHUNK - 1) + 1),
        "takes the PNG's compressed texts past 4 MiB inflated in all"),
    "another zTXt with an unknown method": (
        lambda: inserted(ztxt("Comment", zlib.compress(b"hi"), method=1)),
        "the zTXt chunk 'Comment' names unknown compression method 1"),
}


def many_chunks(count: int) -> bytes:
    head, chunks, rest = split(BAKED)
    chunks[1:1] = [Raw.of(b"prVt", b"")] * (count - len(chunks))
    return join(head, chunks, rest)


def many_texts(count: int) -> bytes:
    head, chunks, rest = split(BAKED)
    chunks[1:1] = [ztxt(f"Comment {i}", zeros_stream(MAX_TEXT_CHUNK - 1)) for i in range(count)]
    return join(head, chunks, rest)


@pytest.mark.parametrize(("build", "reason"), REFUSED.values(), ids=REFUSED.keys())
def test_a_damaged_or_ambiguous_png_is_refused_with_its_reason(
        build: Callable[[], bytes], reason: str) -> None:
    with pytest.raises(NotABadgeImage) as refused:
        unbake(build())
    assert reason in str(refused.value)


GENUINE = {keyword: Payload(keyword, payload, "iTXt", False)
           for keyword, payload in ISSUED.items()}
LONG_TEXT = '"' + "a" * (MAX_TEXT_CHUNK - 3) + '"'  # one byte under Pillow's limit


def moved_first(keyword: str) -> bytes:
    """The payload moved before the image data, where Pillow reads it on opening."""
    head, chunks, rest = split(BAKED)
    [chunk] = [c for c in chunks if c.keyword == keyword.encode()]
    chunks.remove(chunk)
    chunks.insert(1, chunk)
    return join(head, chunks, rest)


ACCEPTED: dict[str, tuple[Callable[[], bytes], dict[str, Payload]]] = {
    "a legacy tEXt with the hosted URL": (
        lambda: replaced(OB2_KEYWORD, text(OB2_KEYWORD, b"https://example.org/assertions/1")),
        GENUINE | {OB2_KEYWORD: Payload(OB2_KEYWORD, "https://example.org/assertions/1",
                                        "tEXt", False)}),
    "a zTXt": (
        lambda: replaced(OB2_KEYWORD, stored_as("zTXt", OB2_KEYWORD, ASSERTION)),
        GENUINE | {OB2_KEYWORD: Payload(OB2_KEYWORD, ASSERTION, "zTXt", True)}),
    "a compressed iTXt": (
        lambda: replaced(OB3_KEYWORD, stored_as("iTXt+zlib", OB3_KEYWORD, CREDENTIAL)),
        GENUINE | {OB3_KEYWORD: Payload(OB3_KEYWORD, CREDENTIAL, "iTXt", True)}),
    "a payload before the image data": (lambda: moved_first(OB3_KEYWORD), GENUINE),
    "a compressed payload one byte under Pillow's limit": (
        lambda: replaced(OB3_KEYWORD, ztxt(OB3_KEYWORD, zlib.compress(LONG_TEXT.encode()))),
        GENUINE | {OB3_KEYWORD: Payload(OB3_KEYWORD, LONG_TEXT, "zTXt", True)}),
    "another text one byte under Pillow's limit": (
        lambda: inserted(itxt("Comment", zeros_stream(MAX_TEXT_CHUNK - 1), flag=1)), GENUINE),
    "an unknown ancillary chunk": (
        lambda: inserted(Raw.of(b"prVt", b"openbadges\x00{}")), GENUINE),
    "a text chunk type in the wrong case": (
        lambda: inserted(Raw.of(b"tEXT", b"openbadges\x00{}")), GENUINE),
    "a damaged stream in another text": (
        lambda: inserted(ztxt("Comment", b"not zlib")), GENUINE),
    "a keyword that only starts like ours": (
        lambda: inserted(text("openbadges-notes", b"hello")), GENUINE),
}


@pytest.mark.parametrize(("build", "expected"), ACCEPTED.values(), ids=ACCEPTED.keys())
def test_an_unusual_but_unambiguous_png_is_accepted_as_pillow_shows_it(
        build: Callable[[], bytes], expected: dict[str, Payload]) -> None:
    png = build()
    payloads = unbake_payloads(png)
    assert payloads == expected
    assert_viewers_agree(png, payloads)


def test_a_zip_bomb_at_the_upload_limit_is_refused_quickly_within_the_limit() -> None:
    png = replaced(OB3_KEYWORD, ztxt(OB3_KEYWORD, bomb_stream(2000)))  # 2000 MiB inflated
    assert len(png) <= MAX_PNG_BYTES
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(NotABadgeImage, match="inflates to 1 MiB or more"):
        unbake(png)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < len(png) + MAX_TEXT_CHUNK + 512 * 1024  # a copy of the chunk and the limit


def test_pillow_shows_what_a_lax_reader_would_have_missed() -> None:
    """Why duplicates are refused: Pillow shows the last one, openbadges-bakery the first."""
    png = inserted(stored_as("iTXt", OB2_KEYWORD, '{"forged": true}'))
    assert pillow_shows(png)[0][OB2_KEYWORD] == '{"forged": true}'
    assert openbadges_bakery.unbake(io.BytesIO(png)) == ASSERTION


# --- baking ----------------------------------------------------------------------------------

def test_bake_replaces_badge_chunks_of_every_type_and_keeps_the_rest() -> None:
    base = inserted(text("Comment", b"kept"), png=BASES[2])
    for chunk in (text(OB2_KEYWORD, b"https://old.example/a"),
                  stored_as("zTXt", OB3_KEYWORD, "{}"),
                  stored_as("iTXt+zlib", OB2_KEYWORD, "{}")):
        base = inserted(chunk, at=1, png=base)
    png = bake(base, ISSUED)
    kinds = [c.kind for c in read_chunks(png)]
    assert kinds[-3:] == [b"iTXt", b"iTXt", b"IEND"]
    assert unbake_payloads(png) == {k: Payload(k, v, "iTXt", False) for k, v in ISSUED.items()}
    originals = [c for c in read_chunks(base)
                 if c.kind not in TEXT_KINDS or c.data.split(b"\x00")[0].decode() not in KEYWORDS]
    assert read_chunks(png)[:-3] == originals[:-1]  # pixels and texts untouched
    assert openbadges_bakery.unbake(io.BytesIO(png)) == ASSERTION
    assert pillow_shows(png)[0]["Comment"] == "kept"


@pytest.mark.parametrize(("entries", "error"), [
    ({OB3_KEYWORD: '{"a": 1}\x00'}, "contains a NUL byte"),
    ({OB2_KEYWORD: ""}, "payload is empty"),
    ({"": "{}"}, "is not a PNG keyword"),
])
def test_bake_refuses_what_would_not_unbake_unchanged(entries: dict[str, str],
                                                      error: str) -> None:
    with pytest.raises(ValueError, match=error):
        bake(BASES[0], entries)
