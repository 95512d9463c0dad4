"""What visitors asked and rated, within bounded waits on the database (:mod:`.deadline`), each
visitor counted once a day (:mod:`.visitors`), and which questions the engine should learn."""
