"""The search page: ``streamlit run app.py`` (the logic lives in ``faqsearch.ui``)."""

from pathlib import Path

from faqsearch.ui.app import main

main(Path(__file__).resolve().parent)
