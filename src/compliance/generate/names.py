"""Vietnamese vocabularies, people's names and the country's shape for generated registries.

Kept apart from :mod:`compliance.generate` so word lists and shares can be tuned without
burying its logic. Every builder takes the generator's ``random`` function rather than a
``Random`` so that one seeded stream drives the whole registry and a run stays reproducible.
"""

from __future__ import annotations

import bisect
import itertools
import unicodedata
from collections.abc import Callable, Sequence

Rand = Callable[[], float]


def _pick(r: Rand, words: Sequence[str]) -> str:
    """``random.choice`` without its overhead: this runs millions of times per national run."""
    return words[int(r() * len(words))]


def _nfc(words: str) -> tuple[str, ...]:
    """Word lists are written one per line below; NFC so names compare equal to typed input."""
    return tuple(unicodedata.normalize("NFC", w.strip()) for w in words.split("|") if w.strip())


# Legal forms of private enterprises with their rough share of registrations.
COMPANY_FORMS: tuple[tuple[str, float], ...] = (
    ("Công ty TNHH", 0.46),
    ("Công ty TNHH MTV", 0.12),
    ("Công ty Cổ phần", 0.28),
    ("Doanh nghiệp tư nhân", 0.08),
    ("Hợp tác xã", 0.05),
    ("Công ty Hợp danh", 0.01),
)
INDUSTRIES = _nfc(
    "Thương mại|Dịch vụ|Thương mại Dịch vụ|Sản xuất Thương mại|Xây dựng|Đầu tư Xây dựng|"
    "Xây dựng Thương mại|Vận tải|Vận tải Biển|Logistics|May mặc|Dệt may|Da giày|"
    "Chế biến Thủy sản|Chế biến Nông sản|Thực phẩm|Cơ khí|Cơ khí Chế tạo|Điện tử|Nội thất|"
    "Chế biến Gỗ|Nhựa|Bao bì|In ấn|Vật liệu Xây dựng|Công nghệ|Phần mềm|Tư vấn|Tư vấn Thiết kế|"
    "Du lịch|Khách sạn|Nhà hàng|Môi trường|Nông nghiệp|Thủy sản|Xuất nhập khẩu|Dược phẩm|"
    "Thiết bị Y tế|Giáo dục|Bất động sản|Năng lượng|Điện lạnh|Cao su|Cà phê|Phân bón|"
    "Thức ăn Chăn nuôi|Kỹ thuật|Quảng cáo|Truyền thông|Dịch vụ Bảo vệ|Vệ sinh Công nghiệp|"
    "Kinh doanh Vật tư|Đầu tư Phát triển|Cơ điện|Thủ công Mỹ nghệ|Kho vận|Hóa chất|Giấy|"
    "Bê tông|Thép|Lương thực|Nông sản|Gạch men|Đồ gỗ Xuất khẩu|Điện nước"
)
BRAND_FIRST = _nfc(
    "Minh|Hưng|Phú|Thành|Hoàng|Thiên|Đại|Việt|Tân|Phúc|An|Bảo|Gia|Hải|Hòa|Huy|Khang|Kim|"
    "Long|Mạnh|Nam|Ngọc|Nhật|Quang|Sơn|Tài|Thái|Toàn|Trường|Tuấn|Vạn|Vĩnh|Xuân|Đông|Đức|"
    "Hồng|Trung|Bình|Cường|Duy|Hào|Khải|Lâm|Mỹ|Nguyên|Phong|Quốc|Tâm|Thuận|Trí|Vinh|Hạnh|"
    "Hùng|Sao|Hữu|Kiến|Lợi|Nghĩa|Thanh|Tiến|Triều|Vũ|Yến|Châu"
)
BRAND_SECOND = _nfc(
    "Phát|Thịnh|Lộc|Đạt|Long|An|Hưng|Phú|Thành|Tín|Nguyên|Khang|Minh|Quang|Hòa|Việt|Tiến|"
    "Vượng|Phúc|Lợi|Hải|Sơn|Huy|Bảo|Anh|Cường|Trí|Tâm|Nam|Gia|Hoàng|Kim|Tài|Dũng|Hạnh|Thái|"
    "Đức|Uy|Vinh|Toàn|Mỹ|Châu|Hiếu|Nhân|Luân|Thuận|Hiệp|Sang|Trung|Thắng"
)
LATIN_BRANDS = _nfc(
    "Sunrise|Golden Star|Green Land|Blue Ocean|Pacific|Delta|Alpha|Mekong|Asia|Global|Victory|"
    "Sunny|Smart|Royal|Diamond|Phoenix|Lotus|Evergreen|Orient|Unity|Sky|Star|Eco|Tech|Vision|"
    "Prime|Nova|Saigon Star|Hanoi Link|Viet Star"
)

