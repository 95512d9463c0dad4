"""Measurement tools that sit beside the product: speed and scale benchmarks (``python -m bench``),
quality ablations (``python -m bench.ablation FILE``), the measured learning loop
(``python -m bench.learning FILE``) and synthetic corpora. The product never imports them.
"""
