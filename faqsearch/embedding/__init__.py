"""Turning texts into vectors: the encoder protocol, its backends, the model files and caches."""
