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
    "file.not_regular": (
        "'{name}' không phải một tệp thường nằm trong thư mục nạp ({kind}); đã từ chối để không "
        "đọc nhầm thiết bị, FIFO hay tệp ở nơi khác. Hãy chép chính tệp dữ liệu vào thư mục "
        "rồi nạp lại."
    ),
    "file.too_large": (
        "Tệp lớn {size} byte, vượt giới hạn {limit} byte. Nếu tệp đúng là lớn như vậy, hãy chia "
        "nhỏ tệp hoặc tăng COMPLIANCE_IMPORT_MAX_FILE_BYTES."
    ),
    "file.too_many_rows": (
        "Bảng có hơn {limit} dòng dữ liệu. Nếu đúng là nhiều như vậy, hãy chia thành nhiều lần "
        "nạp hoặc tăng COMPLIANCE_IMPORT_MAX_ROWS."
    ),
    "file.unclosed_quote": (
        'Dấu ngoặc kép (") mở ở dòng {line} không bao giờ được đóng: mọi dòng sau đó sẽ bị gộp '
        "vào một ô. Hãy đóng ngoặc kép hoặc xóa dấu ngoặc kép thừa ở dòng {line} rồi nạp lại."
    ),
    "file.stray_quote": (
        'Dấu ngoặc kép (") đặt sai ở dòng {line}: sau dấu đóng ngoặc kép phải là dấu phân cách '
        "hoặc hết dòng. Ô có dấu ngoặc kép phải được đặt cả trong ngoặc kép, mỗi dấu ngoặc kép "
        'bên trong viết thành ""; hãy sửa dòng {line} rồi nạp lại.'
    ),
    "file.cell_too_large": (
        'Ô bắt đầu ở dòng {line} dài hơn {limit} ký tự. Thường là do một dấu ngoặc kép (") mở '
        "mà không đóng, làm các dòng sau bị gộp vào một ô: hãy kiểm tra dòng {line} rồi nạp lại."
    ),
    "file.line_too_long": (
        "Dòng {line} dài hơn {limit} ký tự mà không xuống dòng: tệp không phải CSV hoặc đã hỏng. "
        "Hãy xuất lại tệp CSV từ chương trình gốc rồi nạp lại."
    ),
    "file.zip_bomb": (
        "Tệp XLSX khi giải nén lớn bất thường ({detail}); đã từ chối để bảo vệ máy chủ. Nếu đây "
        "là dữ liệu thật, hãy lưu bảng thành CSV (UTF-8) rồi nạp lại, hoặc tăng "
        "COMPLIANCE_IMPORT_MAX_XLSX_RATIO / COMPLIANCE_IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES."
    ),
    "file.xml_unsafe": (
        "Phần {member} của tệp XLSX có nội dung XML không được nhận ({detail}); Excel không tạo ra "
        "nội dung như vậy. Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại thành .xlsx rồi nạp "
        "lại."
    ),
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
    "value.bad_programme_period": (
        "Kỳ thực hiện '{value}' không hợp lệ; hãy ghi năm (2024), quý (2024-Q3 hoặc Quý III/2024), "
        "ngày mốc sơ kết/tổng kết (30/11/2022), hoặc để trống với nhiệm vụ thực hiện một lần."
    ),
    "value.control_character": (
        "Ô có ký tự điều khiển {char} ở vị trí {position} (ký tự xuống dòng, tab, NUL… không được "
        "phép trong văn bản). Hãy xóa ký tự đó (thường do dán từ phần mềm khác) rồi nạp lại."
    ),
    "value.too_long": (
        "Ô dài {length} ký tự, vượt giới hạn {limit}. Hãy kiểm tra ô này (có thể nhiều ô đã bị "
        "gộp vào một) hoặc tăng COMPLIANCE_IMPORT_MAX_CELL_CHARS."
    ),
    "value.numeric_code": (
        "'{value}' ở cột mã là ô kiểu số nên số 0 ở đầu (nếu có) đã mất; {expected}. Hãy định "
        "dạng cột này là Văn bản (Text) trong Excel, nhập lại mã đúng như trên giấy tờ rồi nạp "
        "lại."
    ),
    "value.not_finite": (
        "'{value}' không phải một số hữu hạn (nan, inf hoặc số quá lớn); hãy ghi số bằng chữ số, "
        "ví dụ 1.500.000."
    ),
    "value.formula_without_value": (
        "Ô {cell} là công thức ({formula}) chưa có giá trị đã tính (tệp do một chương trình không "
        "tính công thức tạo ra). Hãy mở tệp bằng Excel hoặc LibreOffice để công thức được tính, "
        "lưu lại (hoặc dán giá trị thay cho công thức) rồi nạp lại."
    ),
    "value.excel_error": (
        "Ô {cell} chứa lỗi Excel {value}; hãy sửa công thức hoặc nhập giá trị đúng rồi nạp lại."
    ),
    "value.bad_identifier": (
        "'{value}' không phải mã loại hợp lệ: mã loại gồm chữ thường không dấu, chữ số và dấu "
        "gạch dưới, bắt đầu bằng chữ cái (ví dụ dialogue, housing_handover){suggestion}. Hãy sửa "
        "ô này rồi nạp lại."
    ),
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
    "row.too_few_cells": (
        "Dòng có ít ô hơn dòng tiêu đề ({count} ô, tiêu đề có {headers}): thường do một ô có ký "
        "tự xuống dòng hoặc dấu phân cách mà không đặt trong ngoặc kép, làm dòng bị cắt đôi. Hãy "
        "sửa dòng này rồi nạp lại."
    ),
    "row.superior_cycle": (
        "Quan hệ cấp trên tạo thành vòng lặp: {loop}. Một công đoàn không thể là cấp trên (trực "
        "tiếp hay gián tiếp) của chính nó; hãy sửa '{column}' rồi nạp lại."
    ),
    "row.moves_existing": (
        "Mã '{key}' đã có trong dữ liệu đã lưu, gắn với '{stored}'; dòng này sẽ chuyển nó sang "
        "'{value}'. Mã sự việc chỉ là duy nhất trong hệ thống đã cấp nó: nếu đây là một sự việc "
        "khác (ví dụ của tỉnh khác), hãy đổi mã (thêm tiền tố, như mã tỉnh) rồi nạp lại; nếu "
        "đúng là sửa đơn vị bị ghi sai, hãy nạp lại với tùy chọn --correction."
    ),
    "row.moved_existing": (
        "Theo --correction, mã '{key}' đã được chuyển từ '{stored}' sang '{value}'."
    ),
    # the import as a whole
    "registry.import_refused": (
        "Lần nạp bị từ chối: {count} lỗi trong {source}; cơ sở dữ liệu không thay đổi. Hãy sửa "
        "các dòng được nêu rồi nạp lại."
    ),
    # accounts
    "account.wrong_password": (
        "Tên đăng nhập hoặc mật khẩu không đúng. Hãy thử lại; sai nhiều lần, đăng nhập sẽ bị tạm "
        "chặn ít phút."
    ),
    "account.empty_name": "Tên tài khoản không được để trống; hãy nhập một tên.",
    "account.unknown_role": "Vai trò '{role}' không hợp lệ; chỉ nhận: {roles}.",
    "account.short_password": "Mật khẩu cần ít nhất {length} ký tự; hãy chọn mật khẩu dài hơn.",
    "account.exists": "Tài khoản '{name}' đã có; hãy chọn tên khác.",
    "account.unknown_scope": (
        "Phạm vi '{scope}' không phải mã tỉnh hay mã công đoàn có trong sổ đăng ký; hãy nhập "
        "mã tỉnh hai chữ số hoặc mã công đoàn."
    ),
    "account.not_found": "Không có tài khoản '{name}'; hãy kiểm tra lại tên.",
    # reports
    "report.bad_date": (
        "Ngày '{value}' không hợp lệ; hãy ghi theo dạng NNNN-TT-NN (ví dụ 2026-11-24) hoặc "
        "NN/TT/NNNN."
    ),
    "report.unknown_format": "Định dạng '{fmt}' không hỗ trợ; chỉ nhận: html, pdf, xlsx.",
    "report.unknown_province": (
        "Không có tỉnh mã '{province}'. Mã tỉnh là mã 2 chữ số theo danh mục năm 2025: {valid}."
    ),
    "report.targets_invalid": (
        "Tệp chỉ tiêu không hợp lệ; hãy nhờ bộ phận quản lý danh mục kiểm tra lại:\n{problems}"
    ),
    "report.no_folder": "Không có thư mục {folder} để ghi báo cáo; hãy tạo thư mục trước.",
    # rule preview (a draft catalogue's effect, before it is published)
    "preview.nothing_to_preview": (
        "Không có gì để xem trước: hãy đưa vào ít nhất một tệp quy tắc nháp hoặc một thay đổi "
        "tham số dạng QUY_TẮC.THAM_SỐ=GIÁ_TRỊ."
    ),
    "preview.no_rules": (
        "Bản nháp không có quy tắc nào (chỉ có chỉ tiêu hoặc để trống); hãy đưa vào tệp quy tắc "
        "có id, violation…"
    ),
    "preview.bad_setting": (
        "'{setting}' không đúng dạng QUY_TẮC.THAM_SỐ=GIÁ_TRỊ (ví dụ "
        "union.establishment.min_workers=20); hãy sửa rồi thử lại."
    ),
    "preview.unknown_rule": (
        "Không có quy tắc '{rule}' trong danh mục đã công bố hay trong bản nháp; hãy sửa mã quy "
        "tắc rồi thử lại{suggestion}"
    ),
    "preview.unknown_parameter": (
        "Quy tắc '{rule}' không có tham số '{parameter}' (các tham số của nó: {parameters}); "
        "hãy sửa tên tham số rồi thử lại{suggestion}"
    ),
    "preview.bad_value": (
        "Tham số '{parameter}' của quy tắc '{rule}' nhận {expected}; '{value}' không phải "
        "{expected}. Hãy sửa giá trị rồi thử lại."
    ),
    "preview.xlsx_needs_out": "Định dạng xlsx cần một tệp để ghi; hãy chọn tệp ra.",
    "preview.draft_encoding": (
        "Tệp '{name}' không phải văn bản UTF-8 (hoặc có ký tự điều khiển); hãy lưu lại tệp YAML "
        "với mã hóa UTF-8 rồi tải lên lại."
    ),
    "preview.unknown_province": (
        "Không có tỉnh mã '{province}' trong danh mục 34 tỉnh, thành phố; hãy nhập mã tỉnh hai "
        "chữ số (ví dụ 80) hoặc để trống để xem cả nước{suggestion}"
    ),
    # the rule engine
    "engine.durable_crashed": (
        "Bộ máy luật durable-rules dừng đột ngột hai lần ở quy tắc {rule}; hãy đánh giá bằng "
        "SQL (cùng kết quả) và báo cho bộ phận kỹ thuật."
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
    "web.report_pdf_failed": (
        "Chưa dựng được bản PDF của báo cáo {name} ({reason}); bản HTML và XLSX cùng ngày vẫn "
        "xem được. Hãy thử lại sau ít phút, hoặc báo quản trị viên nếu lỗi còn."
    ),
    # tasks: changes people make (compliance.followup.manage, review.decisions)
    "task.not_found": "Không có việc số {task_id}. Hãy kiểm tra lại số việc trong danh sách việc.",
    "task.transition_not_allowed": (
        "Việc đang ở trạng thái '{status}' nên không thể {change}. Hãy xem lịch sử của việc và "
        "chọn thao tác hợp với trạng thái hiện tại."
    ),
    "task.resolved_by_run": (
        "Trạng thái 'đã khắc phục' do lần chạy xác định khi đơn vị đã tuân thủ; hãy cập nhật sổ "
        "đăng ký rồi chạy lại."
    ),
    "task.unknown_status": "Trạng thái '{status}' không hợp lệ; hãy chọn một trong: {choices}.",
    "task.reason_required": "{change} cần ghi lý do. Hãy nhập lý do rồi gửi lại.",
    "task.waiver_needs_approver": (
        "Miễn trừ cần người phê duyệt. Hãy nhập tên người phê duyệt rồi gửi lại."
    ),
    "task.waiver_needs_expiry": (
        "Miễn trừ cần ngày hết hạn. Hãy nhập ngày hết hạn (sau hôm nay) rồi gửi lại."
    ),
    "task.waiver_expiry_in_past": (
        "Ngày hết hạn miễn trừ ({until}) phải sau hôm nay ({today}). Hãy chọn một ngày sau hôm nay."
    ),
    "task.invalid_expiry_date": (
        "Ngày hết hạn miễn trừ '{until}' không hợp lệ. Hãy nhập ngày dạng NNNN-TT-NN, "
        "ví dụ 2026-12-31."
    ),
    "task.confirm_with_status": (
        "Xác nhận không đi cùng thay đổi trạng thái khác. Hãy xác nhận trước, rồi đổi trạng thái "
        "trong một lần sau."
    ),
    "task.no_change": (
        "Không có thay đổi nào. Hãy chọn trạng thái, người được giao hoặc hạn xử lý mới."
    ),
    "task.unknown_decision": (
        "Quyết định '{decision}' không hợp lệ; hãy chọn một trong: {choices}."
    ),
    # tasks: many at once (review.bulk)
    "task.not_in_scope": (
        "Không có việc số {task_id} trong phạm vi của bạn. Hãy tải lại danh sách và chọn lại."
    ),
    "task.bulk_done": "Đã thay đổi {changed} việc; hãy xem lại bảng nếu cần kiểm tra.",
    "task.bulk_refused": (
        "Không thay đổi được {refused} việc (hãy xem lý do ghi bên cạnh từng việc): {tasks}"
    ),
    "task.bulk_nothing_chosen": (
        "Chưa chọn việc nào. Hãy đánh dấu các việc cần thay đổi trong bảng rồi gửi lại."
    ),
    "task.bulk_no_change": (
        "Chưa chọn thay đổi nào. Hãy chọn cơ quan được giao hoặc trạng thái mới rồi gửi lại."
    ),
    "task.bulk_unconfirmed": (
        "Thay đổi hàng loạt chưa được xác nhận ({chosen} việc đã chọn). Hãy bấm Áp dụng và xác "
        "nhận số việc."
    ),
    # programmes: progress reports filed in the review UI (compliance.review.programmes)
    "programme.not_found": (
        "Không có chương trình hoặc nhiệm vụ '{name}'{hint}. Hãy chọn một chương trình trong "
        "danh sách (trang Chương trình) hoặc trong rules/programmes/."
    ),
    "programme.not_a_lead": (
        "'{body}' không chủ trì nhiệm vụ này; hãy chọn một cơ quan chủ trì: {leads}."
    ),
    "programme.outside_scope": (
        "Tài khoản của bạn không thuộc '{body}' nên không báo cáo thay cơ quan này được. Hãy "
        "đăng nhập bằng tài khoản của cơ quan chủ trì."
    ),
    "programme.unknown_status": (
        "Tình hình thực hiện '{status}' không hợp lệ; hãy chọn đã hoàn thành, đang thực hiện "
        "hoặc chưa thực hiện."
    ),
    "programme.date_required": "Hãy nhập ngày báo cáo (ngày hoàn thành hoặc ngày cập nhật).",
    "programme.bad_period": (
        "Kỳ '{period}' không hợp lệ; hãy chọn một kỳ trong danh sách (năm, quý hoặc mốc), hoặc để "
        "trống với nhiệm vụ thực hiện một lần."
    ),
}


def message(code: str, **params: object) -> str:
    """The Vietnamese text of ``code``; a missing placeholder leaves the template readable."""
    template = MESSAGES[code]
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
