"""Rebuilding the index from ``corpus/``: the pipeline, its checks, its progress, and a full disk
said in French (:mod:`.disk`)."""
