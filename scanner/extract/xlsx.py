"""XLSX: every sheet (hidden and very hidden included), cell comments,
header/footer text, defined names and document properties.

Every part is read through ``GuardedZip`` (the item's size limits) and each
sheet is parsed once: its cells are rendered by ``xlsxsheet`` (openpyxl's
value rules without its per-cell cost) and its header/footer text is taken
from the same tree.

Parts: ``sheet:<name>`` (rows joined by newlines, cells by tabs),
``unused-strings`` (shared strings no cell shows), ``phonetic`` (shared
strings' phonetic runs, which cells' text leaves out), ``comment``
(``Sheet!A1: text``), ``header``/``footer`` (``Sheet: text``, format codes
removed), ``names`` (defined names and their formulas), ``sheet-names`` (every
sheet's name, as its tab shows it), ``attributes`` (cells' input messages
and error texts, link tooltips), ``filters`` (autofilter values no cell
shows), ``links`` (where hyperlinks lead: ``Sheet!A1: target``),
``formulas`` (the string literals of formulas), ``conditional-formats``
(the text of conditional-formatting rules), ``data-validations`` (the
string literals of data-validation formulas), ``number-formats`` (the literal
text of number formats), ``cell-styles`` (the names of cell styles),
``table-styles`` (the names of the book's own table styles), ``tables``
(tables' names, comments and the column names no cell shows),
``pivot-tables`` (pivot tables' names and captions no cell shows),
``pivot-filters`` (the strings of pivot tables' label filters),
``pivot-caches`` (pivot caches' field names, calculated fields' and items'
formulas' string literals, OLAP members' MDX names, the items no cell shows), ``connections``
(external data connections' names, descriptions, sources, queries' string
literals and parameters' prompts),
``properties:<field>`` (a part per document
property); other parts' text (text boxes, charts) by ``leftover``.
"""
from __future__ import annotations

import html
import itertools
import re
from typing import NamedTuple

from lxml import etree

from ..config import Limits
from ..errors import ExtractionError
from ..lang import Text
from ..levels import choice_lines, level_choice, level_picker
from ..types import Document, Notice, Part, Severity
from .decode import unquoted_url
from .image import package_pictures
from .leftover import leftover, opens_with_markup, part_text, xml_text
from .notices import unreadable
from .ocr import PictureReader
from .thumbnail import package_thumbnail
from .xlsxsheet import REL_NS, Book, SheetXml, header_footer, read_book, rels
from .xmlparts import (
    attribute_lines,
    embedded_notices,
    external_targets,
    local,
    ooxml_properties,
    parse_xml,
)
from .zipguard import GuardedZip

_SHEET_STATES = {"hidden": "隐藏", "veryHidden": "深度隐藏"}
# &L &C &R sections, &"font,style", &12 sizes, &P page fields and the like
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f(?:\s[^<>]{0,1024})?>([^<]*)</(?:[\w.-]+:)?f>")
_QUOTED = re.compile(r'"((?:[^"]|"")*)"')
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")  # a character an attribute cannot hold: a line break is _x000a_
_HF_CODE = re.compile(r'&"[^"]*"|&\d+|&[KkLCRPNDTFAZGBIUESXYHO]|&&')


