"""Render: the briefing as HTML and PDF, as a JSON document, and by email.

In pipeline order: ``report`` renders the HTML with Jinja2, ``press`` lays it out in worker
processes with ``layout`` (WeasyPrint, with ``patches`` applied), ``parts`` splitting a long
document in two and ``pdfjoin`` joining the halves; ``export`` writes the JSON and ``delivery``
sends the PDF by email.
"""
