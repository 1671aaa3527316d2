"""Stage 2, coding: each coder's append-only log (events, log file), its fold into current
codings with checkpoints, the plain session, keyword suggestions and CSV/JSONL exchange.
"""
