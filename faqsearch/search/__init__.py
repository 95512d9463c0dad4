"""Answering questions: hybrid search, fusion, confidence and the engine."""
