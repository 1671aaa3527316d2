"""A rebuildable, machine-local index of what read commands need from the project's
files, so they do not re-parse and re-validate every document on every call."""
