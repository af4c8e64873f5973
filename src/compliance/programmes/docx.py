"""The paragraphs of a ``.docx`` programme, read with the standard library.

A .docx is a zip of XML; its text is the ``w:t`` runs of each ``w:p`` paragraph in
``word/document.xml``. That is all the extractor needs, so no Word library is added for it.
The file comes from people: the part is read only under a size bound (a zip bomb is refused).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_XML_BYTES = 50_000_000


class DocxUnreadable(ValueError):
    """A .docx the reader cannot open; the message is Vietnamese."""


def docx_text(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > MAX_XML_BYTES:
                raise DocxUnreadable(f"Tệp {path.name} giải nén quá lớn; hãy lưu thành .txt.")
            root = ElementTree.fromstring(archive.read(info))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError):
        raise DocxUnreadable(
            f"Không đọc được {path.name} như tệp Word (.docx); hãy mở và lưu lại, hoặc lưu thành "
            ".txt (UTF-8)."
        ) from None
    paragraphs = []
    for paragraph in root.iter(f"{W}p"):
        parts = []
        for node in paragraph.iter():
            if node.tag == f"{W}t" and node.text:
                parts.append(node.text)
            elif node.tag in (f"{W}tab",):
                parts.append(" ")
            elif node.tag in (f"{W}br", f"{W}cr"):
                parts.append("\n")
        paragraphs.append("".join(parts))
    return "\n\n".join(paragraphs)
