"""Hypothesis properties of ingest: segments tile their turns without overlap, every offset
pair addresses its own text (also after saving and loading), ingest is deterministic, and
each reader gives back the turns a transcript was written from."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcode.ingest.document_view import as_json
from qcode.ingest.run import read_document
from qcode.ingest.segmentation import UNITS, layout
from qcode.models import Document
from qcode.project import init_project
from tests.builders import DATA

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])

WORD = st.sampled_from(["telemedicine", "video", "Helse", "nord", "the", "and", "Dr.", "e.g.",
                        "budget", "2014", "“ja”", "sykehus", "ildsjel", "—", "…", "ISF",
                        "self-care", "naïve", "Åse", "øy"])
SPACE = st.sampled_from([" ", " ", " ", "\u00a0", "  "])
END = st.sampled_from([".", "?", "!", "…", ".”"])


@st.composite
def sentence(draw: st.DrawFn) -> str:
    words = draw(st.lists(WORD, min_size=1, max_size=8))
    out = words[0]
    for w in words[1:]:
        out += draw(SPACE) + w
    return out + draw(END)


@st.composite
def paragraph(draw: st.DrawFn) -> str:
    return " ".join(draw(st.lists(sentence(), min_size=1, max_size=4)))


@st.composite
def turn_text(draw: st.DrawFn, paragraphs: bool = True) -> str:
    n = draw(st.integers(1, 3)) if paragraphs else 1
    return "\n\n".join(draw(paragraph()) for _ in range(n))


SPEAKERS = ["Interviewer", "Respondent", "Kari Lie", "P1"]


@st.composite
def turns(draw: st.DrawFn, paragraphs: bool = True) -> list[tuple[str, str]]:
    """Alternating speakers (so no reader merges two turns) with generated texts; at least
    four turns, since a name that is not a known label counts from its second use."""
    n = draw(st.integers(4, 8))
    first, second = draw(st.permutations(SPEAKERS))[:2]
    return [((first, second)[i % 2], draw(turn_text(paragraphs))) for i in range(n)]


def _check_tiling(doc_text: str, turn_spans: list[tuple[int, int]],
                  segs: list[tuple[int, int, int]]) -> None:
    by_turn: dict[int, list[tuple[int, int]]] = {}
    for start, end, turn in segs:
        assert end > start
        by_turn.setdefault(turn, []).append((start, end))
    last_end = -1
    for start, end, _turn in segs:  # segment order is text order, never overlapping
        assert start >= last_end
        last_end = end
    for index, (t0, t1) in enumerate(turn_spans):
        spans = by_turn.get(index, [])
        assert spans, "every turn has at least one segment"
        assert all(t0 <= s and e <= t1 for s, e in spans)
        covered = "".join(doc_text[s:e] for s, e in spans)
        assert "".join(covered.split()) == "".join(doc_text[t0:t1].split())
        for s, e in spans:
            assert not doc_text[s].isspace() and not doc_text[e - 1].isspace()


@SETTINGS
@given(turns(), st.sampled_from(UNITS))
def test_segments_tile_turns(pairs: list[tuple[str, str]], unit: str) -> None:
    text, turn_dicts, seg_dicts = layout("D", pairs, unit)
    assert [text[t["start"]:t["end"]] for t in turn_dicts] == [p[1] for p in pairs]
    _check_tiling(text, [(t["start"], t["end"]) for t in turn_dicts],
                  [(s["start"], s["end"], s["turn"]) for s in seg_dicts])
    assert [s["id"] for s in seg_dicts] == [f"D:{i:04d}" for i in range(1, len(seg_dicts) + 1)]


def _render_txt(pairs: list[tuple[str, str]]) -> str:
    return "Date: 2016-03-09\n\n" + "\n\n".join(f"{s}: {t}" for s, t in pairs) + "\n"


def _render_md(pairs: list[tuple[str, str]]) -> str:
    body = "\n\n".join(f"**{s}:** {t}" for s, t in pairs)
    return f"---\ntitle: Generated\nparticipant: P9\n---\n\n# Heading\n\n{body}\n"


def _render_otter(pairs: list[tuple[str, str]]) -> str:
    return "\n\n".join(f"{s}  {i}:0{i % 6}\n{t}" for i, (s, t) in enumerate(pairs)) + \
        "\n\nTranscribed by https://otter.ai\n"


def _stamp(seconds: int) -> str:
    return f"00:{seconds // 60:02d}:{seconds % 60:02d}"


def _render_vtt(pairs: list[tuple[str, str]]) -> str:
    cues = [f"{_stamp(i)}.000 --> {_stamp(i + 1)}.000\n<v {s}>{t}</v>"
            for i, (s, t) in enumerate(pairs)]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def _render_srt(pairs: list[tuple[str, str]]) -> str:
    cues = [f"{i + 1}\n{_stamp(i)},000 --> {_stamp(i + 1)},000\n[{s.upper()}] {t}"
            for i, (s, t) in enumerate(pairs)]
    return "\n\n".join(cues) + "\n"


RENDERERS = {"txt": (_render_txt, True), "md": (_render_md, True),
             "otter": (_render_otter, True), "vtt": (_render_vtt, False),
             "srt": (_render_srt, False)}


@SETTINGS
@given(st.data(), st.sampled_from(sorted(RENDERERS)), st.sampled_from(UNITS),
       st.sampled_from(["\n", "\r\n"]))
def test_readers_give_back_the_turns(data: st.DataObject, fmt: str, unit: str,
                                     newline: str) -> None:
    render, paragraphs = RENDERERS[fmt]
    pairs = data.draw(turns(paragraphs))
    raw = render(pairs).replace("\n", newline).encode("utf-8")
    suffix = {"txt": ".txt", "md": ".md", "otter": ".txt", "vtt": ".vtt", "srt": ".srt"}[fmt]
    doc, _warnings = read_document(raw, source=f"gen{suffix}", doc_id="G", unit=unit)
    assert doc.format == fmt
    expected_speakers = [s.upper() if fmt == "srt" else s for s, _ in pairs]
    got = [(t.speaker, doc.text[t.start:t.end]) for t in doc.turns]
    assert got == list(zip(expected_speakers, [t for _, t in pairs], strict=True))
    again, _ = read_document(raw, source=f"gen{suffix}", doc_id="G", unit=unit)
    assert again == doc  # deterministic
    _check_tiling(doc.text, [(t.start, t.end) for t in doc.turns],
                  [(s.start, s.end, s.turn) for s in doc.segments])


@SETTINGS
@given(turns(), st.sampled_from(UNITS))
def test_offsets_survive_save_and_load(tmp_path_factory, pairs: list[tuple[str, str]],  # type: ignore[no-untyped-def]
                                       unit: str) -> None:
    project = init_project(Path(tmp_path_factory.mktemp("p")) / "study")
    doc, _ = read_document(_render_txt(pairs).encode(), source="R.txt", doc_id="R", unit=unit)
    project.save_document(doc)
    loaded = project.load_document("R")
    assert loaded == doc
    shown = as_json(loaded)
    for seg in shown["segments"]:
        assert loaded.text[seg["start"]:seg["end"]] == seg["text"]
    assert Document.model_validate_json(loaded.model_dump_json()) == loaded


def test_ingest_writes_identical_files_twice(tmp_path: Path) -> None:
    """Two projects fed the same folder hold byte-identical document files."""
    from qcode.ingest.run import ingest

    folder = DATA / "formats"
    first, second = init_project(tmp_path / "a"), init_project(tmp_path / "b")
    ingest(first, [folder])
    ingest(second, [folder])
    names = sorted(p.name for p in first.documents_dir.glob("*.json"))
    assert len(names) == 26  # every fixture but srt_malformed.srt
    for name in names:
        assert (first.documents_dir / name).read_bytes() == \
            (second.documents_dir / name).read_bytes()


LABELISH = st.sampled_from(["I: ", "R: ", "Interviewer: ", "Date: x", "\n", "\n\n", "**A:** ",
                            "<v Ann>", "</v>", "00:00:01.000 --> 00:00:02.000\n", "1\n",
                            "00:00:01,000 --> 00:00:0", "- [BO] ", "#00:00:01-2#", "Ann  0:07\n",
                            "---\n", "WEBVTT\n\n", "NOTE x\n\n", "&amp;", "\r", "\u00a0", "…"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(LABELISH, st.text(max_size=12)), max_size=30),
       st.sampled_from(["auto", "txt", "otter", "f4", "md", "vtt", "srt"]),
       st.sampled_from(UNITS))
def test_any_text_gives_a_valid_document_or_a_clear_error(parts: list[str], fmt: str,
                                                          unit: str) -> None:
    """Whatever the bytes, ingest either builds a consistent document or raises a
    QcodeError (one sentence); it never crashes."""
    from qcode.errors import QcodeError

    raw = "".join(parts).encode("utf-8", "surrogatepass")
    try:
        doc, _ = read_document(raw, source="x.txt", doc_id="X", fmt=fmt, unit=unit)
    except QcodeError as exc:
        assert str(exc).startswith("x.txt")
        return
    _check_tiling(doc.text, [(t.start, t.end) for t in doc.turns],
                  [(s.start, s.end, s.turn) for s in doc.segments])
    assert all(t.speaker.strip() for t in doc.turns)
