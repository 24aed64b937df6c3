"""The normaliser folds evasions and every span maps back to the original."""
from hypothesis import given, settings, strategies as st

from scanner.normalize import normalize, normalize_term

TERMS = ["机密★5年", "天枢-7工程", "内部资料", "青鸾计划", "秘密★一年"]
# the last three: combining marks a CJK font draws nothing of over a Chinese character
INVISIBLE = ["\u200b", "\u200d", "\ufeff", "\u00ad", "\u2060", "\u0301", "\u20dd", "\u1ab0"]
SPACES = [" ", "\u3000", "\t"]
STARS = ["☆", "＊", "*", "※", "⭐", "✩", "✭", "✱", "✲", "⭑", "🌟", "⍟", "✡", "❂"]
TRAD = {"机": "機", "内": "內", "资": "資", "计": "計", "划": "劃", "枢": "樞", "鸾": "鸞"}
FULL = {str(d): chr(0xFF10 + d) for d in range(10)}


@st.composite
def evaded(draw):
    """A lexicon term with evasions injected, embedded in random text."""
    term = draw(st.sampled_from(TERMS))
    out = []
    for i, ch in enumerate(term):
        nxt = term[i + 1:i + 2]
        if ch == "★":
            ch = draw(st.sampled_from(STARS + ["★"]))
        elif ch in TRAD and draw(st.booleans()):
            ch = TRAD[ch]
        elif ch in FULL and draw(st.booleans()):
            ch = FULL[ch]
        out.append(ch)
        if draw(st.booleans()):
            # spaces are promised to vanish between CJK/★ and CJK/★/letters/digits,
            # not next to ASCII punctuation such as the hyphen in 天枢-7
            spaced = nxt and "-" not in (ch, nxt)
            out.append(draw(st.sampled_from(INVISIBLE + (SPACES if spaced else []))))
    noise = st.text(alphabet="的是了在有和中国人文件。，\n abc123", max_size=30)
    return draw(noise) + "\n" + "".join(out).rstrip(" \u3000") + "\n" + draw(noise), term


@settings(max_examples=300, deadline=None)
@given(evaded())
def test_every_reported_span_maps_back_to_the_term(case):
    text, term = case
    norm = normalize(text)
    target = normalize_term(term)
    start = norm.text.find(target)
    assert start >= 0, (norm.text, target)
    o_start, o_end = norm.to_original(start, start + len(target))
    assert normalize(text[o_start:o_end]).text == target


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_map_is_monotonic_and_in_range(text):
    norm = normalize(text)
    if norm.index is not None:
        idx = norm.index.tolist()
        assert idx == sorted(set(idx))
        assert all(0 <= i < len(text) for i in idx)
        assert len(idx) == len(norm.text)
    else:
        assert len(norm.text) == len(text)


def test_folds_width_stars_invisibles_spacing_traditional_case():
    assert normalize("機 密\u200b ☆ ５年").text == "机密★5年"
    assert normalize("ＴＳ７工程").text == "ts7工程"
    assert normalize("內部\u3000資料").text == "内部资料"
    # spaces between Latin words and around digits stay
    assert normalize("Version 2 2026").text == "version 2 2026"


def test_clean_text_takes_the_identity_fast_path():
    norm = normalize("关于开展活动的通知")
    assert norm.index is None
    assert norm.to_original(2, 4) == (2, 4)


def test_stars_of_symbol_tables_and_combining_marks_fold_into_the_mark():
    """机密⭑5年 (an input method's small star), 机密🌟5年 (an emoji panel's) and
    机\u0301密★5年 (an accent no CJK font draws) read as the mark they show
    (red-team run: each was clear)."""
    for shown in ("机密⭑5年", "机密🌟5年", "机密⍟5年", "机密✡5年", "机密❂5年", "机\u0301密★5年",
                  "机密\u20dd★5年", "机密★\u03025年"):
        norm = normalize(f"关于工作的通知\n{shown}\n")
        assert "机密★5年" in norm.text, shown
        start = norm.text.index("机密★5年")
        o_start, o_end = norm.to_original(start, start + 5)
        assert o_end - o_start == len(shown), shown
