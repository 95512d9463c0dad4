"""Reading the editable ``corpus/`` folder: guides, FAQ tables, saved pages, variants, chunking."""
