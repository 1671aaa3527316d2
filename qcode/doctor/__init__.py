"""``qcode check``: the project doctor.

:mod:`.files` looks at the folder (leftover temp files, unfinished steps, links in data
folders, git conflict markers, the ``.gitignore``), :mod:`.codings` at what the files hold
(unreadable log lines, codings that point at nothing or whose quote no longer matches the
text, stale reconciliation decisions), :mod:`.run` puts them together and :mod:`.fix` does
only what is safe. Nothing here prints or exits.
"""
