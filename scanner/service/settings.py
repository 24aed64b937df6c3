"""What ``preclear serve`` needs: plain data, so tests and the CLI build it the same way."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..config import MB, ScanConfig


@dataclass(frozen=True)
class ServiceSettings:
    database: str                                   # SQLite path or postgresql:// URL
    config: ScanConfig = field(default_factory=ScanConfig)
    max_body_bytes: int = 64 * MB                   # larger requests get 413 while streaming
    separate_duties: bool = True                    # a reviewer may not approve the same item
    mask: bool = False                              # mask excerpts in gate reasons (/v2/gate)
