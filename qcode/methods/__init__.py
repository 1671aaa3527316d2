"""``qcode methods``: the part of a methods section the project's records can vouch for.

:mod:`qcode.methods.facts` gathers the facts (through the computations ``qcode agree`` and
``qcode reconcile --summary`` use); :mod:`qcode.methods.render` writes the paragraph, its
table and references as Markdown, plain text or DOCX.
"""
