"""Private plumbing: atomic writes, locks, link-refusing opens, bounded reading of user
files (text, CSV, YAML aliases, zip archives) and the size limits from qcode.toml.

Nothing here knows about codings or documents; every stage uses it to touch the disk safely.
"""
