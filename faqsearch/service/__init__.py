"""The HTTP service (``python -m faqsearch serve``) and its search widget: :mod:`.app` assembles
it, :mod:`.routes` holds the endpoints, :mod:`.serve` starts uvicorn."""
