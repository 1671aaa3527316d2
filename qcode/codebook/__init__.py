"""The codebook: load and check the YAML with located problems (load), look codes, themes
and levels up by id or name with suggestions (lookup). The records live in qcode.models.
"""
