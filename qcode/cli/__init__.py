"""The command-line interface: the only part of qcode that imports typer and rich."""
