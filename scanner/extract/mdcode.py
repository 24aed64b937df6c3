"""Where a rendered Markdown page shows its text as written: code spans and
code blocks, the only places CommonMark decodes no character reference
(spec 0.31, 6.2: a paragraph, a link's target and title, an autolink as
cmark reads it, and raw HTML, which the browser decodes, show them decoded).

Read conservatively: a stretch taken for code is read only as written, so
it is code only where every reading of the page's structure makes it so.

- A fenced code block opened at the left margin, or indented by one to three
  spaces where no list item can hold it, or first in a list item
  (``- ```` ``), whose content column is then known.  A fence indented
  under a list that may be open belongs to it or not, and a fence that
  closes one reading of the page opens another: such a block is code while
  every reading agrees, and past the line where they part (or past a fence
  inside what may be HTML or a paragraph, and an HTML block is a paragraph
  where no raw HTML is read, as in markdown-it's default; or past one whose
  opening line holds a ``|`` above what may be a table's delimiter row, a
  table to markdown-it) no code block is looked for.
- An indented code block after a blank line, where no list item is open,
  nor any other block whose indented lines are its own: GitHub's footnotes,
  MkDocs's admonitions and tabs, a definition list's definitions.
- A code span whose backticks pair on its line, in a stretch between blank
  lines every line of which pairs its backticks on its own: the page then
  pairs them the same, whichever lines its paragraphs are.  A backslash
  before a backtick, a backtick inside what may be a tag, an autolink (or
  a bare address, which GitHub links to the next space) or a link's target
  and title (as far as CommonMark reads them: a quoted attribute may hold a
  '>', a title a ')'), such a thing going on into the next line, or a
  backtick left alone leaves the stretch's spans unread; in a stretch that
  may hold a table (a line of only ``|-:``) the cells are paired apart.
- Block quotes, link reference definitions and what may be HTML blocks are
  text: no span is looked for there.
"""
from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence

_CODE, _TEXT, _INLINE, _BLANK = range(4)  # what a line is

# a fence: three backticks (an info string holding none) or three tildes
_FENCE = re.compile(r"(`{3,})[^`]*$|(~{3,})")
# a list item's marker, and an ordered one's number
_MARKER = re.compile(r"(?:[-+*]|([0-9]{1,9})[.)])(?=[ \t]|$)")
_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_DEFINITION = re.compile(r"\[(?:[^\]\\]|\\.)+\]:")
# what opens a block whose lines indented by four are its own, as a list item's are: a footnote's
# definition (GitHub's), an admonition, a collapsible one or a tab (MkDocs: Python-Markdown's !!! note,
# ??? note, === "tab") and a definition in a definition list (: text, ~ text)
_INDENTING = re.compile(r"\[\^[^\]]+\]:|(?:!!!|\?\?\?\+?|===)[ \t]|[:~](?:[ \t]|$)")
# white space and block quotes' and list items' markers: what a block inside them comes after
_CONTAINERS = re.compile(r"[ \t>]*(?:(?:[-+*]|[0-9]{1,9}[.)])(?:[ \t]+|$)[ \t>]*)*")
_FENCE_START = re.compile(r"`{3}|~{3}")
_LINE_END = re.compile(r"\r\n?|\n")
_INDENTED = re.compile(r"(?:^|(?<=\r))(?: {4}| {0,3}\t)", re.MULTILINE)
# the tags that start an HTML block of kind 6 to CommonMark 0.31 (markdown-it) and to cmark-gfm (0.29) both:
# 0.31 adds search and drops source, which are read as kind 7, an HTML block or not
_BLOCK_TAGS = ("address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|"
               "dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|iframe|"
               "legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|section|summary|"
               "table|tbody|td|tfoot|th|thead|title|tr|track|ul")
