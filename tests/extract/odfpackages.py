"""OpenDocument packages with files added, as a tool or a hand adds them,
for the ODF tests."""
from __future__ import annotations

import io
import zipfile


def with_members(package: bytes, members: dict[str, bytes | str], *, twice: str = "",
                 compression: int = zipfile.ZIP_STORED) -> bytes:
    """The package with ``members`` added (stored, or ``compression``), each
    listed in its manifest (so LibreOffice opens it); ``twice``: a member
    stored a second time, first."""
    entries = "".join(f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type=""/>' for name in members)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "META-INF/manifest.xml":
                data = data.replace(b"</manifest:manifest>", entries.encode() + b"</manifest:manifest>")
            if info.filename == twice:
                dst.writestr(info, data.replace(b"</office:text>", "<text:p>机密★5年</text:p></office:text>".encode()))
            dst.writestr(info, data)
        for name, data in members.items():
            dst.writestr(name, data, compression)
    return out.getvalue()