def extract_xlsx(data: bytes, name: str, limits: Limits, ocr: PictureReader) -> Document:
    parts: list[Part] = []
    notices: list[Notice] = []
    with GuardedZip(data, limits, stage="xlsx") as pkg:
        pkg.check_declared()
        try:
            book = read_book(pkg)
        except (ValueError, KeyError) as exc:
            raise ExtractionError(f"workbook cannot be read: {type(exc).__name__}: {exc}", stage="xlsx") from exc
        comments, headers, footers, attributes = [], [], [], []
        formulas: list[str] = []
        filters: list[str] = []
        rules: list[str] = []
        validations: list[str] = []
        links: list[str] = []
        related: list[str] = []  # the paths of the sheets' tables and pivot tables
        for sheet in book.sheets:
            raw = pkg.read(sheet.path)
            sheet_xml = SheetXml(raw, sheet.path)
            if sheet_xml.may_hold_formulas():
                formulas += _formula_strings(raw)
            entries, literals = _validation_text(sheet_xml.root)
            attributes += attribute_lines(sheet_xml.root) + entries
            validations += literals
            rules += _rule_strings(sheet_xml.root)
            filters += _filter_values(sheet_xml.root)
            h, f = _header_footer(header_footer(sheet_xml.root))
            # the sheet's name on a line of its own: a level alone in the header (its centre, say) is alone on its line
            headers += [f"{sheet.name}:\n{t}" for t in h]
            footers += [f"{sheet.name}:\n{t}" for t in f]
            external: dict[str, str] = {}
            sheet_rels = rels(pkg, sheet.path, external)
            links += _links(sheet_xml.root, sheet.name, external)
            comments += [f"{sheet.name}!{ref}: {text}" for ref, text in _comments(pkg, sheet_rels)]
            related += [target for rel_type, target in sheet_rels.values()
                        if rel_type.lower().endswith(("/table", "/pivottable"))]
            if sheet.chart:
                continue
            part = f"sheet:{sheet.name}"
            try:
                text = sheet_xml.text(book)
            except (ValueError, IndexError, OverflowError) as exc:
                raise ExtractionError(f"sheet {sheet.name!r} cannot be read: {type(exc).__name__}: {exc}",
                                      part=part, stage="xlsx") from exc
            if text:
                parts.append(Part(part, text))
            if sheet.state != "visible" and text:
                notices.append(Notice("hidden.sheet", "hidden", part,
                                      Text(f"{sheet.state} sheet {sheet.name!r} has content",
                                           f"{_SHEET_STATES.get(sheet.state, sheet.state)}工作表“{sheet.name}”中有内容"),
                                      Severity.REVIEW,
                                      details=(("state", sheet.state),)))
        props = ooxml_properties(pkg)
        embedded = embedded_notices(pkg, "xl/embeddings/")
        pictures, picture_notices = package_pictures(pkg, "xl/media/", ocr)
        thumbnails, thumbnail_notices = package_thumbnail(pkg, ocr)  # the preview, which may be stale
        pictures += thumbnails
        picture_notices += thumbnail_notices
        sheet_names = [sheet.name for sheet in book.sheets]
        found = _related_parts(pkg, related, book.pivot_caches, notices)
        tables, pivots, pivot_filters, caches = found.tables, found.pivots, found.pivot_filters, found.caches
        connections = _connections(pkg, book.connections, found.texts, notices)
        if formulas or filters or validations or tables or pivots or pivot_filters or caches or found.items \
                or connections:
            # a literal, a filter value, a column's name, a pivot's caption a cell shows is read there already
            cells = {cell for part in parts for line in part.text.splitlines() for cell in line.split("\t")}
            formulas = [literal for literal in formulas if literal not in cells]
            filters, validations, tables, pivots, pivot_filters = (
                [text for text in dict.fromkeys(lines) if not _shown(text, cells)]
                for lines in (filters, validations, tables, pivots, pivot_filters))
            # a cache's source sheet is named in sheet-names (its tab)
            caches = [text for text in caches if not _shown(text, cells) and text not in sheet_names]
            caches = list(dict.fromkeys([*caches, *(line for items in found.items for line in _item_lines(items, cells))]))
            # what a query brought into cells (a parameter's value, a literal it selects by) is read there,
            # a connection named as its sheet or its table, there
            connections = [text for text in dict.fromkeys(connections)
                           if not _shown(text, cells) and text not in sheet_names and text not in tables]
        links += external_targets(pkg, "xl/drawings/")  # a shape's or a picture's link on a sheet
        for part_name, lines in (("unused-strings", _unused_strings(book)), ("phonetic", book.phonetic),
                                 ("comment", comments),
                                 ("header", headers), ("footer", footers), ("names", book.names),
                                 ("sheet-names", sheet_names), ("attributes", attributes), ("links", links),
                                 ("formulas", formulas), ("filters", filters), ("conditional-formats", list(dict.fromkeys(rules))),
                                 ("data-validations", validations), ("number-formats", _format_strings(book.format_codes)),
                                 ("cell-styles", book.style_names), ("table-styles", book.table_style_names),
                                 ("tables", tables), ("pivot-tables", pivots), ("pivot-filters", pivot_filters),
                                 ("pivot-caches", caches), ("connections", connections)):
            if lines:
                parts.append(Part(part_name, "\n".join(lines)))
        others, other_notices = leftover(pkg, (), [*parts, *props], found.texts, binary=True)
    notices[:0] = [*embedded, *picture_notices]
    notices += other_notices
    if comments:
        notices.append(Notice("hidden.comments", "hidden", "comment",
                              Text(f"{len(comments)} cell comment(s) are stored in the file", f"文件中保存有 {len(comments)} 条单元格批注"),
                              Severity.REVIEW,
                              details=(("count", len(comments)),)))
    parts += props
    parts += others
    parts += pictures
    return Document("xlsx", parts=tuple(parts), notices=tuple(notices))


class _Related(NamedTuple):
    """What the sheets' tables and pivot tables and the book's pivot caches
    hold (``_related_parts``), before the lines a cell shows are left out."""

    tables: list[str]
    pivots: list[str]
    pivot_filters: list[str]
    caches: list[str]  # pivot caches' names, captions and formulas' literals
    items: list[list[str]]  # pivot caches' items, by the field (or group) that lists them
    texts: dict[str, str]  # path -> the part's text as ``leftover`` reads it


class _Cache(NamedTuple):
    """A pivot cache definition's text (``_cache_text``)."""

    fields: list[str]  # its fields' names, which its pivot tables' filters name by number
    lines: list[str]
    items: list[list[str]]