_BLANK_LINE = re.compile(r"^[ \t]*$")
# CommonMark's HTML blocks of kinds 1 to 6 (4.6): how one starts and what ends it
_HTML_BLOCKS = (
    (re.compile(r"<(?:pre|script|style|textarea)(?:[ \t>]|$)", re.IGNORECASE),
     re.compile(r"</(?:pre|script|style|textarea)>", re.IGNORECASE)),
    (re.compile(r"<!--"), re.compile(r"-->")),
    (re.compile(r"<\?"), re.compile(r"\?>")),
    (re.compile(r"<![A-Za-z]"), re.compile(r">")),
    (re.compile(r"<!\[CDATA\["), re.compile(r"\]\]>")),
    (re.compile(rf"</?(?:{_BLOCK_TAGS})(?:[ \t>]|/>|$)", re.IGNORECASE), _BLANK_LINE),
)
# kind 7 (which cannot interrupt a paragraph and ends at a blank line): a whole open or closing tag
# alone on its line; any line that starts as a tag does is read as HTML, which reads more lines as
# text, never fewer
_TAG_LIKE = re.compile(r"</?[A-Za-z]")
_ATTRIBUTE = r"""(?:[ \t]++[A-Za-z_:][A-Za-z0-9_.:-]*+(?:[ \t]*+=[ \t]*+(?:[^ \t"'=<>`]++|'[^']*+'|"[^"]*+"))?+)"""
# the characters a block's start (or a heading, which ends a list) begins with
_BLOCK_STARTS = frozenset("`~><[-+*#0123456789!?=:")
_INLINE_EVENT = re.compile(r"`+|<|\]\(|://|www\.")
# where GitHub's link of a bare address (https://..., www....) may end: at white space or a '<'
_BARE_LINK_END = re.compile(r"[\t\n\v\f\r <]")
_BACKTICKS = re.compile(r"`+")
# an inline link's target and title after its text, ](target "title"), on one line (CommonMark 6.3):
# a target's parentheses paired, one deep, and a backslash escaping what is ASCII punctuation (a NUL
# is no control character here: CommonMark reads it as U+FFFD)
_ESCAPE = r"\\[!-/:-@\[-`{-~]"
_LINK_TAIL = re.compile(
    rf"""\]\([ \t]*+(?:<(?:{_ESCAPE}|[^<>\\]|\\)*+>"""
    rf"""|(?:{_ESCAPE}|[^\x01-\x20\x7f()\\]|\\|\((?:{_ESCAPE}|[^\x01-\x20\x7f()\\]|\\)*+\))*+)"""
    rf"""(?:[ \t]++(?:"(?:{_ESCAPE}|[^"\\]|\\)*+"|'(?:{_ESCAPE}|[^'\\]|\\)*+'|\((?:{_ESCAPE}|[^()\\]|\\)*+\)))?+"""
    r"[ \t]*+\)")
# raw HTML and autolinks a '<' starts in a paragraph (6.5, 6.6): an open or closing tag, an autolink
# to a URI (a NUL in it too) or an e-mail address, whole on the line; a comment, a processing
# instruction, CDATA and a declaration end at the first of their ends, which may lie on a later line
_TAG_OR_AUTOLINK = re.compile(
    rf"<[A-Za-z][A-Za-z0-9-]*+{_ATTRIBUTE}*+[ \t]*+/?>|</[A-Za-z][A-Za-z0-9-]*+[ \t]*+>"
    r"|<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\x01-\x20<>]*+>"
    r"|<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]++@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*+>")
_HTML_OPENER = re.compile(r"<(?:(!--)|(\?)|(!\[CDATA\[)|(![A-Za-z]))")
_HTML_CLOSERS = ("-->", "?>", "]]>", ">")  # by the opener's group
# an open or closing tag the line ends in (its attributes, white space or a quoted value go on
# into the next line)
_TAG_GOING_ON = re.compile(
    rf"""<[A-Za-z][A-Za-z0-9-]*+{_ATTRIBUTE}*+(?:[ \t]*+=[ \t]*+(?:"[^"]*+|'[^']*+)?)?[ \t]*+$"""
    r"|</[A-Za-z][A-Za-z0-9-]*+[ \t]*+$")


