"""fold() is its definition, only faster: every character and mixed texts give the same key."""

from __future__ import annotations

import random
import re
import unicodedata

from compliance.folding import fold, search_key


def _definition(text: str) -> str:
    """What fold() means (the slow way it was first written)."""
    text = unicodedata.normalize("NFD", text.strip().replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[\s_\-.]+", " ", text).strip()


def test_fold_equals_its_definition_on_every_character_and_on_mixed_texts():
    for code in range(0x10000):
        char = chr(code)
        if not 0xD800 <= code <= 0xDFFF:  # lone surrogates are no text
            assert fold.__wrapped__(f"a{char}b") == _definition(f"a{char}b"), hex(code)
    rng = random.Random(15)
    pool = "aAđĐ _-.\t\u00a0\u2003e\u0301\u0323ẠệỮİǰßﬁΆ" + "".join(map(chr, range(0x300, 0x370)))
    for _ in range(5_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randrange(0, 16)))
        assert fold.__wrapped__(text) == _definition(text), repr(text)
    assert fold("  Công ty Cao su   TÂN-SÁNG. ") == "cong ty cao su tan sang"
    assert search_key("3901234567", "Đồng_Nai") == "3901234567 dong nai"
