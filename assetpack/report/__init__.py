"""``assetpack report``: the daily inspection report (DESIGN.md contract 6).

The numbers come from :mod:`c7n_plugins.report` (the same code the daily Lambda
runs); this package renders them (:mod:`.render`, :mod:`.charts`) and drives the
command (:mod:`.command`).
"""
