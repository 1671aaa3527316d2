"""Remake the byte-sensitive format fixtures (encodings, BOMs, line ends, .docx files).

The plain UTF-8 fixtures in this folder are written by hand; these are generated because
their bytes matter (CRLF, BOMs, UTF-16, cp1252) or because they are Word files. Run from
anywhere: ``python tests/data/formats/make_fixtures.py``. The files it writes are committed.
"""

from __future__ import annotations

import copy
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent

TEAMS_VTT = (
    "WEBVTT\n\n"
    "NOTE exported from Teams\n\n"
    "STYLE\n::cue { color: white }\n\n"
    "4c1e2f7a-90b1-4c55-a2a8-1f6f2d0c9e10/18-0\n"
    "00:00:02.110 --> 00:00:05.320 align:start position:10%\n"
    "<v Ingrid Nilsen>Welcome &amp; thanks for joining.</v>\n\n"
    "4c1e2f7a-90b1-4c55-a2a8-1f6f2d0c9e10/18-1\n"
    "00:00:05.320 --> 00:00:08.000\n"
    "<v Ingrid Nilsen>Shall we <c.yellow>start</c>?</v>\n\n"
    "9a8b7c6d-1111-2222-3333-444455556666/19-0\n"
    "00:00:08.500 --> 00:00:12.750\n"
    "<v Ole Kristian Dahl>Yes. The budget is &lt;1% of\n"
    "outpatient <b>activity</b>.</v>\n\n"
    "4c1e2f7a-90b1-4c55-a2a8-1f6f2d0c9e10/20-0\n"
    "00:00:13.000 --> 00:00:14.000\n"
    "<v Ingrid Nilsen>Interesting.</v>\n"
)

F4_TEXT = (
    "I: Wie haben Sie angefangen? #00:00:07-3#\n"
    "B: Mit einem Pilotprojekt … das war „klein“ (lacht). #00:00:21-8#\n"
    "I: Und dann? #00:00:24-0#\n"
    "B: Dann kam (unv.) die Finanzierung. (...) Langsam. #00:00:40-5#\n"
)

ENCODED_TXT = "Interviewer: Hvordan gikk det?\n\nRespondent: Bra – «veldig» bra.\n"


def _write(name: str, data: bytes) -> None:
    (HERE / name).write_bytes(data)


def text_fixtures() -> None:
    _write("teams_bom_crlf.vtt", b"\xef\xbb\xbf" + TEAMS_VTT.replace("\n", "\r\n").encode())
    _write("f4_cp1252_crlf.txt", F4_TEXT.replace("\n", "\r\n").encode("cp1252"))
    _write("txt_utf16le_bom.txt", b"\xff\xfe" + ENCODED_TXT.encode("utf-16-le"))
    _write("txt_utf16be_bom.txt", b"\xfe\xff" + ENCODED_TXT.encode("utf-16-be"))
    _write("txt_utf8_bom_crlf.txt",
           b"\xef\xbb\xbf" + ENCODED_TXT.replace("\n", "\r\n").encode())
    _write("txt_lone_cr.txt", ENCODED_TXT.replace("\n", "\r").encode())
    _write("txt_nbsp_zero_width.txt", (
        "I: Det\u00a0er\u00a0“greit”.\n\n"
        "\u200bR: Ja,\u00a0så\u00a0klart.\ufeff Vi\u00a0starter.\n").encode())
    _write("srt_bom_crlf.srt", b"\xef\xbb\xbf" + (
        "1\n00:00:01,000 --> 00:00:02,000\n[ANNA] Hei.\n\n"
        "2\n00:00:02,500 --> 00:00:04,000\n[BJØRN] Hei, Anna.\n").replace("\n", "\r\n")
        .encode())


def _bold(paragraph, text: str) -> None:  # type: ignore[no-untyped-def]
    paragraph.add_run(text).bold = True


