"""The catalogue of source documents (rules/sources/documents.yaml) and how a citation reads.

An inspector writes minutes with a document's kind, number, date and issuer, never a file name:
"Kế hoạch số 94/KH-LĐLĐ ngày 24/03/2021 của Ban Thường vụ Liên đoàn Lao động huyện Dương Minh
Châu (Tây Ninh), mục II.3". Every citation — explanations, case files, reports — reads from
here; a document missing from the catalogue falls back to its file name, and validation says so.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from compliance.formatting import date_vn

CATALOGUE = Path("sources") / "documents.yaml"  # inside the rules folder


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str  # Chương trình hành động, Kế hoạch, Chương trình…
    issuer: str
    about: str | None = None
    number: str | None = None
    issued_on: dt.date | None = None

    def title(self) -> str:
        """ "Kế hoạch số 94/KH-LĐLĐ ngày 24/03/2021 của …", with what the copy shows."""
        parts = [self.kind]
        if self.number:
            parts.append(f"số {self.number}")
        if self.issued_on:
            parts.append(f"ngày {date_vn(self.issued_on)}")
        parts.append(f"của {self.issuer}")
        if not self.number and self.about:  # nothing else tells this document from others
            parts.append(self.about)
        return " ".join(parts)


@cache
def catalogue(rules_dir: Path) -> dict[str, Document]:
    path = rules_dir / CATALOGUE
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {name: Document(**entry) for name, entry in (data.get("documents") or {}).items()}


def catalogue_dir(rule_file: Path) -> Path:
    """The rules folder a rule file belongs to: the nearest one above it with the catalogue
    (a rule file tried on its own, elsewhere, cites by file name)."""
    for folder in rule_file.resolve().parents:
        if (folder / CATALOGUE).is_file():
            return folder
    return rule_file.parent


def cite_reference(rules_dir: Path, reference: str) -> str:
    """An ``also`` entry of a rule's source, "FILE SECTION[: words]", cited like the source."""
    document, _, rest = reference.strip().partition(" ")
    section, colon, words = rest.partition(":")
    cited = cite(rules_dir, document, section.strip() or None)
    return f"{cited}: {words.strip()}" if colon else cited


def cite(rules_dir: Path, document: str, section: str | None) -> str:
    """The citation of ``section`` of ``document`` as a minute writes it."""
    known = catalogue(rules_dir).get(document)
    where = f", mục {section}" if section else ""
    return f"{known.title()}{where}" if known else f"{document}{where}"
