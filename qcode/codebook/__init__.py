"""The codebook: load and check the YAML, look codes up by id or name.

A codebook is a grid of themes x levels; the records live in qcode.models.
"""
