"""Read an action programme in the documents' usual layout into a programme file's content.

The layout (seeds 000, 003, 004): a Roman-numeral part ("II. NHIỆM VỤ…"), numbered headings
("2.", "2.1."), and items — the text from a marker ("(1)", "-", or a numbered heading itself) up
to a block of *Cơ quan chủ trì* / *Cơ quan phối hợp* / *Thời gian thực hiện (hoàn thành)* lines.
Paragraphs without a marker continue the item before them (a sentence broken over two lines
too); several markers before one block are one item. A paragraph that sets its own deadline
("… gửi về … trước ngày 25/01/2024") is an item as well, led by its heading's body.

Nothing is guessed silently: what cannot be read is a :class:`Problem` with its line.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from compliance.programmes.bodies import BodyRegistry
from compliance.programmes.names import split_bodies
from compliance.programmes.timephrase import TimePhraseError, parse_time

ROMAN_HEADING = re.compile(r"^([IVXL]+)\.\s+(\S.*)$")
NUMBER_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(\S.*)$")
NUMBER_MARKER = re.compile(r"^\((\d{1,3})\)\s*(\S.*)$")
BULLET = re.compile(r"^[-+•–]\s*(\S.*)$")
LEAD = re.compile(r"^cơ quan chủ trì\s*[:：]\s*(.*)$", re.IGNORECASE)
PARTNERS = re.compile(r"^cơ quan phối hợp\s*[:：]\s*(.*)$", re.IGNORECASE)
TIME = re.compile(r"^thời gian[^:,]{0,40}[:,]\s*(.*)$", re.IGNORECASE)
INLINE_DEADLINE = re.compile(
    r"(?:trước|chậm nhất|hạn chót)\s+(?:là\s+)?ngày\s+\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}",
    re.IGNORECASE,
)
DATE_LINE = re.compile(
    r"^[^,]{2,80},\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE
)
KIND = re.compile(r"^(CHƯƠNG TRÌNH HÀNH ĐỘNG|CHƯƠNG TRÌNH|KẾ HOẠCH)\b\s*(.*)$")
END = re.compile(r"^(nơi nhận|trên đây là)\b", re.IGNORECASE)
SENTENCE_END = '.;:!?…”")'


@dataclass(frozen=True)
class Problem:
    line: int
    message: str


@dataclass
class _Piece:
    line: int
    kind: str  # "heading", "marker", "text"
    number: str | None
    parts: list[str]

    def text(self) -> str:
        joined = self.parts[0]
        for part in self.parts[1:]:
            broken = not joined.endswith(tuple(SENTENCE_END)) and part[:1].islower()
            joined += (" " if broken else "\n") + part
        return joined


@dataclass
class _Block:
    lead: tuple[int, str] | None = None
    partners: tuple[int, str] | None = None
    time: tuple[int, str] | None = None
    lines: list[str] = field(default_factory=list)


@dataclass
class Extracted:
    programme: dict[str, object]
    items: list[dict[str, object]]
    item_lines: list[int]
    problems: list[Problem]
    skipped: list[int]  # lines of marked paragraphs without a time: not items


def clean(line: str) -> str:
    """A line without Markdown emphasis and surrounding spaces (the seeds carry both)."""
    text = unicodedata.normalize("NFC", line).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", re.sub(r"\*+", "", text)).strip()


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in ascii_text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9.]+", "_", ascii_text).strip("_.") or "programme"


class _Reader:
    def __init__(self, bodies: BodyRegistry | None, lead: str | None, issued_on: dt.date) -> None:
        self.bodies = bodies
        self.default_lead = lead
        self.issued_on = issued_on
        self.roman: str | None = None
        self.number: str | None = None
        self.heading: str | None = None
        self.group: list[_Piece] = []
        self.block = _Block()
        self.items: list[dict[str, object]] = []
        self.item_lines: list[int] = []
        self.problems: list[Problem] = []
        self.skipped: list[int] = []
        self.counts: dict[str, int] = {}

    # -- the layout ---------------------------------------------------------------------------

    def feed(self, line_no: int, text: str) -> None:
        if self.block.lead or self.block.partners:
            if not (LEAD.match(text) or PARTNERS.match(text) or TIME.match(text)):
                self._emit()  # a block without a time: reported by _emit
        if match := LEAD.match(text):
            self._block_line("lead", line_no, match[1], text)
        elif match := PARTNERS.match(text):
            self._block_line("partners", line_no, match[1], text)
        elif (match := TIME.match(text)) and self.group:
            self.block.time = (line_no, match[1])
            self.block.lines.append(text)
            self._emit()
        elif match := ROMAN_HEADING.match(text):
            self.flush()
            self.roman, self.number, self.heading = match[1], None, None
        elif match := NUMBER_HEADING.match(text):
            self.flush()
            self.number, self.heading = match[1], match[2].rstrip(" :.")
            self.group = [_Piece(line_no, "heading", match[1], [match[2]])]
        elif match := NUMBER_MARKER.match(text) or BULLET.match(text):
            if len(self.group) == 1 and self.group[0].kind == "heading":
                self.group = []
            number = match[1] if match.re is NUMBER_MARKER else None
            content = match[2] if match.re is NUMBER_MARKER else match[1]
            self.group.append(_Piece(line_no, "marker", number, [content]))
        elif self.group:
            self.group[-1].parts.append(text)

    def _block_line(self, name: str, line_no: int, value: str, text: str) -> None:
        if not self.group and not self.items:
            self.problems.append(Problem(line_no, "Dòng này không đi sau mục nào; đã bỏ qua."))
            return
        if not self.group:  # a late co-operating line after the time: it belongs to the last item
            if name == "partners" and not self.items[-1]["partners"]:
                self.items[-1]["partners"] = self._names(value, line_no)
            return
        setattr(self.block, name, (line_no, value))
        self.block.lines.append(text)

    def flush(self) -> None:
        """The end of a heading's text: an open block, or a paragraph with its own deadline."""
        if self.block.lead or self.block.partners:
            self._emit()
        if self.group:
            self._inline()
        self.group = []

    # -- items --------------------------------------------------------------------------------

    def _section(self) -> str:
        return ".".join(p for p in (self.roman, self.number) if p) or "?"

    def _id(self) -> str:
        base = self.number or self.roman or "item"
        numbers = [p.number for p in self.group if p.kind == "marker" and p.number]
        if all(p.kind == "heading" for p in self.group):
            candidate = base
        elif numbers and len(numbers) == sum(p.kind == "marker" for p in self.group):
            candidate = f"{base}.{numbers[0]}" + (f"-{numbers[-1]}" if len(numbers) > 1 else "")
        else:
            self.counts[base] = self.counts.get(base, 0) + 1
            candidate = f"{base}.{self.counts[base]}"
        used = {str(item["id"]) for item in self.items}
        if candidate in used and self.roman:
            candidate = f"{self.roman}.{candidate}"
        suffix = 2
        unique = candidate
        while unique in used:
            unique, suffix = f"{candidate}_{suffix}", suffix + 1
        return unique

    def _names(self, value: str, line_no: int) -> list[str]:
        names = split_bodies(value, self.bodies)
        if self.bodies and (self.bodies.bodies or self.bodies.classes):
            for name in names:
                if reason := self.bodies.unknown(name):
                    self.problems.append(Problem(line_no, reason))
        return names

    def _check_time(self, phrase: str, line_no: int) -> None:
        try:
            parse_time(phrase, self.issued_on)
        except TimePhraseError as exc:
            self.problems.append(Problem(line_no, str(exc)))

    def _add(self, line_no: int, item: dict[str, object]) -> None:
        self.items.append(item)
        self.item_lines.append(line_no)

    def _emit(self) -> None:
        block, self.block = self.block, _Block()
        group, self.group = self.group, []
        if not group:
            return
        first = group[0].line
        if block.time is None:
            where = (block.lead or block.partners or (first, ""))[0]
            self.problems.append(
                Problem(
                    where, "Mục không có dòng 'Thời gian thực hiện'; hãy bổ sung rồi trích lại."
                )
            )
            return
        lead = self._names(block.lead[1], block.lead[0]) if block.lead else []
        if not lead and self.default_lead:
            lead = [self.default_lead]
        if not lead:
            self.problems.append(
                Problem(
                    first,
                    "Mục không có 'Cơ quan chủ trì'; hãy ghi trong văn bản hoặc dùng --lead.",
                )
            )
        time = block.time[1].strip().rstrip(".").strip()
        self._check_time(time, block.time[0])
        self.group = group  # _id reads the markers
        item_id = self._id()
        self.group = []
        self._add(
            first,
            {
                "id": item_id,
                "section": self._section(),
                "text": "\n".join(p.text() for p in group),
                "lead": lead,
                "partners": self._names(block.partners[1], block.partners[0])
                if block.partners
                else [],
                "time": time,
                "quote": " ".join(block.lines),
            },
        )

    def _inline(self) -> None:
        group = self.group
        before = len(self.items)
        for piece in group:
            for position, part in enumerate(piece.parts):
                match = INLINE_DEADLINE.search(part)
                if not match or (piece.kind == "heading" and position == 0):
                    continue
                lead = self.heading if piece.kind == "heading" else self.default_lead
                if not lead:
                    message = "Không rõ cơ quan chủ trì của hạn này; hãy dùng --lead."
                    self.problems.append(Problem(piece.line, message))
                    continue
                if self.bodies and (self.bodies.bodies or self.bodies.classes):
                    if reason := self.bodies.unknown(lead):
                        self.problems.append(Problem(piece.line, reason))
                sentences = re.split(r"(?<=[;.])\s+", part)
                sentence = next(s for s in sentences if INLINE_DEADLINE.search(s))
                self._check_time(match[0], piece.line)
                self.group = [piece]
                item_id = self._id()
                self.group = group
                self._add(
                    piece.line,
                    {
                        "id": item_id,
                        "section": self._section(),
                        "text": part,
                        "lead": [lead],
                        "partners": [],
                        "time": match[0],
                        "quote": sentence.rstrip(";"),
                    },
                )
        if len(self.items) == before:
            self.skipped.extend(p.line for p in group if p.kind == "marker")


