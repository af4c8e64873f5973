"""``compliance programmes …``: action programmes read from their documents."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from compliance.console import console, err_console

programmes_app = typer.Typer(
    help="Action programmes: extract a document into a programme file.", no_args_is_help=True
)

MAX_DOCUMENT_BYTES = 5_000_000  # a programme is a few pages; anything larger is not one


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"Ngày '{value}' không hợp lệ; hãy ghi dạng NNNN-TT-NN, ví dụ 2022-01-10."
        ) from None


def _read(path: Path) -> str:
    """The document's text; a refusal in Vietnamese rather than a traceback."""
    from compliance.programmes.docx import DocxUnreadable, docx_text

    if not path.is_file():
        raise typer.BadParameter(f"Không tìm thấy tệp {path}.")
    if path.stat().st_size > MAX_DOCUMENT_BYTES:
        raise typer.BadParameter(
            f"Tệp {path} lớn hơn {MAX_DOCUMENT_BYTES} byte: không phải một văn bản chương trình."
        )
    if path.suffix.lower() == ".docx":
        try:
            return docx_text(path)
        except DocxUnreadable as exc:
            raise typer.BadParameter(str(exc)) from None
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise typer.BadParameter(
            f"Tệp {path} không phải văn bản UTF-8; hãy lưu lại dạng .txt (UTF-8) hoặc .docx."
        ) from None


@programmes_app.command("extract")
def extract_command(
    file: Annotated[Path, typer.Argument(help="The programme document (.txt UTF-8 or .docx).")],
    out: Annotated[Path, typer.Option(help="Folder to write the programme file into.")] = Path("."),
    issued_on: Annotated[
        str | None, typer.Option(help="Issue date YYYY-MM-DD when the document shows none.")
    ] = None,
    programme_id: Annotated[
        str | None, typer.Option("--id", help="Programme id (default: from the file name).")
    ] = None,
    lead: Annotated[
        str | None,
        typer.Option(help="Lead body for items that name none (a plan's own items)."),
    ] = None,
) -> None:
    """Read an action programme into a programme file; what it cannot read is listed by line."""
    from compliance.programmes.bodies import registry
    from compliance.programmes.extract import extract
    from compliance.programmes.load import check_file
    from compliance.programmes.write import write

    text = _read(file)
    bodies = registry()
    found = extract(
        text,
        file.name,
        bodies=bodies,
        issued_on=_date(issued_on),
        programme_id=programme_id,
        lead=lead,
    )
    for problem in found.problems:
        err_console.print(escape(f"{file}:{problem.line}: {problem.message}"), highlight=False)
    if found.programme["issued_on"] is None or not found.items:
        err_console.print("[red]Chưa ghi tệp chương trình: hãy sửa các lỗi trên.[/red]")
        raise typer.Exit(code=1)
    path = write(out, found.programme, found.items)
    reported = {p.message for p in found.problems}
    _, problems = check_file(path, bodies)
    for problem in problems:
        if problem.message not in reported:
            err_console.print(escape(str(problem)), highlight=False)
    console.print(
        f"Đã ghi {path}: {len(found.items)} mục"
        + (
            f"; bỏ qua {len(found.skipped)} đoạn không có thời gian thực hiện"
            if found.skipped
            else ""
        )
        + "."
    )
    if found.problems or problems:
        err_console.print(
            f"[red]{len(found.problems) + len(problems)} chỗ cần sửa trước khi dùng tệp.[/red]"
        )
        raise typer.Exit(code=1)
