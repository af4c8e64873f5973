"""Provinces by their 2025 codes and names (vietnam-provinces), for every layer that names them."""

from __future__ import annotations

from functools import cache

from compliance.registry.contract import fold


@cache
def current_provinces() -> dict[str, str]:
    """Two-digit code → name of the 34 provinces of 2025."""
    from vietnam_provinces import Province

    return {f"{int(p.code):02d}": p.name for p in Province.iter_all()}


@cache
def ward_names() -> dict[str, str]:
    """Five-digit ward code → its name ("Phường Tân Ninh"), the 3,321 wards of 2025."""
    from vietnam_provinces import Ward

    return {f"{int(w.code):05d}": w.name for w in Ward.iter_all()}


def province_label(code: str | None) -> str:
    """ "Tây Ninh (80)"; an unknown code as it is."""
    if not code:
        return ""
    name = current_provinces().get(code)
    return f"{name} ({code})" if name else code


def ward_label(code: str | None) -> str:
    """ "Phường Tân Ninh (25480)"; an unknown code as it is."""
    if not code:
        return ""
    name = ward_names().get(code.zfill(5) if code.isdigit() else code)
    return f"{name} ({code})" if name else code


def province_by_name(text: str) -> str | None:
    """The code of the province ``text`` names ("Tây Ninh", "tinh tay ninh"), if any."""
    wanted = fold(text).removeprefix("tinh ").removeprefix("thanh pho ")
    for code, name in current_provinces().items():
        bare = fold(name).removeprefix("tinh ").removeprefix("thanh pho ")
        if wanted == bare:
            return code
    return None
