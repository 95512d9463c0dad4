"""faqsearch: offline French semantic search over help-center guides, with the support channel that fits."""

__version__ = "0.1.0"
