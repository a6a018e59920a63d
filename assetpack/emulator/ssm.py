"""SSM fleet-management reads moto 5.2 lacks, added to the emulator only.

``DescribeInstanceInformation`` and ``ListResourceComplianceSummaries`` are not
implemented in moto (they answer 500). The demo estate has no SSM agent
running, so the emulator answers what AWS answers for such an account: no
managed instances and no compliance items.
"""

from __future__ import annotations

import json


def install() -> None:
    from moto.ssm.responses import SimpleSystemManagerResponse

    def describe_instance_information(self) -> str:
        return json.dumps({"InstanceInformationList": []})

    def list_resource_compliance_summaries(self) -> str:
        return json.dumps({"ResourceComplianceSummaryItems": []})

    SimpleSystemManagerResponse.describe_instance_information = describe_instance_information
    SimpleSystemManagerResponse.list_resource_compliance_summaries = (
        list_resource_compliance_summaries)