def _related_parts(pkg: GuardedZip, paths: list[str], cache_paths: list[str], notices: list[Notice]) -> _Related:
    """The text of the sheets' tables and pivot tables (``paths``, read once
    the reader's own parts were) and of the pivot caches they read or the
    book lists (``cache_paths``: a cache no pivot table reads any more
    still holds its data): a table's (``_table_strings``), a pivot table's
    names and its filters' strings, a cache's (``_cache_text``); and path
    -> the part's text as ``leftover`` reads it (a table's calculated
    column formulas), for it to read them from there (not inflated again).
    One at a time, no tree kept.  A path the reader read itself (a
    relationship typed as a table that leads to a sheet or the shared
    strings) is passed over: read already, and not again by ``leftover``.
    A part not well-formed is ``unreadable.extract``, as ``leftover`` says."""
    own = set(pkg.read_names)
    tables: dict[str, None] = {}  # each text once (most tables' columns are named alike)
    pivots: dict[str, None] = {}
    pivot_filters: dict[str, None] = {}
    texts: dict[str, str] = {}
    caches: dict[str, _Cache | None] = {}  # a pivot cache's path -> its text
    for path in dict.fromkeys(paths):
        root = _related_xml(pkg, path, own, texts, notices)
        if root is None:
            continue
        if local(root.tag) == "table":
            tables.update(dict.fromkeys(_table_strings(root)))
        elif local(root.tag) == "pivotTableDefinition":
            pivots.update(dict.fromkeys(_pivot_names(root)))
            cache = _cache_path(pkg, path, notices)
            if cache and cache not in caches:  # pivot tables may share one
                caches[cache] = _cache_text(pkg, cache, own, texts, notices)
            read = caches.get(cache)
            pivot_filters.update(dict.fromkeys(_pivot_filters(root, read.fields if read else [])))
    for cache in cache_paths:
        if cache not in caches:
            caches[cache] = _cache_text(pkg, cache, own, texts, notices)
    read_caches = [cache for cache in caches.values() if cache is not None]
    return _Related(list(tables), list(pivots), list(pivot_filters),
                    [line for cache in read_caches for line in cache.lines],
                    [items for cache in read_caches for items in cache.items], texts)


def _related_xml(pkg: GuardedZip, path: str, own: set[str], texts: dict[str, str],
                 notices: list[Notice], items: bool = True) -> etree._Element | None:
    """The tree of the part at ``path``, its text put in ``texts`` as
    ``leftover`` reads it (a pivot cache's items left out when not
    ``items``: the caller reads them); None when the reader read the part
    itself (``own``), the package lacks it, it is not XML (its text put in
    ``texts`` all the same) or not well-formed (``unreadable.extract``).
    XML by the type of the relationship that leads to it, whatever its
    name: a cache named ``.vml`` lost its attributes read as markup."""
    if path in own or not pkg.has(path):
        return None
    try:
        data = pkg.read(path)
        if not opens_with_markup(data):
            texts[path] = part_text(data, path, notices)
            return None
        root = parse_xml(data, path)
    except ExtractionError as exc:
        notices.append(unreadable(exc.reason, part=path))
        return None
    texts[path] = xml_text(root, items=items)
    return root


def _cache_path(pkg: GuardedZip, path: str, notices: list[Notice]) -> str:
    """The cache the pivot table at ``path`` reads (its ``pivotCacheDefinition``
    relationship), "" when none; relationships not well-formed are
    ``unreadable.extract`` (the cache is then read by ``leftover`` alone), not
    the whole book unread."""
    try:
        found = rels(pkg, path)
    except ExtractionError as exc:
        notices.append(unreadable(exc.reason, part=exc.part or path))
        return ""
    return next((target for rel_type, target in found.values()
                 if rel_type.lower().endswith("/pivotcachedefinition")), "")


# the text a pivot cache definition keeps in attributes, by the element that carries it: its
# fields' names and captions (the PivotTable Fields list shows them; a calculated field has
# no column whose header cell shows its name), OLAP hierarchies', KPIs', dimensions',
# calculated members' and the user's groups' (Group Selection) captions and names, the sheet
# its data comes from (Change Data Source)
_CACHE_TEXT = {"cacheField": ("name", "caption", "propertyName"),
               "cacheHierarchy": ("caption", "allCaption", "displayFolder"), "kpi": ("caption", "displayFolder"),
               "dimension": ("caption", "name"), "measureGroup": ("caption", "name"),
               "calculatedMember": ("name", "memberName"), "groupLevel": ("caption",), "group": ("name", "caption"),
               "worksheetSource": ("sheet",), "rangeSet": ("sheet",)}
# formulas: a calculated field's, a calculated item's (Fields, Items & Sets)
_CACHE_FORMULAS = {"cacheField": "formula", "calculatedItem": "formula"}
# MDX: an OLAP calculated member's or named set's (Fields, Items & Sets, Manage Calculations);
# past 255 characters Excel keeps it in its x14:calculatedMember's mdxLong; the members a
# user's group holds, by their unique names ([Range].[密级].&[机密★5年])
_CACHE_MDX = {"calculatedMember": ("mdx", "mdxLong"), "groupMember": ("uniqueName",)}


def _quoted(quotes: tuple[tuple[str, str], ...]) -> str:
    """A pattern of tokens between each (opening, closing) pair of ``quotes``,
    a group each for its text, which writes its closing character twice
    within (``_unquoted``).  One left open runs to the end, each character
    looked at once (possessive: a retry at every opening of an expression
    of them took time growing with its square, 11 s for 20,000 ``[``)."""
    return "|".join(rf"{re.escape(o)}((?:[^{re.escape(c)}]|{re.escape(c * 2)})*+)(?:{re.escape(c)}|\Z)"
                    for o, c in quotes)


