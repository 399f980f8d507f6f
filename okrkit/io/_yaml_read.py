"""Reading YAML text into plain values that remember their lines: a safe loader (libyaml when
there, else pure Python) that refuses what an OKR file never needs."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from typing import Any

import yaml

from okrkit.errors import InputError, ValidationError
from okrkit.model import (
    MAX_TEXT,
)

__all__ = [
    "FLOAT_1_2",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_LINE",
    "LineDict",
    "SafeLineLoader",
    "read_yaml",
]


#: The largest file read (YAML or CSV): 100,000 objectives with a quarter of weekly check-ins
#: take about 700 MB of YAML. Anything larger is refused before it is read into memory.
MAX_BYTES = 1024 * 1024 * 1024


#: The deepest nesting of lists and mappings a file may use (an OKR file needs five or so).
MAX_DEPTH = 50


#: The longest line: longer than any text a field may hold (:data:`okrkit.model.MAX_TEXT`).
MAX_LINE = 65_536


class LineDict(dict[str, Any]):
    """A dict that remembers the line of itself and of each of its keys."""

    line: int | None = None
    lines: dict[str, int]


def _too_long(length: int | None, *, line: int, field: str | None) -> ValidationError:
    """The refusal of a text longer than :data:`MAX_TEXT`; ``length`` is ``None`` when unknown."""
    return ValidationError(
        f"the text is {length:,} characters long, more than {MAX_TEXT:,}"
        if length is not None
        else f"the text is more than {MAX_TEXT:,} characters long",
        line=line,
        field=field,
        fix=f"shorten it: a text holds at most {MAX_TEXT:,} characters",
    )


#: What does not count towards the length of a text while it is scanned (see _scanned_at_least).
_BLANKS = " \t\r\n\x85\u2028\u2029"


def _scanned_at_least(raw: str) -> int:
    """How many characters, at least, the text of a scalar holds whose file text is ``raw``.

    ``raw`` is what the scanner has read of the scalar so far, less its first line (which holds
    quotes or a block header and its comment). Every other character that is not a space or a
    line break is in the text, except in escapes: ``''`` in single quotes gives one character,
    and an escape in double quotes (``\\U0001F600``, ``\\`` at a line end) takes up to ten
    characters and gives one or none. So half of what remains after ten characters for every
    backslash is a lower bound of the text's length, whatever the style.
    """
    blank = sum(raw.count(c) for c in _BLANKS)
    return (len(raw) - blank - 10 * raw.count("\\")) // 2


class SafeLineLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing what an OKR file never needs (see the module docstring).

    It reads a text (a ``str``), never a stream: the scanner's bound on long scalars looks back
    into the whole text.
    """

    _depth = 0
    # Where the scalar being scanned starts in the text (-1 when none), and how far the scanner
    # may get into it before it is looked at again.
    _scalar_start = -1
    _scalar_line = 0
    _scalar_check = 0

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        # For each node being composed, the key it is the value of, else the nearest key above
        # it: the field of a text that is too long.
        self._fields: list[str | None] = []

    def _scan_scalar(self, scan: Any, *args: Any) -> Any:
        self._scalar_start = self.pointer
        self._scalar_line = self.line
        self._scalar_check = MAX_TEXT
        try:
            return scan(*args)
        finally:
            self._scalar_start = -1

    def scan_block_scalar(self, style: Any) -> Any:
        return self._scan_scalar(super().scan_block_scalar, style)

    def scan_flow_scalar(self, style: Any) -> Any:
        return self._scan_scalar(super().scan_flow_scalar, style)

    def scan_plain(self) -> Any:
        return self._scan_scalar(super().scan_plain)

    def scan_line_break(self) -> Any:
        """A line break; within a scalar, refuse it once it surely holds more than MAX_TEXT.

        PyYAML scans a scalar character by character in Python (a second for 2 MB or so) before
        anyone sees it, so a 50 MB block scalar would be refused only after tens of seconds.
        Here the text scanned so far is looked at each time its length doubles, so the looking
        costs at most twice the scanning, and a scalar is refused soon after its text surely
        passes the limit (:func:`_scanned_at_least`). Single lines are bounded before
        (:data:`MAX_LINE`).
        """
        start = self._scalar_start
        if start >= 0 and self.pointer - start > self._scalar_check:
            raw = self.buffer[start : self.pointer]
            if _scanned_at_least(raw[raw.find("\n") + 1 :] if "\n" in raw else "") > MAX_TEXT:
                field = self._fields[-1] if self._fields else None
                raise _too_long(None, line=self._scalar_line + 1, field=field)
            self._scalar_check *= 2
        return super().scan_line_break()  # type: ignore[no-untyped-call]

    def fetch_flow_collection_start(self, token_class: Any) -> None:
        # Checked while scanning: PyYAML scans a whole flow collection ([[[...]]]) before the
        # composer sees its first level, so compose_node alone would refuse it only slowly.
        if self.flow_level >= MAX_DEPTH:
            raise InputError(
                f"the YAML nests more than {MAX_DEPTH} levels deep",
                line=self.line + 1,
                fix="an OKR file nests a few levels: objectives, key results, their keys",
            )
        super().fetch_flow_collection_start(token_class)

    def compose_node(self, parent: Any, index: Any) -> Any:
        # Before the next event is parsed: scanning it may refuse a text as too long.
        fields = self._fields
        if isinstance(index, yaml.ScalarNode):  # the value of this key
            fields.append(str(index.value))
        else:
            fields.append(fields[-1] if fields else None)
        self._depth += 1
        try:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise InputError(
                    "YAML aliases (*name) are not accepted",
                    line=event.start_mark.line + 1,
                    fix="write the value out in full instead of referring to an anchor",
                )
            if self._depth > MAX_DEPTH:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise InputError(
                    f"the YAML nests more than {MAX_DEPTH} levels deep",
                    line=event.start_mark.line + 1,
                    fix="an OKR file nests a few levels: objectives, key results, their keys",
                )
            node = super().compose_node(parent, index)
            if type(node) is yaml.ScalarNode and len(node.value) > MAX_TEXT and node.tag == _STR:
                raise _too_long(len(node.value), line=node.start_mark.line + 1, field=fields[-1])
            return node
        finally:
            self._depth -= 1
            fields.pop()

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        out = LineDict()
        out.line = node.start_mark.line + 1
        out.lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise InputError(
                    f"the key {key!r} is not text", line=line, fix="write keys as plain words"
                )
            if key in out:
                raise InputError(
                    f"the key {key!r} appears twice in one mapping",
                    line=line,
                    fix="keep one of them; YAML would silently drop the first",
                )
            out[key] = self.construct_object(value_node, deep=deep)
            out.lines[key] = line
        return out

    def construct_yaml_int(self, node: Any) -> Any:
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            raise InputError(
                f"the number has {len(node.value):,} digits",
                line=node.start_mark.line + 1,
                fix="write a number of reasonable size, or quote it if it is a text",
            ) from None

    def construct_yaml_timestamp(self, node: Any) -> Any:
        # An impossible date (2026-02-30) makes PyYAML raise a bare ValueError; keep the text so
        # the model refuses it with the file, line and field like any other bad date.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


SafeLineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, SafeLineLoader.construct_mapping
)
SafeLineLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", SafeLineLoader.construct_yaml_timestamp
)
SafeLineLoader.add_constructor("tag:yaml.org,2002:int", SafeLineLoader.construct_yaml_int)
# YAML 1.1 reads 1e6 as text; read it as the number people mean, as YAML 1.2 does.
FLOAT_1_2 = re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$")
SafeLineLoader.add_implicit_resolver("tag:yaml.org,2002:float", FLOAT_1_2, list("-+0123456789"))


class _Unsure(Exception):
    """The libyaml reading met something only :class:`SafeLineLoader` says the right thing about."""


_SCALAR_NODE = yaml.ScalarNode


# 0 a scalar, 1 a mapping starts, 2 a list starts, 3 either ends; any other event is unsure.
_EVENT_KINDS = {
    yaml.ScalarEvent: 0,
    yaml.MappingStartEvent: 1,
    yaml.SequenceStartEvent: 2,
    yaml.MappingEndEvent: 3,
    yaml.SequenceEndEvent: 3,
}


_STR = "tag:yaml.org,2002:str"


_INT = "tag:yaml.org,2002:int"


_TIMESTAMP = "tag:yaml.org,2002:timestamp"


_NULL = "tag:yaml.org,2002:null"


_BOOL = "tag:yaml.org,2002:bool"


_FLOAT = "tag:yaml.org,2002:float"


