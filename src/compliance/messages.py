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
    "row.part_exceeds_whole": "'{part}' ({part_value}) lớn hơn '{whole}' ({whole_value}).",
    "row.dates_out_of_order": "'{later}' ({later_value}) sớm hơn '{earlier}' ({earlier_value}).",
    "row.not_grassroots": (
        "Chỉ công đoàn cơ sở mới gắn với doanh nghiệp; công đoàn loại '{kind}' không được có "
        "'enterprise_tax_code'."
    ),
    "row.rejected_parent": "Bị loại vì dòng '{value}' của bảng {parent} mà nó trỏ tới đã bị loại.",
    "row.overlapping_history": (
        "Khoảng hiệu lực chồng lên khoảng ở dòng {other_row} của cùng công đoàn."
    ),
    # database
    "database.outdated": (
        "Cơ sở dữ liệu {url} chưa ở phiên bản mới nhất (hiện: {current}). Hãy chạy "
        "'compliance db upgrade' hoặc nạp dữ liệu bằng 'compliance import THƯ_MỤC'."
    ),
    "database.unreachable": (
        "Không kết nối được cơ sở dữ liệu {url}: {reason}. Hãy kiểm tra COMPLIANCE_DATABASE_URL."
    ),
    # web: logins and sessions
    "account.throttled_name": (
        "Đăng nhập sai quá nhiều lần với tên này; tài khoản tạm khóa đến {until}. Hãy thử lại sau."
    ),
    "account.throttled_address": (
        "Đăng nhập sai quá nhiều lần từ máy này; hãy thử lại sau {until}."
    ),
    "web.cross_origin": (
        "Yêu cầu gửi từ một trang web khác nên bị từ chối. Hãy mở giao diện rà soát trực tiếp "
        "rồi thao tác lại."
    ),
    # web: input limits
    "web.body_too_large": (
        "Nội dung gửi lên quá lớn (tối đa {limit} byte). Hãy rút gọn rồi gửi lại."
    ),
    "web.invalid_input": "Dữ liệu gửi lên không hợp lệ: {problems}.",
    "web.server_error": (
        "Máy chủ gặp lỗi khi xử lý yêu cầu này. Hãy thử lại; nếu vẫn lỗi, hãy báo người quản "
        "trị kèm thời điểm xảy ra."
    ),
    # web: reports made on request
    "web.report_busy": "Máy chủ đang lập một báo cáo khác; hãy thử lại sau ít phút.",
    "web.report_too_soon": "Bạn vừa lập một báo cáo; hãy chờ {seconds} giây rồi thử lại.",
}


def message(code: str, **params: object) -> str:
    """The Vietnamese text of ``code``; a missing placeholder leaves the template readable."""
    template = MESSAGES[code]
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
