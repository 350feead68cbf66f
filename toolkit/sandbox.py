"""The template sandbox: what a template of a publication's `layouts:` folder may reach and build.

A `layouts:` folder is content: its templates may read the data they are given, never reach Python
(`cycler.__init__.__globals__.os`), the file system (`publication.root.read_text()`) or build values
that exhaust the machine. Jinja's immutable sandbox refuses the first two; the bounds here refuse the
third, as a class rather than case by case:

- every operation that multiplies a size (`*`, `%` and `.format()` widths, `center`, `ljust`,
  `indent`, `replace('', …)`, `join`, `batch`, `tojson(indent)`…) is checked *before* it runs: the size
  it would build is at most MAX_TEMPLATE_VALUE;
- every value a template operation gives (a call, a filter, an operator, `~`, a macro's or a block's
  output) is counted: none is larger than MAX_TEMPLATE_OUTPUT, and one rendering builds at most
  MAX_TEMPLATE_WORK characters or items in all, so that doubling a value in a loop, or keeping many
  large values, stops long before memory runs out (a time limit would come too late: a doubling loop
  takes gigabytes in seconds).

Each refusal is a TemplateTooLarge raised in the template's own frame, so the message gives the
template line (html.template_problem)."""
from __future__ import annotations

import inspect
import json
import math
import re
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from pathlib import PurePath
from string import Formatter
from types import ModuleType
from typing import Any, Callable, Iterator

from jinja2.compiler import CodeGenerator, optimizeconst
from jinja2.exceptions import TemplateRuntimeError
from jinja2.runtime import markup_join, str_join
from jinja2.utils import _PassArg
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter, safe_range
from markupsafe import Markup
from pydantic import BaseModel

PATH_ATTRIBUTES = frozenset({"name", "stem", "suffix"})
MODEL_MACHINERY = frozenset(name for name in dir(BaseModel) if not name.startswith("_"))
MAX_TEMPLATE_VALUE = 10_000_000    # characters or items one operation may build; digits of a number
# Any value given by a template operation. A block's or a part's HTML is such a value: a 4 MB part of
# narrow table cells gives about 25 M characters of HTML.
MAX_TEMPLATE_OUTPUT = 100_000_000
# All the values of one rendering: the annual report's templates build 7.8 times its HTML (a part's
# HTML is counted in its block, its part and the document), hence an allowance that grows with the
# content (50 characters a byte of its text files) above a base no publication needs.
MAX_TEMPLATE_WORK = 100_000_000
WORK_PER_CONTENT_BYTE = 50


class TemplateTooLarge(TemplateRuntimeError):
    """A template would build a value, or values, beyond the sandbox's bounds."""


def too_large(what: str) -> TemplateTooLarge:
    return TemplateTooLarge(f"{what} would build a value of more than {MAX_TEMPLATE_VALUE} characters or items")


class Work:
    """What one rendering has built so far (characters and items of the values given)."""

    def __init__(self, allowed: int = MAX_TEMPLATE_WORK) -> None:
        self.spent = 0
        self.allowed = allowed


_work: ContextVar[Work | None] = ContextVar("template_work", default=None)


@contextmanager
def counted_work(content_bytes: int = 0) -> Iterator[Work]:
    """Count what the templates rendered inside build (one count per thread or task), against
    MAX_TEMPLATE_WORK and WORK_PER_CONTENT_BYTE for each byte of the content's text."""
    work = Work(MAX_TEMPLATE_WORK + WORK_PER_CONTENT_BYTE * content_bytes)
    token = _work.set(work)
    try:
        yield work
    finally:
        _work.reset(token)


def size_of(value: Any) -> int:
    """Characters of a string, items of a collection, digits of an integer; 0 for anything else."""
    if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value.bit_length() * 0.30103) + 1
    return 0


