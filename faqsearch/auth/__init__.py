"""Who may open the editors' space: password hashes and the sign-in configuration
(:mod:`~faqsearch.auth.passwords`), and how password guessing is slowed down
(:mod:`~faqsearch.auth.signin`). Pure logic, no Streamlit."""
