"""``ingest FOLDER`` does not follow symbolic links in the folder (issue 12, item 4): a
shared folder with ``passwd.txt -> /etc/passwd`` must not make a system file a document."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from qcode.errors import ExitCode
from qcode.project import Project

GOOD = "Interviewer: How did it start?\n\nRespondent: With one nurse. Then it grew.\n"


def _folder(tmp_path: Path) -> tuple[Path, Path]:
    """A transcript folder with a linked file and a linked sub-folder leading out of it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Interviewer: Password?\n\nRespondent: hunter2\n",
                                        encoding="utf-8")
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "N01.txt").write_text(GOOD, encoding="utf-8")
    (folder / "passwd.txt").symlink_to(outside / "secret.txt")
    (folder / "more").symlink_to(outside, target_is_directory=True)
    return folder, outside


def test_ingest_folder_skips_linked_files_and_folders_with_a_note(
        invoke: Callable[..., Any], project: Project, tmp_path: Path) -> None:
    folder, _ = _folder(tmp_path)
    r = invoke("--project", str(project.root), "ingest", str(folder))
    assert r.exit_code == ExitCode.OK, r.stderr
    assert r.stderr == (
        f"Added N01 from {folder / 'N01.txt'} (txt, 2 turns, 2 speakers, 2 segments)\n"
        "Took 1 file: N01.txt\n"
        f"Skipped 2 symbolic links in the folder (qcode does not follow links there; name a "
        f"file to ingest it): {folder / 'more'}, {folder / 'passwd.txt'}\n")
    assert project.document_ids() == ["N01"]


def test_a_link_named_on_the_command_line_is_followed(
        invoke: Callable[..., Any], project: Project, tmp_path: Path) -> None:
    folder, _ = _folder(tmp_path)
    r = invoke("--project", str(project.root), "ingest", str(folder / "passwd.txt"))
    assert r.exit_code == ExitCode.OK, r.stderr
    assert project.document_ids() == ["passwd"]


def test_a_linked_etc_passwd_is_not_read(
        invoke: Callable[..., Any], project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    r = invoke("--project", str(project.root), "ingest", str(folder))
    assert "Skipped 1 symbolic link in the folder" in r.stderr
    assert project.document_ids() == []
