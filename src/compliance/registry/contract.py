"""The registry exchange format (../shared/registry-format.md) as data.

Everything that knows a table or column name of a delivery reads it from here: the reader
(header aliases), the validator (kinds, choices, keys, references), the generator (Vietnamese
headers) and the alias documentation (docs/registry-aliases.md is generated from this module).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from compliance.folding import fold


class Kind(StrEnum):
    """How a cell is parsed; each kind has its own error codes."""

    TEXT = "text"
    COUNT = "count"  # whole number ≥ 0
    YEAR = "year"
    AMOUNT = "amount"  # money in đồng, ≥ 0
    DATE = "date"
    BOOL = "bool"
    CHOICE = "choice"
    PERIOD = "period"  # YYYY-MM
    PROGRAMME_PERIOD = "programme_period"  # 2024, 2024-Q3, 2024-11-30 (a milestone) or "" (none)


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    label_vi: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    choices: Mapping[str, tuple[str, ...]] | None = None  # value → its Vietnamese aliases
    # Tables whose key this column names: a code must exist in one of them (``events.unit_code``
    # names an enterprise or a union, so it is one column, not a column per parent).
    references: tuple[str, ...] = ()
    extension: bool = False  # accepted beyond the contract
    identifier: bool = False  # an open set of lowercase identifiers (IDENTIFIER), not free text

    def headers(self) -> tuple[str, ...]:
        """Every header this column is recognised by, the English name first."""
        return (self.name, self.label_vi, *self.aliases)


@dataclass(frozen=True)
class Table:
    name: str
    label_vi: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()
    extension: bool = False
    _by_name: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({c.name: c for c in self.columns})

    def column(self, name: str) -> Column:
        return self._by_name[name]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def names(self) -> tuple[str, ...]:
        """Every file or sheet name this table is recognised by."""
        return (self.name, self.label_vi, *self.aliases)


SECTORS: dict[str, tuple[str, ...]] = {
    "state": ("Nhà nước", "Khu vực nhà nước", "Doanh nghiệp nhà nước", "DNNN"),
    "non_state": ("Ngoài nhà nước", "Khu vực ngoài nhà nước", "Tư nhân", "Dân doanh"),
    "fdi": ("Có vốn đầu tư nước ngoài", "Vốn đầu tư nước ngoài", "Doanh nghiệp FDI"),
    "public_unit": ("Đơn vị sự nghiệp công lập", "Đơn vị sự nghiệp", "ĐVSN"),
}
ENTERPRISE_STATUSES: dict[str, tuple[str, ...]] = {
    "active": ("Đang hoạt động", "Hoạt động"),
    "suspended": ("Tạm ngừng hoạt động", "Tạm ngừng", "Tạm dừng hoạt động"),
    "dissolved": ("Giải thể", "Đã giải thể", "Chấm dứt hoạt động"),
}
UNION_KINDS: dict[str, tuple[str, ...]] = {
    "grassroots_union": ("Công đoàn cơ sở", "CĐCS"),
    "guild": ("Nghiệp đoàn",),
    "direct_superior_union": (
        "Công đoàn cấp trên trực tiếp cơ sở",
        "Công đoàn cấp trên trực tiếp",
        "CĐCTTCS",
    ),
    "provincial_federation": ("Liên đoàn Lao động tỉnh", "LĐLĐ tỉnh", "LĐLĐ"),
}
INSPECTION_KINDS: dict[str, tuple[str, ...]] = {
    "finance": ("Tài chính", "Kiểm tra tài chính"),
    "charter": ("Điều lệ", "Kiểm tra chấp hành Điều lệ", "Giám sát chấp hành Điều lệ"),
}
GRADES: dict[str, tuple[str, ...]] = {
    "excellent": ("Hoàn thành xuất sắc nhiệm vụ", "Xuất sắc"),
    "good": ("Hoàn thành tốt nhiệm vụ", "Tốt"),
    "fair": ("Hoàn thành nhiệm vụ", "Khá"),
    "poor": ("Không hoàn thành nhiệm vụ", "Yếu", "Kém"),
}
# An open set of kinds (events.kind): new kinds need no contract change, so the value is checked
# for shape only: a lowercase identifier a rule can name.
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
CONFERENCE_KINDS: dict[str, tuple[str, ...]] = {
    "workers_conference": ("Hội nghị người lao động", "Hội nghị NLĐ"),
    "dialogue": ("Đối thoại", "Đối thoại định kỳ"),
}

# Vietnamese and spreadsheet spellings of true/false. Excel's own booleans arrive typed.
BOOLEANS: dict[bool, tuple[str, ...]] = {
    True: ("true", "có", "co", "x", "1", "yes", "đúng", "rồi", "đã có"),
    False: ("false", "không", "khong", "0", "no", "sai", "chưa", "chưa có"),
}

_TAX_CODE_ALIASES = ("Mã số thuế", "MST", "Mã số doanh nghiệp", "Mã số thuế doanh nghiệp")
_UNION_CODE_ALIASES = ("Mã công đoàn", "Mã CĐ", "Mã CĐCS")


def _enterprise_ref(**kw: object) -> Column:
    return Column(
        "enterprise_tax_code",
        Kind.TEXT,
        "Mã số thuế doanh nghiệp",
        aliases=tuple(a for a in _TAX_CODE_ALIASES if a != "Mã số thuế doanh nghiệp"),
        references=("enterprises",),
        **kw,  # type: ignore[arg-type]
    )


def _union_ref(label: str = "Mã công đoàn", aliases: tuple[str, ...] = ()) -> Column:
    return Column(
        "union_code",
        Kind.TEXT,
        label,
        aliases=aliases or tuple(a for a in _UNION_CODE_ALIASES if a != label),
        required=True,
        references=("unions",),
    )


ENTERPRISES = Table(
    "enterprises",
    "Doanh nghiệp",
    key=("tax_code",),
    aliases=("doanh_nghiep", "DN"),
    columns=(
        Column("tax_code", Kind.TEXT, "Mã số thuế", ("MST", "Mã số doanh nghiệp", "Mã DN"), True),
        Column("name", Kind.TEXT, "Tên doanh nghiệp", ("Tên DN", "Tên")),
        Column(
            "sector",
            Kind.CHOICE,
            "Khu vực",
            ("Khu vực kinh tế", "Loại hình doanh nghiệp", "Loại hình sở hữu"),
            choices=SECTORS,
        ),
        Column("province_code", Kind.TEXT, "Mã tỉnh", ("Mã tỉnh/thành phố", "Mã tỉnh thành")),
        Column("ward_code", Kind.TEXT, "Mã xã", ("Mã phường/xã", "Mã xã/phường", "Mã phường")),
        Column("workers", Kind.COUNT, "Số lao động", ("Tổng số lao động", "Số NLĐ", "Lao động")),
        Column("female_workers", Kind.COUNT, "Số lao động nữ", ("Lao động nữ", "Số NLĐ nữ")),
        Column(
            "status",
            Kind.CHOICE,
            "Trạng thái",
            ("Tình trạng hoạt động", "Tình trạng"),
            choices=ENTERPRISE_STATUSES,
        ),
        Column(
            "registered_on",
            Kind.DATE,
            "Ngày đăng ký",
            ("Ngày thành lập", "Ngày đăng ký kinh doanh", "Ngày cấp ĐKKD"),
        ),
    ),
)

UNIONS = Table(
    "unions",
    "Công đoàn",
    key=("code",),
    aliases=("cong_doan", "to_chuc_cong_doan", "Tổ chức công đoàn"),
    columns=(
        Column("code", Kind.TEXT, "Mã công đoàn", ("Mã CĐ", "Mã đơn vị"), True),
        Column("name", Kind.TEXT, "Tên công đoàn", ("Tên CĐ", "Tên đơn vị", "Tên")),
        Column(
            "kind",
            Kind.CHOICE,
            "Loại công đoàn",
            ("Cấp công đoàn", "Loại", "Loại hình"),
            choices=UNION_KINDS,
        ),
        Column(
            "superior_code",
            Kind.TEXT,
            "Mã công đoàn cấp trên",
            ("Mã cấp trên", "Công đoàn cấp trên", "Mã CĐ cấp trên"),
            references=("unions",),
        ),
        _enterprise_ref(),
        Column("province_code", Kind.TEXT, "Mã tỉnh", ("Mã tỉnh/thành phố", "Mã tỉnh thành")),
        Column(
            "founded_on",
            Kind.DATE,
            "Ngày thành lập",
            ("Ngày thành lập công đoàn", "Ngày quyết định thành lập"),
        ),
        Column("dissolved_on", Kind.DATE, "Ngày giải thể", ("Ngày giải thể công đoàn",)),
        Column("members", Kind.COUNT, "Số đoàn viên", ("Tổng số đoàn viên", "Đoàn viên")),
        Column("female_members", Kind.COUNT, "Số đoàn viên nữ", ("Đoàn viên nữ",)),
        Column(
            "has_womens_committee",
            Kind.BOOL,
            "Có Ban Nữ công",
            ("Ban Nữ công", "Ban Nữ công quần chúng", "Có Ban Nữ công quần chúng"),
        ),
        Column(
            "superior_since",
            Kind.DATE,
            "Trực thuộc cấp trên từ ngày",
            ("Ngày chuyển cấp trên", "Cấp trên từ ngày"),
            extension=True,
        ),
    ),
)

# Explicit history of the hierarchy, for deliveries that know it. Beyond the contract.
UNION_HIERARCHY = Table(
    "union_hierarchy",
    "Lịch sử trực thuộc",
    key=("union_code", "valid_from"),
    aliases=("lich_su_truc_thuoc", "union_superiors"),
    extension=True,
    columns=(
        _union_ref(),
        Column(
            "superior_code",
            Kind.TEXT,
            "Mã công đoàn cấp trên",
            ("Mã cấp trên", "Công đoàn cấp trên", "Mã CĐ cấp trên"),
            references=("unions",),
        ),
        Column("valid_from", Kind.DATE, "Từ ngày", ("Hiệu lực từ ngày",)),
        Column("valid_until", Kind.DATE, "Đến ngày", ("Hiệu lực đến ngày",)),
    ),
)

INSPECTIONS = Table(
    "inspections",
    "Kiểm tra",
    key=("id",),
    aliases=("kiem_tra", "Cuộc kiểm tra"),
    columns=(
        Column("id", Kind.TEXT, "Mã cuộc kiểm tra", ("Số hiệu", "Mã"), True),
        Column(
            "kind",
            Kind.CHOICE,
            "Loại kiểm tra",
            ("Nội dung kiểm tra", "Loại"),
            True,
            choices=INSPECTION_KINDS,
        ),
        Column(
            "inspector_code",
            Kind.TEXT,
            "Mã đơn vị kiểm tra",
            ("Đơn vị kiểm tra", "Mã công đoàn kiểm tra"),
            True,
            references=("unions",),
        ),
        Column(
            "target_code",
            Kind.TEXT,
            "Mã đơn vị được kiểm tra",
            ("Đơn vị được kiểm tra", "Mã công đoàn được kiểm tra", "Đối tượng kiểm tra"),
            True,
            references=("unions",),
        ),
        Column("date", Kind.DATE, "Ngày kiểm tra", ("Ngày",)),
    ),
)

REVIEWS = Table(
    "reviews",
    "Làm việc định kỳ",
    key=("id",),
    aliases=("lam_viec", "Buổi làm việc", "Rà soát"),
    columns=(
        Column("id", Kind.TEXT, "Mã buổi làm việc", ("Mã",), True),
        _union_ref(),
        Column("date", Kind.DATE, "Ngày làm việc", ("Ngày", "Ngày rà soát")),
    ),
)

RATINGS = Table(
    "ratings",
    "Xếp loại",
    key=("union_code", "year"),
    aliases=("xep_loai", "Đánh giá xếp loại"),
    columns=(
        _union_ref(),
        Column("year", Kind.YEAR, "Năm", ("Năm xếp loại", "Năm đánh giá"), True),
        Column(
            "grade",
            Kind.CHOICE,
            "Xếp loại",
            ("Kết quả xếp loại", "Mức xếp loại"),
            True,
            choices=GRADES,
        ),
    ),
)

AGREEMENTS = Table(
    "agreements",
    "Thỏa ước lao động tập thể",
    key=("id",),
    aliases=("thoa_uoc", "Thỏa ước", "TƯLĐTT"),
    columns=(
        Column("id", Kind.TEXT, "Mã thỏa ước", ("Số thỏa ước", "Mã TƯLĐTT", "Mã"), True),
        _enterprise_ref(required=True),
        Column("signed_on", Kind.DATE, "Ngày ký", ("Ngày ký kết",)),
        Column("expires_on", Kind.DATE, "Ngày hết hạn", ("Ngày hết hiệu lực",)),
    ),
)

CONFERENCES = Table(
    "conferences",
    "Hội nghị",
    key=("id",),
    aliases=("hoi_nghi", "Hội nghị người lao động và đối thoại"),
    columns=(
        Column("id", Kind.TEXT, "Mã hội nghị", ("Mã",), True),
        _enterprise_ref(required=True),
        Column(
            "kind",
            Kind.CHOICE,
            "Loại hội nghị",
            ("Hình thức", "Loại"),
            True,
            choices=CONFERENCE_KINDS,
        ),
        Column("date", Kind.DATE, "Ngày tổ chức", ("Ngày", "Ngày họp")),
    ),
)

FEE_PAYMENTS = Table(
    "fee_payments",
    "Kinh phí công đoàn",
    key=("enterprise_tax_code", "period"),
    aliases=("kinh_phi", "Nộp kinh phí công đoàn", "KPCĐ"),
    columns=(
        _enterprise_ref(required=True),
        Column("period", Kind.PERIOD, "Kỳ", ("Kỳ nộp", "Kỳ đóng", "Tháng"), True),
        Column("due_on", Kind.DATE, "Hạn nộp", ("Ngày đến hạn", "Hạn đóng")),
        Column("amount_due", Kind.AMOUNT, "Số phải nộp", ("Số tiền phải nộp", "Phải nộp")),
        Column("amount_paid", Kind.AMOUNT, "Số đã nộp", ("Số tiền đã nộp", "Đã nộp")),
    ),
)

COMPLAINTS = Table(
    "complaints",
    "Đơn thư khiếu nại, tố cáo",
    key=("id",),
    aliases=("don_thu", "Đơn thư", "Khiếu nại"),
    columns=(
        Column("id", Kind.TEXT, "Mã đơn", ("Số đơn", "Mã đơn thư", "Mã"), True),
        _union_ref(aliases=("Mã CĐ", "Công đoàn thụ lý")),
        Column("received_on", Kind.DATE, "Ngày nhận", ("Ngày nhận đơn",)),
        Column("accepted_on", Kind.DATE, "Ngày thụ lý", ("Ngày thụ lý đơn",)),
        Column("complex", Kind.BOOL, "Phức tạp", ("Vụ việc phức tạp",)),
        Column("resolved_on", Kind.DATE, "Ngày giải quyết", ("Ngày giải quyết xong",)),
    ),
)

# Beyond the contract: the data the party-introduction and chair-training rules need.
PARTY_INTRODUCTIONS = Table(
    "party_introductions",
    "Giới thiệu đoàn viên ưu tú cho Đảng",
    key=("id",),
    aliases=("gioi_thieu_dang", "Giới thiệu cho Đảng"),
    extension=True,
    columns=(
        Column("id", Kind.TEXT, "Mã giới thiệu", ("Mã",), True),
        _union_ref(),
        Column("member_name", Kind.TEXT, "Họ tên đoàn viên", ("Họ và tên", "Họ tên")),
        Column("date", Kind.DATE, "Ngày giới thiệu", ("Ngày",)),
    ),
)

CHAIR_ELECTIONS = Table(
    "chair_elections",
    "Bầu chủ tịch công đoàn cơ sở",
    key=("id",),
    aliases=("bau_chu_tich", "Chủ tịch CĐCS"),
    extension=True,
    columns=(
        Column("id", Kind.TEXT, "Mã lần bầu", ("Mã",), True),
        _union_ref(),
        Column("chair_name", Kind.TEXT, "Họ tên chủ tịch", ("Chủ tịch", "Họ tên")),
        Column("elected_on", Kind.DATE, "Ngày bầu", ("Ngày được bầu",)),
        Column("trained_on", Kind.DATE, "Ngày tập huấn", ("Ngày được tập huấn",)),
    ),
)

# The open table (registry-format.md, "Open tables"): any dated act the other tables do not name.
EVENTS = Table(
    "events",
    "Sự kiện",
    key=("id",),
    aliases=("su_kien", "Sự việc", "Hoạt động của đơn vị"),
    columns=(
        Column("id", Kind.TEXT, "Mã sự kiện", ("Mã",), True),
        Column(
            "unit_code",
            Kind.TEXT,
            "Mã đơn vị",
            ("Đơn vị", "Mã số thuế hoặc mã công đoàn", "Mã DN/CĐ"),
            True,
            references=("enterprises", "unions"),
        ),
        Column(
            "kind",
            Kind.TEXT,
            "Loại",
            ("Loại sự kiện", "Loại hoạt động"),
            True,
            identifier=True,
        ),
        Column("date", Kind.DATE, "Ngày", ("Ngày diễn ra", "Ngày thực hiện")),
        Column("note", Kind.TEXT, "Ghi chú", ("Nội dung", "Mô tả")),
    ),
)

# Programme items (registry-format.md, "Programme items"): how far a lead body has got with an
# item, for a period. ``period`` is in the key and empty for an item's single deadline; it is
# stored as "" (a key part may not be NULL), see cells.parse_programme_period.
REPORT_STATUSES: dict[str, tuple[str, ...]] = {
    "done": ("Đã hoàn thành", "Hoàn thành", "Đã thực hiện", "Xong"),
    "in_progress": ("Đang thực hiện", "Đang triển khai", "Chưa xong"),
    "not_done": ("Chưa thực hiện", "Chưa triển khai", "Không thực hiện"),
}

PROGRAMME_REPORTS = Table(
    "programme_reports",
    "Tiến độ chương trình hành động",
    key=("programme", "item", "period", "body"),
    aliases=("tien_do_chuong_trinh", "Báo cáo tiến độ", "Tiến độ thực hiện"),
    columns=(
        Column("programme", Kind.TEXT, "Mã chương trình", ("Chương trình",), True),
        Column("item", Kind.TEXT, "Mã nhiệm vụ", ("Nhiệm vụ", "Mục", "Số thứ tự nhiệm vụ"), True),
        Column("period", Kind.PROGRAMME_PERIOD, "Kỳ thực hiện", ("Kỳ", "Kỳ báo cáo", "Năm/Quý")),
        Column(
            "body",
            Kind.TEXT,
            "Cơ quan chủ trì",
            ("Cơ quan", "Đơn vị chủ trì", "Cơ quan báo cáo"),
            True,
        ),
        Column("reported_on", Kind.DATE, "Ngày báo cáo", ("Ngày", "Ngày cập nhật"), True),
        Column(
            "status",
            Kind.CHOICE,
            "Tình hình thực hiện",
            ("Trạng thái", "Tình trạng", "Kết quả thực hiện"),
            True,
            choices=REPORT_STATUSES,
        ),
        Column(
            "evidence", Kind.TEXT, "Minh chứng", ("Tài liệu minh chứng", "Đường dẫn minh chứng")
        ),
        Column("note", Kind.TEXT, "Ghi chú", ("Nội dung báo cáo",)),
    ),
)

# Dependency order: a table comes after every table it references.
TABLES: tuple[Table, ...] = (
    ENTERPRISES,
    UNIONS,
    UNION_HIERARCHY,
    INSPECTIONS,
    REVIEWS,
    RATINGS,
    AGREEMENTS,
    CONFERENCES,
    FEE_PAYMENTS,
    COMPLAINTS,
    PARTY_INTRODUCTIONS,
    CHAIR_ELECTIONS,
    EVENTS,
    PROGRAMME_REPORTS,
)
TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

# Plausibility between two columns of one row: (earlier, later) and (part, whole). Real
# registries break these and the contract accepts such rows (registry-format.md, "Implausible is
# not broken"): the import warns, keeps the row, and rules/data_quality/ turns it into a finding.
# ``compliance import --strict`` refuses them instead.
ORDERED_PAIRS: dict[str, tuple[tuple[str, str], ...]] = {
    "unions": (("founded_on", "dissolved_on"),),
    "agreements": (("signed_on", "expires_on"),),
    "complaints": (
        ("received_on", "accepted_on"),
        ("accepted_on", "resolved_on"),
        ("received_on", "resolved_on"),
    ),
    "chair_elections": (("elected_on", "trained_on"),),
}
PART_OF: dict[str, tuple[tuple[str, str], ...]] = {
    "enterprises": (("female_workers", "workers"),),
    "unions": (("female_members", "members"),),
}
# The product's own history table is not registry data: an inverted span there would make the
# hierarchy of a day ambiguous, so it stays an error.
REQUIRED_ORDER: dict[str, tuple[tuple[str, str], ...]] = {
    "union_hierarchy": (("valid_from", "valid_until"),),
}


# "Control characters in text" break the contract: C0, DEL, C1, the line and paragraph
# separators, and the bidirectional overrides that make a text display other than it reads.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

# Codes made of a fixed number of digits: a numeric spreadsheet cell with fewer digits lost its
# leading zeros (tax codes: 10, or 13 for a branch; province: 2; ward: 5).
DIGIT_CODES: dict[str, tuple[int, ...]] = {
    "tax_code": (10, 13),
    "enterprise_tax_code": (10, 13),
    "province_code": (2,),
    "ward_code": (5,),
}


def is_code_column(column: Column) -> bool:
    """A text column holding an identifier (a key, a reference, a ``*_code``), not free text."""
    return column.kind is Kind.TEXT and (
        column.name in ("id", "code") or column.name.endswith("_code") or bool(column.references)
    )


def table_for_name(name: str) -> Table | None:
    """The table a file stem or sheet name stands for, in English or Vietnamese."""
    key = fold(name)
    for table in TABLES:
        if key in {fold(n) for n in table.names()}:
            return table
    return None


def header_index(table: Table) -> dict[str, str]:
    """Folded header → column name, for every header the table accepts."""
    index: dict[str, str] = {}
    for column in table.columns:
        for header in column.headers():
            index.setdefault(fold(header), column.name)
    return index


def choice_index(column: Column) -> dict[str, str]:
    """Folded spelling → canonical value, for a choice column."""
    assert column.choices is not None
    index: dict[str, str] = {}
    for value, spellings in column.choices.items():
        for spelling in (value, *spellings):
            index[fold(spelling)] = value
    return index
