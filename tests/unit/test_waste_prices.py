"""The waste estimates: the dated price table and what each resource costs."""

from __future__ import annotations

from datetime import date

import pytest

from c7n_plugins.elements import waste


def test_price_table_is_dated_and_complete():
    table = waste.prices()
    assert date.fromisoformat(table["as_of"]) <= date.today()
    assert table["currency"] == "USD" and table["hours_per_month"] == 730
    for rtype in waste.TYPES:
        if rtype != "aws.ec2":
            assert waste.estimate(rtype, {}) >= 0


@pytest.mark.parametrize("rtype, resource, expected", [
    ("aws.ebs", {"Size": 100, "VolumeType": "gp3"}, 8.0),
    ("aws.ebs", {"Size": 100, "VolumeType": "io1", "Iops": 1000}, 12.5 + 65.0),
    ("aws.ebs-snapshot", {"VolumeSize": 500}, 25.0),
    ("aws.elastic-ip", {}, 3.65),
    ("aws.app-elb", {"Type": "application"}, 16.425),
    ("aws.app-elb", {"Type": "gateway"}, 9.125),
    ("aws.elb", {}, 18.25),
    ("aws.log-group", {"storedBytes": 10 * 1024 ** 3}, 0.30),
    ("aws.ecr-image", {"imageSizeInBytes": 5 * 1024 ** 3}, 0.50),
])
def test_estimates(rtype, resource, expected):
    assert waste.estimate(rtype, resource) == pytest.approx(expected)


def test_unknown_type_has_no_price():
    with pytest.raises(ValueError, match="no price"):
        waste.estimate("aws.s3", {})
