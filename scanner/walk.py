"""Roots -> Items, in a stable order, skipping only what the user excluded.

Nothing is ignored silently: ``--exclude GLOB`` and ``.preclearignore``
(gitignore syntax, in a root) are the only ways to skip a file, and the
count of skipped files is reported.  Symbolic links are never followed out
of the root, and symlinked folders are not followed at all; both become
items with an ``unreadable`` finding, as do folders that cannot be listed
and special files.  Errors are values in the stream.  Names that are not
valid UTF-8 are reported in the escaped form of ``scanner.names``
(``bad\\xffname.txt``); ``source`` keeps the real name for reading.
``folder`` is the path between the root and the file: the root is where the
user keeps the files, what is below it is published with them.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .extract import unreadable
from .lang import Text
from .names import escape_name
from .types import Item

if TYPE_CHECKING:
    import pathspec

IGNORE_FILE = ".preclearignore"


@dataclass
class WalkStats:
    excluded: int = 0
    excluded_paths: list[str] = field(default_factory=list)


def _spec(patterns: list[str]) -> pathspec.GitIgnoreSpec:
    import pathspec  # only for a root with rules: ~10 ms of a start

    return pathspec.GitIgnoreSpec.from_lines(patterns)


def _problem(path: str, reason: str) -> Item:
    return Item(path=path, problem=unreadable(reason, rule="unreadable.symlink" if "link" in reason else "unreadable.file"))


def walk(roots: list[str], excludes: tuple[str, ...] = (), stats: WalkStats | None = None,
         repo_paths: bool = False) -> Iterator[Item]:
    """Yield an Item for every file under each root, sorted by path components.
    ``repo_paths``: the files given are paths in a repository from its top (the
    pre-commit hook), whose folders are published with them as a scanned
    folder's are; otherwise a file given keeps its folders unchecked."""
    stats = stats if stats is not None else WalkStats()
    prefix_roots = len(roots) > 1
    for root in roots:
        root_path = Path(root)
        if root_path.is_file() and not root_path.is_symlink():
            yield Item(path=escape_name(root), source=root, folder=_repo_folder(root) if repo_paths else "")
            continue
        if root_path.is_symlink():
            target = root_path.resolve()
            if target.is_file():
                yield Item(path=escape_name(root), source=str(target))
                continue
        if not root_path.is_dir():
            yield _problem(escape_name(root), Text("no such file or folder", "文件或文件夹不存在")
                           if not os.path.lexists(root) else Text("not a regular file", "不是普通文件"))
            continue
        patterns = list(excludes)
        ignore = root_path / IGNORE_FILE
        if ignore.is_file():
            patterns += ignore.read_text(encoding="utf-8", errors="replace").splitlines()
        spec = _spec(patterns) if patterns else None  # no rules: nothing to match, pathspec not imported
        real_root = os.path.realpath(root)
        for rel, item in _walk_dir(root_path, real_root, ""):
            if spec is not None and (spec.match_file(rel) or (item.source is None and spec.match_file(rel + "/"))):
                stats.excluded += 1
                stats.excluded_paths.append(escape_name(rel))
                continue
            path = f"{root.rstrip('/')}/{rel}" if prefix_roots else rel
            yield Item(path=escape_name(path), source=item.source, problem=item.problem,
                       folder=escape_name(rel.rpartition("/")[0]))


def _repo_folder(path: str) -> str:
    """The folders of a path relative to a repository's top, in display form;
    "" for an absolute path or one that climbs out (``..``)."""
    if os.path.isabs(path):
        return ""
    folder = os.path.dirname(os.path.normpath(path))
    return "" if folder.split(os.sep)[0] == ".." else escape_name(folder.replace(os.sep, "/"))


def _walk_dir(directory: Path, real_root: str, rel: str) -> Iterator[tuple[str, Item]]:
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        yield rel or ".", _problem(rel or ".", Text(f"folder cannot be listed: {exc.strerror}",
                                                  f"文件夹无法列出：{exc.strerror}"))
        return
    for entry in entries:
        child = f"{rel}/{entry.name}" if rel else entry.name
        try:
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                inside = target == real_root or target.startswith(real_root + os.sep)
                if os.path.isdir(target):
                    yield child, _problem(child, Text("symbolic link to a folder: not followed",
                                                               "指向文件夹的符号链接：未跟随"))
                elif not inside:
                    yield child, _problem(child, Text("symbolic link points outside the scanned root: not followed",
                                                               "符号链接指向扫描范围之外：未跟随"))
                elif os.path.isfile(target):
                    yield child, Item(path=child, source=target)
                else:
                    yield child, _problem(child, Text("broken symbolic link", "失效的符号链接"))
            elif entry.is_dir(follow_symlinks=False):
                yield from _walk_dir(Path(entry.path), real_root, child)
            elif entry.is_file(follow_symlinks=False):
                yield child, Item(path=child, source=entry.path)
            else:
                yield child, _problem(child, Text("not a regular file (device, socket or pipe)",
                                                  "不是普通文件（设备、套接字或管道）"))
        except OSError as exc:
            yield child, _problem(child, Text(f"cannot be read: {exc.strerror}", f"无法读取：{exc.strerror}"))
