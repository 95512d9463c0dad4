"""Rebuilding the index from ``corpus/``: the pipeline, its checks and its progress."""
