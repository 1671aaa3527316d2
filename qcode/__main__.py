"""``python -m qcode``: the same as the ``qcode`` command."""

from qcode.cli.entry import main

if __name__ == "__main__":
    main()
