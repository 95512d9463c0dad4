import sys

from .cli import main

# Guarded: the process that embeds passages (faqsearch.worker) imports the main module again.
if __name__ == "__main__":
    sys.exit(main())
