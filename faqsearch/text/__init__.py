"""Pure text: normalising, folding and the one French analyzer."""
