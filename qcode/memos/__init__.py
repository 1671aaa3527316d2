"""Memos on documents, codes and the project: one append-only journal per author
(``memos/<author>.jsonl``, :mod:`.log`) and the journal folded from them (:mod:`.journal`).
Segment memos stay in the coder logs; :func:`.journal.segment_memos` lists them alike.
"""
