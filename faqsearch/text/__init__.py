"""Pure text: normalising and folding, the invisible characters no text may hold, the one web-address
rule, and the one French analyzer."""
