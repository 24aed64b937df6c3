"""A LiveCycle (XFA) form's fields and filled-in data, which its pages do
not hold (a placeholder page asks for Adobe Reader), are read from the
AcroForm's /XFA packets (red-team run: a form whose data said 密级 机密★5年
was clear)."""
from __future__ import annotations

import zlib

from scanner import scan_bytes

from .rawpdf import written

PLACEHOLDER = "请稍候……若本文档未能显示，请使用Adobe Reader打开。"
TEMPLATE = ('<template xmlns="http://www.xfa.org/schema/xfa-template/3.3/"><subform name="form1">'
            '<field name="mj"><caption><value><text>密级</text></value></caption></field>'
            '<field name="title"><caption><value><text>项目名称</text></value></caption></field>'
            '</subform></template>')


def _datasets(level: str) -> str:
    return ('<xfa:datasets xmlns:xfa="http://www.xfa.org/schema/xfa-data/1.0/"><xfa:data><form1>'
            f'<mj>{level}</mj><title>某型号研制项目</title></form1></xfa:data></xfa:datasets>')


def _stream(data: bytes, extra: str = "") -> bytes:
    return f"<< /Length {len(data)} {extra}>>\nstream\n".encode() + data + b"\nendstream"


def _pdf(packets: list[tuple[str, bytes]] | bytes | None) -> bytes:
    """A one-page PDF whose page shows the placeholder, with an XFA form:
    named packets (an array), one stream, or none; the packets compressed."""
    text = "<" + PLACEHOLDER.encode("utf-16-be").hex() + ">"
    font = ("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts "
            "[<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
            "/Ordering (GB1) /Supplement 2 >> /FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light "
            "/Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 "
            "/StemV 93 >> /DW 1000 >>] >>")
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R" + (b" /AcroForm 6 0 R /NeedsRendering true" if packets else b"") + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
         b"/Contents 4 0 R >>"),
        _stream(f"BT /F1 12 Tf 72 700 Td {text} Tj ET".encode()),
        font.encode(),
    ]
    if isinstance(packets, bytes):
        objects += [b"<< /Fields [] /XFA 7 0 R >>", _stream(zlib.compress(packets), "/Filter /FlateDecode ")]
    elif packets:
        refs = " ".join(f"({name}) {7 + i} 0 R" for i, (name, _) in enumerate(packets))
        objects.append(f"<< /Fields [] /XFA [{refs}] >>".encode())
        objects += [_stream(zlib.compress(data), "/Filter /FlateDecode ") for _, data in packets]
    return written(objects)


def _packets(level: str) -> list[tuple[str, bytes]]:
    return [("preamble", b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/">'), ("template", TEMPLATE.encode()),
            ("datasets", _datasets(level).encode()), ("postamble", b"</xdp:xdp>")]


def _found(data: bytes) -> tuple[str, set[tuple[str, str]]]:
    result = scan_bytes(data, "form.pdf")[0]
    return result.verdict.value, {(f.rule, f.part) for f in result.findings}


def test_a_filled_in_xfa_form_blocks_on_its_data():
    verdict, found = _found(_pdf(_packets("机密★5年")))
    assert verdict == "block"
    assert ("mark.state-secret", "xfa") in found


def test_a_level_in_the_forms_密级_field_is_a_form_field():
    verdict, found = _found(_pdf(_packets("机密")))
    assert verdict == "block"
    assert ("mark.form-field", "xfa:fields") in found


def test_an_xdp_in_one_stream_is_read_too():
    xdp = b"".join(data for _, data in _packets("秘密★1年"))
    assert ("mark.state-secret", "xfa") in _found(_pdf(xdp))[1]


def test_a_blank_or_public_xfa_form_is_clear():
    assert _found(_pdf(_packets("公开"))) == ("clear", set())
    assert _found(_pdf(None)) == ("clear", set())


def test_damaged_xfa_is_read_with_its_markup_stripped_and_is_not_full():
    broken = [("template", TEMPLATE.encode()), ("datasets", b"<xfa:datasets><mj>\xe6\x9c\xba\xe5\xaf\x86\xe2\x98\x855\xe5\xb9\xb4")]
    result = scan_bytes(_pdf(broken), "form.pdf")[0]
    assert result.extraction.value == "partial"
    assert "mark.state-secret" in {f.rule for f in result.findings}
