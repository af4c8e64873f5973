"""Citations read as minutes write them (issue 16.4): kind, number, date, issuer, section."""

from __future__ import annotations

from pathlib import Path

from compliance.rules.documents import catalogue, cite
from compliance.rules.validate import load_rules

RULES = Path(__file__).parents[2] / "rules"


def test_every_cited_document_is_in_the_catalogue_and_in_the_repository():
    known = catalogue(RULES)
    for loaded in load_rules([RULES]):
        for document in (loaded.rule.source.document,):
            assert document in known, (loaded.id, document)
            assert (RULES / "sources" / document).is_file()


def test_a_citation_names_the_document_not_its_file():
    text = cite(RULES, "003_bfdd288f7f0b5cf7.txt", "II.3")
    assert text == (
        "Kế hoạch số 94/KH-LĐLĐ ngày 24/03/2021 của Ban Thường vụ Liên đoàn Lao động huyện "
        "Dương Minh Châu (Tây Ninh), mục II.3"
    )
    unnumbered = cite(RULES, "000_14c18d3c2f2feb98.txt", "II.1")
    assert unnumbered.startswith("Chương trình hành động của Ban Thường vụ Tỉnh ủy Tây Ninh")
    assert "Nghị quyết số 02-NQ/TW" in unnumbered and ".txt" not in unnumbered
    assert cite(RULES, "khong-co.txt", "I") == "khong-co.txt, mục I"  # unknown: as given


def test_other_documents_of_a_source_are_cited_the_same_way():
    from compliance.rules.documents import cite_reference

    assert cite_reference(RULES, "004_61b455b33068824b.txt II.6") == (
        "Chương trình số 02/CTr-LĐLĐ ngày 11/01/2024 của Liên đoàn Lao động tỉnh Bến Tre, mục II.6"
    )
    with_words = cite_reference(RULES, "004_61b455b33068824b.txt II.5: cập nhật số liệu")
    assert with_words.endswith("mục II.5: cập nhật số liệu")