class ShownAsWritten:
    """The code of a Markdown text: its lines read into blocks when first
    asked about, the spans of a stretch between blank lines when asked
    about one of its lines."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._read = False
        self._starts: list[int] = []  # where each line starts
        self._lines: list[str] = []
        self._kinds: list[int] = []
        self._spans: dict[int, list[tuple[int, int]]] = {}  # a line -> its code spans (in the text)

    def holds(self, start: int, end: int) -> bool:
        """All of ``text[start:end]`` lies inside code: on one line, a code
        block's or a code span's; over lines, code blocks'."""
        numbers = self._numbers(start, end)
        if len(numbers) != 1:
            return bool(numbers) and all(self._kinds[number] == _CODE for number in numbers)
        if self._kinds[numbers[0]] == _CODE:
            return True
        spans = self._spans_on(numbers[0])  # in order, apart: the last to start at or before ``start``
        last = bisect.bisect_right(spans, start, key=_start) - 1
        return last >= 0 and end <= spans[last][1]

    def meets(self, start: int, end: int) -> bool:
        """Some of ``text[start:end]`` lies inside code."""
        for number in self._numbers(start, end):
            if self._kinds[number] == _CODE:
                return True
            spans = self._spans_on(number)  # in order, apart: the last to start before ``end``
            last = bisect.bisect_left(spans, end, key=_start) - 1
            if last >= 0 and start < spans[last][1]:
                return True
        return False

    def _numbers(self, start: int, end: int) -> range:
        """The numbers of the lines ``text[start:end]`` is on; none when the
        text holds no code."""
        if not self._read:
            self._read = True
            text = self._text
            if "`" not in text and "~~~" not in text and not _INDENTED.search(text):
                return range(0)
            if "\r" in text:  # a line ends at CR LF, LF or CR alone (CommonMark 2.1)
                breaks = list(_LINE_END.finditer(text))
                self._starts = [0, *(match.end() for match in breaks)]
                ends = [*(match.start() for match in breaks), len(text)]
                self._lines = [text[start:end] for start, end in zip(self._starts, ends)]
            else:
                self._lines = text.split("\n")
                self._starts = list(itertools.accumulate((len(line) + 1 for line in self._lines[:-1]), initial=0))
            self._kinds = _Blocks().kinds(self._lines)
        if not self._kinds:
            return range(0)
        return range(bisect.bisect_right(self._starts, start) - 1, bisect.bisect_right(self._starts, max(start, end - 1)))

    def _spans_on(self, number: int) -> list[tuple[int, int]]:
        """A line's code spans, read with the others of its stretch between
        blank or code lines (the page's paragraphs lie within): none unless
        each line of it pairs its backticks; in cells where a line may be a
        table's delimiter row."""
        kinds = self._kinds
        if kinds[number] != _INLINE or "`" not in self._lines[number]:
            return []
        if number not in self._spans:
            first = last = number
            while first > 0 and kinds[first - 1] not in (_CODE, _BLANK):
                first -= 1
            while last + 1 < len(kinds) and kinds[last + 1] not in (_CODE, _BLANK):
                last += 1
            stretch = range(first, last + 1)
            table = any(_delimiter_row(self._lines[line]) for line in stretch)
            found: dict[int, list[tuple[int, int]]] = {}
            for line in stretch:
                spans = _line_spans(self._lines[line], table)
                if spans is None:
                    found = {}
                    break
                if spans and kinds[line] == _INLINE:
                    found[line] = [(self._starts[line] + s, self._starts[line] + e) for s, e in spans]
            for line in stretch:
                self._spans[line] = found.get(line, [])
        return self._spans[number]


def _start(span: tuple[int, int]) -> int:
    return span[0]


def _line_spans(line: str, table: bool) -> list[tuple[int, int]] | None:
    """The code spans of one line (start, end in it), or None where its
    backticks may pair otherwise than on it: one left alone, one after a
    backslash, one inside a tag, an autolink (a bare address too, as GitHub
    links one) or a link's target and title (as far as CommonMark reads
    them, which may be past the first '>' or ')'), or one of these going on
    into the next line (it may hold that line's).  In a ``table`` a span
    stops at a ``|``: cells are read apart."""
    if "`" not in line and "<" not in line and "](" not in line:
        return []
    if "\\`" in line:
        return None
    runs: dict[int, list[int]] = {}  # a length -> where runs of that many backticks start
    starts: list[int] = []
    for match in _BACKTICKS.finditer(line):
        runs.setdefault(match.end() - match.start(), []).append(match.start())
        starts.append(match.start())
    pipes = _places(line, "|") if table else []
    closers: dict[str, list[int]] = {}  # where each of an HTML opener's ends stands in the line
    stops: list[int] | None = None  # where a bare address's link may end
    spans = []
    position = 0
    while (event := _INLINE_EVENT.search(line, position)) is not None:
        at, token = event.start(), event.group()
        position = at + len(token)
        if token[0] == "`":
            pipe = bisect.bisect_right(pipes, at)
            bound = pipes[pipe] if pipe < len(pipes) else len(line)
            same = runs[len(token)]
            closer = bisect.bisect_right(same, at)
            if closer == len(same) or same[closer] > bound:
                return None
            position = same[closer] + len(token)
            spans.append((at, position))
            continue
        if token == "](":
            tail = _LINK_TAIL.match(line, at)
            if tail is None:  # none, or one going on into the next line or nested deeper
                return None
            end = tail.end()
        elif token != "<":  # a bare address, which GitHub links (its autolink extension) whole
            if stops is None:
                stops = [match.start() for match in _BARE_LINK_END.finditer(line)]
            stop = bisect.bisect_left(stops, at)
            end = stops[stop] if stop < len(stops) else len(line)
        elif (tag := _TAG_OR_AUTOLINK.match(line, at)) is not None:
            end = tag.end()
        elif (opener := _HTML_OPENER.match(line, at)) is not None:
            assert opener.lastindex is not None
            close = _HTML_CLOSERS[opener.lastindex - 1]
            if (ends := closers.get(close)) is None:
                ends = closers[close] = _places(line, close)
            following = bisect.bisect_left(ends, at + 2)
            if following == len(ends):
                return None
            end = ends[following] + len(close)
        elif _TAG_GOING_ON.match(line, at):
            return None
        else:
            continue  # a '<' as it stands
        backtick = bisect.bisect_right(starts, at)
        if backtick < len(starts) and starts[backtick] < end:
            return None
    return spans


