"""What a form field, query parameter or path segment may hold: lengths, numbers, characters.

Every value a request carries passes through one of these types, so an oversized or
unencodable value is refused with a 422 and a Vietnamese message (web/errors.py) before it
reaches a query or a row — not stored for ever in a task's history, and never a 500 from the
database (NUL in PostgreSQL text, integers past 64 bits, LIKE patterns too long for SQLite).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

NAME_CHARS = 100  # a person's name (assignee, approver, login name)
CODE_CHARS = 64  # a unit, union, province or rule code
SEARCH_CHARS = 200  # the search box
NOTE_CHARS = 2_000  # a reason or a note
PATH_CHARS = 500  # a page of ours to go back to
PASSWORD_CHARS = 1_024
MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL
MAX_PAGE = 100_000

# Control characters (tab and line breaks aside) and lone surrogates: no database stores them
# (PostgreSQL refuses NUL, UTF-8 cannot encode a surrogate) and no person types them.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def storable(value: str) -> str:
    found = _UNSTORABLE.search(value)
    if found is not None:
        raise PydanticCustomError(
            "text_unstorable",
            "có ký tự điều khiển hoặc không mã hóa được ở vị trí {position}",
            {"position": found.start() + 1},
        )
    return value


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


_Storable = AfterValidator(storable)
Name = Annotated[str, StringConstraints(max_length=NAME_CHARS), _Storable]
Code = Annotated[str, StringConstraints(max_length=CODE_CHARS), _Storable]
Search = Annotated[str, StringConstraints(max_length=SEARCH_CHARS), _Storable]
Note = Annotated[str, StringConstraints(max_length=NOTE_CHARS), _Storable]
LocalPath = Annotated[str, StringConstraints(max_length=PATH_CHARS), _Storable]
Password = Annotated[str, StringConstraints(max_length=PASSWORD_CHARS), _Storable]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE)]
# A date field of a form: empty means "not given"; anything else must be YYYY-MM-DD.
FormDate = Annotated[dt.date | None, BeforeValidator(_blank_is_none)]
