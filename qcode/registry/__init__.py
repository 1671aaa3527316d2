"""The quantitative strand: registry utilisation figures (table, summary) and the
joint display that sets them beside the interview findings.
"""
