"""Provinces by their 2025 codes and names (vietnam-provinces), for every layer that names them."""

from __future__ import annotations

from functools import cache

from compliance.registry.contract import fold


@cache
def current_provinces() -> dict[str, str]:
    """Two-digit code → name of the 34 provinces of 2025."""
    from vietnam_provinces import Province

    return {f"{int(p.code):02d}": p.name for p in Province.iter_all()}


def province_by_name(text: str) -> str | None:
    """The code of the province ``text`` names ("Tây Ninh", "tinh tay ninh"), if any."""
    wanted = fold(text).removeprefix("tinh ").removeprefix("thanh pho ")
    for code, name in current_provinces().items():
        bare = fold(name).removeprefix("tinh ").removeprefix("thanh pho ")
        if wanted == bare:
            return code
    return None
