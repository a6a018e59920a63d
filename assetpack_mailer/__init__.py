"""assetpack's notification mailer (DESIGN.md contract 5, step 3).

Drains the notification queue (``assetpack-notify``) and delivers every message,
the pack's alerts and any policy's Custodian ``notify`` alike, to e-mail (SMTP or
SES) and Slack (``slack_sdk``: ``chat.postMessage`` with a token, or incoming
webhooks). Runs as ``assetpack mailer --config FILE [--once]`` and as a Lambda
(:func:`assetpack_mailer.handler.run`).

What it reuses from c7n-mailer, and why not the rest:

- reused: the queue message format (base64 zlib JSON, ``mtype`` attribute), SMTP
  delivery (:class:`c7n_mailer.smtp_delivery.SmtpDelivery`), KMS decryption of
  secrets in the configuration, the contact-tag lookup and the e-mail test;
- replaced: its queue loop deletes a message whatever the delivery outcome; its
  Slack delivery is raw HTTP to fixed slack.com URLs; its templates render with
  autoescape off; its ``EmailDelivery`` imports the SendGrid, Graph and LDAP clients
  at module level, which the Lambda archive would then have to carry.

Lambda archive: the function needs exactly these packages beside the standard
library and the runtime's boto3/botocore (which bring jmespath and dateutil):
``assetpack_mailer``, ``c7n_mailer``, ``jinja2``, ``markupsafe``, ``slack_sdk`` and
``yaml`` (``c7n_mailer.utils`` imports PyYAML at module level). Nothing else is
imported on the Lambda path: not ``c7n``, not ``assetpack``.
"""

# The packages the mailer's Lambda archive carries (c7n.mu's PythonPackageArchive
# modules); tests/unit/test_mailer_lambda.py imports and runs the mailer from them.
LAMBDA_PACKAGES = ("assetpack_mailer", "c7n_mailer", "jinja2", "markupsafe", "slack_sdk", "yaml")
HANDLER = "assetpack_mailer.handler.run"