def spend(value: Any, what: str = "an operation") -> Any:
    """`value` counted against the bounds; returned as is."""
    size = size_of(value)
    if size > MAX_TEMPLATE_OUTPUT:
        raise TemplateTooLarge(f"{what} gave a value of more than {MAX_TEMPLATE_OUTPUT} characters or items")
    work = _work.get()
    if work is not None:
        work.spent += size
        if work.spent > work.allowed:
            raise TemplateTooLarge(f"the templates built more than {work.allowed} characters or items in all: "
                                   "build less (loop over the content given, do not grow values in a loop)")
    return value


def _text_size(value: Any) -> int:
    """The length of a value printed (what `%s`, `~` and `join` make of it)."""
    return len(value) if isinstance(value, str) else len(str(value))


def _check(what: str, size: int) -> None:
    if size > MAX_TEMPLATE_VALUE:
        raise too_large(what)


# ------------------------------------------------------------------ sizes, before the work

PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?([a-zA-Z%])")


def percent_size(template: str, values: Any) -> int:
    """About the length of `template % values`: the text, each field's width and precision (`*` taken
    from the values, as Python does), and the text of the string values."""
    args = list(values) if isinstance(values, tuple) else [values]
    size, index = len(template), 0
    for width, precision, kind in PERCENT_SPEC.findall(template):
        if kind == "%":
            continue
        for number in (width, precision):
            if number == "*":
                taken = args[index] if index < len(args) else 0
                index += 1
                size += abs(taken) if isinstance(taken, int) else 0
            elif number:
                size += int(number)
        index += 1
    if isinstance(values, dict):
        args = list(values.values())
    return size + sum(_text_size(arg) for arg in args)


def spec_size(spec: str) -> int:
    """The largest number in a `.format()` field's spec: its width or its precision."""
    return max((int(run) for run in re.findall(r"\d+", spec)), default=0)


def _join_size(items: list[Any], separator: str) -> int:
    return sum(_text_size(item) for item in items) + len(separator) * max(len(items) - 1, 0)


def replace_size(text: str, old: str, new: str, count: int | None) -> int:
    found = len(text) + 1 if old == "" else text.count(old) if old else 0
    if count is not None and count >= 0:
        found = min(found, count)
    return len(text) + found * max(len(new) - len(old), 0)


def _list(value: Any) -> list[Any]:
    """A sequence the filter will go through, made a list once (and at most MAX_TEMPLATE_VALUE long)."""
    if isinstance(value, (list, tuple)):
        return list(value)
    items = []
    for item in value:
        items.append(item)
        _check("a sequence", len(items))
    return items


