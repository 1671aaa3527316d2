"""Renderers that turn core results into documents: Markdown, HTML, DOCX, CSV, XLSX."""
