"""The command-line interface: one ``*_cmd`` module per command group, the only part of
qcode that imports typer and rich; cli.root holds the root group and the single error
boundary, cli.app the whole command tree, cli.commands which module has which command.

Command functions import the core they call inside their bodies, on purpose: ``qcode
--version`` and ``--help`` then load no pipeline package (start-up time). Nowhere else in
qcode imports a qcode module inside a function (tests/project/test_layout.py checks it).
"""