# Invented foreign-sounding stems for FDI enterprises; any match with a real firm is chance.
FDI_STEMS = _nfc(
    "Han|Dae|Sung|Jin|Young|Hyun|Dong|Woo|Shin|Kwang|Seo|Min|Yama|Taka|Naka|Fuji|Kawa|Mori|"
    "Shima|Hoshi|Hong|Fu|Tai|Sheng|Xin|Yuan|Hua|Kai|Wei|Lian|Pou|Chang"
)
FDI_ENDINGS = _nfc(
    "sol|won|il|tech|kwang|moto|da|shita|gawa|no|feng|xing|da|tai|yang|hong|sung|jin|chen|"
    "mei|wa|ta|kyo|bo"
)
FDI_TRADES = ("",) + _nfc(
    "Electronics|Precision|Textile|Apparel|Footwear|Industrial|Components|Packaging|"
    "Furniture|Steel|Optics|Plastics|Auto Parts|Garment|Chemical|Cable|Technology"
)
FDI_SUFFIXES = _nfc("Việt Nam|Vina|Việt Nam|Việt Nam|Hà Nội|Sài Gòn")

STATE_PROVINCIAL = _nfc(
    "Công ty TNHH MTV Xổ số kiến thiết|Công ty Cổ phần Cấp thoát nước|"
    "Công ty TNHH MTV Môi trường Đô thị|Công ty Cổ phần Công trình Đô thị|"
    "Công ty TNHH MTV Khai thác Công trình Thủy lợi|Công ty Cổ phần Phát hành sách|"
    "Công ty Cổ phần Xe khách|Công ty Cổ phần Dược phẩm|Công ty TNHH MTV Điện lực|"
    "Công ty Cổ phần Cao su|Công ty Cổ phần Xây lắp Điện|Công ty TNHH MTV Lâm nghiệp|"
    "Công ty TNHH MTV Nông nghiệp|Công ty Cổ phần Lương thực|"
    "Công ty Cổ phần Quản lý và Xây dựng Giao thông|"
    "Công ty TNHH MTV Phát triển Hạ tầng Khu công nghiệp"
)
SCHOOL_LEVELS: tuple[tuple[str, float], ...] = (
    ("Trường Mầm non", 0.32),
    ("Trường Tiểu học", 0.34),
    ("Trường Trung học cơ sở", 0.24),
    ("Trường Trung học phổ thông", 0.08),
    ("Trường Phổ thông Dân tộc nội trú", 0.02),
)
SCHOOL_PATRONS = _nfc(
    "Nguyễn Du|Lê Quý Đôn|Trần Hưng Đạo|Nguyễn Trãi|Lê Lợi|Chu Văn An|Lý Thường Kiệt|Nguyễn Huệ|"
    "Võ Thị Sáu|Trần Phú|Lê Hồng Phong|Nguyễn Bỉnh Khiêm|Hoàng Hoa Thám|Phan Bội Châu|"
    "Nguyễn Văn Trỗi|Kim Đồng|Võ Trường Toản|Quang Trung|Ngô Quyền|Nguyễn Đình Chiểu|"
    "Trần Quốc Toản|Lê Văn Tám|Nguyễn Thị Minh Khai|Phan Chu Trinh|Huỳnh Thúc Kháng"
)
HEALTH_UNITS = _nfc(
    "Trung tâm Y tế khu vực|Bệnh viện Đa khoa khu vực|Phòng khám Đa khoa khu vực|"
    "Bệnh viện Y dược cổ truyền|Nhà hộ sinh khu vực"
)
OTHER_PUBLIC_UNITS = _nfc(
    "Trung tâm Dịch vụ tổng hợp|Ban Quản lý dự án đầu tư xây dựng khu vực|"
    "Trung tâm Văn hóa - Thông tin và Thể thao|Trung tâm Phục vụ hành chính công|"
    "Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên|Trung tâm Dịch vụ nông nghiệp"
)
GUILD_TRADES = _nfc(
    "Nghề cá|Xe ôm|Vận tải|Xây dựng tự do|Bán vé số|Thợ may|Nghề muối|Tiểu thương chợ|"
    "Giúp việc gia đình|Thợ hồ|Bốc xếp|Thợ cắt tóc"
)
SECTOR_UNIONS: tuple[tuple[str, str], ...] = (
    ("education", "Công đoàn ngành Giáo dục"),
    ("health", "Công đoàn ngành Y tế"),
    ("civil", "Công đoàn Viên chức"),
    ("construction", "Công đoàn ngành Xây dựng"),
    ("industry", "Công đoàn ngành Công Thương"),
    ("agriculture", "Công đoàn ngành Nông nghiệp và Môi trường"),
)
STATE_SECTOR_UNIONS = ("construction", "industry", "agriculture")


