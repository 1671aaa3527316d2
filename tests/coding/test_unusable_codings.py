"""The one decision of what is usable (issue 12, item 7): codings whose document, segment or
code is not in the project are left out, counted by what is missing, and named."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcode.coding import store as codings
from qcode.coding.usable import LeftOut, known_parts, load_usable, omissions, usable_state
from qcode.errors import ProjectDamagedError
from qcode.project import Project
from tests.builders import build_known


@pytest.fixture
def known(tmp_path: Path) -> Project:
    return build_known(tmp_path / "p")


def _add(project: Project, doc: str, segment: str, code: str) -> None:
    codings.append_events(project, "ana", [{"op": "add", "doc": doc, "segment": segment,
                                            "start": 0, "end": 1, "quote": "x",
                                            "code": code}])


def test_nothing_left_out_when_everything_is_known(known: Project) -> None:
    (st,) = load_usable(known, ["ana"])
    assert st.left_out is None
    assert st.codes == codings.load_state(known, "ana").codes
    assert not omissions([st])


def test_unknown_documents_segments_and_codes_are_counted_by_what_is_missing(
        known: Project) -> None:
    before = len(codings.current_codings(known, "ana"))
    _add(known, "D1", "D1:0099", "G1")  # no such segment
    _add(known, "D9", "D9:0001", "G1")  # no such document
    _add(known, "D9", "D9:0001", "G2")
    _add(known, "../x", "../x:0001", "G1")  # not even a document id
    _add(known, "D1", "D1:0003", "OLD-ID")  # a code id edited in codebook.yaml
    _add(known, "D2", "D2:0001", "OLD-ID")
    (st,) = load_usable(known, ["ana"])
    assert len(st.codings()) == before
    assert st.left_out == LeftOut("ana", 6, (("document", "D9", 2), ("code", "OLD-ID", 2),
                                             ("document", "../x", 1),
                                             ("segment", "D1:0099", 1)))
    assert omissions([st]).left_out == (st.left_out,)


def test_a_segment_with_known_and_unknown_codes_keeps_the_known(known: Project) -> None:
    _add(known, "D1", "D1:0001", "OLD-ID")
    st = usable_state(codings.load_state(known, "ana"), known_parts(known))
    assert st.codes_on("D1", "D1:0001") == ["G1", "G2"]
    assert st.left_out == LeftOut("ana", 1, (("code", "OLD-ID", 1),))


def test_a_damaged_document_is_an_error_not_a_silent_drop(known: Project) -> None:
    known.document_path("D2").write_text("{not json", encoding="utf-8")
    with pytest.raises(ProjectDamagedError) as exc:
        load_usable(known, ["ana"])
    assert exc.value.message == f"{known.document_path('D2')}: not a valid qcode document"
