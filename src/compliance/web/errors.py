"""How the web UI says no: a Vietnamese message with a stable code, as JSON for scripts and as
the error page for browsers — for refusals, invalid input, and the failure nobody foresaw.

No answer ever carries a traceback or echoes back what was sent (a 60 KB value stays out of
the page); validation problems name the field and what is wrong with it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import HTTPException, RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response

from compliance.exceptions import ComplianceError
from compliance.messages import message
from compliance.web.auth import NotAuthenticated
from compliance.web.render import templates

log = logging.getLogger(__name__)


class Refused(ComplianceError):
    """A request the web UI will not serve: an HTTP status, a stable code and its text."""

    def __init__(
        self, status: int, code: str, headers: dict[str, str] | None = None, **params: Any
    ) -> None:
        self.status, self.code, self.headers = status, code, headers
        super().__init__(message(code, **params))


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/api/") or "text/html" not in accept


def refusal(
    request: Request,
    status: int,
    detail: str,
    code: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The answer to a refused request, in the form the caller reads."""
    if wants_json(request):
        body: dict[str, Any] = {"detail": detail}
        if code is not None:
            body["code"] = code
        return JSONResponse(body | (extra or {}), status_code=status, headers=headers)
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "detail": detail},
        status_code=status,
        headers=headers,
    )


_WHERE = {"body": "trường", "query": "tham số", "path": "đường dẫn", "header": "tiêu đề"}
_WHAT = {
    "missing": "bắt buộc nhưng không có",
    "string_too_long": "dài quá {max_length} ký tự",
    "string_too_short": "ngắn hơn {min_length} ký tự",
    "string_type": "phải là chuỗi ký tự",
    "string_pattern_mismatch": "không đúng dạng cho phép",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "float_parsing": "phải là số",
    "greater_than_equal": "phải từ {ge} trở lên",
    "greater_than": "phải lớn hơn {gt}",
    "less_than_equal": "không được lớn hơn {le}",
    "less_than": "phải nhỏ hơn {lt}",
    "date_parsing": "phải là ngày dạng NNNN-TT-NN",
    "date_from_datetime_parsing": "phải là ngày dạng NNNN-TT-NN",
    "date_from_datetime_inexact": "phải là ngày dạng NNNN-TT-NN",
    "date_type": "phải là ngày dạng NNNN-TT-NN",
    "bool_parsing": "phải là true hoặc false",
    "enum": "chỉ nhận: {expected}",
    "literal_error": "chỉ nhận: {expected}",
    "json_invalid": "không phải JSON hợp lệ",
    "model_attributes_type": "phải là một đối tượng JSON",
    "dict_type": "phải là một đối tượng JSON",
    "list_type": "phải là một danh sách",
}


def _problem(error: dict[str, Any]) -> dict[str, Any]:
    loc: Sequence[Any] = error.get("loc", ())
    where = _WHERE.get(str(loc[0]), str(loc[0])) if loc else "yêu cầu"
    field = ".".join(str(p) for p in loc[1:])[:80]
    kind = error.get("type", "")
    if kind in _WHAT:
        try:
            what = _WHAT[kind].format(**(error.get("ctx") or {}))
        except (KeyError, IndexError):
            what = _WHAT[kind]
    elif kind == "text_unstorable":
        what = error.get("msg", "có ký tự không hợp lệ")
    else:
        what = "giá trị không hợp lệ"
    text = f"{where} '{field}' {what}" if field else f"{where} {what}"
    return {"loc": [str(p)[:80] for p in loc], "message": text}


def install(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def _login_first(request: Request, _exc: NotAuthenticated) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": "Chưa đăng nhập."}, status_code=401)
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        return refusal(request, exc.status_code, str(exc.detail), headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [_problem(e) for e in exc.errors()][:10]
        detail = message("web.invalid_input", problems="; ".join(p["message"] for p in problems))
        return refusal(request, 422, detail, "web.invalid_input", {"errors": problems})

    @app.exception_handler(Refused)
    async def _refused_here(request: Request, exc: Refused) -> Response:
        return refusal(request, exc.status, str(exc), exc.code, headers=exc.headers)

    @app.exception_handler(ComplianceError)
    async def _refused(request: Request, exc: ComplianceError) -> Response:
        return refusal(request, exc.http_status, str(exc), exc.code)
