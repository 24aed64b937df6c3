"""ScanConfig: plain, picklable data from preclear.toml and the command line.

No globals: the same object is handed to every worker, and the Python API
builds it directly.  Unknown keys in the file are an error, so a typo in a
limit never silently leaves the default in force.

The settings do three different jobs, and ``ScanConfig`` shows each as a
part of its own: ``.ruleset`` decides findings and verdicts (the engine's
ruleset hash covers it, so changing it makes stored scans stale),
``.extraction`` decides how bytes are read (the extraction cache's key
covers it) and ``.run`` decides how a scan is run and reported (neither
covers it: flipping a hook setting keeps every stored scan current).  The
file keeps its sections as they were; the parts are views of the same
fields.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

MB = 1024 * 1024
CONFIG_NAME = "preclear.toml"


@dataclass(frozen=True)
class Limits:
    """Resource limits per item; passing one yields ``review`` + ``unreadable``."""

    max_item_bytes: int = 200 * MB
    max_total_uncompressed: int = 1024 * MB
    max_expansion_ratio: float = 200.0
    max_depth: int = 3
    max_members: int = 10_000
    max_pdf_pages: int = 5_000
    item_timeout: float = 120.0
    # address space one item may add to its worker (scanner.budget; 0: no cap)
    max_item_memory: int = 512 * MB


@dataclass(frozen=True)
class Scoring:
    """How findings add up to a verdict."""

    # hint-level signals of this many different categories in one item -> review
    aggregate_categories: int = 3
    # treat the `review` verdict as failing in hooks (pre-commit) when true:
    # read from the file's [scoring] table, but a run setting (ScanConfig.run), not hashed
    fail_on_review: bool = False


@dataclass(frozen=True)
class CacheSettings:
    enabled: bool = True
    directory: str = ""  # default: $XDG_CACHE_HOME/preclear
    max_bytes: int = 2048 * MB

    def path(self) -> Path:
        if self.directory:
            return Path(self.directory)
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
        return Path(base) / "preclear"


@dataclass(frozen=True)
class Convert:
    """Legacy Office bodies (.doc .xls .ppt, WPS .wps .et .dps) are read by
    converting them with LibreOffice; without it they stay ``unreadable.format``."""

    enabled: bool = True
    soffice: str = "soffice"  # a command on PATH or a path to LibreOffice's soffice
    # files one warm LibreOffice (per worker) converts before it is restarted; 0: one soffice per file
    warm_conversions: int = 100


@dataclass(frozen=True)
class Ruleset:
    """What decides a scan's findings and verdicts: the lexicons and the
    scoring rules.  The ruleset hash covers the lexicons by their bytes
    (scanner.engine), not by the paths given here."""

    lexicons: tuple[str, ...]
    default_lexicons: bool
    aggregate_categories: int

    def scoring_rules(self) -> dict[str, object]:
        """The scoring rules as the ruleset hash covers them."""
        return {"aggregate_categories": self.aggregate_categories}


@dataclass(frozen=True)
class ExtractionSettings:
    """What decides how an item's bytes are read into a Document."""

    limits: Limits
    convert: Convert

    def key(self) -> str:
        """A stable digest of these settings, for the extraction cache's key."""
        return hashlib.sha256(repr((self.limits, self.convert)).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class RunSettings:
    """How a scan is run and reported: what to walk, where the caches and the
    review store are, the hook's threshold and ``--explain``.  None of it
    changes a finding or a verdict, so none of it is hashed."""

    excludes: tuple[str, ...]
    cache: CacheSettings
    database: str
    key_file: str
    separate_duties: bool
    explain: bool
    fail_on_review: bool


@dataclass(frozen=True)
class ScanConfig:
    lexicons: tuple[str, ...] = ()
    default_lexicons: bool = True
    excludes: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    scoring: Scoring = field(default_factory=Scoring)
    cache: CacheSettings = field(default_factory=CacheSettings)
    convert: Convert = field(default_factory=Convert)
    database: str = ""
    key_file: str = ""             # [review] key_file: the review key (scanner/review/keys.py)
    separate_duties: bool = True   # [review] separate_duties: submitter, reviewer, approver differ
    checkpoint: str = ""           # [review] checkpoint: the file `preclear audit checkpoint` writes (the gate and the desk check it)
    explain: bool = False

    def replace(self, **changes: Any) -> ScanConfig:
        return dataclasses.replace(self, **changes)

    @property
    def ruleset(self) -> Ruleset:
        return Ruleset(self.lexicons, self.default_lexicons, self.scoring.aggregate_categories)

    @property
    def extraction(self) -> ExtractionSettings:
        return ExtractionSettings(self.limits, self.convert)

    @property
    def run(self) -> RunSettings:
        return RunSettings(self.excludes, self.cache, self.database, self.key_file, self.separate_duties,
                           self.explain, self.scoring.fail_on_review)


_SECTIONS = {"limits": Limits, "scoring": Scoring, "cache": CacheSettings, "convert": Convert}


def _build(cls: type, data: dict[str, Any], where: str) -> Any:
    names = {f.name: f for f in dataclasses.fields(cls)}
    unknown = set(data) - set(names)
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}")
    kwargs = {}
    for key, value in data.items():
        default = getattr(cls(), key)
        if isinstance(default, bool) and not isinstance(value, bool):
            raise ConfigError(f"{where}: {key} must be true or false")
        if isinstance(default, str) and not isinstance(value, str):
            raise ConfigError(f"{where}: {key} must be a string")
        if isinstance(default, (int, float)) and not isinstance(default, bool):
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise ConfigError(f"{where}: {key} must be a non-negative number")
            value = type(default)(value)
        kwargs[key] = value
    return cls(**kwargs)


