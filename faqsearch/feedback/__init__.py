"""What visitors asked and rated, and which questions the engine should learn."""
