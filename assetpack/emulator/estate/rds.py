"""RDS: the legacy system's PostgreSQL database, an Aurora MySQL cluster for the app
tier, an Aurora PostgreSQL reporting cluster, snapshots and event subscriptions.

Each copy has an old, misconfigured instance/cluster (as the estate grew), a
hardened twin built to the current standard, and a critical production copy of
the misconfigured one that remediation must leave to a human.
"""

from __future__ import annotations

from assetpack.emulator.estate import tag_list

ORDER = 20
PASSWORD = "not-a-real-password-1"  # noqa: S105 - emulator only
CRITICAL = {"asset:criticality": "critical", "asset:class": "database"}
MONITORING_ROLE = "arn:aws:iam::123456789012:role/rds-monitoring-role"

INSTANCE_CHECKS_AUTO = ("rds-instance-not-public", "rds-instance-deletion-protection",
                        "rds-instance-iam-authentication",
                        "rds-instance-auto-minor-version-upgrade",
                        "rds-instance-copy-tags-to-snapshot", "rds-postgres-instance-logs",
                        "rds-instance-automatic-backups")
INSTANCE_CHECKS_MANUAL = ("rds-instance-encrypted", "rds-instance-multi-az",
                          "rds-instance-enhanced-monitoring", "rds-instance-logs-to-cloudwatch",
                          "rds-instance-non-default-port",
                          "rds-instance-custom-admin-username")
CLUSTER_CHECKS_AUTO = ("rds-cluster-deletion-protection", "rds-cluster-copy-tags-to-snapshot")
CLUSTER_CHECKS_MANUAL = ("rds-cluster-iam-authentication", "rds-cluster-multi-az",
                         "rds-cluster-custom-admin-username", "rds-cluster-encrypted")


def _subnet_group(estate, rds) -> str:
    name = "legacy-prod-db-subnets"
    rds.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription="legacy db",
                               SubnetIds=estate.shared["private_subnets"])
    return name


def _weak_instance(rds, name: str, group: str, tags: dict) -> None:
    rds.create_db_instance(
        DBInstanceIdentifier=name, DBInstanceClass="db.t3.medium", Engine="postgres",
        MasterUsername="postgres", MasterUserPassword=PASSWORD, AllocatedStorage=50,
        DBSubnetGroupName=group, PubliclyAccessible=True, StorageEncrypted=False,
        MultiAZ=False, DeletionProtection=False, CopyTagsToSnapshot=False,
        AutoMinorVersionUpgrade=False, BackupRetentionPeriod=0, Port=5432,
        EnableIAMDatabaseAuthentication=False, Tags=tag_list(tags))


def _weak_cluster(rds, name: str, group: str, tags: dict) -> None:
    rds.create_db_cluster(
        DBClusterIdentifier=name, Engine="aurora-mysql", MasterUsername="admin",
        MasterUserPassword=PASSWORD, DBSubnetGroupName=group, StorageEncrypted=False,
        DeletionProtection=False, CopyTagsToSnapshot=False, Tags=tag_list(tags))