def load_config(path: str | os.PathLike[str] | None = None) -> ScanConfig:
    """Read ``path``, or ``./preclear.toml`` when it exists, else defaults.

    Relative lexicon paths are resolved against the config file's folder.
    """
    if path is None:
        if not os.path.exists(CONFIG_NAME):
            return ScanConfig()
        path = CONFIG_NAME
    import tomllib  # only when there is a file to read (~7 ms of a start)

    p = Path(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config {p}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config {p}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config {p}: {exc}") from exc
    return config_from_dict(raw, where=str(p), base=p.parent)


def config_from_dict(raw: dict[str, Any], where: str = "config", base: Path | None = None) -> ScanConfig:
    """Build a ScanConfig from the TOML structure (also for the Python API)."""
    raw = dict(raw)
    kwargs: dict[str, Any] = {}
    for section, cls in _SECTIONS.items():
        if section in raw:
            value = raw.pop(section)
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: [{section}] must be a table")
            kwargs[section] = _build(cls, value, f"{where} [{section}]")
    scan = raw.pop("scan", {})
    review = raw.pop("review", {})
    if raw:
        raise ConfigError(f"{where}: unknown section(s) {', '.join(sorted(raw))}")
    if not isinstance(scan, dict) or not isinstance(review, dict):
        raise ConfigError(f"{where}: [scan] and [review] must be tables")
    for key, value in scan.items():
        if key == "lexicons":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where} [scan]: lexicons must be a list of paths")
            kwargs["lexicons"] = tuple(str((base or Path(".")) / v) for v in value)
        elif key == "default_lexicons":
            if not isinstance(value, bool):
                raise ConfigError(f"{where} [scan]: default_lexicons must be true or false")
            kwargs["default_lexicons"] = value
        elif key == "exclude":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where} [scan]: exclude must be a list of globs")
            kwargs["excludes"] = tuple(value)
        else:
            raise ConfigError(f"{where} [scan]: unknown setting {key}")
    for key, value in review.items():
        if key == "database":
            if not isinstance(value, str):
                raise ConfigError(f"{where} [review]: database must be a path or URL")
            kwargs["database"] = value
        elif key in ("key_file", "checkpoint"):
            if not isinstance(value, str):
                raise ConfigError(f"{where} [review]: {key} must be a path")
            kwargs[key] = str((base or Path(".")) / value)
        elif key == "separate_duties":
            if not isinstance(value, bool):
                raise ConfigError(f"{where} [review]: separate_duties must be true or false")
            kwargs["separate_duties"] = value
        else:
            raise ConfigError(f"{where} [review]: unknown setting {key}")
    return ScanConfig(**kwargs)
