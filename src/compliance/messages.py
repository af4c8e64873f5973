"""Vietnamese text for every stable error code.

Codes are English and never change once published (scripts match on them); the text is what a
Vietnamese operator reads and says what to do. Placeholders are filled with ``str.format``.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # folder and file
    "folder.not_found": "Không tìm thấy thư mục {path}. Hãy kiểm tra lại đường dẫn.",
    "folder.no_tables": (
        "Thư mục {path} không có tệp dữ liệu nào được nhận dạng (cần các tệp .csv hoặc .xlsx "
        "mang tên bảng, ví dụ enterprises.csv, unions.xlsx)."
    ),
    "file.unreadable": "Không đọc được tệp: {reason}. Hãy mở và lưu lại tệp rồi nạp lại.",
    "file.encoding": (
        "Tệp không phải mã UTF-8 ({reason}). Hãy lưu lại tệp CSV với mã hóa UTF-8 rồi nạp lại."
    ),
    "file.no_header": "Tệp trống hoặc không có dòng tiêu đề.",
    "file.duplicate_table": (
        "Bảng {table} có nhiều hơn một tệp trong lần nạp này (cũng có ở {other}); "
        "hãy chỉ để lại một tệp."
    ),
    "file.unknown_table": "Tên tệp/trang tính không ứng với bảng nào; đã bỏ qua.",
    # header
    "header.missing_column": (
        "Thiếu cột bắt buộc '{column}' ({label}). Hãy thêm cột này vào dòng tiêu đề."
    ),
    "header.duplicate_column": (
        "Cột '{header}' và cột '{other}' cùng chỉ '{column}'; hãy giữ lại một cột."
    ),
    "header.unknown_column": "Cột '{header}' không thuộc định dạng; đã bỏ qua.",
    "header.absent_column": (
        "Không có cột '{column}' ({label}); giá trị đã lưu của cột này được giữ nguyên."
    ),
    # cell
    "value.required": "Thiếu giá trị bắt buộc ở cột '{column}'.",
    "value.not_integer": "'{value}' không phải số nguyên.",
    "value.negative": "'{value}' là số âm; số lượng và số tiền phải lớn hơn hoặc bằng 0.",
    "value.not_number": "'{value}' không phải số.",
    "value.out_of_range": "'{value}' nằm ngoài khoảng cho phép ({low}–{high}).",
    "value.bad_date": (
        "'{value}' không phải ngày hợp lệ; hãy ghi theo dạng NN/TT/NNNN (ví dụ 31/01/2024) "
        "hoặc NNNN-TT-NN."
    ),
    "value.impossible_date": "Ngày '{value}' không tồn tại trong lịch.",
    "value.bad_boolean": "'{value}' không phải giá trị có/không; hãy ghi 'có' hoặc 'không'.",
    "value.unknown_choice": "Giá trị '{value}' không hợp lệ; chỉ nhận: {choices}.",
    "value.bad_period": "Kỳ '{value}' không hợp lệ; hãy ghi theo dạng NNNN-TT (ví dụ 2024-03).",
    # row
    "row.too_many_cells": "Dòng có nhiều ô hơn dòng tiêu đề ({count} ô, tiêu đề có {headers}).",
    "row.duplicate_key": "Trùng khóa {key} với dòng {other_row} trong cùng tệp.",
    "row.dangling_reference": (
        "'{value}' ở cột '{column}' không có trong bảng {parent} (cả trong dữ liệu đã lưu lẫn "
        "lần nạp này)."
    ),
    # implausible rows: warnings by default (the row is loaded), errors with --strict
    "row.part_exceeds_whole": (
        "'{part}' ({part_value}) lớn hơn '{whole}' ({whole_value}); hãy kiểm tra lại hồ sơ "
        "và sửa số liệu ở lần gửi sau."
    ),
    "row.dates_out_of_order": (
        "'{later}' ({later_value}) sớm hơn '{earlier}' ({earlier_value}); hãy kiểm tra lại "
        "hồ sơ và sửa ngày ở lần gửi sau."
    ),
    "row.not_grassroots": (
        "Chỉ công đoàn cơ sở mới gắn với doanh nghiệp; công đoàn loại '{kind}' có "
        "'enterprise_tax_code'. Hãy kiểm tra lại loại công đoàn hoặc bỏ mã số thuế."
    ),
    "row.rejected_parent": "Bị loại vì dòng '{value}' của bảng {parent} mà nó trỏ tới đã bị loại.",
    "row.overlapping_history": (
        "Khoảng hiệu lực chồng lên khoảng ở dòng {other_row} của cùng công đoàn."
    ),
    # runs
    "run.unknown_province": (
        "Không có tỉnh mã '{province}' trong danh mục 34 tỉnh, thành phố hay trong sổ đăng ký; "
        "hãy nhập mã tỉnh hai chữ số.{suggestions} Không có gì được chạy."
    ),
    "run.province_name": (
        "'{province}' là tên tỉnh; hãy nhập mã tỉnh: {province_code} ({name}). "
        "Không có gì được chạy."
    ),
    "run.unknown_unit": (
        "Không có đơn vị mã '{unit}' trong sổ đăng ký (mã số thuế, mã công đoàn, mã đơn thư "
        "hoặc mã lần bầu).{suggestions} Không có gì được chạy."
    ),
    "run.unknown_rule": (
        "Không có quy tắc '{rule}' trong danh mục quy tắc.{suggestions} Không có gì được chạy."
    ),
    "run.backdated": (
        "Ngày xét {as_of} sớm hơn ngày xét của lần rà soát toàn bộ gần nhất ({latest}): chạy "
        "lùi ngày sẽ đóng nhầm các việc của kỳ mới hơn. Hãy chọn ngày từ {latest} trở đi, hoặc "
        "chạy như một lần rà soát lịch sử (chỉ ghi phát hiện, không thay đổi việc nào)."
    ),
    "run.not_allowed": "Chỉ quản trị hoặc vận hành mới được chạy kiểm tra.",
    "run.unit_outside_scope": "Đơn vị {unit} nằm ngoài phạm vi của bạn ({scope}).",
    "run.province_outside_scope": "Tỉnh {province} nằm ngoài phạm vi của bạn ({scope}).",
    "run.union_scope_needs_unit": (
        "Phạm vi của bạn là một công đoàn: hãy chọn một đơn vị trong phạm vi để chạy."
    ),
    # database
    "database.outdated": (
        "Cơ sở dữ liệu {url} chưa ở phiên bản mới nhất (hiện: {current}). Hãy chạy "
        "'compliance db upgrade' hoặc nạp dữ liệu bằng 'compliance import THƯ_MỤC'."
    ),
    "database.unreachable": (
        "Không kết nối được cơ sở dữ liệu {url}: {reason}. Hãy kiểm tra COMPLIANCE_DATABASE_URL."
    ),
    # audit log and task histories (hash chain)
    "audit.chain_broken": (
        "Chuỗi băm của bảng {table} bị đứt ở dòng id={id}: {problem}. Lịch sử từ dòng này có thể "
        "đã bị sửa ngoài ứng dụng: hãy đối chiếu với bản sao lưu và báo cho quản trị hệ thống."
    ),
    "audit.chain_intact": (
        "Bảng {table}: {rows} dòng, chuỗi băm nguyên vẹn (mã băm cuối: {last_hash}). Hãy ghi lại "
        "mã băm cuối ở nơi khác để lần kiểm sau phát hiện cả việc xóa các dòng cuối."
    ),
    # notifications
    "notify.failed": (
        "Không gửi được {count} thông báo ({bodies}) tới {target} sau {attempts} lần thử: "
        "{reason}. Lần chạy đã được ghi đầy đủ; hãy kiểm tra nơi nhận ('compliance notify list')."
    ),
    "notify.bad_url": "Apprise không nhận địa chỉ '{target}'. Hãy kiểm tra lại địa chỉ.",
}


def message(code: str, **params: object) -> str:
    """The Vietnamese text of ``code``; a missing placeholder leaves the template readable."""
    template = MESSAGES[code]
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
