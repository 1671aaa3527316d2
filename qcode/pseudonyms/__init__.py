"""Pseudonymisation: the project's table of identifying strings and their replacements
(:mod:`.table`), the variants each entry stands for (:mod:`.variants`), rewriting text with
an offset map so spans keep covering the same words (:mod:`.rewrite`), the pseudonymised
view of a project every output is made from (:mod:`.view`), suggestions for the table
(:mod:`.suggest`) and the leak check over output files (:mod:`.check`)."""
