"""Measuring answer quality on question sets."""