def _read_with_libyaml(text: str) -> Any:
    """Read ``text`` with libyaml's parser, building the data of :class:`SafeLineLoader` from its
    events.

    Only libyaml's parser runs (its composer recurses in C, and a deep enough nesting would crash
    the process). The events are built into the same dicts, lists and scalars as
    :class:`SafeLineLoader` builds, with the same lines. Whatever :class:`SafeLineLoader` refuses or
    treats
    specially (an error, an alias, a tag, a merge key, a duplicate or non-text key, a nesting
    deeper than :data:`MAX_DEPTH`, an odd number) raises :class:`_Unsure` at once, and the
    caller reads the text again with :class:`SafeLineLoader`, which says what is wrong and where.
    """
    from yaml._yaml import CParser  # PyYAML's libyaml binding, loaded where it is used

    try:
        parser = CParser(text)
        get = parser.get_event
        get()  # the stream start
        event: Any = get()
        if isinstance(event, yaml.StreamEndEvent):
            return None
        if event.version or event.tags:  # %YAML and %TAG directives
            raise _Unsure
        data = _build(get)
        if not isinstance(get(), yaml.StreamEndEvent):  # a second document
            raise _Unsure
        return data
    except (yaml.YAMLError, UnicodeError, ValueError, TypeError, InputError):
        raise _Unsure from None


def _build(get: Any) -> Any:
    """The one node of a document from its events, up to and including the document end."""
    resolvers = SafeLineLoader.yaml_implicit_resolvers
    loader = SafeLineLoader("")
    construct = {
        _INT: loader.construct_yaml_int,
        _FLOAT: loader.construct_yaml_float,
        _TIMESTAMP: loader.construct_yaml_timestamp,
    }
    bools = SafeLineLoader.bool_values
    kinds = _EVENT_KINDS
    no_key = object()
    # The open collections, outermost first; for each open mapping, the key awaiting its value.
    stack: list[Any] = []
    keys: list[Any] = []
    key_lines: list[int] = []
    root: list[Any] = []
    while True:
        event = get()
        kind = kinds.get(type(event))
        if kind is None:
            if isinstance(event, yaml.DocumentEndEvent) and not stack and root:
                return root[0]
            raise _Unsure  # an alias, or an event that cannot come here
        if kind == 3:  # the end of a collection
            stack.pop()
            keys.pop()
            key_lines.pop()
            continue
        if event.tag is not None or len(stack) >= MAX_DEPTH:
            raise _Unsure
        tag = _STR
        if kind == 0:
            value = event.value
            if event.implicit[0]:  # a plain scalar: resolve its tag as SafeLineLoader does
                for tag, regexp in resolvers.get(value[:1], ()):  # noqa: B007
                    if regexp.match(value):
                        break
                else:
                    tag = _STR
                if tag == _STR:
                    pass
                elif tag == _INT and value.isdigit() and value[0] != "0" and len(value) < 4000:
                    value = int(value)
                elif tag == _TIMESTAMP and len(value) == 10:
                    # An impossible date (2026-02-30) stays text, as in SafeLineLoader.
                    with contextlib.suppress(ValueError):
                        value = dt.date(int(value[:4]), int(value[5:7]), int(value[8:]))
                elif tag == _NULL:
                    value = None
                elif tag == _BOOL:
                    value = bools[value.lower()]
                elif tag in construct:
                    value = construct[tag](
                        _SCALAR_NODE(tag, value, event.start_mark, event.end_mark)
                    )
                else:  # a merge key (<<) or another tag without a constructor
                    raise _Unsure
            if tag == _STR and len(value) > MAX_TEXT:  # refused before the rest is parsed
                field = _field(stack, keys, no_key)
                raise _too_long(len(value), line=event.start_mark.line + 1, field=field)
        elif kind == 1:
            value = LineDict()
            value.line = event.start_mark.line + 1
            value.lines = {}
        else:
            value = []
        if not stack:
            root.append(value)
        else:
            parent = stack[-1]
            if type(parent) is list:
                parent.append(value)
            elif keys[-1] is no_key:
                if kind != 0 or tag != _STR or value in parent:
                    raise _Unsure  # a key that is not text, or a duplicate key
                keys[-1] = value
                key_lines[-1] = event.start_mark.line + 1
            else:
                parent[keys[-1]] = value
                parent.lines[keys[-1]] = key_lines[-1]
                keys[-1] = no_key
        if kind != 0:
            stack.append(value)
            keys.append(no_key)
            key_lines.append(0)


