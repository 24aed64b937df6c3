"""A small folder of real items of several formats, for driver comparisons."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from scanner.config import CacheSettings, ScanConfig


def _docx(text: str, header: str) -> bytes:
    import docx

    doc = docx.Document()
    doc.sections[0].header.paragraphs[0].text = header
    doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="session")
def mixed_folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("mixed")
    (root / "a").mkdir()
    (root / "a" / "notice.txt").write_text("机密★5年\n关于开展工作的通知\n", encoding="utf-8")
    (root / "a" / "plain.txt").write_text("今天天气很好，我们去公园散步。\n" * 50, encoding="utf-8")
    (root / "a" / "phone.md").write_text("联系人：张三 电话 13800138000\n", encoding="utf-8")
    (root / "b.docx").write_bytes(_docx("会议纪要 送审稿", "内部资料 注意保存"))
    (root / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("inner/secret.txt", "秘密★十年\n正文")
        zf.writestr("inner/ok.txt", "公开信息")
    (root / "c.zip").write_bytes(buf.getvalue())
    (root / "gbk.txt").write_bytes("绝密★长期\n通知".encode("gb18030"))
    for i in range(12):
        (root / "many" / f"{i:02d}.txt").parent.mkdir(exist_ok=True)
        (root / "many" / f"{i:02d}.txt").write_text(f"第{i}号文件\n" + ("秘密★1年\n" if i % 5 == 0 else ""), encoding="utf-8")
    return root


@pytest.fixture()
def config(tmp_path) -> ScanConfig:
    return ScanConfig(cache=CacheSettings(directory=str(tmp_path / "cache")))