def _unquoted(match: re.Match[str], quotes: tuple[tuple[str, str], ...]) -> str:
    """The text of the token ``match`` found, its closing character written
    once where it is twice when it is one of ``quotes``' (``_quoted``)."""
    group = match.lastindex or 0
    if group > len(quotes):
        return match[group]
    closing = quotes[group - 1][1]
    return match[group].replace(closing * 2, closing)


# what an MDX expression names: a member, level or set in brackets ([密级].&[机密★5年]), a
# string in double or single quotes
_MDX_QUOTES = (("[", "]"), ('"', '"'), ("'", "'"))
_MDX_TEXT = re.compile(_quoted(_MDX_QUOTES))
# a field's items (shared items, a group's items, OLAP entries) and a consolidation's page items
_CACHE_ITEM_TAGS = tuple(f"{{*}}{tag}" for tag in ("s", "n", "b", "e", "m", "d", "pageItem"))
_ITEM_TEXT = {"s": ("v", "c"), "pageItem": ("name",)}  # a string's value and caption; any other item's caption
_CACHE_OWN_TAGS = tuple(f"{{*}}{tag}" for tag in {*_CACHE_TEXT, *_CACHE_FORMULAS, *_CACHE_MDX})


def _cache_text(pkg: GuardedZip, cache: str, own: set[str], texts: dict[str, str],
                notices: list[Notice]) -> _Cache | None:
    """A pivot cache definition's text, which Excel shows in the PivotTable
    Fields list, the Calculated Field dialog and the pivot's filter lists:
    the names and captions of its fields (``_CACHE_TEXT``) when not ASCII
    (Excel's ``Field1``), the string literals of its formulas
    (``_CACHE_FORMULAS``: ``IF(密级="机密★5年",1,0)``, as data-validation
    formulas' are read), what its OLAP members' MDX names (``_CACHE_MDX``,
    ``_mdx_names``), and the items each field (or a group of it)
    lists, its column's values (``s`` elements' ``v``, any item's caption
    ``c``), kept apart for the caller to leave out those a cell shows.
    Its text (its items left out) goes to ``texts``, for ``leftover`` to
    read it from there (not inflated again).  None when the cache is not
    there, was read already or is not well-formed."""
    root = _related_xml(pkg, cache, own, texts, notices, items=False)
    if root is None:
        return None
    lines: list[str] = []
    for el in root.iter(*_CACHE_OWN_TAGS):
        tag = local(el.tag)
        lines += [text for key in _CACHE_TEXT.get(tag, ())
                  if not (text := _xstring(el.get(key) or "")).isascii() and any(ch.isalpha() for ch in text)]
        if tag in _CACHE_FORMULAS:
            lines += [literal for literal in _formula_literals(_xstring(el.get(_CACHE_FORMULAS[tag]) or ""))
                      if any(ch.isalpha() for ch in literal)]
        for key in _CACHE_MDX.get(tag, ()):
            lines += _mdx_names(_xstring(el.get(key) or ""))
    by_holder: dict[etree._Element, list[str]] = {}
    for el in root.iter(*_CACHE_ITEM_TAGS):  # a cache may list a million items: the tags looked for by libxml2
        if (holder := el.getparent()) is not None:
            found = by_holder.get(holder)
            if found is None:
                found = by_holder[holder] = []
            tag = el.tag  # local() as a slice: a call per item cost a fifth of the loop
            for key in _ITEM_TEXT.get(tag[tag.rfind("}") + 1:], ("c",)):
                if (text := el.get(key)) and not text.isspace():
                    found.append(_xstring(text))
    fields = [field.get("name") or "" for field in root.iter("{*}cacheField")]
    return _Cache(fields, lines, [list(dict.fromkeys(items)) for items in by_holder.values() if items])


# the text a connections part keeps in attributes, by the element that carries it: what Data >
# Queries & Connections and a connection's Properties show (its name and description, the file
# or address it reads, its command text, a parameter's prompt and value), Excel 2013's model
# connections' too; the command (``_sql_text``) is read apart
_CONNECTION_TEXT = {"connection": ("name", "description", "sourceFile", "odcFile"),
                    "dbPr": ("connection",), "olapPr": ("localConnection",), "webPr": ("url", "post", "editPage"),
                    "textPr": ("sourceFile",), "s": ("v",), "parameter": ("name", "prompt", "string"),
                    "rangePr": ("sourceName",), "dbTable": ("name",), "oledbPr": ("connection",),
                    "dataFeedPr": ("connection",)}
