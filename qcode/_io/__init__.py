"""Private plumbing: atomic writes, file locks, reading user text files.

Nothing here knows about codings or documents; every stage uses it to touch the disk safely.
"""
