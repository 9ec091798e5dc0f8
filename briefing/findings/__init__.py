"""Findings: what the aligned passages say, gathered into the briefing's sections.

In pipeline order: ``people`` merges the forms of each name, ``speakers`` (with ``descriptions``
for "the former governor", "the resolution said") and ``quotes`` find who said what,
``discrepancies`` (with ``facts``) finds where outlets disagree, ``overview`` (with
``centrality``) writes the lead, ``timeline`` (with ``clauses``) dates the events (both show a
clause as the sentence it was cut from: ``sentences``), ``themes``
selects each theme's key points, ``uniqueness`` tells what one outlet alone reports, and
``suggestions`` proposes themes for a corpus without a manifest.
"""
