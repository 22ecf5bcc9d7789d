"""Badge art with Pillow: a badge class's image (rendered once, then cached) and a
personalised certificate with a QR code of the verification URL (rendered on request),
stamped across when the badge no longer stands (revoked, expired)."""

from __future__ import annotations

import io
import textwrap
from datetime import date as Date
from functools import lru_cache

import qrcode
from PIL import Image, ImageDraw, ImageFont

from questbot.badges.assets import asset
from questbot.badges.words import long_date, say

SIZE = 600


@lru_cache(maxsize=2)
def _font_file(name: str) -> bytes:
    return asset("fonts", name).read_bytes()


@lru_cache(maxsize=16)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(io.BytesIO(_font_file(name)), size)


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, sizes: tuple[int, ...],
         bold: bool) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """The largest size at which ``text`` wraps into three lines of ``width`` pixels."""
    for size in sizes:
        font = _font(size, bold)
        for chars in range(28, 6, -2):
            lines = textwrap.wrap(text, chars) or [""]
            if len(lines) <= 3 and all(draw.textlength(line, font=font) <= width
                                       for line in lines):
                return lines, font
    font = _font(sizes[-1], bold)
    return textwrap.wrap(text, 18)[:3], font


def render_badge(name: str, issuer: str, colour: str, accent: str) -> bytes:
    """A round medal in the issuer's colours with the badge's name; PNG bytes."""
    scale = 2  # draw large, shrink once: smooth edges without per-shape antialiasing
    big = SIZE * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    main, edge = _rgb(colour), _rgb(accent)
    draw.ellipse((8, 8, big - 8, big - 8), fill=edge)
    draw.ellipse((44, 44, big - 44, big - 44), fill=main)
    draw.ellipse((76, 76, big - 76, big - 76), outline=(255, 255, 255, 90), width=6)
    ribbon_top = int(big * 0.70)
    draw.rounded_rectangle((110, ribbon_top, big - 110, ribbon_top + 130), radius=30,
                           fill=edge)
    lines, font = _fit(draw, name, big - 300, (112, 96, 84, 72, 60), bold=True)
    line_height = font.size * 1.15
    top = big * 0.43 - line_height * len(lines) / 2
    for number, line in enumerate(lines):
        draw.text((big / 2, top + number * line_height), line, font=font, fill="white",
                  anchor="mt")
    issuer_lines, issuer_font = _fit(draw, issuer, big - 300, (52, 44, 38), bold=False)
    draw.text((big / 2, ribbon_top + 65), issuer_lines[0], font=issuer_font, fill=main,
              anchor="mm")
    image = image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def render_certificate(badge_png: bytes, *, badge_name: str, recipient: str | None,
                       issuer: str, date: Date, url: str, colour: str, accent: str,
                       stamp: str | None = None, stamp_colour: str = "#a4161a",
                       language: str = "en", worth: str | None = None) -> bytes:
    """The certificate, its fixed words and date in ``language``; PNG bytes. ``worth``:
    the badge's credit and level, in words, when it carries them."""
    width, height = 1600, 1130
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    main, edge = _rgb(colour), _rgb(accent)
    draw.rectangle((0, 0, width, 150), fill=main)
    draw.rectangle((0, 150, width, 162), fill=edge)
    draw.text((80, 75), issuer, font=_font(48, True), fill="white", anchor="lm")
    draw.text((80, 250), say("certificate.title", language), font=_font(40), fill=(90, 90, 90))
    holder = recipient or say("certificate.holder", language)
    draw.text((80, 330), holder, font=_fitting(draw, holder, 960, 72), fill=main)
    draw.text((80, 440), say("certificate.earned", language), font=_font(40),
              fill=(90, 90, 90))
    lines, font = _fit(draw, badge_name, 900, (64, 56, 48), bold=True)
    for number, line in enumerate(lines):
        draw.text((80, 510 + number * 76), line, font=font, fill=(30, 30, 30))
    if worth:
        draw.text((80, 745), worth, font=_fitting(draw, worth, 900, 34), fill=main)
    draw.text((80, 800), say("certificate.awarded", language, date=long_date(date, language)),
              font=_font(36), fill=(90, 90, 90))
    draw.text((80, 860), say("certificate.verify", language, url=url), font=_font(28), fill=main)
    badge = Image.open(io.BytesIO(badge_png)).convert("RGBA").resize((420, 420))
    image.paste(badge, (width - 520, 230), badge)
    code = qrcode.QRCode(border=2, box_size=8)
    code.add_data(url)
    code.make(fit=True)
    qr = code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    qr = qr.resize((260, 260), Image.Resampling.NEAREST)
    image.paste(qr, (width - 440, 720))
    if stamp:
        image = _stamped(image, stamp, _rgb(stamp_colour))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _fitting(draw: ImageDraw.ImageDraw, text: str, width: int,
             largest: int) -> ImageFont.FreeTypeFont:
    """The largest bold font, down to half ``largest``, in which ``text`` fits ``width``."""
    for size in range(largest, largest // 2, -4):
        if draw.textlength(text, font=_font(size, True)) <= width:
            return _font(size, True)
    return _font(largest // 2, True)


def _stamped(image: Image.Image, text: str, colour: tuple[int, int, int]) -> Image.Image:
    """``text`` in a framed, tilted band across the middle, like a rubber stamp: it covers
    the name and the badge, so a copy of the certificate cannot pass for a valid one."""
    width, height = image.size
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    fonts = (_font(size, bold=True) for size in (150, 120, 96, 72))
    font = next((f for f in fonts if draw.textlength(text, font=f) <= width - 400),
                _font(60, bold=True))
    left, top, right, bottom = draw.textbbox((width / 2, height / 2), text, font=font,
                                            anchor="mm")
    frame = (left - 60, top - 40, right + 60, bottom + 40)
    draw.rounded_rectangle(frame, radius=28, fill=(255, 255, 255, 200), outline=colour,
                           width=16)
    draw.text((width / 2, height / 2), text, font=font, fill=colour, anchor="mm")
    layer = layer.rotate(12, resample=Image.Resampling.BICUBIC, center=(width / 2, height / 2))
    return Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")
