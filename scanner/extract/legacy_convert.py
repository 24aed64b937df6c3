"""Legacy binary Office bytes (and OpenDocument, ``odf``) -> the OOXML
equivalent, through headless LibreOffice.

No maintained PyPI package reads .doc/.xls/.ppt bodies reliably; LibreOffice's
import filters do, and its OOXML export keeps every part the DOCX/XLSX/PPTX
extractors know (headers, comments, hidden text, tracked changes, hidden
sheets, notes).  Kingsoft WPS files are the Microsoft binaries under another
name (.wps = Word 97, .et = BIFF8, .dps = PowerPoint 97), so they go through
the Microsoft filter: LibreOffice's own ``.wps`` filter is for Microsoft Works.

Each process (each pool worker) keeps one LibreOffice warm: ``uno_server``,
run by a Python that has LibreOffice's ``uno`` module, starts ``soffice`` once
and converts file after file through its UNO pipe, saving the ~1.2 s start per
file.  It is restarted after ``Convert.warm_conversions`` conversions, after a
crash and after a timeout, and stopped when the process ends; it also ends by
itself when its stdin closes or its parent dies, so no ``soffice`` outlives a
scan.  Where it cannot start (no ``uno`` module), and to retry a file the
warm LibreOffice did not convert, each conversion is one ``soffice --convert-to``
process.  Both are sandboxed as far as the host allows:

- a LibreOffice profile per process (pid-keyed, so forked pool workers never
  share one), created once and reused: only the first start pays the
  profile's creation; macros are disabled in it before its first start (and
  the warm server loads every file with macros never executed, links never updated);
- the input under a generated name in a fresh temporary folder, never the
  member's own name;
- a new session, so a timeout kills the whole process group (the warm server
  with its ``soffice``); the timeout is bounded by ``Limits.item_timeout``, counts
  a server's start, and leaves room to read the result;
- ``prlimit --fsize`` bounds every file LibreOffice writes by ``max_item_bytes``;
- ``unshare --net`` (a network namespace with no interfaces) where the host
  permits it: a document cannot fetch linked content;
- a minimal environment (no proxies, ``HOME`` inside the profile).

Conversions in one process are serialised: the server converts one file at a
time, and two ``soffice`` on one profile would hand the second job to the first
instance (the HTTP service scans in threads).
"""
from __future__ import annotations

import glob
import json
import os
import resource
import secrets
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from multiprocessing import util
from pathlib import Path
from typing import NoReturn

from ..errors import LimitExceeded

# legacy or OpenDocument format -> (extension LibreOffice sees, its import filter, OOXML extension, export filter)
TARGETS = {
    "doc": ("doc", "MS Word 97", "docx", "MS Word 2007 XML"),
    "wps": ("doc", "MS Word 97", "docx", "MS Word 2007 XML"),
    "xls": ("xls", "MS Excel 97", "xlsx", "Calc MS Excel 2007 XML"),
    "et": ("xls", "MS Excel 97", "xlsx", "Calc MS Excel 2007 XML"),
    "ppt": ("ppt", "MS PowerPoint 97", "pptx", "Impress MS PowerPoint 2007 XML"),
    "dps": ("ppt", "MS PowerPoint 97", "pptx", "Impress MS PowerPoint 2007 XML"),
    "rtf": ("rtf", "Rich Text Format", "docx", "MS Word 2007 XML"),
    # OpenDocument (scanner.extract.odf): LibreOffice's own formats, read as it reads them
    "odt": ("odt", "writer8", "docx", "MS Word 2007 XML"),
    "ods": ("ods", "calc8", "xlsx", "Calc MS Excel 2007 XML"),
    "odp": ("odp", "impress8", "pptx", "Impress MS PowerPoint 2007 XML"),
}
# share of the item's time limit a conversion may use; the rest reads the result
TIMEOUT_SHARE = 0.8
_PREFIX = "preclear-soffice-"
# macros off before the profile's first start (Tools > Options > Security)
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""


class ConversionFailed(Exception):
    """LibreOffice is missing, disabled, or could not convert the bytes."""


@dataclass
class _Server:
    """A running ``uno_server`` (the leader of its process group) and what it was started for."""

    proc: subprocess.Popen[bytes]
    binary: str
    max_bytes: int
    conversions: int = 0
    pending: bytearray = field(default_factory=bytearray)  # stdout read past the last reply


@dataclass
class _Process:
    """What one process keeps: its profile, whether it may isolate the network,
    and its warm server (``warm`` turns false when none can start here)."""

    pid: int
    profile: Path
    netns: list[str]
    server: _Server | None = None
    warm: bool = True


_state: _Process | None = None
_lock = threading.Lock()


def _reset_lock() -> None:
    global _lock
    _lock = threading.Lock()  # a fork while another thread converted would leave it held
    if _state is not None and _state.server is not None:
        # the parent's server: drop our copies of its pipes, so that it sees EOF when the parent ends
        for pipe in (_state.server.proc.stdin, _state.server.proc.stdout):
            if pipe is not None:
                pipe.close()
        _state.server = None