def _save(document, name: str) -> None:  # type: ignore[no-untyped-def]
    document.core_properties.title = ""
    buf = io.BytesIO()
    document.save(buf)
    _write(name, _normalise_zip(buf.getvalue()))


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the .docx zip with fixed timestamps, so remaking it gives the same bytes."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                import re

                body = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2016, 3, 9, 12, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, body)
    return out.getvalue()


def docx_fixtures() -> None:
    import docx
    from docx.enum.text import WD_BREAK

    # older Teams: header lines, then time / speaker / text triplets; unpadded times
    d = docx.Document()
    for line in ("Weekly sync – transcript", "March 9, 2016, 10:02AM", "Duration: 3 minutes"):
        d.add_paragraph(line)
    triplets = [
        ("0:0:4.180 --> 0:0:9.920", "Ingrid Nilsen", "Let us begin with the strategy."),
        ("0:0:10.5 --> 0:0:19.30", "Ole Kristian Dahl", "The strategy came in 2014."),
        ("0:0:19.30 --> 0:0:25.123", "Ole Kristian Dahl", "It was revised in 2017."),
        ("0:1:2.0 --> 0:1:5.50", "Ingrid Nilsen", "Thank you."),
    ]
    for stamp, who, said in triplets:
        d.add_paragraph(stamp)
        d.add_paragraph(who)
        d.add_paragraph(said)
    _save(d, "docx_teams_triplets.docx")

    # newer Teams / Word Transcribe: bold "Speaker 1  00:00:06" headers, soft line breaks
    d = docx.Document()
    d.add_paragraph("Transcript")
    turns = [
        ("Speaker 1", "00:00:06", ["Could you describe the project?"]),
        ("Speaker 2", "00:00:11", ["Yes. It began as a pilot,", "then it grew."]),
        ("Speaker 1", "00:01:02", ["And the funding?"]),
        ("Speaker 2", "00:01:07", ["Came later."]),
    ]
    for who, stamp, lines in turns:
        _bold(d.add_paragraph(), f"{who} {stamp}")
        p = d.add_paragraph()
        for i, line in enumerate(lines):
            run = p.add_run(line)
            if i < len(lines) - 1:
                run.add_break(WD_BREAK.LINE)
    _save(d, "docx_word_transcribe.docx")

    # typed by hand: Label: text, one turn in a table cell, hidden text, tracked changes,
    # smart quotes and NBSP
    d = docx.Document()
    d.add_paragraph("Interview L9")
    d.add_paragraph("Date: 2016-03-09")
    d.add_paragraph("Interviewer: How did it start?")
    p = d.add_paragraph("Respondent: With “one\u00a0nurse”.")
    hidden = p.add_run(" SECRET NOTE")
    hidden.font.hidden = True
    table = d.add_table(rows=1, cols=1)
    table.cell(0, 0).paragraphs[0].text = "Interviewer: And then?"
    p = d.add_paragraph("Respondent: Then the clinic ")
    _tracked(p, inserted="joined", deleted="left")
    p.add_run(".")
    _save(d, "docx_labels_table_hidden.docx")


def _tracked(paragraph, inserted: str, deleted: str) -> None:  # type: ignore[no-untyped-def]
    """Append a tracked insertion and a tracked deletion to ``paragraph``."""
    from docx.oxml.ns import qn

    run = paragraph.add_run(inserted)
    ins = paragraph._p.makeelement(qn("w:ins"), {qn("w:id"): "1", qn("w:author"): "KL"})
    run._r.addprevious(ins)
    ins.append(run._r)
    drun = copy.deepcopy(ins[0])
    for t in drun.findall(qn("w:t")):
        t.tag = qn("w:delText")
        t.text = deleted
    dele = paragraph._p.makeelement(qn("w:del"), {qn("w:id"): "2", qn("w:author"): "KL"})
    dele.append(drun)
    ins.addprevious(dele)


if __name__ == "__main__":
    text_fixtures()
    docx_fixtures()
    print(f"wrote fixtures in {HERE}")
