"""The numbers of the daily inspection report (DESIGN.md contract 6) and the digest.

This package runs in the Lambda runtime (the daily ``reporting`` policy) as well as
on a workstation (``assetpack report``), so it imports only the standard library
and boto3. Rendering (Jinja2, SVG) lives in :mod:`assetpack.report`, where those
libraries exist; the Lambda writes ``report.json`` and the day's snapshot, and the
HTML is rendered from that JSON wherever Jinja2 is installed.

- :mod:`.data`: reads Security Hub, the journal and AWS Budgets; builds the report.
- :mod:`.history`: daily snapshots in a folder or under an S3 prefix (the trend).
- :mod:`.messages`: the digest per route and the queue messages for the mailer.
"""
