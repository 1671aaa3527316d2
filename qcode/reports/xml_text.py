"""Text escaped for XML (SVG and DOCX parts), without ``xml.sax.saxutils``.

``xml.sax.saxutils`` imports ``urllib.request`` and with it ``http.client``, ``email`` and
``ssl``: about 20 ms of every report's (and HTML matrix's) start-up for three replaces.
"""

from __future__ import annotations

from collections.abc import Mapping


def escape(text: str, entities: Mapping[str, str] | None = None) -> str:
    """``&``, ``<`` and ``>`` as entities, then each key of ``entities`` as its value: what
    ``xml.sax.saxutils.escape`` gives.

    >>> escape('a < b & "c"', {'"': "&quot;"})
    'a &lt; b &amp; &quot;c&quot;'
    """
    text = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    for key, value in (entities or {}).items():
        text = text.replace(key, value)
    return text