def company_name(r: Rand, ward: str) -> str:
    """A private firm: legal form, trade and an auspicious two-word brand, often with a place."""
    form = weighted(r, COMPANY_FORMS)
    if r() < 0.12:
        brand = _pick(r, LATIN_BRANDS)
    else:
        first, second = _pick(r, BRAND_FIRST), _pick(r, BRAND_SECOND)
        brand = f"{first} {second}" if first != second else first
    if form == "Doanh nghiệp tư nhân":
        return f"{form} {brand}" if r() < 0.6 else f"{form} {brand} {ward}"
    trade = _pick(r, INDUSTRIES)
    x = r()
    if x < 0.45:
        return f"{form} {trade} {brand}"
    if x < 0.8:
        return f"{form} {trade} {brand} {ward}"
    return f"{form} {brand} {ward}"


def fdi_name(r: Rand) -> str:
    """A foreign-invested firm: invented stem, optional English trade, Vietnamese suffix."""
    stem = _pick(r, FDI_STEMS) + _pick(r, FDI_ENDINGS)
    trade = _pick(r, FDI_TRADES)
    middle = f"{stem} {trade}" if trade else stem
    return f"Công ty TNHH {middle} {_pick(r, FDI_SUFFIXES)}"


def state_name(r: Rand, place: str, ward: str) -> str:
    """State firms carry the province's name (one of each per province) or a locality's."""
    return f"{_pick(r, STATE_PROVINCIAL)} {place if r() < 0.5 else ward}"


def public_unit_name(r: Rand, kind: str, ward_full: str, ward: str) -> str:
    """Schools, clinics and service centres named after their ward or a national figure."""
    if kind == "education":
        level = weighted(r, SCHOOL_LEVELS)
        return f"{level} {_pick(r, SCHOOL_PATRONS) if r() < 0.3 else ward}"
    if kind == "health":
        if r() < 0.5:
            return f"Trạm Y tế {ward_full[0].lower()}{ward_full[1:]}"
        return f"{_pick(r, HEALTH_UNITS)} {ward}"
    return f"{_pick(r, OTHER_PUBLIC_UNITS)} {ward}"


def guild_name(r: Rand, ward: str) -> str:
    """Guilds gather self-employed workers of one trade in one locality."""
    return f"Nghiệp đoàn {_pick(r, GUILD_TRADES)} {ward}"


