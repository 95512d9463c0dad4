"""Reading the editable ``corpus/`` folder: guides, FAQ tables, saved pages, variants, chunking, and
the rules every reader's passages obey (:mod:`.cleanup`)."""
