"""Align: passages of different outlets that state the same claim, linked into clusters.

In pipeline order: ``reprints`` finds articles that copy another's passages, ``anchors`` maps each
passage to its names, figures and speakers, ``pairs`` scores candidate pairs, and ``alignment``
links and merges them into clusters; with ``--semantic``, ``semantic`` encodes the passages and
``neighbours`` pairs them by vector. ``distributed`` runs reading and alignment on a Dask cluster,
and ``evaluation`` scores an alignment against a human annotation.
"""
