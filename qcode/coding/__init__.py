"""Stage 2, coding: each coder's append-only log, its fold into current codings,
checkpoints, the plain coding session, keyword suggestions and CSV/JSONL exchange.
"""