os.register_at_fork(after_in_child=_reset_lock)


def conversion_timeout(item_timeout: float) -> float | None:
    """Seconds one conversion may take; ``None`` when items have no time limit."""
    return item_timeout * TIMEOUT_SHARE if item_timeout else None


def convert(data: bytes, fmt: str, soffice: str, timeout: float | None, max_bytes: int,
            warm_conversions: int = 0) -> bytes:
    """The OOXML bytes of legacy ``data`` of format ``fmt``: through this
    process's warm LibreOffice when ``warm_conversions`` (its conversions before
    a restart) is positive and one can run here, else one ``soffice`` for the file.

    Raises ``ConversionFailed``, or ``LimitExceeded`` naming ``item_timeout``
    or ``max_item_bytes``.
    """
    binary = shutil.which(soffice)
    if binary is None:
        raise ConversionFailed(f"LibreOffice not found: {soffice}")
    src_ext, in_filter, out_ext, out_filter = TARGETS[fmt]
    deadline = None if timeout is None else time.monotonic() + timeout
    with _lock:
        state = _process_state()
        with tempfile.TemporaryDirectory(prefix="preclear-convert-") as work:
            source = Path(work, f"input.{src_ext}")
            source.write_bytes(data)
            out_dir = Path(work, "out")
            result = out_dir / f"input.{out_ext}"
            if not (warm_conversions > 0 and state.warm
                    and _convert_warm(state, binary, max_bytes, warm_conversions, deadline, timeout,
                                      {"source": str(source), "target": str(result),
                                       "in": in_filter, "out": out_filter})):
                shutil.rmtree(out_dir, ignore_errors=True)  # what a failed warm attempt may have half written
                cmd = [*_sandbox(state, max_bytes), binary, f"-env:UserInstallation={state.profile.as_uri()}",
                       "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
                       f"--infilter={in_filter}", "--convert-to", f"{out_ext}:{out_filter}",
                       "--outdir", str(out_dir), str(source)]
                _run(cmd, work, state, deadline, timeout)
            if not result.is_file():
                raise ConversionFailed(f"LibreOffice could not convert the {fmt} file")
            if result.stat().st_size > max_bytes:
                raise LimitExceeded("max_item_bytes", f"converted file larger than {max_bytes} bytes")
            return result.read_bytes()


def _convert_warm(state: _Process, binary: str, max_bytes: int, per_server: int, deadline: float | None,
                  timeout: float | None, request: dict[str, str]) -> bool:
    """Convert through the warm server (started here when needed).  False when
    the one-shot path must do it: no server can start in this process, or the
    server did not convert this file (it is stopped: the one-shot ``soffice``
    needs the profile to itself)."""
    server = state.server
    if server is not None and (server.binary, server.max_bytes) != (binary, max_bytes):
        _stop_server(state)
        server = None
    if server is None:
        server = _start_server(state, binary, max_bytes, deadline, timeout)
        if server is None:
            return False
    Path(request["target"]).parent.mkdir()
    try:
        answer = _ask(server, request, deadline)
    except BaseException:  # the serial driver's alarm: the answer would come to the next request
        _stop_server(state)
        raise
    if answer is None:
        _timed_out(state, timeout)
    if answer != "ok":  # died, or could not load or save it: a fresh soffice gets its own chance, as
        _stop_server(state)  # without the server (a long-running LibreOffice must not fail what one would read)
        return False
    server.conversions += 1
    if server.conversions >= per_server:
        _stop_server(state)
    return True


