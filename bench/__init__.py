"""Measurement tools that sit beside the product: speed and scale benchmarks (``python -m bench``),
quality ablations (``python -m faqsearch eval FILE --ablation``) and synthetic corpora.
"""
