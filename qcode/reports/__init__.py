"""Stage 5, reports: records rendered as Markdown, HTML, DOCX, SVG, CSV, XLSX and LaTeX;
content gathers the excerpt report from a project, the other modules only render records.
"""
