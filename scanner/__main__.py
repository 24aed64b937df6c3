"""``python -m scanner`` is the same as ``preclear``."""
from .cli import main

raise SystemExit(main())