# People: họ (surname, by rough national frequency), tên đệm (middle) and tên (given name).
SURNAMES: tuple[tuple[str, float], ...] = tuple(
    (name, float(weight))
    for name, weight in (
        pair.split(":")
        for pair in _nfc(
            "Nguyễn:38|Trần:11|Lê:9.5|Phạm:7|Hoàng:5|Huỳnh:2|Phan:4.5|Vũ:3|Võ:2.5|Đặng:2|"
            "Bùi:2|Đỗ:1.4|Hồ:1.3|Ngô:1.3|Dương:1|Lý:0.5|Đinh:0.6|Đào:0.5|Trương:0.6|Lâm:0.4|"
            "Mai:0.4|Trịnh:0.4|Cao:0.3|Lưu:0.3|Hà:0.4|Tạ:0.2|Tô:0.2|Lương:0.3|Châu:0.2|"
            "Thái:0.2|Quách:0.1|Kiều:0.1|Lại:0.1|Chu:0.1|Triệu:0.1"
        )
    )
)
_SURNAME_CUMULATIVE = tuple(itertools.accumulate(w for _, w in SURNAMES))
SOUTHERN = {"Hoàng": "Huỳnh", "Vũ": "Võ"}  # one name, said (and mostly written) the southern way
MIDDLE_MALE = _nfc(
    "Văn|Văn|Văn|Văn|Văn|Hữu|Đức|Minh|Quốc|Thành|Công|Xuân|Ngọc|Quang|Hoàng|Anh|Duy|Trung|"
    "Đình|Mạnh|Thanh|Tấn|Tuấn|Hồng|Bá|Trọng|Phước|Chí"
)
MIDDLE_FEMALE = _nfc(
    "Thị|Thị|Thị|Thị|Thị|Thị|Ngọc|Thu|Thanh|Minh|Kim|Hồng|Phương|Mai|Bảo|Hoài|Diệu|Mỹ|Thùy|"
    "Khánh|Bích"
)
_AFTER_THI = tuple(m for m in MIDDLE_FEMALE if m != "Thị")  # "Trần Thị Thu Hà"
GIVEN_MALE = _nfc(
    "Anh|Bình|Cường|Dũng|Đức|Hải|Hiếu|Hòa|Hùng|Huy|Khoa|Khánh|Long|Minh|Nam|Phong|Phúc|Quân|"
    "Sơn|Tài|Thắng|Thành|Tiến|Toàn|Trung|Tuấn|Việt|Vinh|Hoàng|Hưng|Lâm|Lộc|Nghĩa|Phát|Tâm|"
    "Thịnh|Trí|Tú|Vũ|Đạt|Hậu|Kiên|Lợi|Nhân|Quang|Tín|Thiện|Sang|Bảo|Duy|Đông|Hoan|Luân"
)
GIVEN_FEMALE = _nfc(
    "Anh|Chi|Dung|Duyên|Giang|Hà|Hằng|Hạnh|Hiền|Hoa|Hồng|Huyền|Hương|Lan|Liên|Linh|Loan|Mai|"
    "Nga|Ngân|Ngọc|Nhung|Oanh|Phương|Quỳnh|Tâm|Thảo|Thắm|Thủy|Trang|Trinh|Tuyết|Uyên|Vân|Yến|"
    "Xuân|Thư|Nhi|Vy|My|Hoài|Lệ|Nhàn|Thoa|Thơ|Hậu|Diệp|Ly|Thanh|Sương"
)


