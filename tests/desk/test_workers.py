"""Sessions are shared by the workers of ``preclear serve --workers 2``: a
real server on 127.0.0.1; the worker that signed in is stopped (SIGSTOP), so
every later request is served by the other one, and the session holds; then
the other way round, and a sign-out on one worker ends the session on both."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time

import httpx

from .conftest import PEOPLE, serve


def _workers(log_path, count: int, deadline: float) -> list[int]:
    while time.monotonic() < deadline:
        pids = [int(p) for p in re.findall(r"Started server process \[(\d+)\]", log_path.read_text())]
        if len(pids) >= count:
            return pids
        time.sleep(0.2)
    raise RuntimeError(log_path.read_text())


def _get(url: str, cookie: str) -> httpx.Response:
    # a new connection each time: no keep-alive ties the request to one worker
    return httpx.get(url, cookies={"preclear_session": cookie}, headers={"Connection": "close"},
                     follow_redirects=False, timeout=20)


def test_a_session_made_on_one_worker_is_honoured_on_the_other(tmp_path):
    from scanner.review import open_store

    db = str(tmp_path / "review.db")
    store = open_store(db)
    secret = store.create_token(PEOPLE["reviewer"], "reviewer", created_by="test")[1]
    store.close()
    proc, url = serve(["--db", db, "--workers", "2"], tmp_path)
    stopped: list[int] = []
    try:
        first, second = _workers(tmp_path / "serve.log", 2, time.monotonic() + 120)

        def pause(pid: int) -> None:
            os.kill(pid, signal.SIGSTOP)
            stopped.append(pid)

        def resume() -> None:
            while stopped:
                os.kill(stopped.pop(), signal.SIGCONT)

        # sign in on the first worker only
        pause(second)
        with httpx.Client(base_url=url, timeout=20) as client:
            csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
            signed_in = client.post("/login", data={"csrf": csrf, "token": secret, "next": "/queue"})
            assert signed_in.status_code == 303
            cookie = client.cookies["preclear_session"]
        resume()
        # every request now goes to the second worker, which never saw the sign-in
        pause(first)
        for _ in range(5):
            page = _get(url + "/queue", cookie)
            assert page.status_code == 200 and "李四（保密审查员）" in page.text
        form_csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        # and a forged cookie is still refused there
        assert _get(url + "/queue", "not-a-session").status_code == 303
        resume()
        # sign out on the first worker: the second no longer honours the session
        pause(second)
        with httpx.Client(base_url=url, timeout=20, cookies={"preclear_session": cookie}) as client:
            assert client.post("/logout", data={"csrf": form_csrf}).status_code == 303
        resume()
        pause(first)
        for _ in range(3):
            assert _get(url + "/queue", cookie).status_code == 303
        resume()
    finally:
        resume()
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
