"""Split a *Cơ quan chủ trì / phối hợp* line into the bodies it names.

Commas separate bodies, but also sit inside one name ("Các huyện ủy, thị ủy, thành ủy", "Các cơ
quan tham mưu, giúp việc Tỉnh ủy"), and "và" joins words of one name ("Ban Tuyên giáo và Dân vận
Tỉnh ủy"), so a plain split is wrong. The line is cut at ";" (always a separator), then at ","
into pieces that are joined back: first into the longest run of pieces the body registry knows
as one name, else a piece that begins in lower case (not "các …", which starts a new class of
bodies) continues the name before it. "và" never splits.
"""

from __future__ import annotations

import re

from compliance.programmes.bodies import BodyRegistry, key


def _continues(piece: str) -> bool:
    first = piece.split(" ", 1)[0]
    return first[:1].islower() and first.casefold() != "các"


def split_bodies(line: str, bodies: BodyRegistry | None = None) -> list[str]:
    """The body names of one line, as written (trailing full stop and spaces dropped)."""
    known = bodies.known_keys() if bodies else frozenset()
    names: list[str] = []
    for part in line.split(";"):
        pieces = [p.strip() for p in part.split(",")]
        pieces = [p for p in pieces if p]
        index = 0
        while index < len(pieces):
            run = next(
                (
                    end
                    for end in range(len(pieces), index + 1, -1)
                    if key(", ".join(pieces[index:end])) in known
                ),
                None,
            )
            if run is not None:
                names.append(", ".join(pieces[index:run]))
                index = run
                continue
            piece = pieces[index]
            if names and _continues(piece) and index > 0 and key(names[-1]) not in known:
                names[-1] = f"{names[-1]}, {piece}"
            else:
                names.append(piece)
            index += 1
    return [re.sub(r"\s+", " ", n).strip(" .") for n in names if n.strip(" .")]