def _field(stack: list[Any], keys: list[Any], no_key: object) -> str | None:
    """The field of the scalar :func:`_build` is placing, as :class:`SafeLineLoader` names it: the
    key it is the value of, else the nearest key above it."""
    child: Any = None
    for depth in range(len(stack) - 1, -1, -1):
        parent = stack[depth]
        if type(parent) is not list:
            if child is None and keys[depth] is not no_key:
                return str(keys[depth])
            if child is not None:
                return str(next(k for k, v in parent.items() if v is child))
        child = parent
    return None


def read_yaml(text: str, *, source: str = "<text>") -> Any:
    """Parse YAML text safely into plain Python data with line information.

    Read with libyaml (PyYAML's C parser) where PyYAML has it, else with the pure-Python
    :class:`SafeLineLoader`; both give the same data, and the same refusals with the same messages.
    """
    long = _long_line(text)
    if long is not None:
        raise InputError(
            f"the line is longer than {MAX_LINE:,} characters",
            source=source,
            line=text.count("\n", 0, long) + 1,
            fix=f"a text in an OKR file holds at most {MAX_TEXT:,} characters; shorten it",
        )
    if yaml.__with_libyaml__:
        try:
            return _read_with_libyaml(text)
        except _Unsure:
            pass  # SafeLineLoader below refuses it with its message, or reads what libyaml refused
        except ValidationError as exc:  # a text too long
            raise exc.at(source=source) from None
    try:
        # SafeLineLoader derives from SafeLoader: no Python objects, no aliases.
        return yaml.load(text, Loader=SafeLineLoader)
    except (InputError, ValidationError) as exc:
        raise exc.at(source=source) from None
    except yaml.reader.ReaderError as exc:
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        raise InputError(
            f"the file holds the control character U+{ord(char[:1] or '?'):04X}, which YAML"
            " does not allow",
            source=source,
            line=text.count("\n", 0, exc.position) + 1,
            fix="delete it; it often comes with text copied from another program",
        ) from None
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        tag = re.search(r"tag '([^']+)'", exc.problem or "")
        if tag and tag.group(1) == "tag:yaml.org,2002:merge":
            raise InputError(
                "YAML merge keys (<<) are not accepted",
                source=source,
                line=mark.line + 1 if mark else None,
                fix="write the keys out in full",
            ) from None
        raise InputError(
            f"the YAML tag {tag.group(1).replace('tag:yaml.org,2002:', '!!')!r} is not accepted"
            if tag
            else f"this is not valid YAML: {exc.problem or exc.context}",
            source=source,
            line=mark.line + 1 if mark else None,
            fix="remove the tag: okrkit files hold plain text, numbers, dates and lists",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        started = ""
        if exc.problem and exc.context and exc.context_mark and exc.context_mark is not mark:
            # "while scanning a quoted scalar" that starts far above the end of the file
            started = f", {exc.context} that starts on line {exc.context_mark.line + 1}"
        raise InputError(
            f"this is not valid YAML: {exc.problem or exc.context}{started}",
            source=source,
            line=mark.line + 1 if mark else None,
            fix="check indentation, colons and quotes near that line",
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(
            f"this is not valid YAML: {exc}", source=source, fix="check the file's syntax"
        ) from None
    except RecursionError:
        raise InputError(
            "the YAML nests too deeply", source=source, fix="flatten the structure"
        ) from None


def _long_line(text: str) -> int | None:
    """Where the first line longer than :data:`MAX_LINE` starts in ``text``, else ``None``.

    Such a line holds a whole stretch ``[k * step, (k + 1) * step)`` of ``step = (MAX_LINE + 1)
    // 2`` characters, so only the stretches without a line break are looked at closely: for a
    file of short lines, one search for a line break in each stretch, a few thousand searches
    for 100 MB. (A regular expression for a long line tries again from every character of a
    shorter one, which takes minutes on lines just under the limit.)
    """
    step = (MAX_LINE + 1) // 2
    find = text.find
    for start in range(0, len(text), step):
        if find("\n", start, start + step) < 0:
            begin = text.rfind("\n", 0, start) + 1
            end = find("\n", start)
            if (end if end >= 0 else len(text)) - begin > MAX_LINE:
                return begin
    return None