def build(estate) -> None:
    rds = estate.client("rds")
    group = _subnet_group(estate, rds)
    topic = estate.client("sns").create_topic(Name="legacy-rds-events")["TopicArn"]
    estate.created += 2
    base = {"asset:class": "database", "asset:environment": "prod"}
    for i in estate.copies():
        sfx = estate.suffix(i)
        weak, hard, crit = (f"legacy-prod-db{sfx}", f"legacy-prod-db-hardened{sfx}",
                            f"legacy-prod-db-critical{sfx}")
        _weak_instance(rds, weak, group, base)
        _weak_instance(rds, crit, group, {**base, **CRITICAL})
        rds.create_db_instance(
            DBInstanceIdentifier=hard, DBInstanceClass="db.t3.medium", Engine="postgres",
            MasterUsername="legacy_dba", MasterUserPassword=PASSWORD, AllocatedStorage=50,
            DBSubnetGroupName=group, PubliclyAccessible=False, StorageEncrypted=True,
            MultiAZ=True, DeletionProtection=True, CopyTagsToSnapshot=True,
            AutoMinorVersionUpgrade=True, BackupRetentionPeriod=14, Port=5433,
            EnableIAMDatabaseAuthentication=True, MonitoringInterval=60,
            MonitoringRoleArn=MONITORING_ROLE,
            EnableCloudwatchLogsExports=["postgresql", "upgrade"], Tags=tag_list(base))
        estate.created += 3
        for check in INSTANCE_CHECKS_AUTO:
            estate.expect(check, violating=[weak], compliant=[hard], protected=[crit])
        for check in INSTANCE_CHECKS_MANUAL:
            estate.expect(check, violating=[weak, crit], compliant=[hard])

        # Snapshots: an old unencrypted snapshot shared with everyone, and a private,
        # encrypted one of the hardened instance.
        public_snap, private_snap = f"legacy-prod-db-migration{sfx}", f"legacy-prod-db-nightly{sfx}"
        crit_snap = f"legacy-prod-db-critical-export{sfx}"
        rds.create_db_snapshot(DBSnapshotIdentifier=public_snap, DBInstanceIdentifier=weak)
        rds.create_db_snapshot(DBSnapshotIdentifier=private_snap, DBInstanceIdentifier=hard)
        rds.create_db_snapshot(DBSnapshotIdentifier=crit_snap, DBInstanceIdentifier=crit,
                               Tags=tag_list(CRITICAL))
        for snap in (public_snap, crit_snap):
            rds.modify_db_snapshot_attribute(DBSnapshotIdentifier=snap, AttributeName="restore",
                                             ValuesToAdd=["all"])
        estate.created += 3
        estate.expect("rds-snapshot-private", violating=[public_snap], compliant=[private_snap],
                      protected=[crit_snap])
        estate.expect("rds-snapshot-encrypted", violating=[public_snap, crit_snap],
                      compliant=[private_snap])

        # Clusters: the app tier's Aurora MySQL and the reporting Aurora PostgreSQL.
        wcl, hcl, ccl = (f"legacy-app-aurora{sfx}", f"legacy-app-aurora-hardened{sfx}",
                         f"legacy-app-aurora-critical{sfx}")
        _weak_cluster(rds, wcl, group, base)
        _weak_cluster(rds, ccl, group, {**base, **CRITICAL})
        rds.create_db_cluster(
            DBClusterIdentifier=hcl, Engine="aurora-mysql", MasterUsername="app_dba",
            MasterUserPassword=PASSWORD, DBSubnetGroupName=group, StorageEncrypted=True,
            DeletionProtection=True, CopyTagsToSnapshot=True, BacktrackWindow=86400,
            EnableIAMDatabaseAuthentication=True, EnableCloudwatchLogsExports=["audit", "error"],
            AvailabilityZones=[f"{estate.region}a", f"{estate.region}b"], Tags=tag_list(base))
        for n, zone in enumerate("ab", 1):  # a writer and a reader in two zones: Multi-AZ
            rds.create_db_instance(
                DBInstanceIdentifier=f"{hcl}-{n}", DBClusterIdentifier=hcl,
                DBInstanceClass="db.r6g.large", Engine="aurora-mysql",
                AvailabilityZone=f"{estate.region}{zone}", PubliclyAccessible=False,
                AutoMinorVersionUpgrade=True, MonitoringInterval=60,
                MonitoringRoleArn=MONITORING_ROLE, Tags=tag_list(base))
        estate.created += 2
        pg_weak, pg_hard = f"legacy-reporting-pg{sfx}", f"legacy-reporting-pg-hardened{sfx}"
        for name, logs in ((pg_weak, []), (pg_hard, ["postgresql"])):
            rds.create_db_cluster(
                DBClusterIdentifier=name, Engine="aurora-postgresql", MasterUsername="reporting",
                MasterUserPassword=PASSWORD, DBSubnetGroupName=group, StorageEncrypted=True,
                DeletionProtection=True, CopyTagsToSnapshot=True,
                EnableCloudwatchLogsExports=logs, Tags=tag_list(base))
        estate.created += 5
        for check in CLUSTER_CHECKS_AUTO:
            estate.expect(check, violating=[wcl], compliant=[hcl], protected=[ccl])
        for check in CLUSTER_CHECKS_MANUAL:
            estate.expect(check, violating=[wcl, ccl], compliant=[hcl])
        for check in ("rds-aurora-mysql-backtracking", "rds-aurora-mysql-audit-logs"):
            estate.expect(check, violating=[wcl, ccl], compliant=[hcl])
        estate.expect("rds-aurora-postgres-logs", violating=[pg_weak], compliant=[pg_hard])

        # Multi-AZ DB clusters (not Aurora) for the reporting replica set.
        maz = {}
        for role, amvu, tags in (("weak", False, base), ("hard", True, base),
                                 ("crit", False, {**base, **CRITICAL})):
            maz[role] = f"legacy-reporting-maz{'' if role == 'weak' else '-' + role}{sfx}"
            rds.create_db_cluster(
                DBClusterIdentifier=maz[role], Engine="postgres", MasterUsername="reporting",
                MasterUserPassword=PASSWORD, DBSubnetGroupName=group, StorageEncrypted=True,
                DBClusterInstanceClass="db.m6gd.large", AllocatedStorage=100, StorageType="io1",
                Iops=1000, DeletionProtection=True, CopyTagsToSnapshot=True,
                AutoMinorVersionUpgrade=amvu, Tags=tag_list(tags))
        estate.created += 3
        estate.expect("rds-cluster-auto-minor-version-upgrade", violating=[maz["weak"]],
                      compliant=[maz["hard"], hcl], protected=[maz["crit"]])

        # Event subscriptions: one per source type that covers too little, one that is right.
        subs = {
            ("db-instance", f"legacy-db-failures{sfx}"): ["failure"],
            ("db-instance", f"legacy-db-ops{sfx}"): ["failure", "maintenance",
                                                     "configuration change"],
            ("db-cluster", f"legacy-cluster-failovers{sfx}"): ["failover"],
            ("db-cluster", f"legacy-cluster-ops{sfx}"): ["failure", "maintenance"],
        }
        for (source, name), categories in subs.items():
            rds.create_event_subscription(SubscriptionName=name, SnsTopicArn=topic,
                                          SourceType=source, EventCategories=categories,
                                          Enabled=True)
        estate.created += len(subs)
        estate.expect("rds-instance-event-subscription-critical",
                      violating=[f"legacy-db-failures{sfx}"], compliant=[f"legacy-db-ops{sfx}"])
        estate.expect("rds-cluster-event-subscription-critical",
                      violating=[f"legacy-cluster-failovers{sfx}"],
                      compliant=[f"legacy-cluster-ops{sfx}"])
