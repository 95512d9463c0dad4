"""The HTTP service (``python -m faqsearch serve``) and its search widget; see :mod:`.app`."""
