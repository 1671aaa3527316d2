"""REFI-QDA codebook exchange (.qdc): schema validity, exact round trips, other tools' files."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcode.codebook.load import load
from qcode.errors import ExitCode
from qcode.models import Code, Codebook, Level, Theme
from qcode.refiqda.codebook_exchange import export_qdc, import_qdc
from qcode.refiqda.codebook_map import parse_level_map
from qcode.refiqda.codebook_xml import code_guid, qdc_bytes
from qcode.refiqda.guids import norm_guid
from tests.builders import DATA as TESTDATA
from tests.builders import ROOT

DATA = TESTDATA / "refiqda"
ROOT = ROOT


@pytest.fixture(scope="module")
def codebook_schema():
    import xmlschema

    return xmlschema.XMLSchema(str(DATA / "Codebook.xsd"))


@pytest.mark.parametrize("source", ["codebooks/telemedicine-norway.yaml",
                                    "codebooks/template.yaml"])
def test_exported_qdc_is_schema_valid_and_imports_back_exactly(source, tmp_path,
                                                                codebook_schema):
    cb = load(ROOT / source)
    path = tmp_path / "cb.qdc"
    export_qdc(cb, path)
    assert list(codebook_schema.iter_errors(str(path))) == []
    back, text, report = import_qdc(path)
    assert back == cb
    assert report.dropped == []
    reloaded = tmp_path / "back.yaml"
    reloaded.write_text(text, encoding="utf-8")
    assert load(reloaded) == cb


def test_guids_are_stable_and_exports_identical(tmp_path):
    cb = load(ROOT / "codebooks/telemedicine-norway.yaml")
    assert qdc_bytes(cb, "qcode") == qdc_bytes(cb, "qcode")
    assert code_guid("GOV-MAC-01") == code_guid("GOV-MAC-01") != code_guid("GOV-MAC-02")


def test_themes_and_levels_are_non_codable_hierarchy(tmp_path):
    from qcode.refiqda.codebook_xml import read_qdc

    cb = Codebook(levels=(Level(id="micro", name="Micro"), Level(id="macro", name="Macro")),
                  themes=(Theme(id="T", name="Trust"),),
                  codes=(Code(id="A", name="Alpha", theme="T", level="macro"),
                         Code(id="B", name="Beta", theme="T", level="macro", parent="A")))
    qdc = read_qdc(qdc_bytes(cb, "qcode"), "x.qdc")
    theme = qdc.roots[0]
    assert (theme.name, theme.codable) == ("Trust", False)
    assert [(n.name, n.codable) for n in theme.children] == [("Macro", False)]
    alpha = theme.children[0].children[0]
    assert (alpha.name, alpha.codable, [c.name for c in alpha.children]) == (
        "Alpha", True, ["Beta"])
    assert [s.name for s in qdc.sets] == ["Micro", "Macro", "qcode codebook: codebook"]


def test_atlas_ti_codebook_imports_with_code_group_reported():
    cb, _, report = import_qdc(DATA / "atlasti-23.4-codebook.qdc")
    assert [(c.id, c.name, c.definition, c.theme) for c in cb.codes] == [
        ("code1", "code1", "description", "codes")]
    assert [(d.kind, d.what) for d in report.dropped] == [("set", "set 'code group 1' (1 codes)")]
    assert report.code_ids == {norm_guid("1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294"): "code1"}
    assert report.origin == "ATLAS.ti Win 23.4.0"


def test_taguette_codebook_with_empty_sets_imports_as_flat_list():
    cb, _, report = import_qdc(DATA / "taguette-codebook.qdc")
    assert [c.name for c in cb.codes] == ["interesting", "people", "interesting\\places"]
    assert len({c.id for c in cb.codes}) == 3
    assert report.dropped == []


def _tree_qdc(tmp_path: Path, with_namespace: bool = True) -> Path:
    ns = ' xmlns="urn:QDA-XML:codebook:1.0"' if with_namespace else ""
    g = "0000000{}-0000-0000-0000-000000000000"
    path = tmp_path / "tree.qdc"
    path.write_text(f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook{ns} origin="NVivo 14"><Codes>
 <Code guid="{g.format(1)}" name="Governance" isCodable="true">
  <Code guid="{g.format(2)}" name="Macro" isCodable="true">
   <Code guid="{g.format(3)}" name="Strategy" isCodable="true">
    <Description>National plans.</Description>
    <Code guid="{g.format(4)}" name="Targets" isCodable="true"/></Code>
  </Code>
  <Code guid="{g.format(5)}" name="Micro" isCodable="true">
   <Code guid="{g.format(6)}" name="Strategy" isCodable="true"/></Code>
  <Code guid="{g.format(7)}" name="Loose" isCodable="true"/>
 </Code>
 <Code guid="{{{g.format(8).upper()}}}" name="Economy" isCodable="false">
  <Code guid="{g.format(9)}" name="Macro" isCodable="true">
   <Code guid="{g.format(0)}" name="Funding" isCodable="true"/></Code>
 </Code>
</Codes></CodeBook>""", encoding="utf-8")
    return path


