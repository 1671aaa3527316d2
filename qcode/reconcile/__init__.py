"""Stage 4, reconciliation: disagreement units, strategies, the decision ledger,
the consensus run, the interactive ask walk and the status report.
"""
