"""A renamed-away or archived document id is not ingested again: codings made under it
follow the rename (or wait in the archive), so a new document under it would take them."""

from __future__ import annotations

from pathlib import Path

from tests.builders import build_known


def test_a_former_or_archived_id_is_refused(invoke, tmp_path: Path) -> None:
    p = build_known(tmp_path / "k", coders=("ana",))
    src = tmp_path / "new.txt"
    src.write_text("I: Hello?\n\nR: Hello.\n", encoding="utf-8")
    assert invoke("--project", str(p.root), "docs", "rename", "D1", "N1").exit_code == 0
    r = invoke("--project", str(p.root), "ingest", str(src), "--id", "D1")
    assert r.exit_code == 6
    assert r.stderr == (f"Error: {src}: 'D1' was the id of a document renamed to N1; a former "
                        "id is not used again; nothing was changed\n"
                        "Hint: ingest it under another id with --id\n")
    assert invoke("--project", str(p.root), "docs", "remove", "D2").exit_code == 0
    r = invoke("--project", str(p.root), "ingest", str(src), "--id", "D2")
    assert r.exit_code == 6
    assert r.stderr == (f"Error: {src}: a document 'D2' is in the archive (qcode docs remove); "
                        "nothing was changed\nHint: bring it back with: qcode docs restore D2, "
                        "or give this one another id with --id\n")
    assert p.document_ids() == ["D3", "N1"]
    assert invoke("--project", str(p.root), "ingest", str(src), "--id", "D9").exit_code == 0
