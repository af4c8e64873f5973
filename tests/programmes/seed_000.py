"""Seed 000 II.2 read by hand from rules/sources/000_14c18d3c2f2feb98.txt: each item's lead,
co-operating bodies and time exactly as the document writes them (the independent check of both
the programme file and the extractor)."""

from __future__ import annotations

DD = "Đảng đoàn Liên đoàn Lao động tỉnh"
BDV = "Ban Dân vận Tỉnh ủy"
BCS = "Ban cán sự đảng Ủy ban nhân dân tỉnh"
TD = "Ban Thường vụ Tỉnh đoàn"
HU = "Các huyện ủy, thị ủy, thành ủy"

# id: (lead, partners, time)
ITEMS_000: dict[str, tuple[list[str], list[str], str]] = {
    "2.1.1": (
        ["Các cấp uỷ, tổ chức đảng, địa phương, cơ quan, đơn vị theo chức năng, nhiệm vụ"],
        [],
        "Thường xuyên",
    ),
    "2.2.1": ([DD], [BCS], "Quý III/2023"),
    "2.2.2": (
        ["Ban Dân vận Tỉnh uỷ"],
        [
            BCS,
            "Đảng đoàn Liên đoàn lao động tỉnh và đảng đoàn các tổ chức chính trị - xã hội",
            TD,
        ],
        "kế hoạch cụ thể hàng năm, sơ kết năm 2022, tổng kết năm 2025",
    ),
    "2.2.3": ([DD], [], "Quý II/2022"),
    "2.3.1": ([DD], ["huyện ủy, thị ủy, thành ủy"], "Quý I/2022"),
    "2.3.2": ([DD], [HU], "Quý I/2022"),
    "2.3.3": ([DD], [BDV, "các huyện, thị, Thành ủy"], "Quý III/2022"),
    "2.3.4": ([DD], [], "hàng năm"),
    "2.3.5": ([HU], [DD], "hàng năm"),
    "2.4.1": ([BDV], [DD], "Quý IV/2023"),
    "2.4.2": (
        [BDV],
        ["Đảng đoàn Mặt trận Tổ quốc và các tổ chức chính trị - xã hội tỉnh", TD],
        "hàng năm",
    ),
    "2.4.3": ([DD], [BDV, "Ban Tuyên giáo Tỉnh ủy", "Trường Chính trị tỉnh"], "hàng năm"),
    "2.4.4": (
        ["Đảng đoàn Mặt trận Tổ quốc Việt Nam tỉnh"],
        ["Đảng đoàn các tổ chức chính trị - xã hội", TD],
        "hàng năm",
    ),
    "2.4.5": ([DD], [BCS], "Quý III/2022"),
    "2.4.6": ([DD], [BCS], "Quý I/2022"),
    "2.5.1-3": ([DD], [], "hàng năm"),
    "2.6.1": ([BDV], [BCS, DD], "sơ kết 01 năm, 03 năm, 05 năm và tổng kết 10 năm"),
    "2.6.2": ([BDV], ["Các cơ quan tham mưu, giúp việc Tỉnh ủy", DD], "Định kỳ hàng quý"),
    "2.6.3": (
        [HU, "Đảng ủy Khối cơ quan và Doanh nghiệp tỉnh"],
        ["Ban Tổ chức Tỉnh ủy", BDV, "Đảng đoàn các tổ chức chính trị - xã hội", TD],
        "hàng năm",
    ),
    "2.6.4": ([BDV], [BCS, DD], "hàng năm"),
    "2.7.1": ([DD], [BCS], "hàng năm"),
    "2.7.2": ([DD], [], "hàng năm"),
}
