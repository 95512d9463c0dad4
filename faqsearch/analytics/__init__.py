"""What visitors searched and whether it helped, over a period: the editors' dashboard figures
(:mod:`.figures`, aggregate queries in :mod:`.queries`), and what a rebuild would change."""