def _start_server(state: _Process, binary: str, max_bytes: int, deadline: float | None,
                  timeout: float | None) -> _Server | None:
    """A new warm server, ready; None (and no more tries in this process) when none can run here."""
    python = _uno_python(binary)
    if python is None:
        state.warm = False
        return None
    tmp = state.profile / "tmp"
    tmp.mkdir(exist_ok=True)
    pipe = f"preclear-{os.getpid()}-{secrets.token_hex(8)}"
    cmd = [*_sandbox(state, max_bytes, _uncapped()), python, "-I",
           str(Path(__file__).with_name("uno_server.py")), binary, state.profile.as_uri(), pipe]
    try:
        proc = subprocess.Popen(cmd, cwd=tmp, env=_environment(state, str(tmp)), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        state.warm = False
        return None
    state.server = server = _Server(proc, binary, max_bytes)
    try:
        answer = _answer(server, deadline)
    except BaseException:
        _stop_server(state)
        raise
    if answer is None:
        _timed_out(state, timeout)
    if answer != "ready":  # no uno module, or LibreOffice would not start under it
        _stop_server(state)
        state.warm = False
        return None
    return server


def _ask(server: _Server, request: dict[str, str], deadline: float | None) -> str | None:
    """Send one request; its answer ("" when the server has ended), None on timeout."""
    assert server.proc.stdin is not None
    try:
        server.proc.stdin.write(json.dumps(request).encode() + b"\n")
        server.proc.stdin.flush()
    except OSError:  # it ended since its last answer
        return ""
    return _answer(server, deadline)


def _answer(server: _Server, deadline: float | None) -> str | None:
    """The server's next line ("" when it ended), or None when the deadline passed first."""
    assert server.proc.stdout is not None
    fd = server.proc.stdout.fileno()
    while b"\n" not in server.pending:
        wait = None if deadline is None else deadline - time.monotonic()
        if wait is not None and wait <= 0:
            return None
        if not select.select([fd], [], [], wait)[0]:
            return None
        chunk = os.read(fd, 4096)
        if not chunk:
            return ""
        server.pending += chunk
    line, _, rest = bytes(server.pending).partition(b"\n")
    server.pending = bytearray(rest)
    return line.decode("utf-8", "replace")


def _timed_out(state: _Process, timeout: float | None) -> NoReturn:
    _stop_server(state)
    _discard_profile()  # a LibreOffice killed half-way may leave a broken profile
    raise LimitExceeded("item_timeout", f"LibreOffice conversion took longer than {timeout:g} s")


def _stop_server(state: _Process) -> None:
    """Kill the server's process group (it and its soffice) and reap it."""
    server, state.server = state.server, None
    if server is not None:
        for pipe in (server.proc.stdin, server.proc.stdout):
            if pipe is not None:
                pipe.close()
        _kill_group(server.proc)


def _uno_python(binary: str) -> str | None:
    """A Python with LibreOffice's ``uno`` module: the one LibreOffice bundles, or Debian's."""
    for candidate in (Path(os.path.realpath(binary)).with_name("python"), Path("/usr/bin/python3")):
        if os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def _environment(state: _Process, tmp: str) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", os.defpath), "HOME": str(state.profile), "TMPDIR": tmp,
            "LANG": "C.UTF-8", "SAL_USE_VCLPLUGIN": "svp"}


def _run(cmd: list[str], work: str, state: _Process, deadline: float | None, timeout: float | None) -> None:
    try:
        proc = subprocess.Popen(cmd, cwd=work, env=_environment(state, work), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:  # not executable, or the sandbox tools could not start it
        raise ConversionFailed(f"LibreOffice could not be started: {exc}") from exc
    try:
        proc.wait(None if deadline is None else max(deadline - time.monotonic(), 0.0))
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        _discard_profile()  # a start killed half-way may leave a broken profile
        raise LimitExceeded("item_timeout", f"LibreOffice conversion took longer than {timeout:g} s") from None
    _kill_group(proc)  # nothing of it may outlive the conversion


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def _process_state() -> _Process:
    """This process's profile and network sandbox, made on first use (and after a fork)."""
    global _state
    pid = os.getpid()
    if _state is None or _state.pid != pid:
        _sweep_stale_profiles()
        profile = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{pid}-"))
        (profile / "user").mkdir()
        (profile / "user" / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
        # runs at exit of a plain process and of a multiprocessing child (which skips atexit)
        util.Finalize(None, _remove_profile, args=(pid, profile), exitpriority=0)
        _state = _Process(pid, profile, _netns_prefix())
        util.Finalize(None, _stop_server, args=(_state,), exitpriority=1)  # before the profile goes
    return _state


def _sandbox(state: _Process, max_bytes: int, extra: tuple[str, ...] = ()) -> list[str]:
    """``prlimit`` (file size, and ``extra`` limits) and ``unshare`` (network) in front of soffice, where available."""
    limit = ["prlimit", f"--fsize={max_bytes + 1}", *extra, "--"] if shutil.which("prlimit") else []
    return [*limit, *state.netns]


def _uncapped() -> tuple[str, ...]:
    """The address-space limit the server gets: not the cap of the item being
    scanned when it starts (scanner.run.guard), which would starve it later."""
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    value = "unlimited" if hard == resource.RLIM_INFINITY else str(hard)
    return (f"--as={value}:{value}",)


def _netns_prefix() -> list[str]:
    """``unshare --net`` when this host lets us make a network namespace (root, or
    unprivileged user namespaces), else nothing: the macro settings still hold."""
    cmd = ["unshare", "--net", "--map-root-user", "--"]
    if shutil.which("unshare") is None:
        return []
    try:
        ok = subprocess.run([*cmd, "true"], check=False, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    return cmd if ok else []


def _discard_profile() -> None:
    global _state
    if _state is not None and _state.pid == os.getpid():
        _stop_server(_state)
        _remove_profile(_state.pid, _state.profile)
        _state = None


def _remove_profile(pid: int, profile: Path) -> None:
    if os.getpid() == pid:  # a forked child inherits the finaliser of its parent's profile
        shutil.rmtree(profile, ignore_errors=True)


def _sweep_stale_profiles() -> None:
    """Remove profiles of our processes that were killed (a pool replaces a hung worker)."""
    for path in glob.glob(os.path.join(tempfile.gettempdir(), f"{_PREFIX}*")):
        try:
            pid = int(os.path.basename(path)[len(_PREFIX):].split("-", 1)[0])
            if os.stat(path).st_uid != os.getuid():
                continue
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except (ValueError, OSError):
            continue