# a command: a connection's (its commandType says which kind), and an Excel 2013 model connection's
# (x15:dbCommand, a query)
_CONNECTION_COMMANDS = {"dbPr": ("command", "serverCommand"), "dbCommand": ("text",)}
_CONNECTION_TAGS = tuple(f"{{*}}{tag}" for tag in {*_CONNECTION_TEXT, *_CONNECTION_COMMANDS})
# percent-encoded: an address, and the form a web query posts to it
_PERCENT_ENCODED = frozenset({"url", "post", "editPage"})
_CONNECTION_STRINGS = frozenset({"connection", "localConnection"})
# a SQL command's string literals, its names quoted ("", MySQL's ``) or bracketed ([], SQL Server's and
# Access's), and its comments; one left open ends with the command (a quote Excel would not run still
# says what it says)
_SQL_QUOTES = (("'", "'"), ('"', '"'), ("`", "`"), ("[", "]"))
_SQL_TOKEN = re.compile(_quoted(_SQL_QUOTES) + r"|--([^\n]*)|/\*(.*?)(?:\*/|\Z)", re.DOTALL)
# the operators of a condition that keeps the rows whose value is not the string literal after it (its
# column's name before them), by words as a pivot's label filter dialog's (_EXCLUDING) are
_SQL_EXCLUDING = ((re.compile(r"(?:<>|!=|\^=)\Z"), "不等于"), (re.compile(r"\bNOT\s+LIKE\Z", re.IGNORECASE), "不匹配"),
                  (re.compile(r"\bNOT\s+IN\s*\(\Z", re.IGNORECASE), "不属于"))
_SQL_NAME = re.compile(r"[^\s()=<>!^,]+\Z")
# a connection string's pair (Provider=…;Data Source="C:\a;b.accdb"): its key, and its value quoted
# ("" or '' inside for the quote), braced (ODBC's {…}) or up to the next ; (a piece without = is read whole)
_CONNECTION_PAIR = re.compile(r"""([^=;]*)(=\s*(?:"((?:[^"]|"")*+)"?|'((?:[^']|'')*+)'?|\{([^}]*+)\}?|([^;]*)))?""")


def _connections(pkg: GuardedZip, paths: list[str], texts: dict[str, str], notices: list[Notice]) -> list[str]:
    """What the book's external data connections (``xl/connections.xml``)
    keep in attributes (``_CONNECTION_TEXT``), which ``leftover``, reading
    text nodes, never saw: a connection's name and description (Data >
    Queries & Connections lists them), the file, database or address it
    reads (percent-encoding decoded), a parameter's prompt and value, and
    of its command (the query its Properties show) the string literals,
    names and comments (``_sql_text``: ``WHERE 密级='机密★5年'``).  A
    name, a source, an address only when not ASCII (Excel's
    ``Connection1``, a plain path).  Its text goes to ``texts`` for
    ``leftover`` (not read again); a part not well-formed is
    ``unreadable.extract``."""
    own = set(pkg.read_names)
    lines: list[str] = []
    for path in dict.fromkeys([*paths, *(["xl/connections.xml"] if pkg.has("xl/connections.xml") else [])]):
        root = _related_xml(pkg, path, own, texts, notices)
        if root is None:
            continue
        for el in root.iter(*_CONNECTION_TAGS):
            tag = local(el.tag)
            for key in _CONNECTION_TEXT.get(tag, ()):
                text = _xstring(el.get(key) or "").strip()
                if key in _PERCENT_ENCODED:
                    text = unquoted_url(text)
                # of a connection string (Provider=…;Data Source=C:\资料\库.accdb) its values: its source's
                # path is the connection's sourceFile, read once
                for value in (_connection_values(text) if key in _CONNECTION_STRINGS else [text]):
                    if value and any(ch.isalpha() for ch in value) and (key == "description" or not value.isascii()):
                        lines.append(value)
            for key in _CONNECTION_COMMANDS.get(tag, ()):
                command = _xstring(el.get(key) or "").strip()
                if el.get("commandType", "2") == "2":  # SQL, the default
                    lines += _sql_text(command)
                elif not command.isascii():  # a table's, a cube's name, a file's (Excel's own types)
                    lines.append(command)
    return lines


def _connection_values(text: str) -> list[str]:
    """The values of a connection string's ``key=value`` pairs, quotes
    removed (a quoted value may hold ``;``), and a piece without a key as
    it stands: cut at every ``;``, a quoted value's rest and such a piece
    were lost."""
    values = []
    for match in _CONNECTION_PAIR.finditer(text):
        key, pair, double, single, braced, plain = match.groups()
        if pair is None:
            value = key
        elif double is not None:
            value = double.replace('""', '"')
        elif single is not None:
            value = single.replace("''", "'")
        else:
            value = braced if braced is not None else plain
        values.append(value.strip())
    return values


