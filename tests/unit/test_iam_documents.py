"""The statement matching behind wildcard-service-actions and
allows-actions-on-all-resources."""

from __future__ import annotations

import json
from urllib.parse import quote

from c7n_plugins.elements.iam_documents import (
    allow_statements,
    on_all_resources,
    statement_allows,
)


def test_action_patterns_match_case_insensitively():
    assert statement_allows({"Action": "KMS:*"}, "kms:Decrypt")
    assert statement_allows({"Action": ["s3:Get*", "*"]}, "kms:ReEncryptFrom")
    assert statement_allows({"Action": "kms:ReEncrypt*"}, "kms:ReEncryptFrom")
    assert not statement_allows({"Action": "kms:Encrypt"}, "kms:Decrypt")


def test_not_action_allows_everything_it_does_not_name():
    assert statement_allows({"NotAction": "iam:*"}, "kms:Decrypt")
    assert not statement_allows({"NotAction": ["kms:*"]}, "kms:Decrypt")


def test_resource_scope():
    assert on_all_resources({"Resource": "*"})
    assert on_all_resources({"Resource": ["arn:aws:kms:*:*:key/x", "*"]})
    assert on_all_resources({"NotResource": "arn:aws:kms:us-east-1:1:key/x"})
    assert not on_all_resources({"Resource": "arn:aws:kms:us-east-1:1:key/x"})


def test_documents_may_arrive_url_encoded_and_deny_is_ignored():
    doc = {"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"},
                         {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    (statement,) = allow_statements(quote(json.dumps(doc)))
    assert statement["Action"] == "s3:*"
    single = {"Statement": {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}}
    assert len(allow_statements(single)) == 1
