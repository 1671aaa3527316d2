"""REFI-QDA project exchange (.qdpx): schema validity, determinism, round trips, imports
into existing projects, and the example NVivo project file."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcode.coding.store import add_codes, coder_names, current_codings, load_state, set_memo
from qcode.errors import ConflictError, ExitCode
from qcode.ingest.run import read_document
from qcode.ingest.segmentation import layout
from qcode.models import Code, Codebook, Document, Level, Theme
from qcode.project import Project, init_project, open_project
from qcode.refiqda.codebook_yaml import dump
from qcode.refiqda.exporter import build_qdpx, export_qdpx
from qcode.refiqda.importer import import_qdpx
from tests.builders import DATA as TESTDATA

DATA = TESTDATA / "refiqda"


@pytest.fixture(scope="module")
def project_schema():
    import xmlschema

    return xmlschema.XMLSchema(str(DATA / "Project.xsd"))


def _doc(doc_id: str, turns: list[tuple[str, str]], unit: str = "turn",
         attributes: dict[str, str] | None = None) -> Document:
    text, trs, segs = layout(doc_id, turns, unit)
    return Document(id=doc_id, title=f"Interview {doc_id}", format="txt", unit=unit,
                    attributes=attributes or {}, text=text, turns=tuple(trs),
                    segments=tuple(segs), sha256="ab" * 32, source_name=f"{doc_id}.txt",
                    encoding="utf-8")


@pytest.fixture
def coded(project: Project) -> Project:
    d1 = _doc("D1", [("I", "How is video used? 😀"), ("R", "We use it a lot.\n\nReally.")],
              "paragraph", {"region": "north", "role": "clinician"})
    d2 = _doc("D2", [("R", "Money is the problem.")], attributes={"region": "south"})
    project.save_document(d1)
    project.save_document(d2)
    add_codes(project, "ann", d1, ["D1:0002", "D1:0003"], ["ORG-MIC-01"])
    add_codes(project, "bob", d1, ["D1:0002"], ["ORG-MIC-01", "ECO-MAC-01"])
    set_memo(project, "bob", d1, "D1:0002", "Check this with ann.")
    add_codes(project, "bob", d2, ["D2:0001"], ["ECO-MAC-01"])
    return project


def _qde(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read("project.qde")


def _same_project(a: Project, b: Project) -> None:
    assert a.codebook == b.codebook
    assert a.document_ids() == b.document_ids()
    for i in a.document_ids():
        assert a.load_document(i) == b.load_document(i)
    assert coder_names(a) == coder_names(b)
    for c in coder_names(a):
        want = [x._replace(origin="manual", decision=None) for x in current_codings(a, c)]
        got = [x._replace(origin="manual", decision=None) for x in current_codings(b, c)]
        assert got == want
        assert load_state(b, c).memos == load_state(a, c).memos
        assert {x.origin for x in current_codings(b, c)} <= {"imported"}


def test_export_is_schema_valid_and_deterministic(coded, project_schema, tmp_path):
    data, summary = build_qdpx(coded)
    assert list(project_schema.iter_errors(_qde(data).decode("utf-8"))) == []
    assert build_qdpx(coded)[0] == data
    zf = zipfile.ZipFile(io.BytesIO(data))
    names = zf.namelist()
    assert names[0] == "project.qde" and all(n.startswith("sources/") for n in names[1:])
    assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert summary.as_dict() | {"file": ""} == {
        "file": "", "coders": ["ann", "bob"], "documents": 2, "codes": 39, "selections": 3,
        "codings": 5, "memos": 1, "skipped": []}


def test_export_crlf_adjusts_offsets_and_reimports(coded, tmp_path, project_schema):
    from qcode.refiqda.codebook_xml import split_trailer  # noqa: F401
    from qcode.refiqda.project_xml import read_qde

    data, _ = build_qdpx(coded, line_endings="crlf")
    assert list(project_schema.iter_errors(_qde(data).decode("utf-8"))) == []
    qp = read_qde(_qde(data), "x")
    zf = zipfile.ZipFile(io.BytesIO(data))
    src = next(s for s in qp.sources if s.name == "D1")
    text = zf.read(f"sources/{src.guid}.txt").decode("utf-8")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    doc = coded.load_document("D1")
    for sel in src.selections:  # code points over the CRLF text hit the same words
        seg = next(s for s in doc.segments if doc.segment_text(s) ==
                   text[sel.start:sel.end].replace("\r\n", "\n"))
        assert seg is not None
    path = tmp_path / "crlf.qdpx"
    path.write_bytes(data)
    report = import_qdpx(path, into=tmp_path / "back")
    assert {s.offsets for s in report.sources} == {"cp"}
    _same_project(coded, open_project(tmp_path / "back"))


def test_round_trip_reproduces_project(coded, tmp_path):
    path = tmp_path / "x.qdpx"
    export_qdpx(coded, path)
    report = import_qdpx(path, into=tmp_path / "copy")
    assert report.dropped == []
    assert report.written and report.target == str(tmp_path / "copy")
    _same_project(coded, open_project(tmp_path / "copy"))


def test_export_one_coder(coded, tmp_path):
    path = tmp_path / "ann.qdpx"
    summary = export_qdpx(coded, path, coders=["ann"])
    assert (summary.coders, summary.codings, summary.memos) == (["ann"], 2, 0)
    import_qdpx(path, into=tmp_path / "ann")
    assert coder_names(open_project(tmp_path / "ann")) == ["ann"]


def test_import_into_same_project_matches_documents_and_adds_nothing(coded, tmp_path):
    path = tmp_path / "x.qdpx"
    export_qdpx(coded, path)
    before = {c: (coded.codings_dir / f"{c}.jsonl").read_bytes() for c in coder_names(coded)}
    report = import_qdpx(path, project=coded)
    assert [s.status for s in report.sources] == ["matched", "matched"]
    assert report.taken["codings"] == 0 and report.taken["documents"] == 0
    after = {c: (coded.codings_dir / f"{c}.jsonl").read_bytes() for c in coder_names(coded)}
    assert after == before


def test_import_refuses_document_id_clash_and_writes_nothing(coded, tmp_path):
    path = tmp_path / "x.qdpx"
    export_qdpx(coded, path)
    other = init_project(tmp_path / "other")
    other.save_document(_doc("D2", [("R", "A different text.")]))
    files = sorted(p.relative_to(other.root) for p in other.root.rglob("*"))
    with pytest.raises(ConflictError, match="would be document 'D2', but the project "
                                            "already has a different document"):
        import_qdpx(path, project=other)
    assert sorted(p.relative_to(other.root) for p in other.root.rglob("*")) == files


def test_nvivo_bare_qde_reports_missing_sources(tmp_path):
    report = import_qdpx(DATA / "nvivo-mac-15-project.qde", into=tmp_path / "nv",
                         dry_run=True)
    assert report.origin == "NVivo for Mac 15.0.0"
    assert [s.status for s in report.sources] == ["missing", "missing"]
    assert report.taken["codes"] > 200
    assert {(d.kind, d.reason) for d in report.dropped} == {
        ("source", "missing text: its text file is not beside the .qde (nor in its sources "
                   "folder)")}
    assert not (tmp_path / "nv").exists()


def test_bare_qde_finds_sources_folder_in_any_case(tmp_path):
    g = "d097e6fd-7671-4d95-a8b6-7795fa4a72e1"
    folder = tmp_path / "export"
    (folder / "Sources").mkdir(parents=True)
    (folder / "Sources" / f"{g}.TXT").write_text(
        "Interviewer: Hi.\nKari: Hello there.\nInterviewer: Good.\nKari: Yes.\n",
        encoding="utf-8")
    (folder / "my project.qde").write_text(f"""<?xml version="1.0"?>
