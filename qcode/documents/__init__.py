"""Tidying the documents of a project: rename, archive and restore (:mod:`.moves`, recorded
in the append-only ``documents.log.jsonl`` of :mod:`.log`), document sets (:mod:`.sets`)
and speaker labels (:mod:`.speakers`).

Coder logs are never rewritten: a renamed or archived document is followed when codings
are read (:func:`qcode.coding.usable.usable_state` applies :class:`.log.DocMap`).
"""