def _sql_text(command: str) -> list[str]:
    """A SQL command's string literals, quoted or bracketed names and
    comments (``_SQL_TOKEN``), one a line, those with a letter: a 密级
    field's levels it compares with on one line (``levels.choice_lines``,
    as ``_formula_literals`` reads a formula's), not each a bare level.  A
    level a condition keeps out (``密级 <> '机密'``, ``NOT IN ('机密')``:
    ``_sql_excluding``) is read as that condition, ``密级 不等于 机密``, as
    a pivot's label filter hiding it is (``_pivot_filters``): alone on a
    line it was a bare level, and a query leaving out the 机密 rows blocked."""
    texts: list[str] = []
    conditions: list[str] = []
    words, name, end = "", "", 0
    for match in _SQL_TOKEN.finditer(command):
        group = match.lastindex or 0
        text = _unquoted(match, _SQL_QUOTES).strip()
        excluding = _sql_excluding(command[end:match.start()]) if group == 1 else None
        end = match.end()
        if excluding is None:
            words, name = "", text if group in (2, 3, 4) else ""  # a quoted name a condition may be on
        elif excluding[0]:
            words, name = excluding[0], excluding[1] or name
        if words and level_choice(text):
            conditions.append(f"{name or '字段'} {words} {text}")
        else:
            texts.append(text)
    return [*choice_lines([text for text in texts if any(ch.isalpha() for ch in text)], ","),
            *(line for line in conditions if any(ch.isalpha() for ch in line.rsplit(" ", 1)[-1]))]


def _sql_excluding(gap: str) -> tuple[str, str] | None:
    """How a string literal after ``gap`` (the command since the token
    before it) is compared when its condition keeps the rows whose value is
    not the literal: the condition's words (``_SQL_EXCLUDING``) and the
    name of its column when ``gap`` holds one; ``("", "")`` after a comma
    (a later entry of a list); None for any other literal.  Only the end
    of ``gap`` is looked at: each character of a command once or so."""
    tail = gap[-64:].rstrip()
    if tail[-1:] in ("N", "n", "E", "e") and not tail[-2:-1].isalnum():  # N'机密', E'…': the quote's prefix
        tail = tail[:-1].rstrip()
    if tail.lstrip() == ",":
        return "", ""
    for operator, words in _SQL_EXCLUDING:
        if (found := operator.search(tail)) is not None:
            name = _SQL_NAME.search(tail[:found.start()].rstrip())
            return words, name[0] if name else ""
    return None


def _mdx_names(mdx: str) -> list[str]:
    """What an MDX expression names that is not ASCII: its members, levels
    and sets (``{[Range].[密级].&[机密★5年]}``, the items a named set
    picked) and its strings, each once; a 密级 field's plain levels on one
    line, as its choices (``levels.choice_lines``)."""
    names = (_unquoted(match, _MDX_QUOTES) for match in _MDX_TEXT.finditer(mdx) if match.lastindex)
    return choice_lines([name for name in dict.fromkeys(names)
                         if not name.isascii() and any(ch.isalpha() for ch in name)], ",")


def _item_lines(items: list[str], cells: set[str]) -> list[str]:
    """A pivot cache field's items as lines, as its filter list shows them,
    less those a cell shows (its column's values, read in their rows): one
    each, or a 密级 field's plain choices (公开, 秘密: ``levels.choice_lines``)
    on one line, read unless a cell shows each of them, and an item holding
    more than a level (机密★5年) alone, unless a cell shows it."""
    if not level_picker(items):
        return [item for item in items if not _shown(item, cells)]
    joined, *alone = choice_lines(items, "、")
    shown = all(_shown(item, cells) for item in items if level_choice(item))
    return [*([] if shown else [joined]), *(item for item in alone if not _shown(item, cells))]


def _shown(text: str, cells: set[str]) -> bool:
    """Whether cells show ``text``: each of its lines is a cell's (a cell of
    two lines is two in ``cells``)."""
    return all(line in cells for line in text.split("\n"))


def _xstring(text: str) -> str:
    """An attribute's text with the characters it cannot hold restored: a
    header cell of two lines names its column or cache field a_x000a_b.
    Each escape is a UTF-16 unit: a pair (_xD83D__xDE00_) is one character,
    and a lone surrogate (_xD800_) is U+FFFD, as no UTF-8 report can hold
    it (the JSONL writer raised on it, ending the scan)."""
    if "_x" not in text:
        return text
    restored = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    return restored.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _table_strings(root: etree._Element) -> list[str]:
    """A table's own text: its name (Table Design shows it, formulas use it)
    when not ASCII as Excel's ``Table1`` is, its comment (Name Manager), its
    alt text (Excel 2010's ``x14:table`` in its ``extLst``), and its columns'
    names and total row labels, which its header and total cells show (the
    caller leaves out those a cell does show)."""
    found = []
    for table in root.iter("{*}table"):
        found += [name for key in ("name", "displayName") if not (name := table.get(key) or "").isascii()]
        found += [table.get(key) or "" for key in ("comment", "altText", "altTextSummary")]
    for column in root.iter("{*}tableColumn"):  # a header cell of two lines names its column a_x000a_b
        found += [_xstring(column.get(key) or "") for key in ("name", "totalsRowLabel")]
    return [text for text in found if any(ch.isalpha() for ch in text)]


_PIVOT_TEXT = ("name", "dataCaption", "grandTotalCaption", "errorCaption", "missingCaption", "rowHeaderCaption",
               "colHeaderCaption", "altText", "altTextSummary")


