"""The HTTP service (``python -m faqsearch serve``) and its search widget: :mod:`.app` assembles
it, :mod:`.routes` holds the endpoints, :mod:`.serve` starts uvicorn with :mod:`.protocol` (a French
400 for a request uvicorn cannot parse), and :mod:`.clientkey` counts a client without keeping its
address."""
