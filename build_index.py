"""Rebuild the search index from corpus/ (same as `python -m faqsearch build`)."""

import sys

from faqsearch.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
