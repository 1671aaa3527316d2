"""REFI-QDA exchange: codebooks (``.qdc``) and whole projects (``.qdpx``) to and from
NVivo, ATLAS.ti, MAXQDA, QualCoder and other tools.

- :mod:`.codebook_xml`: the faceted codebook <-> the REFI code tree (qdc and project);
- :mod:`.exporter`: a project -> a deterministic, schema-valid ``.qdpx``;
- :mod:`.importer`: a ``.qdpx`` or bare ``.qde`` -> documents, codebook and codings, built in
  memory and written only when everything succeeded; :mod:`.report` says what was taken
  and what was dropped, and why;
- :mod:`.offsets`: the counting models other tools use for selection offsets;
- :mod:`.archive` and :mod:`.safexml`: safe reading of untrusted archives and XML.
"""