def _title(numbered: list[tuple[int, str]]) -> str | None:
    """The document's kind and what follows it in the same paragraph (or a "thực hiện …" one)."""
    for index, (line_no, text) in enumerate(numbered):
        if match := KIND.match(text):
            title = match[1].capitalize() + (f" {match[2]}" if match[2] else "")
            rest = numbered[index + 1 :]
            if rest and rest[0][1].casefold().startswith("thực hiện"):
                previous = line_no
                first = True
                for more_no, more in rest[:4]:
                    if not first and more_no != previous + 1:
                        break
                    title += " " + (more[0].lower() + more[1:] if first else more)
                    previous, first = more_no, False
            return title
    return None


def issued_on_of(lines: list[str]) -> dt.date | None:
    for text in lines[:40]:
        if match := DATE_LINE.match(text):
            try:
                return dt.date(int(match[3]), int(match[2]), int(match[1]))
            except ValueError:
                return None
    return None


def extract(
    text: str,
    document: str,
    *,
    bodies: BodyRegistry | None = None,
    issued_on: dt.date | None = None,
    programme_id: str | None = None,
    lead: str | None = None,
) -> Extracted:
    """The programme and its items as plain data, with every problem located by line."""
    numbered = [(n, clean(raw)) for n, raw in enumerate(text.splitlines(), start=1)]
    numbered = [(n, t) for n, t in numbered if t]
    plain = [t for _, t in numbered]
    problems: list[Problem] = []
    found_on = issued_on or issued_on_of(plain)
    if found_on is None:
        problems.append(
            Problem(
                1,
                "Không tìm thấy dòng ngày ban hành ('…, ngày 10 tháng 01 năm 2022'); "
                "hãy dùng --issued-on YYYY-MM-DD.",
            )
        )
    title = _title(numbered)
    if title is None:
        problems.append(Problem(1, "Không tìm thấy tên văn bản (CHƯƠNG TRÌNH…/KẾ HOẠCH…)."))
    reader = _Reader(bodies, lead, found_on or dt.date(2000, 1, 1))
    for line_no, line in numbered:
        if END.match(line):
            break
        reader.feed(line_no, line)
    reader.flush()
    if not reader.items:
        problems.append(Problem(1, "Không tìm thấy mục nào có 'Thời gian thực hiện/hoàn thành'."))
    programme: dict[str, object] = {
        "id": programme_id or slug(document.rsplit(".", 1)[0]),
        "title": title or document,
        "document": document,
        "issued_on": found_on,
    }
    return Extracted(
        programme,
        reader.items,
        reader.item_lines,
        sorted(problems + reader.problems, key=lambda p: p.line),
        reader.skipped,
    )
