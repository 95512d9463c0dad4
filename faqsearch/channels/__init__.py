"""The support-channel catalogue and the plan rules: which channel a question needs, and for whom."""
