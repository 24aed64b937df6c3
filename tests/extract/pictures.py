"""Pictures of printed pages, as a scanner or a phone makes them: text drawn
by Pillow in Noto CJK at a given dpi, skewed, with noise and a red seal
stamped over the text; and logos and icons that hold no text."""
from __future__ import annotations

import io
import math
import random

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"

NOTICE = ["关于做好年度档案整理工作的通知", "各部门：", "为规范档案管理，现将有关事项通知如下。",
          "一、各部门于本月底前完成归档。", "二、归档材料应当齐全完整。", "办公室", "二〇二六年三月五日"]
MARKED = ["机密★5年", *NOTICE]
LABELLED = ["内部资料", *NOTICE]


def page(lines: list[str], dpi: int = 150, skew: float = 1.5, noise: bool = True, seal: bool = True,
         serif: bool = False, seed: int = 1, inches: float = 5.9) -> Image.Image:
    """``inches`` of an A4 page (half by default) with ``lines`` (the first as
    a heading), as scanned at ``dpi``."""
    px = dpi / 72
    width, height = int(8.27 * dpi), int(inches * dpi)
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    path = SERIF if serif else FONT
    heading, body = ImageFont.truetype(path, int(16 * px)), ImageFont.truetype(path, int(12 * px))
    y = int(0.5 * dpi)
    for i, line in enumerate(lines):
        font = heading if i == 0 else body
        draw.text((int(0.9 * dpi), y), line, font=font, fill=(20, 20, 20))
        y += int((16 if i == 0 else 12) * px * 1.8)
    if seal:
        _seal(img, (int(width * 0.62), y - int(1.6 * dpi)), int(0.8 * dpi))
    if noise:
        img = _noise(img, seed)
    return img.rotate(skew, resample=Image.BICUBIC, expand=True, fillcolor="white")


def _seal(img: Image.Image, corner: tuple[int, int], size: int) -> None:
    """A red round seal with a star and a name, stamped half-transparent over the text."""
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    x, y = corner
    red = (220, 30, 30, 170)
    draw.ellipse((x, y, x + size, y + size), outline=red, width=max(3, size // 25))
    cx, cy, r = x + size / 2, y + size / 2, size / 6
    star = [(cx + (r if k % 2 == 0 else r / 2.5) * math.sin(k * math.pi / 5),
             cy - (r if k % 2 == 0 else r / 2.5) * math.cos(k * math.pi / 5)) for k in range(10)]
    draw.polygon(star, fill=red)
    font = ImageFont.truetype(FONT, max(10, size // 8))
    draw.text((x + size * 0.25, y + size * 0.68), "办公室印", font=font, fill=red)
    img.paste(Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB"))


def _noise(img: Image.Image, seed: int) -> Image.Image:
    """Grain and specks, deterministic per seed."""
    rnd = random.Random(seed)
    grain = Image.effect_noise(img.size, 24).convert("RGB")
    out = Image.blend(img, grain, 0.12)
    draw = ImageDraw.Draw(out)
    for _ in range(img.size[0] * img.size[1] // 4000):
        x, y = rnd.randrange(img.size[0]), rnd.randrange(img.size[1])
        draw.point((x, y), fill=(0, 0, 0))
    return out


def logo(size: int = 300) -> Image.Image:
    """An emblem: a red ring around a star, no text."""
    img = Image.new("RGB", (size, size), "white")
    _seal_plain(ImageDraw.Draw(img), size)
    return img


def _seal_plain(draw: ImageDraw.ImageDraw, size: int) -> None:
    red = (200, 20, 20)
    draw.ellipse((4, 4, size - 4, size - 4), outline=red, width=max(3, size // 20))
    cx = cy = size / 2
    r = size / 3
    star = [(cx + (r if k % 2 == 0 else r / 2.5) * math.sin(k * math.pi / 5),
             cy - (r if k % 2 == 0 else r / 2.5) * math.cos(k * math.pi / 5)) for k in range(10)]
    draw.polygon(star, fill=red)


def icon(size: int = 64) -> Image.Image:
    """A flat icon: a rounded square with a white check."""
    img = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((2, 2, size - 2, size - 2), radius=size // 6, fill=(30, 90, 200))
    draw.line((size * 0.25, size * 0.5, size * 0.45, size * 0.7, size * 0.78, size * 0.3),
              fill="white", width=max(2, size // 10))
    return img


def banner(width: int = 600, height: int = 120) -> Image.Image:
    """A header band: a colour gradient with a thin rule, as web pages carry."""
    img = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(img)
    for x in range(width):
        shade = int(40 + 160 * x / width)
        draw.line((x, 0, x, height), fill=(shade, 60, 160))
    draw.line((0, height - 8, width, height - 8), fill="white", width=3)
    return img


def encode(img: Image.Image, fmt: str = "PNG", **kw: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()
