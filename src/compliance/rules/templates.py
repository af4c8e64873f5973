"""The Jinja2 environment rule texts are rendered in, and the names a template may use.

Sandboxed and strict: a template that names something undefined fails validation, not a run.
Bounded too, because a rule file is written by people and rendered hundreds of thousands of
times: Jinja's sandbox stops attribute escapes but not work — ``'x' * 3e10``, ``10 ** 10 ** 10``,
nested ``range`` loops, a macro calling itself, ``days(10**12)``. Here every loop iteration and
every macro call draws on one budget per render (:data:`MAX_STEPS`), repetition and powers are
checked before they are computed, sizes given to string methods and filters are capped, ``days``
takes at most :data:`MAX_DAYS` and a text at most :data:`MAX_TEXT` characters. The checks are
woven in where a template is parsed, so they cost nothing on what rule texts really do (an
attribute, a filter, a comparison, ``days(…)``); a text that breaks a bound raises
:class:`TemplateLimitError` with the reason in Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache, wraps
from typing import Any

from jinja2 import StrictUndefined, Template, UndefinedError, nodes, pass_eval_context
from jinja2.nodes import EvalContext
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from compliance.formatting import date_vn, number_vn, yes_no
from compliance.registry.contract import UNION_KINDS

# What every template is rendered with (see compliance.engine.findings.Finding.context).
TEMPLATE_NAMES = ("unit", "facts", "params", "as_of", "period", "rule", "status", "due", "days")
UNIT_FIELDS = ("code", "name", "province_code", "kind")
RULE_FIELDS = ("id", "title", "version", "source")


def union_kind(value: Any) -> str:
    """``guild`` → "nghiệp đoàn": the contract's own Vietnamese name, for use mid-sentence."""
    names = UNION_KINDS.get(str(value))
    return names[0][0].lower() + names[0][1:] if names else ("" if value is None else str(value))


MAX_DAYS = 36_525  # days(n) and day counts: |n| at most 100 years
MAX_STEPS = 10_000  # loop iterations plus calls, per render
MAX_TEXT = 20_000  # characters of a rendered text
MAX_BUILT = 2_000  # items of a string or list built by repetition (times MAX_STEPS: 20 MB)
MAX_SIZE_ARGUMENT = 1_000  # widths and counts given to string methods and filters
MAX_INT = 2**63 - 1  # what SQLite stores and rule numbers fit in


class TemplateLimitError(SecurityError):
    """A rule text that breaks a bound of the sandbox; the message is Vietnamese."""


def describe_error(exc: BaseException) -> str:
    """What went wrong rendering a rule text, in Vietnamese (the technical detail after it)."""
    if isinstance(exc, TemplateLimitError):
        return str(exc)
    if isinstance(exc, SecurityError):
        return f"thao tác bị hộp cát chặn ({exc})"
    if isinstance(exc, UndefinedError):
        return f"tên hoặc thuộc tính không xác định ({exc})"
    if isinstance(exc, ZeroDivisionError):
        return "chia cho 0"
    if isinstance(exc, RecursionError):
        return "macro gọi lại chính nó quá sâu (đệ quy không dừng)"
    if isinstance(exc, MemoryError):
        return "hết bộ nhớ: chuỗi, danh sách hoặc số quá lớn"
    if isinstance(exc, OverflowError):
        return f"số hoặc ngày vượt quá giới hạn ({exc})"
    if isinstance(exc, TypeError):
        return f"sai kiểu dữ liệu ({exc})"
    if isinstance(exc, ValueError):
        return f"giá trị không hợp lệ ({exc})"
    return f"{type(exc).__name__}: {exc}"


def days(n: Any) -> dt.timedelta:
    count = int(n)
    if abs(count) > MAX_DAYS:
        raise TemplateLimitError(f"days({count}): số ngày vượt quá giới hạn {MAX_DAYS} (100 năm).")
    return dt.timedelta(days=count)


def _charge(eval_ctx: EvalContext, cost: int = 1) -> None:
    """One render's budget lives on its EvalContext, which loops, macros and derived contexts
    share; it starts full when a render starts."""
    steps = getattr(eval_ctx, "steps", 0) + cost
    if steps > MAX_STEPS:
        raise TemplateLimitError(
            f"Nội dung cần quá {MAX_STEPS} bước (vòng lặp hoặc lời gọi lồng nhau, "
            "macro gọi lại chính nó); hãy viết đơn giản hơn."
        )
    eval_ctx.steps = steps  # type: ignore[attr-defined]


