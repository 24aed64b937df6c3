"""A warm LibreOffice, driven over UNO, for ``legacy_convert``.

Run by a Python that has LibreOffice's ``uno`` module (Debian's ``/usr/bin/python3``
with ``python3-uno``, or the ``python`` LibreOffice bundles), never imported by
the scanner: the scanner's own Python usually cannot load ``pyuno``.  It starts
one ``soffice`` on its profile, listening on a named UNO pipe (a local socket,
so it works inside a network namespace), then converts one file per request::

    argv:    SOFFICE PROFILE_URL PIPE_NAME
    stdout:  "ready" once LibreOffice answers, or "no-uno ..." and exit 2
    stdin:   one JSON line per request {"source", "target", "in", "out"} (paths, filters)
    stdout:  "ok", "error MESSAGE" (LibreOffice is still fine) or "dead MESSAGE" (then exit)

The load arguments are those of ``soffice --convert-to`` (read-only, hidden,
silent, the forced import filter) plus macros never executed and links never
updated.  It ends, taking its whole process group (LibreOffice) with it, at EOF
on stdin, when its parent (the scanning process) is gone, or on any failure of
LibreOffice: the parent restarts it.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

CONNECT_SECONDS = 0.05


def main() -> None:
    soffice, profile_url, pipe = sys.argv[1:4]
    if os.getpgrp() != os.getpid():
        os.setsid()  # ending kills our process group: it must be ours alone
    try:
        import uno  # type: ignore[import-not-found]
        from com.sun.star.uno import Exception as UnoError  # type: ignore[import-not-found]
    except ImportError as exc:
        _say(f"no-uno {exc}")
        sys.exit(2)
    parent = os.getppid()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    office = subprocess.Popen([soffice, f"-env:UserInstallation={profile_url}", "--headless", "--invisible",
                               "--nologo", "--norestore", "--nodefault", "--nolockcheck",
                               f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    while True:  # the parent's timeout bounds the wait
        if office.poll() is not None:
            _end(f"dead LibreOffice exited with status {office.returncode} while starting")
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except UnoError:  # NoConnectException until soffice listens
            time.sleep(CONNECT_SECONDS)
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    _say("ready")
    for line in sys.stdin:
        request = json.loads(line)
        try:
            _say(_convert(uno, desktop, request))
        except UnoError as exc:  # the bridge is gone (DisposedException): LibreOffice crashed
            _end(f"dead LibreOffice failed: {type(exc).__name__}")
    _end("")


def _convert(uno: Any, desktop: Any, request: dict[str, str]) -> str:
    """``ok`` or ``error ...``; raises when LibreOffice itself failed."""
    from com.sun.star.io import IOException  # type: ignore[import-not-found]
    from com.sun.star.lang import IllegalArgumentException  # type: ignore[import-not-found]

    load = _props(uno, ReadOnly=True, OpenNewView=True, Hidden=True, Silent=True, FilterName=request["in"],
                  Referer="private:OpenEvent", MacroExecutionMode=0, UpdateDocMode=0)  # NEVER_EXECUTE, NO_UPDATE
    try:
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(request["source"]), "_blank", 0, load)
    except (IllegalArgumentException, IOException) as exc:
        return f"error load failed: {type(exc).__name__}"
    if doc is None:
        return "error load failed"
    try:
        doc.storeToURL(uno.systemPathToFileUrl(request["target"]),
                       _props(uno, Overwrite=True, FilterName=request["out"]))
    except IOException as exc:
        return f"error store failed: {type(exc).__name__}"
    finally:
        doc.close(True)
    return "ok"


def _props(uno: Any, **values: object) -> tuple[Any, ...]:
    out = []
    for name, value in values.items():
        prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
        prop.Name, prop.Value = name, value
        out.append(prop)
    return tuple(out)


def _say(line: str) -> None:
    try:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
    except OSError:  # the parent is gone
        _end("")


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    _end("")


def _end(message: str) -> None:
    """Say why (when there is a reason) and kill the process group: LibreOffice and this process."""
    if message:
        try:
            sys.stdout.write(message + "\n")
            sys.stdout.flush()
        except OSError:
            pass
    os.killpg(os.getpgrp(), signal.SIGKILL)


if __name__ == "__main__":
    main()
