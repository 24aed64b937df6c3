"""Running the service under uvicorn: one process, or several workers
behind one store.

uvicorn starts extra workers as fresh processes that import the app by name,
so the settings travel in the environment (``PRECLEAR_SERVE``, JSON) and
each worker builds its own app, store connection and Engine from them.  The
store orders writes from every process (db.py), so N workers over one SQLite
file (WAL) or one PostgreSQL database need nothing more.  Every worker speaks
HTTP through ``GuardedH11`` (guard.py).
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
from dataclasses import dataclass, field

import uvicorn
from fastapi import FastAPI

from ..config import load_config
from .app import create_app
from .guard import GuardedH11, ReadLimits, configure
from .settings import ServiceSettings

ENV = "PRECLEAR_SERVE"


@dataclass(frozen=True)
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1
    access_log: bool = True
    limits: ReadLimits = field(default_factory=ReadLimits)
    limit_concurrency: int = 1000   # connections + requests per worker before 503
    keep_alive: float = 5.0         # seconds an idle keep-alive connection stays open


def serve(settings: ServiceSettings, config_file: str | None, options: ServerOptions) -> None:
    """Run until interrupted.  The app is built here first, so a bad store
    or key fails with one line before any worker starts."""
    configure(options.limits)
    app = create_app(settings)
    common = {"host": options.host, "port": options.port, "http": GuardedH11, "access_log": options.access_log,
              "timeout_keep_alive": options.keep_alive, "limit_concurrency": options.limit_concurrency}
    if options.workers <= 1:
        uvicorn.run(app, **common)  # type: ignore[arg-type]
        return
    os.environ[ENV] = json.dumps({
        "database": settings.database, "config": config_file, "max_body_bytes": settings.max_body_bytes,
        "separate_duties": settings.separate_duties, "mask": settings.mask,
        "lexicons": list(settings.config.lexicons), "default_lexicons": settings.config.default_lexicons,
        "limits": dataclasses.asdict(options.limits)})
    uvicorn.run(f"{__name__}:app_from_env", factory=True, workers=options.workers, **common)  # type: ignore[arg-type]


def app_from_env() -> FastAPI:
    """The app of one worker process, from the settings ``serve`` left in the environment."""
    data = json.loads(os.environ[ENV])
    configure(ReadLimits(**data["limits"]))
    logging.getLogger("preclear.service").setLevel(logging.INFO)  # the start-up lines of each worker
    config = load_config(data["config"]).replace(lexicons=tuple(data["lexicons"]),
                                                 default_lexicons=data["default_lexicons"])
    return create_app(ServiceSettings(database=data["database"], config=config,
                                      max_body_bytes=data["max_body_bytes"],
                                      separate_duties=data["separate_duties"], mask=data["mask"]))