def _pivot_names(root: etree._Element) -> list[str]:
    """A pivot table's own text: its name (PivotTable Analyze shows it),
    captions and alt text (on the definition and on Excel 2010's
    ``x14:pivotTableDefinition``), the names given to its fields, items and
    data fields; most are shown by the pivot's cells (left out by the
    caller), not when the pivot was written without them.  ASCII ones are
    left out: English Excel's ``PivotTable1``, ``Values``, ``Sum of …``."""
    found = []
    for pivot in root.iter("{*}pivotTableDefinition"):
        found += [pivot.get(key) or "" for key in _PIVOT_TEXT]
    for el in root.iter("{*}pivotField", "{*}dataField", "{*}item"):
        found.append(el.get("n" if local(el.tag) == "item" else "name") or "")
    return [text for text in found if not text.isascii() and any(ch.isalpha() for ch in text)]


# the label filters that keep the items whose caption is not the filter's string, by how
# Excel's Label Filter dialog names them (标签筛选: 不等于, 不包含, ...); value and date filters alike
_EXCLUDING = {"NotEqual": "不等于", "NotBeginsWith": "开头不是", "NotEndsWith": "结尾不是", "NotContains": "不包含",
              "NotBetween": "不介于"}


def _pivot_filters(root: etree._Element, fields: list[str]) -> list[str]:
    """The strings a pivot table's label filters compare its labels with
    (``captionContains``: ``stringValue1``; between: ``stringValue2``), as
    the filter dialog shows them, the filters' names and descriptions, and
    the values of the autofilter Excel writes inside each (``*机密*``,
    wildcards removed).  A filter that hides the items it names (does not
    equal, does not contain) is read as its condition, on one line with its
    field's name (the pivot field's own, else the cache's: ``fields``) and
    the dialog's words, ``密级 不等于 秘密``: its string is a field's value
    used to hide rows, shown by no cell, and alone on a line a 秘密 read as
    a bare level (as a 密级 field's choices would, ``levels.choice_lines``).
    A string holding more than a level (秘密★1年, 机密 5年, ``level_choice``)
    is read alone, as before: beside the dialog's words the grammar no
    longer saw 机密 5年 as a mark, and a cell showing it reads it instead.
    A filter that keeps what it names is read as its string alone: the
    pivot's label cells show it (and are read instead once laid out)."""
    given = [field.get("name") or "" for holder in root.iterchildren("{*}pivotFields")
             for field in holder.iterchildren("{*}pivotField")]
    names = [own or cached for own, cached in itertools.zip_longest(given, fields, fillvalue="")]
    found = []
    for holder in root.iterchildren("{*}filters"):
        for pivot_filter in holder.iterchildren("{*}filter"):
            strings = [pivot_filter.get(key) or "" for key in ("stringValue1", "stringValue2")]
            strings += [(el.get("val") or "").strip("*?") for auto in pivot_filter.iterchildren("{*}autoFilter")
                        for el in auto.iter("{*}customFilter", "{*}filter")]
            kind = pivot_filter.get("type") or ""
            words = next((words for suffix, words in _EXCLUDING.items() if kind.endswith(suffix)), None)
            compared = list(dict.fromkeys(s for s in strings if s))  # Excel's autofilter repeats the filter's
            if words is not None and compared and all(map(level_choice, compared)):
                # a field's number: not int() of any digits (², or more than 4300 of them, raise)
                number = (pivot_filter.get("fld") or "").strip()
                at = int(number) if number.isdecimal() and len(number) < 10 else len(names)
                field = names[at] if at < len(names) else ""
                strings = [f"{field or '标签'} {words} {' 与 '.join(compared)}"]
            found += [*strings, *(pivot_filter.get(key) or "" for key in ("name", "description"))]
    return [text for text in found if any(ch.isalpha() for ch in text)]


def _unused_strings(book: Book) -> list[str]:
    """The shared strings no cell shows, once every sheet was read: the
    string of a cell deleted by hand, or one a writer kept after its cell
    changed, stays in ``sharedStrings.xml``, where unzipping the file finds
    it."""
    count = len(book.strings)
    shown = book.shown
    if shown and min(shown) < 0:  # -1 shows the last string, as Python and openpyxl read it
        shown = {index % count for index in shown}
    if len(shown) == count:
        return []
    return [text for at, text in enumerate(book.strings) if at not in shown and any(ch.isalpha() for ch in text)]


def _formula_strings(raw: bytes) -> list[str]:
    """The string literals of a sheet's formulas (``="机密★5年"``): a cell
    shows them once computed, and a file written by a library (openpyxl)
    stores no computed value for the reader to find."""
    if b"<f" not in raw:
        return []
    found = []
    for formula in _FORMULA.findall(raw):
        found += _QUOTED.findall(html.unescape(formula.decode("utf-8", "replace")))
    return [literal.replace('""', '"') for literal in found if any(ch.isalpha() for ch in literal)]


