"""The endpoints of the HTTP service, one module per concern."""