def test_nested_tree_with_map_levels_becomes_faceted(tmp_path):
    levels = parse_level_map("Micro=micro, Macro=macro")
    cb, _, report = import_qdc(_tree_qdc(tmp_path), levels)
    assert [lv.id for lv in cb.levels] == ["micro", "macro"]
    assert [t.name for t in cb.themes] == ["Governance", "Economy"]
    got = [(c.id, c.name, c.theme, c.level, c.parent) for c in cb.codes]
    assert got == [("Strategy", "Strategy", "Governance", "macro", None),
                   ("Targets", "Targets", "Governance", "macro", "Strategy"),
                   ("Strategy-2", "Strategy", "Governance", "micro", None),
                   ("Funding", "Funding", "Economy", "macro", None)]
    assert cb.code("Strategy").definition == "National plans."
    assert [(d.kind, d.what, d.reason) for d in report.dropped] == [
        ("code", "'Loose' (GUID 00000007-0000-0000-0000-000000000000)",
         "not under a level node named in --map-levels")]


def test_nested_tree_without_map_is_a_plain_hierarchy_and_namespace_is_optional(tmp_path):
    cb, _, report = import_qdc(_tree_qdc(tmp_path, with_namespace=False))
    assert cb.levels == ()
    assert [t.id for t in cb.themes] == ["Governance", "Economy"]
    by_name = {(c.name, c.parent) for c in cb.codes}
    assert ("Targets", "Strategy") in by_name and ("Macro", None) in by_name
    assert report.notes == ["the file has no XML namespace; read as REFI-QDA 1.0"]


def test_map_levels_syntax_error_is_a_usage_error():
    from qcode.errors import UsageError

    with pytest.raises(UsageError, match="'Macro' is not NAME=level"):
        parse_level_map("Macro")


# ------------------------------------------------------------------ CLI


def test_cli_export_and_reimport_qdc_keeps_the_codebook(invoke, project, tmp_path):
    out = tmp_path / "cb.qdc"
    r = invoke("--project", str(project.root), "export", "qdc", str(out))
    assert r.exit_code == 0, r.output
    assert r.stdout == f"Exported 39 codes (3 themes x 3 levels) to {out}\n"
    before = project.codebook_path.read_text(encoding="utf-8")
    r = invoke("--project", str(project.root), "import", "qdc", str(out))
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(f"Imported {out} (written by qcode 0.1.0) into "
                               f"{project.codebook_path}: 39 codes, 3 themes, 3 levels")
    assert load(project.codebook_path) == load(ROOT / "codebooks/telemedicine-norway.yaml")
    backups = list(project.root.glob("codebook.before-import-*.yaml"))
    assert [b.read_text(encoding="utf-8") for b in backups] == [before]


def test_cli_import_qdc_refuses_to_drop_coded_codes(invoke, project):
    from qcode.coding.store import add_codes
    from qcode.ingest.run import read_document

    doc, _ = read_document(b"I: Hello there.\n\nR: We had no money.\n", source="a.txt",
                           doc_id="D1")
    project.save_document(doc)
    add_codes(project, "ann", doc, [doc.segments[1].id], ["ECO-MAC-01"])
    before = project.codebook_path.read_bytes()
    r = invoke("--project", str(project.root), "import", "qdc",
               str(DATA / "atlasti-23.4-codebook.qdc"))
    assert r.exit_code == ExitCode.CONFLICT
    assert r.stderr.startswith("Error: the imported codebook lacks 1 code(s) that have "
                               "codings (ECO-MAC-01); nothing was changed\n")
    assert project.codebook_path.read_bytes() == before


def test_cli_import_qdc_to_yaml_output_needs_no_project(invoke, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = invoke("import", "qdc", str(DATA / "taguette-codebook.qdc"), "--output", "cb.yaml",
               "--format", "json")
    assert r.exit_code == 0, r.output
    import json

    data = json.loads(r.stdout)
    assert data["taken"] == {"codes": 3, "levels": 0, "themes": 1}
    assert data["written"] is True and data["target"] == "cb.yaml"
    assert len(load(tmp_path / "cb.yaml").codes) == 3
    r = invoke("import", "qdc", str(DATA / "taguette-codebook.qdc"), "--output", "cb.yaml")
    assert r.exit_code == ExitCode.CONFLICT
    assert r.stderr == ("Error: cb.yaml already exists; nothing was written\n"
                        "Hint: choose another --output file\n")


def test_definition_edited_in_another_tool_is_taken(tmp_path):
    cb = load(ROOT / "codebooks/telemedicine-norway.yaml")
    code = cb.code("GOV-MAC-01")
    assert code is not None and code.include
    data = qdc_bytes(cb, "qcode").decode("utf-8")
    old = code.definition.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert data.count(f"<Description>{old}\n") == 1
    data = data.replace(f"<Description>{old}\n", "<Description>A sharper definition.\n")
    path = tmp_path / "edited.qdc"
    path.write_text(data, encoding="utf-8")
    back, _, report = import_qdc(path)
    assert back.code("GOV-MAC-01").definition == "A sharper definition."
    assert back.code("GOV-MAC-01").include == code.include
    assert report.notes == ["code GOV-MAC-01: its definition was edited outside qcode; the "
                            "edited definition was taken"]
    assert [c for c in back.codes if c.id != "GOV-MAC-01"] == [
        c for c in cb.codes if c.id != "GOV-MAC-01"]
