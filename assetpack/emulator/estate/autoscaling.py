"""Auto Scaling: the old web fleet (launch configuration, one zone, EC2 checks) and its twin."""

from __future__ import annotations

ORDER = 30


def build(estate) -> None:
    asg, elb = estate.client("autoscaling"), estate.client("elbv2")
    image = estate.shared.get("image_id", "ami-0a1b2c3d4e5f60718")
    private = estate.shared["private_subnets"]
    ec2 = estate.client("ec2")
    for i in estate.copies():
        sfx = estate.suffix(i)
        tg = elb.create_target_group(Name=f"legacy-fleet-tg{sfx}", Protocol="HTTP", Port=80,
                                     VpcId=estate.shared["vpc_id"])["TargetGroups"][0]
        asg.create_launch_configuration(LaunchConfigurationName=f"legacy-web-lc{sfx}",
                                        ImageId=image, InstanceType="t3.small")
        lt = ec2.create_launch_template(LaunchTemplateName=f"legacy-fleet-lt{sfx}",
                                        LaunchTemplateData={"ImageId": image,
                                                            "InstanceType": "t3.small"})
        old, new = f"legacy-web-fleet{sfx}", f"legacy-web-fleet-v2{sfx}"
        asg.create_auto_scaling_group(
            AutoScalingGroupName=old, LaunchConfigurationName=f"legacy-web-lc{sfx}",
            MinSize=0, MaxSize=2, DesiredCapacity=0, VPCZoneIdentifier=private[0],
            TargetGroupARNs=[tg["TargetGroupArn"]], HealthCheckType="EC2")
        asg.create_auto_scaling_group(
            AutoScalingGroupName=new, MinSize=0, MaxSize=2, DesiredCapacity=0,
            LaunchTemplate={"LaunchTemplateId": lt["LaunchTemplate"]["LaunchTemplateId"],
                            "Version": "$Latest"},
            VPCZoneIdentifier=",".join(private), TargetGroupARNs=[tg["TargetGroupArn"]],
            HealthCheckType="ELB", HealthCheckGracePeriod=300)
        estate.created += 4
        for policy in ("asg-elb-health-checks", "asg-multiple-availability-zones",
                       "asg-uses-launch-template"):
            estate.expect(policy, violating=[old], compliant=[new])
