"""detect() walks hits as arrays and counts a full 提示 lexicon's rest in
one step; it must give exactly what the plain per-hit loop gave: same
signals in the same order, same ``more`` counts, same dropped hits."""
from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from scanner import scan_bytes
from scanner.config import CacheSettings, ScanConfig
from scanner.detect import Signal, detect
from scanner.detectors import PartText
from scanner.detectors.base import HintBudget
from scanner.detectors.lexicon import Said, lexicon_signal
from scanner.detectors.marks import MarkSpans, mark_signal
from scanner.detectors.pii import PiiDetector
from scanner.engine import Engine
from scanner.match.marks import PartContext
from scanner.types import Part


def reference_detect(engine: Engine, part: Part, hint_cap: int | None) -> tuple[list[Signal], list[str]]:
    """The straightforward loop: a tuple per (hit, pattern), sorted by
    (start, -end), marks and lexicon terms in one walk, every capped hit
    past the cap counted one by one."""
    text = PartText(engine, part, hint_cap)
    hits = [(s, e, p) for s, e, k in engine.matcher.find(text.text) for p in engine.patterns[k]]
    marker_spans = [(s, e) for s, e, p in hits if p.entry is not None and p.entry.placement == "label"]
    seen_marks = MarkSpans()
    context = PartContext(text.norm)
    seen_entries: set = set()
    marks: list[Signal] = []
    signals: list[Signal] = []
    count: dict[str, int] = {}
    budget = HintBudget()
    for s, e, pattern in sorted(hits, key=lambda h: (h[0], -h[1])):
        if pattern.entry is None:
            mark = mark_signal(text, s, e, pattern.anchor, seen_marks, context)
            if mark is not None:
                marks.append(mark)
            continue
        lexicon = pattern.entry.lexicon
        capped = hint_cap is not None and pattern.entry.level == "提示"
        if capped and count.get(lexicon, 0) >= hint_cap:
            budget.count(lexicon, 1)
            continue
        signal = lexicon_signal(text, pattern.entry, Said.of(pattern.entry, pattern.surface), s, e, marker_spans)
        if signal is not None and (signal.start, signal.end, signal.rule + pattern.entry.term) not in seen_entries:
            seen_entries.add((signal.start, signal.end, signal.rule + pattern.entry.term))
            if capped:
                count[lexicon] = count.get(lexicon, 0) + 1
            signals.append(signal)
    budget.note([signals], item=False)
    # the detectors' order: marks, then lexicon terms, then personal data
    return marks + signals + PiiDetector().find(text), text.dropped


def _words() -> list[str]:
    """jieba's 6,000 most frequent words of two to four Chinese characters."""
    import jieba

    rows = []
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as fh:
        for line in fh:
            word, freq, *_ = line.split(" ")
            if 2 <= len(word) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in word):
                rows.append((-int(freq), word))
    return [w for _, w in sorted(rows)[:6000]]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> tuple[Engine, list[str]]:
    """Two overlapping 提示 lexicons of common words (one with aliases that
    are the other's terms), a stronger lexicon sharing some of their terms,
    a 提示 label lexicon sharing a shipped marker, and the shipped ones."""
    root = tmp_path_factory.mktemp("walk")
    words = _words()
    bought = ["term,level,aliases,boundary"] + [
        f"{w},提示,{words[i + 3000] if i % 7 == 0 else ''},{'none' if i % 11 == 0 else ''}"
        for i, w in enumerate(words[:3000])]
    (root / "bought.csv").write_text("\n".join(bought) + "\n", encoding="utf-8")
    second = ["term,level"] + [f"{w},提示" for w in words[::5]]
    (root / "second.csv").write_text("\n".join(second) + "\n", encoding="utf-8")
    strong = ["term,level"] + [f"{w},{'机密' if i % 2 else '内部'}" for i, w in enumerate(words[1::37])]
    (root / "strong.csv").write_text("\n".join(strong) + "\n", encoding="utf-8")
    (root / "labels.yaml").write_text(
        "name: labels\nkind: work-secret\nentries:\n  - {term: 内部资料, level: 提示}\n"
        "  - {term: 会议纪要, level: 提示}\n", encoding="utf-8")
    lexicons = tuple(str(root / n) for n in ("bought.csv", "second.csv", "strong.csv", "labels.yaml"))
    engine = Engine(ScanConfig(lexicons=lexicons, cache=CacheSettings(directory=str(root / "cache"))))
    return engine, words


def _text(words: list[str], seed: int, n_words: int) -> str:
    rng = np.random.default_rng(seed)
    extras = ["机密★5年", "秘密", "内部资料", "内部资料 注意保存", "会议纪要", "电话13800138000", "（工作秘密）",
              "绝密★长期", "天枢-7工程"]
    out = []
    for i in rng.integers(0, len(words), n_words):
        roll = rng.random()
        if roll < 0.03:
            out.append("\n" + extras[rng.integers(len(extras))] + "\n")
        out.append(words[i] if rng.random() < 0.7 else words[i][:1])
        if roll > 0.85:
            out.append("，。；\n"[rng.integers(4)])
    return "".join(out)


@pytest.mark.parametrize("seed", range(6))
def test_walk_gives_what_the_per_hit_loop_gave(mixed, seed):
    engine, words = mixed
    text = _text(words, seed, 3000 if seed else 200)
    for name in ("body", "header"):
        part = Part(name, text)
        for cap in (None, 1, 3, 50, 10_000):
            got = detect(engine, part, hint_cap=cap)
            assert got == reference_detect(engine, part, cap), (name, cap)
    counts = [s.details.get("more") for s in detect(engine, Part("body", text), hint_cap=3)[0]]
    if seed:  # the walk did count and list something
        assert sum(c for c in counts if c) > 1000 and len(counts) > 10


def test_no_hits_and_only_marks(mixed):
    engine, _ = mixed
    for text in ("", "abc", "机密★5年\n", "秘密★1年 机密"):
        part = Part("body", text)
        assert detect(engine, part, hint_cap=2) == reference_detect(engine, part, 2)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 12), st.integers(0, 60), st.integers(0, 12)),
                max_size=40))
def test_mark_spans_hold_a_span_as_the_list_of_marks_did(steps: list[tuple[int, int, int, int]]) -> None:
    """``MarkSpans`` answers as asking every mark found before did (the
    reference), marks added in any order: a label's mark starts before the
    hit that found it."""
    spans, marks = MarkSpans(), []
    for start, length, asked, asked_length in steps:
        assert spans.covers(asked, asked + asked_length) == any(
            a <= asked and asked + asked_length <= b for a, b in marks)
        spans.add(start, start + length)
        marks.append((start, start + length))


def test_every_cell_of_a_long_row_of_label_value_pairs_is_a_field(config: ScanConfig) -> None:
    """A line of 40,000 密级,机密 cells gives 40,000 form fields (each asked
    against the marks before it: that took 39 s, quadratic)."""
    [result] = scan_bytes(("密级,机密," * 40_000).encode(), "row.txt", config)
    fields = [f for f in result.findings if f.rule == "mark.form-field"]
    assert len(fields) == 40_000 and {f.text for f in fields} == {"机密"}