class _Blocks:
    """Reads lines into code, text, inline and blank, as the module's
    docstring says; ``confused`` once the page's structure is in doubt."""

    def __init__(self) -> None:
        # an open fence: its character and length, the indents a closing fence may have, the
        # least indent of its lines (its list item's content column) and whether it is in doubt
        self.fence: tuple[str, int, int, int, int, bool] | None = None
        self.html_ends: set[re.Pattern[str]] = set()  # what ends the open HTML block, or each it may be
        self.indented = False
        self.listed = False  # a list item (or another block that takes indented lines in) may be open
        self.defining = False  # after a link reference definition, whose title may follow
        self.confused = False
        self.blank_before = True
        self.following = ""  # the line after the one read

    def kinds(self, lines: Sequence[str]) -> list[int]:
        out = []
        for number, line in enumerate(lines):
            self.following = lines[number + 1] if number + 1 < len(lines) else ""
            if line and line[0] not in _BLOCK_STARTS and line[0] not in " \t" and not (
                    self.fence or self.html_ends or self.indented):  # a paragraph's line at the margin (most are)
                self.listed = self.listed and not self.blank_before
                out.append(_TEXT if self.defining else _INLINE)
                self.blank_before = False
                continue
            kind = self._fenced(line)
            out.append(self._read(line) if kind is None else kind)
            self.blank_before = not line.strip(" \t")
        return out

    def _fenced(self, line: str) -> int | None:
        """A line of the open fenced code block, or None when there is none
        (any more: its list item ended, or may have, before this line)."""
        if self.fence is None:
            return None
        char, size, low, high, floor, doubtful = self.fence
        column, at = _indent(line)
        blank = at == len(line)
        closing = not blank and _closes(line, at, char, size)
        if closing and low <= column <= high:
            self.fence = None
            return _CODE
        if blank or (column >= floor and not (doubtful and closing)):
            return _CODE
        self.fence = None
        self.confused = self.confused or doubtful
        return None

    def _read(self, line: str) -> int:
        """A line outside fenced code."""
        blank = not line.strip(" \t")
        if self.html_ends:
            self.html_ends = {end for end in self.html_ends if not end.search(line)}
            self._maybe_html(line)
            return _BLANK if blank else _TEXT
        column, at = _indent(line)
        if self.indented:
            if blank or column >= 4:
                return _CODE
            self.indented = False
        if blank:
            self.defining = False
            return _BLANK
        if column <= 3 and line[at] not in _BLOCK_STARTS:  # a paragraph's line (most are)
            if column == 0 and self.blank_before:
                self.listed = False
            return _TEXT if self.defining else _INLINE
        marker = _MARKER.match(line, at) if column <= 3 or self.listed else None
        if column == 0 and not marker and (self.blank_before or _HEADING.match(line) or _FENCE.match(line)):
            self.listed = False  # no list item takes such a line in
        if column <= 3 and _INDENTING.match(line, at):
            self.listed = True  # a block that takes indented lines in
        if not self.confused and column >= 4:
            if not self.listed and self.blank_before:
                self.indented = True
                return _CODE
            if self.listed and _FENCE_START.match(line, _inner(line)):
                self.confused = True  # a list item's fence, or a line of its code or of its paragraph
        if not self.confused and column <= 3 and (opened := _FENCE.match(line, at)):
            # the page's own fence, or (indented under a list that may be open) the page's or a list item's
            low, doubtful = (0, False) if column == 0 or not self.listed else (column, True)
            if self._open(line, opened, low, 3, low, doubtful):
                return _CODE
        if marker is not None:
            self.listed = True
            # surely an item and not a paragraph's line: a bullet, 1. or after a blank line
            item = column <= 3 and (marker.group(1) in (None, "1") or self.blank_before)
            while marker is not None:
                column += marker.end() - marker.start()
                content, at = _indent(line, column, marker.end())
                if at == len(line) or content - column > 4:
                    return _TEXT if self.defining else _INLINE  # empty, or opening with indented code
                column = content
                if not self.confused and (opened := _FENCE.match(line, at)):
                    if item and self._open(line, opened, column, column + 3, column, doubtful=False):
                        return _CODE
                    self.confused = True
                marker = _MARKER.match(line, at)
        if line.startswith(">", at):
            return _TEXT
        for start, end in _HTML_BLOCKS:
            if start.match(line, at):
                self._html(end, line, at)
                return _TEXT
        if _TAG_LIKE.match(line, at):
            self._html(_BLANK_LINE, line, at)
            return _TEXT
        if self.defining or _DEFINITION.match(line, at):
            self.defining = True
            return _TEXT
        return _INLINE

    def _open(self, line: str, opened: re.Match[str], low: int, high: int, floor: int, doubtful: bool) -> bool:
        """Open a fenced code block on ``line``, unless the next line may be
        a table's delimiter row: markdown-it reads a table before a fence
        (```a | b above |---|---|), and the page is then in doubt."""
        if "|" in line and _delimiter_row(self.following):
            self.confused = True
            return False
        fence = opened.group(1) or opened.group(2)
        self.fence = (fence[0], len(fence), low, high, floor, doubtful)
        return True

    def _html(self, end: re.Pattern[str], line: str, at: int) -> None:
        """An HTML block starts at ``at``; it may end on its first line."""
        self.html_ends = set() if end is not _BLANK_LINE and end.search(line, at) else {end}

    def _maybe_html(self, line: str) -> None:
        """A line of what may be an HTML block, or a paragraph (where no raw
        HTML is read, as in markdown-it's default, or where kind 7 cannot
        interrupt one) or a list item: what the page would start on it if it
        is not HTML, read as such (a list item; another HTML block, so the
        block lasts until both may have ended) or given up on (a fence)."""
        at = _inner(line)
        if at and _MARKER.search(line, 0, at):
            self.listed = True
        if _FENCE_START.match(line, at):
            self.confused = True
        for start, end in _HTML_BLOCKS:
            if start.match(line, at) and not (end is not _BLANK_LINE and end.search(line, at)):
                self.html_ends.add(end)
        if _TAG_LIKE.match(line, at):
            self.html_ends.add(_BLANK_LINE)


def _indent(line: str, column: int = 0, at: int = 0) -> tuple[int, int]:
    """The column and the index of the first character past the spaces and
    tabs at ``line[at:]`` (a tab to the next stop of four)."""
    while at < len(line) and line[at] in " \t":
        column = column + 4 - column % 4 if line[at] == "\t" else column + 1
        at += 1
    return column, at


def _places(line: str, string: str) -> list[int]:
    """Where ``string`` starts in the line."""
    places = []
    at = line.find(string)
    while at >= 0:
        places.append(at)
        at = line.find(string, at + 1)
    return places


def _delimiter_row(line: str) -> bool:
    """The line may be a table's delimiter row (``|---|:--:|``), in a block quote or a list item too."""
    return "-" in line and not line.strip(" \t>|:-")


def _inner(line: str) -> int:
    """Where a block inside block quotes and list items may start on the line."""
    containers = _CONTAINERS.match(line)
    assert containers is not None  # the pattern matches the empty string
    return containers.end()


def _closes(line: str, at: int, char: str, size: int) -> bool:
    """The line from ``at`` is a closing fence of ``char``, ``size`` long or more."""
    rest = line[at:].rstrip(" \t")
    return len(rest) >= size and rest == char * len(rest)

