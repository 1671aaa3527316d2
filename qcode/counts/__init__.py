"""Stage 5, counting: the coded corpus, theme x level matrices, co-occurrence
and the coded excerpts that reports quote.
"""
