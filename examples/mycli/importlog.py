"""Records which heavy stand-in libraries have run their module body, in order."""

LOADED = []
