"""One matching key for Vietnamese text: headers, file names, choice values and searches.

Case, diacritics (``đ`` counts as ``d``), spaces, underscores, hyphens and dots do not matter:
``Mã số thuế``, ``MA_SO_THUE`` and ``ma so thue`` are one header, and "cao su tan sang" finds
"Công ty Cao su Tân Sáng". The database has the same function as ``vn_fold`` (registered on
SQLite connections, created by migration 0008 on PostgreSQL) so a search folds both sides alike.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache


class _Letters(dict[int, str]):
    """Each character's folded form, worked out the first time it is met, so ``str.translate``
    folds a whole text in C (2.3× faster: a national run folds 190,000 names). Equal to
    normalising the text (NFD), dropping combining marks, case-folding and joining separators,
    because each of those works character by character (NFD's reordering moves only combining
    marks, which are dropped; ``\\s`` and ``str.split`` know the same whitespace)."""

    def __missing__(self, code: int) -> str:
        char = chr(code).replace("đ", "d").replace("Đ", "D")
        kept = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        self[code] = folded = kept.casefold().translate(_AS_SPACE)
        return folded


_AS_SPACE = str.maketrans("_-.", "   ")  # separators, as the whitespace split() drops
_LETTERS = _Letters()


# SQL calls it once per row of every search and sort by name, over and over the same names.
@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    return " ".join(text.translate(_LETTERS).split())


def fold_or_none(text: str | None) -> str | None:
    """:func:`fold` for SQL: NULL stays NULL."""
    return None if text is None else fold(text)


def letter_map() -> tuple[str, str]:
    """(accented letters, their folded letters) for PostgreSQL's ``translate``: every Latin
    letter up to U+1EFF that folds to one ASCII letter, so the SQL function equals :func:`fold`
    on Vietnamese text."""
    source, target = [], []
    for code in range(0xC0, 0x1F00):
        char = chr(code)
        folded = fold(char)
        if char.isalpha() and len(folded) == 1 and folded.isascii() and folded != char:
            source.append(char)
            target.append(folded)
    return "".join(source), "".join(target)


def search_key(code: str, name: str | None) -> str:
    """What a search of the lists compares: the code and the name, folded (stored with a task;
    the SQL fallback ``vn_fold(unit || ' ' || coalesce(unit_name, ''))`` gives the same)."""
    return fold.__wrapped__(f"{code} {name or ''}")  # each key once: not worth caching
