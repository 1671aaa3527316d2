"""Golden files of the tables people paste into papers: ``tests/data/golden/NAME``.

``QCODE_UPDATE_GOLDEN=1`` rewrites them (then review the diff); otherwise the text must be
equal. Terminal tables are compared with each line's trailing blanks removed (rich pads
its cells; the padding is not what a reader sees)."""

from __future__ import annotations

import os

from tests.builders import DATA

GOLDEN = DATA / "golden"


def terminal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("QCODE_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {name}: run with QCODE_UPDATE_GOLDEN=1 once"
    want = path.read_text(encoding="utf-8")
    assert text == want, f"{name} differs from its golden file (QCODE_UPDATE_GOLDEN=1 " \
                         "rewrites it; review the diff)"