def _filter_size(name: str, args: dict[str, Any], env: Any) -> int:
    """The size a filter of Jinja's would build from these arguments (0 for filters that cannot grow)."""
    text = lambda key: str(args.get(key, ""))  # noqa: E731
    if name == "center":
        return max(len(text("value")), args.get("width", 80))
    if name == "indent":
        width = args.get("width", 4)
        step = len(width) if isinstance(width, str) else width
        return len(text("s")) + (text("s").count("\n") + 1) * step
    if name == "wordwrap":
        s, wrap = text("s"), args.get("wrapstring") or "\n"
        lines = min(len(s) + 1, len(s) // max(args.get("width", 79), 1) + s.count(" ") + s.count("\n") + 1)
        return len(s) + lines * len(wrap)
    if name == "replace":
        return replace_size(text("s"), str(args.get("old", "")), str(args.get("new", "")), args.get("count"))
    if name == "format":
        values = args.get("kwargs") or tuple(args.get("args", ()))
        return percent_size(text("value"), values)
    if name in ("batch", "slice"):
        count = args.get("linecount" if name == "batch" else "slices", 0)
        items = len(args["value"]) if hasattr(args.get("value"), "__len__") else 0
        return items + (count if isinstance(count, int) and (name == "slice" or args.get("fill_with") is not None) else 0)
    if name == "tojson":
        indent = args.get("indent") or 0
        return len(json.dumps(args.get("value"), default=str)) * (1 + (indent if isinstance(indent, int) else len(str(indent))))
    if name == "sum" and not isinstance(args.get("start", 0), (int, float)):
        return size_of(args["start"]) + sum(size_of(item) for item in args.get("iterable", ()))
    return 0


def bounded_filter(name: str, function: Callable[..., Any], env: Any) -> Callable[..., Any]:
    """`function`, a filter, checked before (the size it would build) and after (the value it gives)."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        signature = None
    # Jinja's filters with an async variant take an evaluation context their signature does not show.
    inner = getattr(function, "__wrapped__", None)
    hidden = int(inner is not None and _PassArg.from_obj(function) is not None and _PassArg.from_obj(inner) is None)

    @wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        if signature is not None:
            try:
                bound = signature.bind(*args[hidden:], **kwargs)
            except TypeError:
                bound = None  # the filter itself says what is wrong with its arguments
            if bound is not None:
                arguments = dict(bound.arguments)
                for key in ("value", "iterable"):
                    if key in arguments and name in ("join", "sum", "batch", "slice") \
                            and not isinstance(arguments[key], (str, dict)):
                        arguments[key] = _list(arguments[key])
                        bound.arguments[key] = arguments[key]
                if name == "join":
                    items = arguments.get("value", [])
                    if arguments.get("attribute") is not None:
                        items = [env.getitem(item, arguments["attribute"]) for item in items]
                    _check("'|join'", _join_size(items, str(arguments.get("d", ""))))
                else:
                    _check(f"'|{name}'", _filter_size(name, arguments, env))
                args, kwargs = (*args[:hidden], *bound.args), bound.kwargs
        return spend(guarded(function, *args, **kwargs), f"'|{name}'")
    return bounded


def guarded(function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """A call whose running out of room is a template error (a float too large, a memory error)."""
    try:
        return function(*args, **kwargs)
    except (OverflowError, MemoryError) as error:
        raise TemplateTooLarge(f"{getattr(function, '__name__', 'a call')}: {error or type(error).__name__}") from None


# A string method building a string of the size given by an argument: that argument is bounded.
SIZED_METHODS = {"center": 0, "ljust": 0, "rjust": 0, "zfill": 0}


def method_size(method: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """The size a method of a string would build (0 when it cannot grow beyond its inputs)."""
    owner, name = getattr(method, "__self__", None), getattr(method, "__name__", "")
    if not isinstance(owner, str):
        return 0
    if name in SIZED_METHODS:
        width = args[0] if args else kwargs.get("width", 0)
        return width if isinstance(width, int) else 0
    if name == "expandtabs":
        tab = args[0] if args else kwargs.get("tabsize", 8)
        return len(owner) + (owner.count("\t") + 1) * (tab if isinstance(tab, int) else 0)
    if name == "replace" and len(args) >= 2:
        count = args[2] if len(args) > 2 else kwargs.get("count")
        return replace_size(owner, str(args[0]), str(args[1]), count if isinstance(count, int) else None)
    # Any other method: an integer argument is a width, a count or an index, never beyond the bound.
    return max((abs(a) for a in (*args, *kwargs.values()) if isinstance(a, int) and not isinstance(a, bool)),
               default=0)


class BoundedFormatter(SandboxedFormatter):
    """`.format()` whose fields are at most MAX_TEMPLATE_VALUE wide or precise (`{:>1000000000}`)."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        _check("'.format()'", spec_size(format_spec))
        return super().format_field(value, format_spec)


class BoundedEscapeFormatter(SandboxedEscapeFormatter):
    def format_field(self, value: Any, format_spec: str) -> Any:
        _check("'.format()'", spec_size(format_spec))
        return super().format_field(value, format_spec)


class BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with `~` going through the environment (bounded) like the operators."""

    @optimizeconst
    def visit_Concat(self, node: Any, frame: Any) -> None:
        markup = "context.eval_ctx.autoescape" if frame.eval_ctx.volatile else repr(bool(frame.eval_ctx.autoescape))
        self.write(f"environment.join_values({markup}, (")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox (no `_` attributes, no mutation of lists and dicts, bounded `range`),
    with paths reduced to their names and every value built bounded (see the module's doc)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = BoundedCodeGenerator

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, PurePath) and attr not in PATH_ATTRIBUTES:
            return False
        if isinstance(value, ModuleType):
            return False
        # The content's models give their fields and their own properties; pydantic's machinery
        # (`model_dump_json(indent=10**8)`, `json()`, `model_copy(update=…)`) is not content.
        if isinstance(obj, BaseModel) and attr in MODEL_MACHINERY:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def bound_filters(self) -> None:
        """Every filter checked (once the environment's filters are all there)."""
        for name, function in list(self.filters.items()):
            if not getattr(function, "_bounded", False):
                self.filters[name] = bounded_filter(name, function, self)
                self.filters[name]._bounded = True  # type: ignore[attr-defined]

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1 \
                and right > 0 and right * math.log10(abs(left)) > MAX_TEMPLATE_VALUE:
            raise TemplateTooLarge(f"'**' would give a number of more than {MAX_TEMPLATE_VALUE} digits")
        if operator == "*":
            _check("'*'", _product_size(left, right))
        elif operator == "+" and not isinstance(left, (int, float)):
            _check("'+'", size_of(left) + size_of(right))
        elif operator == "%" and isinstance(left, str):
            _check("'%'", percent_size(left, right))
        try:
            return spend(super().call_binop(context, operator, left, right), f"'{operator}'")
        except OverflowError as error:  # a float power too large
            raise TemplateTooLarge(f"'{operator}': {error}") from None

    def join_values(self, markup: bool, values: tuple[Any, ...]) -> str:
        """`a ~ b`: the joined size checked before joining."""
        _check("'~'", sum(_text_size(value) for value in values))
        return spend(markup_join(values) if markup else str_join(values), "'~'")

    def concat(self, pieces: Any) -> str:  # type: ignore[override]
        """The output of a template, a macro or a `{% set %}` block, bounded as it grows. Past the bound
        the error is thrown into the template's generator, so that it is raised at the line writing."""
        gathered, total = [], 0
        for piece in pieces:
            total += len(piece)
            if total > MAX_TEMPLATE_OUTPUT:
                error = TemplateTooLarge(f"the output of a template or macro is more than {MAX_TEMPLATE_OUTPUT} "
                                         "characters: print less (loop over the content given)")
                if hasattr(pieces, "throw"):
                    pieces.throw(error)
                raise error
            gathered.append(piece)
        return spend("".join(gathered), "a template's output")

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """Jinja's sandboxed `.format()` and `.format_map()`, with bounded fields."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        owner = value.__self__
        formatter = BoundedEscapeFormatter(self, escape=owner.escape) if isinstance(owner, Markup) \
            else BoundedFormatter(self)
        is_map = value.__name__ == "format_map"

        @wraps(value)
        def bounded(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs or len(args) != 1:
                    return wrapped(*args, **kwargs)  # Jinja's own TypeError
                args, kwargs = (), args[0]
            return type(owner)(formatter.vformat(owner, args, kwargs))
        return bounded

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """A call from a template: a string method checked before, every value given counted after."""
        _check(f"'.{getattr(__obj, '__name__', 'call')}()'", method_size(__obj, args, kwargs))
        if getattr(__obj, "__name__", "") == "join" and isinstance(getattr(__obj, "__self__", None), str) and args:
            items = _list(args[0])
            _check("'.join()'", _join_size(items, __obj.__self__))
            args = (items, *args[1:])
        result = guarded(super().call, __context, __obj, *args, **kwargs)
        return spend(result, f"'{getattr(__obj, '__name__', 'a call')}()'")


def bounded_range(*args: int) -> range:
    """`range` as the sandbox bounds it, failing as a template error rather than an OverflowError."""
    try:
        return safe_range(*args)
    except OverflowError as error:
        raise TemplateRuntimeError(str(error)) from None


def _product_size(left: Any, right: Any) -> int:
    """The size `left * right` would have: the length when one side is a string or a sequence, the
    digits when both are integers, else 0."""
    for sequence, count in ((left, right), (right, left)):
        if isinstance(sequence, (str, bytes, list, tuple)) and isinstance(count, int):
            return len(sequence) * count
    if isinstance(left, int) and isinstance(right, int):
        return size_of(left) + size_of(right)
    return 0
