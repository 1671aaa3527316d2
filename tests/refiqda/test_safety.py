"""Malicious and broken files: refused with one clear line, nothing written anywhere."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from qcode.errors import ExitCode
from qcode.refiqda import archive

QDE = b"""<?xml version="1.0"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Users>
<User guid="b0b0b0b0-0000-0000-0000-000000000001" name="x"/></Users></Project>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>"""

EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="00000000-0000-0000-0000-000000000001" name="&secret;" isCodable="true"/>
</Codes></CodeBook>"""


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def run_import(invoke, tmp_path, monkeypatch):
    """Import FILE --into tmp/new; check exactly one error line and nothing written."""
    monkeypatch.chdir(tmp_path)

    def go(path: Path, *extra: str) -> str:
        before = _listing(tmp_path)
        r = invoke("import", "qdpx", str(path), "--into", str(tmp_path / "new"), *extra)
        assert r.exit_code == ExitCode.INVALID_INPUT, r.output
        assert _listing(tmp_path) == before
        lines = [ln for ln in r.stderr.splitlines() if ln.startswith("Error:")]
        assert len(lines) == 1 and r.stdout == ""
        return lines[0]

    return go


def test_zip_slip_is_refused(run_import, tmp_path):
    path = _zip(tmp_path / "slip.qdpx", {"project.qde": QDE, "../../evil.txt": b"x",
                                         "sources/a.txt": b"a"})
    assert run_import(path) == (f"Error: {path}: refused: entry '../../evil.txt' points "
                                "outside the archive (zip slip); nothing was imported")
    assert not (tmp_path.parent / "evil.txt").exists()


@pytest.mark.parametrize("name", ["/etc/evil.txt", "C:\\evil.txt", "sources\\..\\..\\x"])
def test_absolute_and_backslash_entries_are_refused(run_import, tmp_path, name):
    path = _zip(tmp_path / "abs.qdpx", {"project.qde": QDE, name: b"x"})
    assert "(zip slip)" in run_import(path)


def test_billion_laughs_is_refused(run_import, tmp_path):
    path = _zip(tmp_path / "lol.qdpx", {"project.qde": BILLION_LAUGHS})
    assert run_import(path) == (
        f"Error: {path}/project.qde: refused: the XML declares XML entities (a "
        "billion-laughs style expansion); nothing was imported")


def test_external_entity_in_a_codebook_is_refused(invoke, tmp_path):
    path = tmp_path / "xxe.qdc"
    path.write_bytes(EXTERNAL)
    r = invoke("import", "qdc", str(path), "--output", str(tmp_path / "cb.yaml"))
    assert r.exit_code == ExitCode.INVALID_INPUT
    assert r.stderr.splitlines()[0] == (f"Error: {path}: refused: the XML declares XML "
                                        "entities (a billion-laughs style expansion); "
                                        "nothing was imported")
    assert not (tmp_path / "cb.yaml").exists()


def test_zip_bomb_over_the_size_cap_is_refused(run_import, tmp_path, monkeypatch):
    monkeypatch.setenv("QCODE_MAX_ARCHIVE_MB", "1")
    path = _zip(tmp_path / "bomb.qdpx", {"project.qde": QDE,
                                         "sources/a.txt": b"\0" * 5_000_000})
    assert path.stat().st_size < 20_000
    assert run_import(path) == (f"Error: {path}: refused: the archive expands to 4.8 MB, "
                                "more than the limit max_archive_mb = 1; nothing was imported")


def _lie_about_size(path: Path, entry: str, fake: int) -> None:
    """Rewrite the uncompressed size of ``entry`` in both headers (a lying zip)."""
    data = bytearray(path.read_bytes())
    name = entry.encode()
    i = 0
    while (i := data.find(b"PK\x03\x04", i)) != -1:
        n = struct.unpack_from("<H", data, i + 26)[0]
        if data[i + 30:i + 30 + n] == name:
            struct.pack_into("<I", data, i + 22, fake)
        i += 4
    i = 0
    while (i := data.find(b"PK\x01\x02", i)) != -1:
        n = struct.unpack_from("<H", data, i + 28)[0]
        if data[i + 46:i + 46 + n] == name:
            struct.pack_into("<I", data, i + 24, fake)
        i += 4
    path.write_bytes(bytes(data))


def test_zip_bomb_with_lying_headers_is_stopped_while_streaming(run_import, tmp_path):
    path = _zip(tmp_path / "liar.qdpx", {"project.qde": QDE,
                                         "sources/a.txt": b"\0" * 3_000_000})
    _lie_about_size(path, "sources/a.txt", 10)
    line = run_import(path)
    assert line.startswith(f"Error: {path}: ")
    assert "entry 'sources/a.txt'" in line and line.endswith("nothing was imported")


def test_too_many_entries_is_refused(run_import, tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_ENTRIES", 10)
    entries = {"project.qde": QDE} | {f"sources/{i}.txt": b"x" for i in range(20)}
    path = _zip(tmp_path / "many.qdpx", entries)
    assert run_import(path) == (f"Error: {path}: refused: 21 entries (more than 10); "
                                "nothing was imported")


def test_invalid_xml_gets_a_located_error(run_import, tmp_path):
    bad = b'<?xml version="1.0"?>\n<Project name="p">\n  <Users></Sources>\n</Project>'
    path = _zip(tmp_path / "bad.qdpx", {"ATLAS export.QDE": bad})
    assert run_import(path) == (f"Error: {path}/ATLAS export.QDE:3:12: invalid XML "
                                "(mismatched tag); nothing was imported")


def test_not_a_zip_and_no_qde(run_import, tmp_path):
    path = tmp_path / "plain.qdpx"
    path.write_bytes(b"hello")
    assert run_import(path) == (f"Error: {path}: not a ZIP archive, so not a .qdpx; "
                                "nothing was imported")
    path = _zip(tmp_path / "empty.qdpx", {"sources/a.txt": b"x"})
    assert run_import(path) == (f"Error: {path}: no .qde project file at the top of the "
                                "archive; nothing was imported")


def test_wrong_root_element(run_import, tmp_path):
    path = _zip(tmp_path / "cb.qdpx", {"project.qde": EXTERNAL.replace(b"&secret;", b"x")
                                       .split(b"]>\n", 1)[1]})
    assert run_import(path) == (f"Error: {path}/project.qde: not a REFI-QDA Project file "
                                "(its root element is <CodeBook>); nothing was imported")


def test_absolute_source_paths_are_never_read(tmp_path):
    from qcode.refiqda.importer import import_qdpx

    secret = tmp_path / "secret.txt"
    secret.write_text("private", encoding="utf-8")
    qde = f"""<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="p">
<Sources><TextSource guid="00000000-0000-0000-0000-0000000000aa" name="s"
 plainTextPath="absolute:///{secret}"/></Sources></Project>""".encode()
    path = _zip(tmp_path / "abs.qdpx", {"project.qde": qde})
    report = import_qdpx(path, into=tmp_path / "p", dry_run=True)
    assert [(s.status, d.reason) for s, d in zip(report.sources, report.dropped,
                                                  strict=True)] == [
        ("missing", "missing text: it is an absolute path outside the project file (never "
                    "read)")]
