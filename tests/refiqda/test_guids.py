"""Stable GUIDs: the fast computation equals uuid5 under the qcode namespace."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from qcode.refiqda.guids import QCODE_NAMESPACE, guid


@given(st.sampled_from(["code", "coding", "coder", "document", "selection", "memo"]),
       st.lists(st.text(max_size=20), max_size=5))
def test_guid_is_uuid5_of_the_joined_name(kind, parts):
    want = str(uuid.uuid5(QCODE_NAMESPACE, "\x1f".join((kind, *parts))))
    assert guid(kind, *parts) == want


def test_guid_known_value():
    assert guid("code", "GOV-MAC-01") == str(uuid.uuid5(QCODE_NAMESPACE, "code\x1fGOV-MAC-01"))
    assert uuid.UUID(guid("code", "GOV-MAC-01")).version == 5
