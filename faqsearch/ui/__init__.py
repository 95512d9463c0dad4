"""The Streamlit page: search (``search_page``), editors' tab (``editor_page``), shared resources.

Display rules that need no Streamlit live in :mod:`faqsearch.ui.presentation`; ``app.py`` only calls
:func:`faqsearch.ui.app.main`.
"""