def _links(root: etree._Element, sheet: str, external: dict[str, str]) -> list[str]:
    """Where the sheet's hyperlinks lead, ``Sheet!A1: target`` (Excel shows
    it on the cell and in the link dialog): a place in the book and an
    address outside it, ``external`` (the sheet's external relationships);
    an address no hyperlink names (a linked object's file) ``Sheet: target``."""
    lines = []
    named = set()
    for holder in root.iterchildren("{*}hyperlinks"):
        for link in holder.iterchildren("{*}hyperlink"):
            rid = link.get(f"{{{REL_NS}}}id") or ""
            named.add(rid)
            for target in (unquoted_url(external.get(rid, "")), link.get("location")):
                if target:
                    lines.append(f"{sheet}!{link.get('ref') or ''}: {target}")
    return lines + [f"{sheet}: {unquoted_url(target)}" for rid, target in external.items() if rid not in named and target]


def _rule_strings(root: etree._Element) -> list[str]:
    """The text of a sheet's conditional-formatting rules (Excel's rules
    manager shows it): their formulas' string literals (``A1="机密★5年"``)
    and the text a "contains" rule looks for.  The rules are children of the
    worksheet (and of its ``extLst``, Excel 2010's own), so the grid is not
    walked for them."""
    found = []
    for holder in root.iterchildren("{*}conditionalFormatting", "{*}extLst"):
        for rule in holder.iter("{*}cfRule"):
            found.append(rule.get("text") or "")
            for formula in rule.iter("{*}formula", "{*}f"):
                found += [literal.replace('""', '"') for literal in _QUOTED.findall(formula.text or "")]
    return [text for text in found if any(ch.isalpha() for ch in text)]


def _filter_values(root: etree._Element) -> list[str]:
    """The values a sheet's autofilter keeps and its custom filters'
    operands (children of the worksheet's ``autoFilter``: the grid is not
    walked).  Most are a copy of a cell of their column, read there with
    its row around it; alone on a line, a 秘密 chosen in a 密级 column's
    filter would read as a bare level, so those are left out by the caller."""
    return [value for holder in root.iterchildren("{*}autoFilter") for el in holder.iter("{*}filter", "{*}customFilter")
            if (value := el.get("val") or "") and any(ch.isalpha() for ch in value)]


def _validation_text(root: etree._Element) -> tuple[list[str], list[str]]:
    """The entries of an in-cell drop-down list written in the rule itself
    (``"是,否"``: data validation of type list), a line each (a 密级 field's
    choices on one line: ``levels.choice_lines``); and the string
    literals of the other validation formulas (a custom rule's
    ``A1<>"机密"``, a list a formula draws; a formula's on one line when
    they are a 密级 field's choices), which Excel's Data Validation
    dialog shows.  The worksheet's rules and Excel 2010's
    (``x14:dataValidation``, its formula in an ``xm:f``: a rule that refers
    to another sheet)."""
    entries: list[str] = []
    literals: list[str] = []
    for validation in root.iter("{*}dataValidation"):
        for name in ("formula1", "formula2"):
            holder = validation.find(f"{{*}}{name}")
            formula = "".join(holder.itertext()).strip() if holder is not None else ""
            if name == "formula1" and validation.get("type") == "list" and formula.startswith('"') \
                    and formula.endswith('"'):
                listed = [entry for entry in formula[1:-1].split(",") if any(ch.isalpha() for ch in entry)]
                entries += choice_lines(listed, ",")
            elif '"' in formula:
                literals += _formula_literals(formula)
    return entries, [literal for literal in literals if any(ch.isalpha() for ch in literal)]


def _formula_literals(formula: str) -> list[str]:
    """A formula's string literals (``A1<>"机密"``), ``""`` read as the
    quote it stands for; when they are a 密级 field's choices (``IF(A1="公开",
    …,IF(A1="秘密",…))``) the plain ones on one line (``levels.choice_lines``)."""
    return choice_lines([literal.replace('""', '"') for literal in _QUOTED.findall(formula)], ",")


def _format_strings(codes: list[str]) -> list[str]:
    """The literal text of the number formats (``0;-0;"机密★5年"``): every
    cell in such a format shows it, whatever its value."""
    found = []
    for code in codes:
        found += _QUOTED.findall(code)
    return [literal for literal in dict.fromkeys(found) if any(ch.isalpha() for ch in literal)]


def _header_footer(elements: list[etree._Element]) -> tuple[list[str], list[str]]:
    headers: list[str] = []
    footers: list[str] = []
    for el in elements:
        tag = local(el.tag)
        if tag.endswith(("Header", "Footer")) and el.text and tag != "headerFooter":
            text = "\n".join(s for s in (seg.strip() for seg in _HF_CODE.split(el.text)) if s)
            if text:
                (headers if tag.endswith("Header") else footers).append(text)
    return headers, footers


def _comments(pkg: GuardedZip, sheet_rels: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """(cell, text) for the legacy comments and threaded comments of one
    sheet, found by its relationships."""
    out = []
    for rel_type, target in sheet_rels.values():
        if not (rel_type.lower().endswith(("/comments", "/threadedcomment")) and pkg.has(target)):
            continue
        for el in parse_xml(pkg.read(target), target).iter():
            if local(el.tag) in ("comment", "threadedComment"):
                text = "".join(t.text or "" for t in el.iter() if local(t.tag) == "t")
                if text.strip():
                    out.append((el.get("ref") or "", text))
    return out

