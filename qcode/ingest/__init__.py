"""Stage 1, transcripts in: decode bytes, segment turns, attributes, re-anchoring.

The transcript readers themselves are in qcode.formats, one module per format.
"""
