"""Who is who: the form in which names are compared for separation of duties.

Names arrive typed by people (``--by``) or as token names, so the same person
can come as ``" 李四"``, ``"李四\\u200b"``, a full-width ``"ＬＩ　Ｓｉ"`` or
``"li si"``.  They are compared after NFKC, with invisible format characters
(zero-width spaces, direction marks) dropped, runs of white space made one
space, trimmed and case-folded; they are recorded in the readable form
(NFKC, invisible characters dropped, trimmed).
"""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def display_name(name: str) -> str:
    """The form recorded and shown."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return _SPACES.sub(" ", text).strip()


def identity(name: str) -> str:
    """The form compared: two names are one person when these are equal."""
    return display_name(name).casefold()