<Project xmlns="urn:QDA-XML:project:0:10" name="p"><Sources>
<TextSource guid="{g}" name="Kari interview.docx" plainTextPath="relative://files/{g}.txt"/>
</Sources></Project>""", encoding="utf-8")
    report = import_qdpx(folder / "my project.qde", into=tmp_path / "p")
    assert [s.status for s in report.sources] == ["new"]
    doc = open_project(tmp_path / "p").load_document("Kari-interview")
    assert [(s.speaker, doc.segment_text(s)) for s in doc.segments] == [
        ("Interviewer", "Interviewer: Hi."), ("Kari", "Kari: Hello there."),
        ("Interviewer", "Interviewer: Good."), ("Kari", "Kari: Yes.")]
    assert report.notes == ["namespace 'urn:QDA-XML:project:0:10' is another REFI-QDA "
                            "version; read as 1.0"]


def test_cli_export_and_import_qdpx(invoke, coded, tmp_path):
    path = tmp_path / "x.qdpx"
    r = invoke("--project", str(coded.root), "export", "qdpx", str(path), "--coder", "bob")
    assert r.exit_code == 0, r.output
    assert r.stdout == (f"Exported 2 documents, 39 codes, 3 codings on 2 selections and 1 "
                        f"memos by 1 coders to {path}\n")
    r = invoke("--project", str(coded.root), "export", "qdpx", str(path), "--coder", "eve")
    assert r.exit_code == ExitCode.NOT_FOUND
    assert r.stderr.startswith("Error: no coder 'eve' in this project\n")
    r = invoke("import", "qdpx", str(path), "--into", str(tmp_path / "new"))
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0] == (
        f"Imported {path} (written by qcode 0.1.0) into {tmp_path / 'new'}: 2 documents, "
        "39 codes, 1 coders, 2 selections, 3 codings, 1 memos")
    r = invoke("import", "qdpx", str(path), "--into", str(tmp_path / "new"))
    assert r.exit_code == ExitCode.CONFLICT
    assert r.stderr.startswith(f"Error: {tmp_path / 'new'} is a qcode project; nothing was "
                               "imported\n")
    r = invoke("--project", str(coded.root), "import", "qdpx", str(path), "--dry-run",
               "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["written"] is False
    assert [s["status"] for s in data["sources"]] == ["matched", "matched"]


# ------------------------------------------------------------------ property: round trip

_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Zl", "Zp"),
                              blacklist_characters="\ufeff\u200b"),
                min_size=1, max_size=30).map(str.strip).filter(bool)
_BODY = st.lists(_TEXT, min_size=1, max_size=3).map("\n\n".join)


@st.composite
def projects(draw):
    n_levels = draw(st.integers(0, 2))
    levels = tuple(Level(id=f"l{i}", name=draw(_TEXT), description=draw(st.just("") | _TEXT))
                   for i in range(n_levels))
    themes = tuple(Theme(id=f"T{i}", name=draw(_TEXT)) for i in range(draw(st.integers(1, 2))))
    codes = []
    for i in range(draw(st.integers(1, 4))):
        codes.append(Code(
            id=f"C-{i}", name=draw(_TEXT), theme=draw(st.sampled_from(themes)).id,
            level=draw(st.sampled_from(levels)).id if levels else None,
            definition=draw(st.just("") | _TEXT), keywords=tuple(draw(st.lists(_TEXT,
                                                                                 max_size=2))),
            parent="C-0" if i and draw(st.booleans()) else None,
            variation_relevant=draw(st.booleans())))
    cb = Codebook(name=draw(_TEXT), version=draw(st.just("") | st.just("1.0")),
                  rules=tuple(draw(st.lists(_TEXT, max_size=2))), levels=levels,
                  themes=themes, codes=tuple(codes))
    docs = []
    for i in range(draw(st.integers(1, 2))):
        turns = draw(st.lists(st.tuples(st.sampled_from(["I", "R", "Kari N"]), _BODY),
                              min_size=1, max_size=3))
        attrs = draw(st.dictionaries(st.sampled_from(["region", "role"]), _TEXT, max_size=2))
        docs.append(_doc(f"D{i}", turns, draw(st.sampled_from(["turn", "paragraph"])), attrs))
    coders = draw(st.lists(st.sampled_from(["ann", "bob", "Kari"]), min_size=1, max_size=3,
                           unique=True))
    actions = []
    for coder in coders:
        for d in docs:
            for seg in d.segments:
                chosen = draw(st.lists(st.sampled_from(codes), max_size=2, unique=True))
                memo = draw(st.just(None) | _TEXT)
                actions.append((coder, d, seg.id, [c.id for c in chosen], memo))
    return cb, docs, actions, draw(st.sampled_from(["lf", "crlf"]))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(projects())
def test_property_qcode_qdpx_qcode_round_trip(example):
    cb, docs, actions, endings = example
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        cb_file = tmp_path / "cb.yaml"
        cb_file.write_text(dump(cb), encoding="utf-8")
        project = init_project(tmp_path / "a", codebook=cb_file)
        assert project.codebook == cb
        for d in docs:
            project.save_document(d)
        for coder, d, seg, codes, memo in actions:
            if codes:
                add_codes(project, coder, d, [seg], codes)
            if memo:
                set_memo(project, coder, d, seg, memo)
        path = tmp_path / "x.qdpx"
        export_qdpx(project, path, line_endings=endings)
        report = import_qdpx(path, into=tmp_path / "b")
        assert report.dropped == []
        _same_project(open_project(tmp_path / "a"), open_project(tmp_path / "b"))


def test_ingested_transcript_round_trips(project, tmp_path):
    doc, _ = read_document("Interviewer: Hei!\n\nKari: Det går bra 🙂.\r\n".encode(),
                           source="k.txt", doc_id="K1", unit="sentence")
    project.save_document(doc)
    add_codes(project, "ann", doc, [doc.segments[-1].id], ["ORG-MIC-01"])
    path = tmp_path / "k.qdpx"
    export_qdpx(project, path)
    import_qdpx(path, into=tmp_path / "k")
    _same_project(project, open_project(tmp_path / "k"))


def test_import_merges_new_codes_into_existing_codebook(coded, tmp_path):
    cb = coded.codebook
    extra = Code(id="GOV-MAC-99", name="Hospital mergers", theme="GOV", level="macro")
    clash = Code(id="ORG-MIC-01", name="Something else entirely", theme="ORG", level="micro")
    kept = tuple(c for c in cb.codes if c.id != "ORG-MIC-01")
    other_cb = cb.model_copy(update={"codes": (*kept, extra, clash)})
    cb_file = tmp_path / "other.yaml"
    cb_file.write_text(dump(other_cb), encoding="utf-8")
    other = init_project(tmp_path / "other", codebook=cb_file)
    doc = _doc("X1", [("R", "The merger decided everything.")])
    other.save_document(doc)
    add_codes(other, "Ann", doc, ["X1:0001"], ["GOV-MAC-99", "ORG-MIC-01"])
    path = tmp_path / "other.qdpx"
    export_qdpx(other, path)
    report = import_qdpx(path, project=coded)
    merged = open_project(coded.root).codebook
    assert merged.codes[:len(cb.codes)] == cb.codes
    assert [(c.id, c.name) for c in merged.codes[len(cb.codes):]] == [
        ("GOV-MAC-99", "Hospital mergers"), ("ORG-MIC-01-2", "Something else entirely")]
    assert [n.split(": the project's")[0] for n in report.notes] == [
        "code 'Something else entirely' is imported as ORG-MIC-01-2"]
    # the coder's name keeps the project's spelling; codes follow the renaming
    got = {(c.doc, c.code) for c in current_codings(open_project(coded.root), "ann")}
    assert {("X1", "GOV-MAC-99"), ("X1", "ORG-MIC-01-2")} <= got
    assert list(coded.root.glob("codebook.before-import-*.yaml"))


def test_other_tools_quirks_import_with_a_full_report(tmp_path):
    g = "{:08x}-0000-0000-0000-000000000000".format
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.2" name="Quirks" origin="MAXQDA 24"
 basePath="C:/Users/x/Documents">
<Users><User guid="{g(1)}" name="Ann"/><User guid="{g(2)}" name="ann"/></Users>
<CodeBook><Codes>
 <Code guid="{g(10).upper()}" name="Trust" isCodable="true" color="#ef8256"/>
 <Code guid="{g(11)}" name="Cost" isCodable="true"/>
</Codes><Sets><Set guid="{g(12)}" name="Group"><MemberCode targetGUID="{g(10)}"/></Set></Sets>
</CodeBook>
<Variables><Variable guid="{g(20)}" name="age" typeOfVariable="Integer"/></Variables>
<Cases><Case guid="{g(21)}"><VariableValue><VariableRef targetGUID="{g(20)}"/>
<IntegerValue>54</IntegerValue></VariableValue><SourceRef targetGUID="{g(30)}"/></Case></Cases>
<Sources>
 <TextSource guid="{g(30)}" name="Interview A" plainTextPath="relative://Study/A.txt">
  <PlainTextSelection guid="{g(31)}" startPosition="0" endPosition="5" creatingUser="{g(1)}">
   <Coding guid="{g(32)}"><CodeRef targetGUID="{{{g(10)}}}"/></Coding>
   <Coding guid="{g(33)}" creatingUser="{g(2)}"><CodeRef targetGUID="{g(11)}"/></Coding>
  </PlainTextSelection>
  <PlainTextSelection guid="{g(34)}" startPosition="6" endPosition="11" creatingUser="{g(2)}">
   <Description>Ask about this.</Description></PlainTextSelection>
  <PlainTextSelection guid="{g(35)}" startPosition="7" endPosition="900">
   <Coding guid="{g(36)}"><CodeRef targetGUID="{g(99)}"/></Coding></PlainTextSelection>
  <Coding guid="{g(37)}"><CodeRef targetGUID="{g(11)}"/></Coding>
 </TextSource>
 <TextSource guid="{g(40)}" name="Interview A">
  <PlainTextContent>Inline text, two words.</PlainTextContent>
  <PlainTextSelection guid="{g(41)}" startPosition="0" endPosition="6" creatingUser="{g(1)}">
   <Coding guid="{g(42)}"><CodeRef targetGUID="{g(11)}"/></Coding></PlainTextSelection>
 </TextSource>
 <PDFSource guid="{g(50)}" name="Report.pdf" path="internal://{g(50)}.pdf"/>
</Sources>
<Notes><Note guid="{g(60)}" name="Loose note"><PlainTextContent>x</PlainTextContent></Note>
</Notes></Project>"""
    path = tmp_path / "quirks.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("My Study.qde", qde)
        zf.writestr("SOURCES/a.TXT", "Hello world\n\nSecond paragraph.\n")
    report = import_qdpx(path, into=tmp_path / "q")
    dropped = sorted((d.kind, d.reason) for d in report.dropped)
    assert dropped == [
        ("coding", "codes a whole source; qcode codes segments"),
        ("note", "not attached to a coded passage; qcode keeps memos on segments only"),
        ("selection", "its positions do not fit the text"),
        ("set", "qcode has no code groups; its codes are imported without it"),
        ("source", "qcode imports text sources only")]
    assert report.notes == ["namespace 'urn:QDA-XML:project:1.2' is another REFI-QDA "
                            "version; read as 1.0"]
    p = open_project(tmp_path / "q")
    assert p.document_ids() == ["Interview-A", "Interview-A-2"]
    a = p.load_document("Interview-A")
    assert (a.attributes, [a.segment_text(s) for s in a.segments]) == (
        {"age": "54"}, ["Hello world", "Second paragraph."])
    assert coder_names(p) == ["Ann", "ann-2"]
    ann = [(c.doc, c.segment, p.codebook.code(c.code).name) for c in current_codings(p, "Ann")]
    assert ann == [("Interview-A", "Interview-A:0001", "Trust"),
                   ("Interview-A-2", "Interview-A-2:0001", "Cost")]
    other = current_codings(p, "ann-2")
    assert [(c.segment, p.codebook.code(c.code).name) for c in other] == [
        ("Interview-A:0001", "Cost")]
    assert load_state(p, "ann-2").memos == {("Interview-A", "Interview-A:0001"):
                                            "Ask about this."}
    # selections are kept exactly ("Hello" of "Hello world", "Inline" of its text)
    assert [(c.start, c.end, c.quote) for c in current_codings(p, "Ann")] == [
        (0, 5, "Hello"), (0, 6, "Inline")]
