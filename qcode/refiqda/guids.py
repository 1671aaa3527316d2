"""Stable GUIDs: the same qcode thing gets the same GUID in every export.

GUIDs are UUIDv5 under a fixed qcode namespace, from a kind and the qcode identifiers
(code id, document id, coder name, ...), so exports are diffable and re-importing maps
back onto the same things. Comparison follows REFI practice: without case and braces.

>>> guid("code", "GOV-MAC-01") == guid("code", "GOV-MAC-01")
True
>>> same_guid("{ABCDEF01-2345-6789-ABCD-EF0123456789}", "abcdef01-2345-6789-abcd-ef0123456789")
True
"""

from __future__ import annotations

import re
import uuid
from hashlib import sha1

#: uuid5(NAMESPACE_URL, "https://qcode.invalid/refi-qda"); never change it
QCODE_NAMESPACE = uuid.UUID("c3051fa8-7b86-5b3e-8042-d1611851722b")
_NAMESPACE_BYTES = QCODE_NAMESPACE.bytes
#: SHA-1 state after the namespace bytes, copied for each name
_PREFIX = sha1(_NAMESPACE_BYTES)
#: a hex digit with its two high bits set to 10 (the RFC 4122 variant)
_VARIANT = {f"{i:x}": f"{(i & 0x3) | 0x8:x}" for i in range(16)}
_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                   r"[0-9a-fA-F]{12}\}?$")


def guid(kind: str, *parts: str) -> str:
    """The GUID of a qcode thing, e.g. ``guid("code", code_id)``; lower case, no braces.

    Exactly ``str(uuid.uuid5(QCODE_NAMESPACE, name))``, computed without building a UUID
    object (an export makes one for every coding: a third of its time went there), from
    a copy of the SHA-1 state after the namespace and the hex digest."""
    h = _PREFIX.copy()
    h.update("\x1f".join((kind, *parts)).encode("utf-8"))
    x = h.hexdigest()
    # version 5 in the 13th digit, the RFC 4122 variant (10xx) in the 17th
    return f"{x[:8]}-{x[8:12]}-5{x[13:16]}-{_VARIANT[x[16]]}{x[17:20]}-{x[20:32]}"


def norm_guid(value: str | None) -> str:
    """A GUID as a comparison key: stripped, without braces, lower case.

    Malformed GUIDs (seen in hand-made files) are kept as they are, lower-cased.
    """
    return (value or "").strip().strip("{}").lower()


def same_guid(a: str | None, b: str | None) -> bool:
    return norm_guid(a) == norm_guid(b)


def is_guid(value: str) -> bool:
    return bool(_GUID.match(value.strip()))
