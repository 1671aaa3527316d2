"""The full-screen coding app (``qcode code DOC --coder C``), built with Textual.

A thin view over :class:`qcode.coding.app_state.AppState`: the widgets draw its state and
call its intent methods; nothing here decides what is written to the log. Imported only by
the ``code`` command, so Textual never slows down the other commands' start-up.
"""
