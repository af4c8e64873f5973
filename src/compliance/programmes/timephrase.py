"""Read an item's time as the document writes it (*Thời gian thực hiện / hoàn thành*).

The phrases are free text, so the reader is strict in one direction only: every time expression
it knows is taken (quarters in Roman or Arabic numerals, dates in the seeds' spellings, months,
years, "hàng năm", "định kỳ hàng quý", "thường xuyên", review milestones absolute or counted from
``issued_on``), and what is left must be plain words ("kế hoạch cụ thể", "hoặc khi có phát
sinh"). A leftover that still looks like a time (a digit, "quý", "tháng", "sơ kết", …) is an
error rather than a deadline silently lost.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass


class TimePhraseError(ValueError):
    """A phrase that cannot be read; the message is Vietnamese and quotes the phrase."""


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    period: str | None  # None for an item's single deadline, the due date for a milestone


@dataclass(frozen=True)
class Schedule:
    deadlines: tuple[Deadline, ...] = ()
    yearly: bool = False
    quarterly: bool = False
    continuous: bool = False  # no deadline: gives no finding


ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
REVIEW = r"(?:sơ kết|tổng kết)"
YEAR = r"(\d{4})"
MONTH_YEAR = r"tháng\s*(\d{1,2})\s*(?:năm|/|-)\s*" + YEAR
# Words that, left over after the known expressions are taken, mean a time was not understood.
TIME_WORDS = re.compile(
    r"\d|\bquý\b|\btháng\b|\bngày\b|\bnăm\b|\btuần\b|sơ kết|tổng kết|\bhàng\b|\bhằng\b|định kỳ"
)


def normalise(phrase: str) -> str:
    """One spelling: NFC, lower case, "quí" → "quý", "hằng" → "hàng", single spaces."""
    text = unicodedata.normalize("NFC", phrase).casefold()
    text = text.replace("quí", "quý").replace("hằng", "hàng")
    text = text.replace("\u00a0", " ").replace("–", "-")
    return re.sub(r"\s+", " ", text).strip()


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def quarter_end(year: int, quarter: int) -> dt.date:
    return _month_end(year, quarter * 3)


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


@dataclass
class _Found:
    single: list[dt.date]
    milestones: list[dt.date]
    yearly: bool = False
    quarterly: bool = False
    continuous: bool = False


def _check_month(month: int, phrase: str) -> int:
    if not 1 <= month <= 12:
        raise TimePhraseError(f"Tháng {month} không có trong lịch ở thời gian '{phrase}'.")
    return month


def _date(day: str, month: str, year: str, phrase: str) -> dt.date:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise TimePhraseError(
            f"Ngày {day}/{month}/{year} không có trong lịch ở thời gian '{phrase}'."
        ) from None


Handler = Callable[[re.Match[str], _Found, dt.date, str], None]


def _review_in_month(m: re.Match[str], found: _Found, issued_on: dt.date, phrase: str) -> None:
    found.milestones.append(_month_end(int(m[2]), _check_month(int(m[1]), phrase)))


def _review_in_year(m: re.Match[str], found: _Found, issued_on: dt.date, phrase: str) -> None:
    found.milestones.append(dt.date(int(m[1]), 12, 31))


def _review_after(m: re.Match[str], found: _Found, issued_on: dt.date, phrase: str) -> None:
    for years in re.findall(r"\d+", m[1]):
        if not 1 <= int(years) <= 50:
            raise TimePhraseError(f"Mốc {years} năm không hợp lý ở thời gian '{phrase}'.")
        found.milestones.append(_years_after(issued_on, int(years)))


def _full_date(m: re.Match[str], found: _Found, issued_on: dt.date, phrase: str) -> None:
    found.single.append(_date(m[1], m[2], m[3], phrase))


def _quarter(m: re.Match[str], found: _Found, issued_on: dt.date, phrase: str) -> None:
    number = ROMAN.get(m[1]) or (int(m[1]) if m[1].isdigit() else 0)
    if not 1 <= number <= 4:
        raise TimePhraseError(
            f"Quý '{m[1].upper()}' không hợp lệ ở thời gian '{phrase}' (quý I, II, III hoặc IV)."
        )
    found.single.append(quarter_end(int(m[2]), number))


def _month(m: re.Match[str], found: _Found, issued_on: dt.date, phrase: str) -> None:
    found.single.append(_month_end(int(m[2]), _check_month(int(m[1]), phrase)))


def _year(m: re.Match[str], found: _Found, issued_on: dt.date, phrase: str) -> None:
    found.single.append(dt.date(int(m[1]), 12, 31))


def _flag(name: str) -> Handler:
    def handler(m: re.Match[str], found: _Found, issued_on: dt.date, phrase: str) -> None:
        setattr(found, name, True)

    return handler


# In order: an expression is blanked out once taken, so the longer readings come first
# ("tháng 11 năm 2022 tiến hành sơ kết 03 năm" is one milestone, not a month and a milestone).
PATTERNS: list[tuple[re.Pattern[str], Handler]] = [
    (
        re.compile(
            MONTH_YEAR
            + r"\s*(?:,\s*)?(?:tiến hành\s*|tổ chức\s*)?"
            + REVIEW
            + r"(?:\s*\d{1,2}\s*năm)?"
        ),
        _review_in_month,
    ),
    (re.compile(r"năm\s*" + YEAR + r"\s*(?:tiến hành\s*|tổ chức\s*)?" + REVIEW), _review_in_year),
    (re.compile(REVIEW + r"\s*(?:vào\s*|trong\s*)?năm\s*" + YEAR), _review_in_year),
    (
        re.compile(REVIEW + r"\s*((?:\d{1,2}\s*năm)(?:\s*(?:,|và)\s*\d{1,2}\s*năm)*)"),
        _review_after,
    ),
    (re.compile(r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*" + YEAR), _full_date),
    (re.compile(r"(?:ngày\s*)?(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*" + YEAR), _full_date),
    (re.compile(r"quý\s*([ivx]+|\d+)\s*(?:/|-|năm)\s*" + YEAR), _quarter),
    (re.compile(MONTH_YEAR), _month),
    (re.compile(r"năm\s*" + YEAR), _year),
    (re.compile(r"(?:định kỳ\s*)?hàng quý"), _flag("quarterly")),
    (re.compile(r"(?:định kỳ\s*)?hàng năm"), _flag("yearly")),
    (re.compile(r"thường xuyên"), _flag("continuous")),
]


def parse_time(phrase: str, issued_on: dt.date) -> Schedule:
    """The schedule a time phrase sets; :class:`TimePhraseError` when any part is not read.

    Several expressions may share one phrase. A phrase with one plain deadline gives it
    ``period=None``; with several (rare: "Quý II/2021 và Quý IV/2021") each is labelled by its
    date like a milestone, so their progress reports stay apart.
    """
    text = normalise(phrase)
    if not text:
        raise TimePhraseError(
            "Thời gian thực hiện đang để trống; hãy ghi như văn bản, ví dụ 'Quý III/2023'."
        )
    found = _Found(single=[], milestones=[])
    for pattern, handler in PATTERNS:
        for match in list(pattern.finditer(text)):
            handler(match, found, issued_on, phrase)
        text = pattern.sub(lambda m: " " * len(m[0]), text)
    leftover = re.sub(r"\s+", " ", text).strip(" ,.;:")
    if TIME_WORDS.search(leftover) or not (
        found.single or found.milestones or found.yearly or found.quarterly or found.continuous
    ):
        shown = f" (không hiểu phần '{leftover}')" if leftover else ""
        raise TimePhraseError(
            f"Không đọc được thời gian '{phrase}'{shown}. Hãy ghi như 'Quý III/2023', "
            "'31/10/2021', 'trong năm 2021', 'hàng năm', 'định kỳ hàng quý', 'thường xuyên' "
            "hoặc 'sơ kết 03 năm'."
        )
    singles = sorted(set(found.single))
    label_singles = len(singles) > 1
    deadlines = {d: Deadline(d, d.isoformat() if label_singles else None) for d in singles}
    for day in found.milestones:
        deadlines[day] = Deadline(day, day.isoformat())
    return Schedule(
        deadlines=tuple(sorted(deadlines.values(), key=lambda d: d.due)),
        yearly=found.yearly,
        quarterly=found.quarterly,
        continuous=found.continuous,
    )
