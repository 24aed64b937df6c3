"""Legacy binary Office bytes -> the OOXML equivalent, through headless LibreOffice.

No maintained PyPI package reads .doc/.xls/.ppt bodies reliably; LibreOffice's
import filters do, and its OOXML export keeps every part the DOCX/XLSX/PPTX
extractors know (headers, comments, hidden text, tracked changes, hidden
sheets, notes).  Kingsoft WPS files are the Microsoft binaries under another
name (.wps = Word 97, .et = BIFF8, .dps = PowerPoint 97), so they go through
the Microsoft filter: LibreOffice's own ``.wps`` filter is for Microsoft Works.

Each conversion is one ``soffice`` process, sandboxed as far as the host allows:

- a LibreOffice profile per process (pid-keyed, so forked pool workers never
  share one), created once and reused: only the first conversion pays the
  profile's creation; macros are disabled in it before its first start;
- the input under a generated name in a fresh temporary folder, never the
  member's own name;
- a new session, so a timeout kills the whole process group; the timeout is
  bounded by ``Limits.item_timeout`` and leaves room to read the result;
- ``prlimit --fsize`` bounds every file LibreOffice writes by ``max_item_bytes``;
- ``unshare --net`` (a network namespace with no interfaces) where the host
  permits it: a document cannot fetch linked content;
- a minimal environment (no proxies, ``HOME`` inside the profile).

Conversions in one process are serialised: two ``soffice`` on one profile
would hand the second job to the first instance (the HTTP service scans in threads).
"""
from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from multiprocessing import util
from pathlib import Path

from ..errors import LimitExceeded

# legacy format -> (extension LibreOffice sees, its import filter, OOXML extension, export filter)
TARGETS = {
    "doc": ("doc", "MS Word 97", "docx", "MS Word 2007 XML"),
    "wps": ("doc", "MS Word 97", "docx", "MS Word 2007 XML"),
    "xls": ("xls", "MS Excel 97", "xlsx", "Calc MS Excel 2007 XML"),
    "et": ("xls", "MS Excel 97", "xlsx", "Calc MS Excel 2007 XML"),
    "ppt": ("ppt", "MS PowerPoint 97", "pptx", "Impress MS PowerPoint 2007 XML"),
    "dps": ("ppt", "MS PowerPoint 97", "pptx", "Impress MS PowerPoint 2007 XML"),
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
class _Process:
    """What one process keeps: its profile and whether it may isolate the network."""

    pid: int
    profile: Path
    netns: list[str]


_state: _Process | None = None
_lock = threading.Lock()


def _reset_lock() -> None:
    global _lock
    _lock = threading.Lock()  # a fork while another thread converted would leave it held


os.register_at_fork(after_in_child=_reset_lock)


def conversion_timeout(item_timeout: float) -> float | None:
    """Seconds one conversion may take; ``None`` when items have no time limit."""
    return item_timeout * TIMEOUT_SHARE if item_timeout else None


def convert(data: bytes, fmt: str, soffice: str, timeout: float | None, max_bytes: int) -> bytes:
    """The OOXML bytes of legacy ``data`` of format ``fmt``.

    Raises ``ConversionFailed``, or ``LimitExceeded`` naming ``item_timeout``
    or ``max_item_bytes``.
    """
    binary = shutil.which(soffice)
    if binary is None:
        raise ConversionFailed(f"LibreOffice not found: {soffice}")
    src_ext, in_filter, out_ext, out_filter = TARGETS[fmt]
    with _lock:
        state = _process_state()
        with tempfile.TemporaryDirectory(prefix="preclear-convert-") as work:
            source = Path(work, f"input.{src_ext}")
            source.write_bytes(data)
            out_dir = Path(work, "out")
            cmd = [*_sandbox(state, max_bytes), binary, f"-env:UserInstallation={state.profile.as_uri()}",
                   "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
                   f"--infilter={in_filter}", "--convert-to", f"{out_ext}:{out_filter}",
                   "--outdir", str(out_dir), str(source)]
            _run(cmd, work, state, timeout)
            result = out_dir / f"input.{out_ext}"
            if not result.is_file():
                raise ConversionFailed(f"LibreOffice could not convert the {fmt} file")
            if result.stat().st_size > max_bytes:
                raise LimitExceeded("max_item_bytes", f"converted file larger than {max_bytes} bytes")
            return result.read_bytes()


def _run(cmd: list[str], work: str, state: _Process, timeout: float | None) -> None:
    env = {"PATH": os.environ.get("PATH", os.defpath), "HOME": str(state.profile), "TMPDIR": work,
           "LANG": "C.UTF-8", "SAL_USE_VCLPLUGIN": "svp"}
    try:
        proc = subprocess.Popen(cmd, cwd=work, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:  # not executable, or the sandbox tools could not start it
        raise ConversionFailed(f"LibreOffice could not be started: {exc}") from exc
    try:
        proc.wait(timeout)
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
    return _state


def _sandbox(state: _Process, max_bytes: int) -> list[str]:
    """``prlimit`` (file size) and ``unshare`` (network) in front of soffice, where available."""
    limit = ["prlimit", f"--fsize={max_bytes + 1}", "--"] if shutil.which("prlimit") else []
    return [*limit, *state.netns]


def _netns_prefix() -> list[str]:
    """``unshare --net`` when this host lets us make a network namespace (root, or
    unprivileged user namespaces), else nothing: the macro settings still hold."""
    cmd = ["unshare", "--net", "--map-root-user", "--"]
    if shutil.which("unshare") is None:
        return []
    try:
        ok = subprocess.run([*cmd, "true"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    return cmd if ok else []


def _discard_profile() -> None:
    global _state
    if _state is not None and _state.pid == os.getpid():
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
