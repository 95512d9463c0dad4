"""The Streamlit page: search (``search_page``), editors' tab (``editor_page``, ``learning_page``,
``rebuild``, ``editor_auth``), what a process loads once (``resources``) and the session's id.

Display rules that need no Streamlit live in :mod:`faqsearch.ui.presentation` (escaping,
highlighting, labels), :mod:`faqsearch.ui.cards` (the channel and result cards) and
:mod:`faqsearch.ui.excerpt`; ``app.py`` only calls :func:`faqsearch.ui.app.main`.
"""