def person_name(r: Rand, female: bool, south: bool = False) -> str:
    """Họ tên đệm tên: "Nguyễn Văn Hùng", "Trần Thị Thu Hà"; Huỳnh and Võ mostly in the south."""
    surname = SURNAMES[bisect.bisect_right(_SURNAME_CUMULATIVE, r() * _SURNAME_CUMULATIVE[-1])][0]
    if south and surname in SOUTHERN and r() < 0.85:
        surname = SOUTHERN[surname]
    middles, given = (MIDDLE_FEMALE, GIVEN_FEMALE) if female else (MIDDLE_MALE, GIVEN_MALE)
    middle, name = _pick(r, middles), _pick(r, given)
    if name == middle:  # "Nguyễn Minh Minh" is not a name
        name = given[(given.index(name) + 1) % len(given)]
    if female and middle == "Thị" and r() < 0.2:
        second = _pick(r, _AFTER_THI)
        middle = middle if second == name else f"Thị {second}"
    return f"{surname} {middle} {name}"


# --- the country's shape -------------------------------------------------------------------

# Rough share of the country's enterprises per 2025 province (merged provinces summed).
PROVINCE_WEIGHTS: dict[str, float] = {
    "01": 20.0,
    "04": 0.2,
    "08": 0.5,
    "11": 0.2,
    "12": 0.15,
    "14": 0.35,
    "15": 0.6,
    "19": 0.9,
    "20": 0.35,
    "22": 1.3,
    "24": 2.5,
    "25": 1.8,
    "31": 3.5,
    "33": 1.6,
    "37": 1.7,
    "38": 1.7,
    "40": 1.7,
    "42": 0.6,
    "44": 0.8,
    "46": 0.7,
    "48": 2.5,
    "51": 0.9,
    "52": 1.5,
    "56": 1.4,
    "66": 1.1,
    "68": 1.5,
    "75": 3.5,
    "79": 35.0,
    "80": 2.2,
    "82": 1.1,
    "86": 1.1,
    "91": 1.2,
    "92": 1.3,
    "96": 0.6,
}
INDUSTRIAL_ZONE_MIN_WEIGHT = 0.8  # provinces this large run an industrial-zone union
# Firms' sectors with their shares and lognormal worker counts (mu, sigma): FDI and state
# firms are larger. Public units (schools, clinics) follow the wards, not the economy: their
# national share is spread over provinces by ward count.
SECTORS: tuple[tuple[str, float, float, float], ...] = (
    ("non_state", 0.958, 1.3, 1.2),
    ("fdi", 0.031, 3.9, 1.5),
    ("state", 0.011, 4.3, 1.1),
)
PUBLIC_UNIT: tuple[str, float, float, float] = ("public_unit", 0.045, 3.3, 0.6)
WAGES = {"non_state": 7.5e6, "fdi": 9.5e6, "state": 10e6, "public_unit": 8e6}  # đồng/month
GRADES: tuple[tuple[str, float], ...] = (
    ("excellent", 0.2),
    ("good", 0.55),
    ("fair", 0.18),
    ("poor", 0.07),
)


# Grassroots unions' habits the two extension tables record.
INTRODUCTIONS_PER_YEAR = 1.1  # members introduced to the Party, mean over unions
CHAIR_TERM_YEARS = 5  # a grassroots union's term: its congress elects the committee and chair
MID_TERM_ELECTION = 0.15  # chance per term that the chair is replaced before it ends
FEMALE_CHAIR_RATIO = 0.8  # women chair a little less often than their share of members
SOUTH_FROM = "48"  # provinces from Đà Nẵng southwards (codes run north to south)


def southern(province: str) -> bool:
    """Whether people there write Huỳnh and Võ for the northern Hoàng and Vũ."""
    return province >= SOUTH_FROM


def union_chance(sector: str, workers: int) -> float:
    """Coverage rises with size; public units and state firms are almost all organised."""
    if sector in ("public_unit", "state"):
        return 0.93
    if workers < 10:
        return 0.03
    if workers < 25:
        return 0.14 if sector == "non_state" else 0.3
    return 0.74 if workers < 50 else 0.9 if workers < 200 else 0.97


def weighted(r: Rand, options: tuple[tuple[str, float], ...]) -> str:
    """A value drawn by its weight; options are few, so a linear scan beats bisect."""
    x = r() * sum(w for _, w in options)
    for value, weight in options:
        x -= weight
        if x < 0:
            return value
    return options[-1][0]