@pass_eval_context
def _bounded_iteration(eval_ctx: EvalContext, iterable: Iterable[Any]) -> Iterator[Any]:
    for item in iterable:
        _charge(eval_ctx)
        yield item


@pass_eval_context
def _step(eval_ctx: EvalContext, context: Any) -> str:
    _charge(eval_ctx)
    return ""


@pass_eval_context
def _bounded_range(eval_ctx: EvalContext, *args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_STEPS:
        raise TemplateLimitError(f"range(...) có {len(numbers)} phần tử, quá {MAX_STEPS}.")
    return numbers


def _check_size(value: Any, what: str) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SIZE_ARGUMENT:
        raise TemplateLimitError(f"{what}: giá trị {value} quá lớn (tối đa {MAX_SIZE_ARGUMENT}).")


_PRINTF_WIDTH = re.compile(r"%[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?")
_FORMAT_WIDTH = re.compile(r"\{[^{}]*:[^{}]*(\{|\d{4,})")


def _check_printf(text: str) -> None:
    for match in _PRINTF_WIDTH.finditer(text):
        for group in match.groups():
            if group == "*" or group and int(group) > MAX_SIZE_ARGUMENT:
                raise TemplateLimitError(
                    f"Định dạng '{match.group()}' có độ rộng quá lớn (tối đa {MAX_SIZE_ARGUMENT})."
                )


def _check_format(text: str) -> None:
    if _FORMAT_WIDTH.search(text):
        raise TemplateLimitError(
            "Chuỗi định dạng {…} có độ rộng quá lớn hoặc độ rộng lấy từ biến; "
            "hãy dùng bộ lọc number hoặc date_vn."
        )


def _check_result(value: Any, operation: str) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        raise TemplateLimitError(f"Phép {operation} cho số quá lớn (vượt 64 bit).")
    return value


_SIZED_METHODS = frozenset(
    {"center", "ljust", "rjust", "zfill", "expandtabs", "replace", "format", "format_map"}
)


def _bounded_method(owner: str, name: str, method: Any) -> Any:
    """A string method whose result can be far larger than its string ('x'.center(n),
    .replace, '{:>n}'.format), checked before it runs. Wrapped when the attribute is read, so
    nothing is added to calls that are not one of these."""
    if not callable(method):
        return method

    def bounded(*args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            _check_size(value, f"str.{name}")
        if name == "replace" and len(args) > 1 and isinstance(args[1], str):
            if (len(owner) + 1) * len(args[1]) > MAX_TEXT:  # the most replace can give
                raise TemplateLimitError("str.replace: chuỗi kết quả có thể quá dài.")
        if name in ("format", "format_map"):
            _check_format(owner)
        return method(*args, **kwargs)

    return bounded


def _bounded_filter(function: Callable[..., Any], name: str) -> Callable[..., Any]:
    """A size-taking filter (center, indent, wordwrap, slice, truncate) with its sizes capped."""

    first_size = 2 if getattr(function, "jinja_pass_arg", None) else 1  # after env, value

    @wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        for value in (*args[first_size:], *kwargs.values()):
            _check_size(value, f"bộ lọc {name}")
        return function(*args, **kwargs)

    return bounded


def _bounded_format(value: Any, *args: Any, **kwargs: Any) -> str:
    text = str(value)
    _check_printf(text)
    return text % (kwargs or args)


_DICT_HAS: dict[str, bool] = {}  # attribute name → whether a dict has it (dicts have no __dict__)


class RuleEnvironment(SandboxedEnvironment):
    """The bounded sandbox (see the module's docstring), with a shortcut for ``name.key`` on
    plain dicts (``unit.name``, ``facts.workers``): the sandbox first tries the attribute, which
    a dict has only for its own methods, so every such read raised and caught an
    ``AttributeError`` before reading the key (~4 s of a national run). The shortcut reads the
    key directly when ``dict`` has no attribute of that name — the same value, the same
    undefined when the key is missing — and leaves every other case to the sandbox."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            has = _DICT_HAS.get(attribute)
            if has is None:
                has = _DICT_HAS[attribute] = hasattr(obj, attribute)
            if not has:  # what the sandbox does after getattr(obj, attribute) fails
                try:
                    return obj[attribute]
                except (TypeError, LookupError):
                    return self.undefined(obj=obj, name=attribute)
        elif type(obj) is str and attribute in _SIZED_METHODS:
            return _bounded_method(obj, attribute, super().getattr(obj, attribute))
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if type(obj) is str and type(argument) is str:  # 'x'['center'] is 'x'.center
            return self.getattr(obj, argument)
        return super().getitem(obj, argument)

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """``*``, ``**`` and ``%`` checked before they are computed (only these three are
        intercepted: every other operator runs as compiled Python)."""
        if operator == "*":
            sequence, count = (left, right) if isinstance(right, int) else (right, left)
            if isinstance(sequence, str | list | tuple) and isinstance(count, int):
                if len(sequence) * count > MAX_BUILT:
                    raise TemplateLimitError(
                        f"Phép nhân tạo chuỗi/danh sách dài {len(sequence) * count} "
                        f"(tối đa {MAX_BUILT})."
                    )
                return sequence * count
            return _check_result(left * right, "nhân")
        if operator == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0:
                if abs(left) > 1 and (abs(left).bit_length() - 1) * right > 64:
                    raise TemplateLimitError("Phép lũy thừa cho số quá lớn (vượt 64 bit).")
            return _check_result(left**right, "lũy thừa")
        if isinstance(left, str):  # "%": printf-style formatting
            _check_printf(left)
        return left % right

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Every ``{% for %}`` iterates through a filter that charges the render's budget, so
        nested loops over anything (ranges, strings, lists) are bounded; every macro body starts
        by charging one step (a macro calling itself twice a level would run 2**n times)."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(
                loop.iter, "_bounded_iteration", [], [], None, None, lineno=loop.lineno
            )
        for macro in [*tree.find_all(nodes.Macro), *tree.find_all(nodes.CallBlock)]:
            # on the context, not a constant: a constant would be folded away when compiling
            here = nodes.ContextReference(lineno=macro.lineno)
            step = nodes.Filter(here, "_step", [], [], None, None, lineno=macro.lineno)
            macro.body.insert(0, nodes.Output([step], lineno=macro.lineno))
        return tree


@cache
def environment() -> SandboxedEnvironment:
    env = RuleEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.filters.update(date_vn=date_vn, number=number_vn, yes_no=yes_no, union_kind=union_kind)
    env.filters.update(_bounded_iteration=_bounded_iteration, _step=_step)
    for name in ("center", "indent", "wordwrap", "truncate", "slice", "batch"):
        env.filters[name] = _bounded_filter(env.filters[name], name)
    env.filters["format"] = _bounded_format
    env.globals["days"] = days
    env.globals["range"] = _bounded_range
    return env


@cache
def _template(source: str) -> Template:
    return environment().from_string(source)


@cache
def _expression(source: str) -> Any:
    return environment().compile_expression(source, undefined_to_none=False)


def render(template: str, context: dict[str, Any]) -> str:
    """Render a rule text; compiled once per distinct template (a run renders thousands)."""
    return check_length(_template(template).render(context).strip())


def check_length(text: str) -> str:
    if len(text) > MAX_TEXT:
        raise TemplateLimitError(f"Nội dung dài {len(text)} ký tự (tối đa {MAX_TEXT}).")
    return text


def evaluate_expression(expression: str, context: dict[str, Any]) -> Any:
    return _expression(expression)(**context)


def attribute_uses(source: str) -> tuple[set[str], set[tuple[str, str]]]:
    """Top-level names a template reads, and ``name.attribute`` pairs it reads."""
    from jinja2 import meta

    tree = environment().parse(source)
    names = set(meta.find_undeclared_variables(tree))
    pairs: set[tuple[str, str]] = set()
    for node in tree.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name):
            pairs.add((node.node.name, node.attr))
    for node in tree.find_all(nodes.Getitem):
        if isinstance(node.node, nodes.Name) and isinstance(node.arg, nodes.Const):
            pairs.add((node.node.name, str(node.arg.value)))
    return names, pairs
