"""Seed a moto server with a two-region AWS estate of known good and bad settings.

Usage: python seed.py ENDPOINT_URL > expected.json

Writes to standard output the ledger the audit must produce for each seeded
resource: {"<resource name>": {"<duty>": "<status>", ...}, ...}. Only the
duties a seeded setting decides are listed; the test checks each of them.
"""
import io
import json
import sys
import zipfile

import boto3

ENDPOINT = sys.argv[1]
ACCOUNT = "123456789012"


def client(service, region="us-east-1"):
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=ENDPOINT,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


expected = {}


def expect(name, **duties):
    expected.setdefault(name, {}).update({k.replace("_", "-"): v for k, v in duties.items()})


# ---- EC2 ---------------------------------------------------------------------
for region in ("us-east-1", "eu-west-1"):
    ec2 = client("ec2", region)
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]["SubnetId"]
    # The default VPC's subnets give every instance a public address; a private one does not.
    expect(f"arn:aws:ec2:{region}:{ACCOUNT}:subnet/{subnet}", firewall="unaddressed")
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="172.31.200.0/24")["Subnet"]["SubnetId"]
    expect(f"arn:aws:ec2:{region}:{ACCOUNT}:subnet/{private}", firewall="addressed")
    image = ec2.register_image(Name=f"onus-test-{region}", RootDeviceName="/dev/xvda")["ImageId"]

    # The default VPC's default security group: as AWS creates it (all traffic among members and out)
    # in eu-west-1; emptied of every rule, as CIS AWS 5.4 asks, in us-east-1.
    default_sg = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                       {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]
    if region == "us-east-1":
        if default_sg["IpPermissions"]:
            ec2.revoke_security_group_ingress(GroupId=default_sg["GroupId"], IpPermissions=default_sg["IpPermissions"])
        if default_sg["IpPermissionsEgress"]:
            ec2.revoke_security_group_egress(GroupId=default_sg["GroupId"], IpPermissions=default_sg["IpPermissionsEgress"])
    expect(f"arn:aws:ec2:{region}:{ACCOUNT}:security-group/{default_sg['GroupId']}",
           firewall="addressed" if region == "us-east-1" else "unaddressed")

    web = ec2.create_security_group(GroupName=f"web-{region}", Description="https", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "198.51.100.0/24"}]},
    ])
    expect(f"web-{region}", firewall="addressed")

    admin = ec2.create_security_group(GroupName=f"admin-open-{region}", Description="ssh rdp", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=admin, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
    ])
    expect(f"admin-open-{region}", firewall="unaddressed")

    good = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro", SubnetId=subnet,
                             SecurityGroupIds=[web], MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
                             TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": f"good-{region}"}]}])
    # moto answers SSM DescribeInstanceInformation with HTTP 500: patching is unknown, never a pass or a fail.
    expect(f"good-{region}", identity_access="addressed", guest_os_patching="unknown")
    bad = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro", SubnetId=subnet,
                            SecurityGroupIds=[admin], MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"},
                            TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": f"bad-{region}"}]}])
    expect(f"bad-{region}", identity_access="unaddressed")

az = "us-east-1a"
ec2 = client("ec2")

# ---- Network ACLs (untagged by the tagging API's standards: only a Name) ------------------------
default_vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
ssh_open = ec2.create_network_acl(VpcId=default_vpc, TagSpecifications=[{"ResourceType": "network-acl",
    "Tags": [{"Key": "Name", "Value": "onus-acl-ssh-open"}]}])["NetworkAcl"]["NetworkAclId"]
ec2.create_network_acl_entry(NetworkAclId=ssh_open, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=False,
                             CidrBlock="0.0.0.0/0", PortRange={"From": 22, "To": 22})
expect("onus-acl-ssh-open", firewall="unaddressed")
locked = ec2.create_network_acl(VpcId=default_vpc, TagSpecifications=[{"ResourceType": "network-acl",
    "Tags": [{"Key": "Name", "Value": "onus-acl-locked"}]}])["NetworkAcl"]["NetworkAclId"]
# The deny at 90 comes first: the allow of everything at 100 opens SSH to nobody outside 10/8.
ec2.create_network_acl_entry(NetworkAclId=locked, RuleNumber=90, Protocol="-1", RuleAction="deny", Egress=False,
                             CidrBlock="0.0.0.0/0")
ec2.create_network_acl_entry(NetworkAclId=locked, RuleNumber=100, Protocol="-1", RuleAction="allow", Egress=False,
                             CidrBlock="0.0.0.0/0")
expect("onus-acl-locked", firewall="addressed")

# ---- VPC flow logs ----------------------------------------------------------------------------
ec2.create_tags(Resources=[default_vpc], Tags=[{"Key": "Name", "Value": "onus-vpc-logged"}])
client("s3").create_bucket(Bucket="onus-flow-logs")
ec2.create_flow_logs(ResourceIds=[default_vpc], ResourceType="VPC", TrafficType="ALL",
                     LogDestinationType="s3", LogDestination="arn:aws:s3:::onus-flow-logs")
expect("onus-vpc-logged", logging="addressed")
eu_ec2 = client("ec2", "eu-west-1")
eu_vpc = eu_ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
eu_ec2.create_tags(Resources=[eu_vpc], Tags=[{"Key": "Name", "Value": "onus-vpc-dark"}])
expect("onus-vpc-dark", logging="unaddressed")
all_open = ec2.create_security_group(GroupName="unused-all-open", Description="debug")["GroupId"]
ec2.authorize_security_group_ingress(GroupId=all_open, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
expect("unused-all-open", firewall="unaddressed")

enc_vol = ec2.create_volume(AvailabilityZone=az, Size=8, Encrypted=True,
                            TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "vol-encrypted"}]}])["VolumeId"]
expect("vol-encrypted", encryption_at_rest="addressed")
plain_vol = ec2.create_volume(AvailabilityZone=az, Size=8, Encrypted=False,
                              TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "vol-plain"}]}])["VolumeId"]
expect("vol-plain", encryption_at_rest="unaddressed")
public_snap = ec2.create_snapshot(VolumeId=plain_vol, TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "Name", "Value": "snap-public"}]}])["SnapshotId"]
ec2.modify_snapshot_attribute(SnapshotId=public_snap, Attribute="createVolumePermission", OperationType="add", GroupNames=["all"])
expect("snap-public", public_access="unaddressed", encryption_at_rest="unaddressed")
private_snap = ec2.create_snapshot(VolumeId=enc_vol, TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "Name", "Value": "snap-private"}]}])["SnapshotId"]
expect("snap-private", public_access="addressed", encryption_at_rest="addressed")

client("ec2", "eu-west-1").enable_ebs_encryption_by_default()
expect("EBS encryption by default (eu-west-1)", encryption_at_rest="addressed")
expect("EBS encryption by default (us-east-1)", encryption_at_rest="unaddressed")

# ---- S3 ------------------------------------------------------------------------
s3 = client("s3")
s3.create_bucket(Bucket="onus-good-bucket")
s3.put_public_access_block(Bucket="onus-good-bucket", PublicAccessBlockConfiguration={
    "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
s3.put_bucket_versioning(Bucket="onus-good-bucket", VersioningConfiguration={"Status": "Enabled"})
s3.put_bucket_encryption(Bucket="onus-good-bucket", ServerSideEncryptionConfiguration={
    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"}}]})
s3.put_bucket_policy(Bucket="onus-good-bucket", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
    "Resource": ["arn:aws:s3:::onus-good-bucket", "arn:aws:s3:::onus-good-bucket/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
s3.create_bucket(Bucket="onus-access-logs")
s3.put_bucket_acl(Bucket="onus-access-logs", ACL="log-delivery-write")
s3.put_bucket_logging(Bucket="onus-good-bucket", BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "onus-access-logs", "TargetPrefix": "good/"}})
# moto answers GetBucketVersioning with a root element the SDK rejects: versioning is not observable there.
# Labelled with its classification (a tag the tagging API reports): the bad bucket is not.
s3.put_bucket_tagging(Bucket="onus-good-bucket", Tagging={"TagSet": [{"Key": "data-classification", "Value": "confidential"}]})
expect("onus-good-bucket", encryption_at_rest="addressed", encryption_in_transit="addressed", backup="unknown", logging="addressed",
       data_classification="addressed")

s3.create_bucket(Bucket="onus-bad-bucket")
s3.put_bucket_acl(Bucket="onus-bad-bucket", ACL="public-read")
s3.put_bucket_policy(Bucket="onus-bad-bucket", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::onus-bad-bucket/*"}]}))
expect("onus-bad-bucket", public_access="unaddressed", encryption_in_transit="unaddressed", backup="unknown", logging="unaddressed",
       data_classification="unaddressed")

client("s3", "eu-west-1").create_bucket(Bucket="onus-eu-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
expect("onus-eu-bucket", encryption_in_transit="unaddressed", backup="unknown")

# ---- IAM ---------------------------------------------------------------------------
iam = client("iam")
iam.update_account_password_policy(MinimumPasswordLength=14, PasswordReusePrevention=24)
iam.create_user(UserName="alice")
iam.create_login_profile(UserName="alice", Password="Correct-Horse-Battery-9")
mfa = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]["SerialNumber"]
iam.enable_mfa_device(UserName="alice", SerialNumber=mfa, AuthenticationCode1="123456", AuthenticationCode2="654321")
expect("alice", identity_access="addressed")
iam.create_user(UserName="bob")
iam.create_login_profile(UserName="bob", Password="Correct-Horse-Battery-9")
expect("bob", identity_access="unaddressed")
iam.create_user(UserName="ci-bot")
iam.create_access_key(UserName="ci-bot")
expect("ci-bot", identity_access="addressed")
expect(f"account {ACCOUNT} (root user)", identity_access="unaddressed", logging="addressed")

# ---- GuardDuty ------------------------------------------------------------------------
# A detector in us-east-1 only: eu-west-1, also audited, is unwatched.
client("guardduty", "us-east-1").create_detector(Enable=True)
# Security Hub on in eu-west-1: supporting evidence, named, never a substitute.
client("securityhub", "eu-west-1").enable_security_hub()
expect(f"account {ACCOUNT} (root user)", threat_detection="unaddressed")

# ---- CloudTrail ------------------------------------------------------------------------
s3.create_bucket(Bucket="onus-trail-logs")
ct = client("cloudtrail")
ct.create_trail(Name="org-trail", S3BucketName="onus-trail-logs", IsMultiRegionTrail=True)
ct.start_logging(Name="org-trail")
# What AWS gives a trail created without selectors: every management event.
ct.put_event_selectors(TrailName="org-trail", EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}])
expect("org-trail", logging="addressed")
# Logging, every region, but data events only: no record of who changed what.
ct.create_trail(Name="data-only", S3BucketName="onus-trail-logs", IsMultiRegionTrail=True)
ct.start_logging(Name="data-only")
ct.put_event_selectors(TrailName="data-only", EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": False,
                       "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::onus-trail-logs/"]}]}])
expect("data-only", logging="unaddressed")
client("s3", "eu-west-1").create_bucket(Bucket="onus-trail-logs-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
client("cloudtrail", "eu-west-1").create_trail(Name="eu-only", S3BucketName="onus-trail-logs-eu", IsMultiRegionTrail=False)
expect("eu-only", logging="unaddressed")

# ---- RDS ------------------------------------------------------------------------------
rds = client("rds")
rds.create_db_instance(DBInstanceIdentifier="orders", Engine="postgres", DBInstanceClass="db.t3.micro", AllocatedStorage=20,
                       MasterUsername="app", MasterUserPassword="not-a-real-password", StorageEncrypted=True,
                       PubliclyAccessible=False, BackupRetentionPeriod=7, AutoMinorVersionUpgrade=True)
expect("orders", encryption_at_rest="addressed", public_access="addressed", backup="addressed", runtime_updates="addressed")
rds.create_db_instance(DBInstanceIdentifier="reporting", Engine="mysql", DBInstanceClass="db.t3.micro", AllocatedStorage=20,
                       MasterUsername="app", MasterUserPassword="not-a-real-password", StorageEncrypted=False,
                       PubliclyAccessible=True, BackupRetentionPeriod=0, AutoMinorVersionUpgrade=False)
expect("reporting", encryption_at_rest="unaddressed", public_access="unaddressed", backup="unaddressed", runtime_updates="unaddressed")
# Untagged snapshots: only DescribeDBSnapshots lists them.
rds.create_db_snapshot(DBInstanceIdentifier="orders", DBSnapshotIdentifier="onus-snap-shared")
rds.modify_db_snapshot_attribute(DBSnapshotIdentifier="onus-snap-shared", AttributeName="restore", ValuesToAdd=["all"])
expect("onus-snap-shared", public_access="unaddressed", encryption_at_rest="addressed")
rds.create_db_snapshot(DBInstanceIdentifier="reporting", DBSnapshotIdentifier="onus-snap-private")
expect("onus-snap-private", public_access="addressed", encryption_at_rest="unaddressed")

# ---- AMIs ---------------------------------------------------------------------------------------
# The images registered above: private. One made public by its launch permission.
ec2.modify_image_attribute(ImageId=ec2.describe_images(Owners=["self"], Filters=[{"Name": "name", "Values": ["onus-test-us-east-1"]}])["Images"][0]["ImageId"],
                           LaunchPermission={"Add": [{"Group": "all"}]})
expect("onus-test-us-east-1", public_access="unaddressed")
expect("onus-test-eu-west-1", public_access="addressed")

# ---- DynamoDB -------------------------------------------------------------------------------
ddb = client("dynamodb", "eu-west-1")
for name in ("carts", "sessions"):
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
ddb.update_continuous_backups(TableName="carts", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
expect("carts", backup="addressed")
expect("sessions", backup="unaddressed")

# ---- Lambda -----------------------------------------------------------------------------------
role = iam.create_role(RoleName="lambda-exec", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
logs_policy = iam.create_policy(PolicyName="onus-lambda-logs", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]}))["Policy"]["Arn"]
iam.attach_role_policy(RoleName="lambda-exec", PolicyArn=logs_policy)
expect("onus-lambda-logs", identity_access="addressed")
admin_policy = iam.create_policy(PolicyName="onus-admin-everything", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "*", "Resource": "*"}]}))["Policy"]["Arn"]
expect("onus-admin-everything", identity_access="unaddressed")
# A scoped inline policy beside the attached one: every permissions policy read, none grants everything.
iam.put_role_policy(RoleName="lambda-exec", PolicyName="read-config", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "arn:aws:ssm:*:*:parameter/app/*"}]}))
expect("lambda-exec", identity_access="addressed")
# A deploy role only this account can assume, but granted everything: its trust is sound, its permissions are not.
iam.create_role(RoleName="onus-deploy-role", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}))
iam.attach_role_policy(RoleName="onus-deploy-role", PolicyArn=admin_policy)
expect("onus-deploy-role", identity_access="unaddressed")
# A forgotten test role every AWS account can assume (no tag: only ListRoles sees it).
iam.create_role(RoleName="onus-open-role", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}))
expect("onus-open-role", identity_access="unaddressed")
# Anyone, but only from the organisation: narrowed, so not open.
iam.create_role(RoleName="onus-org-role", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-onus12345"}}}]}))
expect("onus-org-role", identity_access="addressed")
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("handler.py", "def handler(event, context):\n    return 'ok'\n")
lam = client("lambda")
lam.create_function(FunctionName="thumbnailer", Runtime="python3.8", Role=role, Handler="handler.handler", Code={"ZipFile": buf.getvalue()})
lam.create_function_url_config(FunctionName="thumbnailer", AuthType="NONE")
expect("thumbnailer", runtime_updates="unaddressed", identity_access="unaddressed")
lam.create_function(FunctionName="resizer", Runtime="python3.12", Role=role, Handler="handler.handler", Code={"ZipFile": buf.getvalue()})
expect("resizer", runtime_updates="addressed")

# ---- Services evaluated through the catalog's declarative mappings ---------------------------
sqs = client("sqs")
sqs.create_queue(QueueName="onus-events", Attributes={"SqsManagedSseEnabled": "true"}, tags={"team": "orders"})
sqs.create_queue(QueueName="onus-plain-queue", Attributes={"SqsManagedSseEnabled": "false"})
# Anyone with an AWS account may send to this queue: its policy allows "*" unconditioned.
sqs.create_queue(QueueName="onus-open-queue", Attributes={"SqsManagedSseEnabled": "true", "Policy": json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                                            "Resource": f"arn:aws:sqs:us-east-1:{ACCOUNT}:onus-open-queue"}]})})
expect("onus-events", encryption_at_rest="addressed", guest_os_patching="not_applicable", public_access="addressed")
expect("onus-plain-queue", encryption_at_rest="unaddressed")
expect("onus-open-queue", public_access="unaddressed")
sns = client("sns")
sns.create_topic(Name="onus-alerts", Attributes={"KmsMasterKeyId": "alias/aws/sns"}, Tags=[{"Key": "team", "Value": "ops"}])
sns.create_topic(Name="onus-plain-topic")
# SNS gives every topic a default policy: everyone, narrowed to this account by AWS:SourceOwner.
expect("onus-alerts", encryption_at_rest="addressed", public_access="addressed")
expect("onus-plain-topic", encryption_at_rest="unaddressed")
kms = client("kms")
kms.create_key(Description="onus-cmk", Tags=[{"TagKey": "Name", "TagValue": "onus-cmk"}])
rotating = kms.create_key(Description="onus-rotating-cmk")["KeyMetadata"]["KeyId"]
kms.enable_key_rotation(KeyId=rotating)
expect("onus-cmk", encryption_at_rest="unaddressed")
expect("onus-rotating-cmk", encryption_at_rest="addressed")
client("secretsmanager").create_secret(Name="onus-db-password", SecretString="not-a-real-secret",
                                       Tags=[{"Key": "team", "Value": "data"}])
expect("onus-db-password", identity_access="unaddressed", encryption_at_rest="not_applicable")
efs = client("efs")
efs.create_file_system(CreationToken="onus-good", Encrypted=True, Backup=True, Tags=[{"Key": "Name", "Value": "onus-good-fs"}])
efs.create_file_system(CreationToken="onus-bad", Encrypted=False, Tags=[{"Key": "Name", "Value": "onus-bad-fs"}])
expect("onus-good-fs", encryption_at_rest="addressed", backup="addressed")
expect("onus-bad-fs", encryption_at_rest="unaddressed", backup="unaddressed")

kinesis = client("kinesis")
kinesis.create_stream(StreamName="onus-clicks", ShardCount=1)
kinesis.create_stream(StreamName="onus-orders-stream", ShardCount=1)
kinesis.start_stream_encryption(StreamName="onus-orders-stream", EncryptionType="KMS", KeyId="alias/aws/kinesis")
expect("onus-clicks", encryption_at_rest="unaddressed")
expect("onus-orders-stream", encryption_at_rest="addressed")
eks = client("eks")
eks.create_cluster(name="onus-eks-open", roleArn=role,
                   resourcesVpcConfig={"subnetIds": ["subnet-1", "subnet-2"], "endpointPublicAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]})
eks.create_cluster(name="onus-eks-private", roleArn=role,
                   resourcesVpcConfig={"subnetIds": ["subnet-1", "subnet-2"], "endpointPublicAccess": False, "endpointPrivateAccess": True},
                   logging={"clusterLogging": [{"types": ["api", "audit"], "enabled": True}]})
expect("onus-eks-open", firewall="unaddressed", logging="unaddressed")
expect("onus-eks-private", firewall="addressed", logging="addressed")

logs = client("logs", "eu-west-1")
logs.create_log_group(logGroupName="/onus/app", tags={"team": "app"})
logs.put_retention_policy(logGroupName="/onus/app", retentionInDays=7)
logs.create_log_group(logGroupName="/onus/audit")
expect("/onus/app", logging="unaddressed", encryption_at_rest="not_applicable")
expect("/onus/audit", logging="addressed")

elbv2 = client("elbv2")
cert = client("acm").request_certificate(DomainName="onus.example")["CertificateArn"]
lb_subnets = [s["SubnetId"] for s in client("ec2").describe_subnets()["Subnets"]][:2]
for name, http_action, policy in (("onus-alb-good", "redirect", "ELBSecurityPolicy-TLS13-1-2-2021-06"),
                                  ("onus-alb-bad", "forward", "ELBSecurityPolicy-2016-08")):
    lb = elbv2.create_load_balancer(Name=name, Subnets=lb_subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elbv2.create_target_group(Name=f"{name}-tg", Protocol="HTTP", Port=80,
                                   VpcId=client("ec2").describe_vpcs()["Vpcs"][0]["VpcId"])["TargetGroups"][0]["TargetGroupArn"]
    action = ({"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
              if http_action == "redirect" else {"Type": "forward", "TargetGroupArn": tg})
    elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=[action])
    elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTPS", Port=443, SslPolicy=policy,
                          Certificates=[{"CertificateArn": cert}],
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
expect("onus-alb-good", encryption_in_transit="addressed")
expect("onus-alb-bad", encryption_in_transit="unaddressed")
# Looks safe: the default action redirects to HTTPS; a rule still forwards /api/* in clear text.
leaky = elbv2.create_load_balancer(Name="onus-alb-leaky", Subnets=lb_subnets)["LoadBalancers"][0]["LoadBalancerArn"]
leaky_tg = elbv2.create_target_group(Name="onus-alb-leaky-tg", Protocol="HTTP", Port=80,
                                     VpcId=client("ec2").describe_vpcs()["Vpcs"][0]["VpcId"])["TargetGroups"][0]["TargetGroupArn"]
leaky_http = elbv2.create_listener(LoadBalancerArn=leaky, Protocol="HTTP", Port=80, DefaultActions=[
    {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}])["Listeners"][0]["ListenerArn"]
elbv2.create_rule(ListenerArn=leaky_http, Priority=10, Conditions=[{"Field": "path-pattern", "Values": ["/api/*"]}],
                  Actions=[{"Type": "forward", "TargetGroupArn": leaky_tg}])
expect("onus-alb-leaky", encryption_in_transit="unaddressed")

ecr = client("ecr")
ecr.create_repository(repositoryName="onus-scanned", imageScanningConfiguration={"scanOnPush": True})
ecr.create_repository(repositoryName="onus-unscanned", imageScanningConfiguration={"scanOnPush": False})
expect("onus-scanned", runtime_updates="addressed")
expect("onus-unscanned", runtime_updates="unaddressed")

redshift = client("redshift")
redshift.create_cluster(ClusterIdentifier="onus-dw-good", NodeType="dc2.large", MasterUsername="admin",
                        MasterUserPassword="Not-a-real-password1", Encrypted=True, PubliclyAccessible=False)
redshift.create_cluster(ClusterIdentifier="onus-dw-bad", NodeType="dc2.large", MasterUsername="admin",
                        MasterUserPassword="Not-a-real-password1", Encrypted=False, PubliclyAccessible=True)
redshift.enable_logging(ClusterIdentifier="onus-dw-good", BucketName="onus-access-logs")
expect("onus-dw-good", encryption_at_rest="addressed", public_access="addressed", logging="addressed")
expect("onus-dw-bad", encryption_at_rest="unaddressed", public_access="unaddressed", logging="unaddressed")

rds.create_db_cluster(DBClusterIdentifier="onus-aurora-good", Engine="aurora-postgresql", MasterUsername="app",
                      MasterUserPassword="not-a-real-password", StorageEncrypted=True, BackupRetentionPeriod=7)
rds.create_db_cluster(DBClusterIdentifier="onus-aurora-bad", Engine="aurora-mysql", MasterUsername="app",
                      MasterUserPassword="not-a-real-password", StorageEncrypted=False)
expect("onus-aurora-good", encryption_at_rest="addressed", backup="addressed", guest_os_patching="not_applicable")
expect("onus-aurora-bad", encryption_at_rest="unaddressed")
rds.create_db_cluster_snapshot(DBClusterIdentifier="onus-aurora-good", DBClusterSnapshotIdentifier="onus-aurora-snap-shared")
rds.modify_db_cluster_snapshot_attribute(DBClusterSnapshotIdentifier="onus-aurora-snap-shared", AttributeName="restore",
                                         ValuesToAdd=["all"])
expect("onus-aurora-snap-shared", public_access="unaddressed", encryption_at_rest="addressed")
rds.create_db_cluster_snapshot(DBClusterIdentifier="onus-aurora-bad", DBClusterSnapshotIdentifier="onus-aurora-snap-private")
expect("onus-aurora-snap-private", public_access="addressed", encryption_at_rest="unaddressed")

# ---- OpenSearch, ElastiCache, CloudFront, API Gateway ------------------------------------------
opensearch = client("opensearch")
open_policy = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "es:*",
     "Resource": f"arn:aws:es:us-east-1:{ACCOUNT}:domain/onus-search-open/*"}]})
opensearch.create_domain(DomainName="onus-search-open", EngineVersion="OpenSearch_2.11", AccessPolicies=open_policy,
                         EncryptionAtRestOptions={"Enabled": False},
                         NodeToNodeEncryptionOptions={"Enabled": False},
                         DomainEndpointOptions={"EnforceHTTPS": False, "TLSSecurityPolicy": "Policy-Min-TLS-1-0-2019-07"})
role_policy = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/search"}, "Action": "es:ESHttpGet"}]})
opensearch.create_domain(DomainName="onus-search-good", EngineVersion="OpenSearch_2.11", AccessPolicies=role_policy,
                         EncryptionAtRestOptions={"Enabled": True},
                         NodeToNodeEncryptionOptions={"Enabled": True},
                         DomainEndpointOptions={"EnforceHTTPS": True, "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"})
expect("onus-search-open", encryption_at_rest="unaddressed", encryption_in_transit="unaddressed",
       public_access="unaddressed")
expect("onus-search-good", encryption_at_rest="addressed", encryption_in_transit="addressed",
       public_access="addressed", guest_os_patching="not_applicable")

elasticache = client("elasticache")
elasticache.create_replication_group(ReplicationGroupId="onus-cache-good", ReplicationGroupDescription="sound",
                                     Engine="redis", CacheNodeType="cache.t3.micro", NumCacheClusters=1,
                                     AtRestEncryptionEnabled=True, TransitEncryptionEnabled=True,
                                     SnapshotRetentionLimit=5)
elasticache.create_replication_group(ReplicationGroupId="onus-cache-bad", ReplicationGroupDescription="plain",
                                     Engine="redis", CacheNodeType="cache.t3.micro", NumCacheClusters=1,
                                     AtRestEncryptionEnabled=False, TransitEncryptionEnabled=False,
                                     SnapshotRetentionLimit=0)
expect("onus-cache-good", encryption_at_rest="addressed", encryption_in_transit="addressed", backup="addressed")
expect("onus-cache-bad", encryption_at_rest="unaddressed", encryption_in_transit="unaddressed", backup="unaddressed")

cloudfront = client("cloudfront")


def distribution(reference, policy, logging):
    config = {
        "CallerReference": reference, "Comment": reference, "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "origin", "DomainName": "onus-logs.s3.amazonaws.com",
                                                "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "origin", "ViewerProtocolPolicy": policy,
                                 "TrustedSigners": {"Enabled": False, "Quantity": 0},
                                 "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                                 "MinTTL": 0},
        "Logging": {"Enabled": logging, "IncludeCookies": False,
                    "Bucket": "onus-access-logs.s3.amazonaws.com" if logging else "", "Prefix": ""},
    }
    return cloudfront.create_distribution(DistributionConfig=config)["Distribution"]["Id"]


open_cdn = distribution("onus-cdn-open", "allow-all", False)
https_cdn = distribution("onus-cdn-https", "redirect-to-https", True)
expect(open_cdn, encryption_in_transit="unaddressed", logging="unaddressed", public_access="not_applicable")
expect(https_cdn, logging="addressed")

apigw = client("apigateway")
for api_name, logged in (("onus-api-logged", True), ("onus-api-quiet", False)):
    api = apigw.create_rest_api(name=api_name)["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    apigw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    apigw.create_deployment(restApiId=api, stageName="prod")
    if logged:
        apigw.update_stage(restApiId=api, stageName="prod", patchOperations=[
            {"op": "replace", "path": "/accessLogSettings/destinationArn",
             "value": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/onus/api"},
            {"op": "replace", "path": "/accessLogSettings/format", "value": "$context.requestId"}])
    expect(f"{api_name}/prod", logging="addressed" if logged else "unaddressed", backup="not_applicable")

# ---- ACM, AWS Backup, EventBridge (untagged: only their list operations see them) -------------
def certificate(domain, bits, not_before, not_after):
    """A self-signed certificate and its key, PEM-encoded, for ImportCertificate."""
    import datetime
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now + datetime.timedelta(days=not_before))
            .not_valid_after(now + datetime.timedelta(days=not_after))
            .sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption()))


acm = client("acm")
# An imported certificate about to run out (ACM refuses to import an expired one), on a 1024-bit key;
# a sound imported one; one awaiting validation.
for domain, bits, start, end, status in (("legacy.onus.example", 1024, -700, 10, "unaddressed"),
                                         ("api.onus.example", 2048, -10, 355, "addressed")):
    pem, key = certificate(domain, bits, start, end)
    acm.import_certificate(Certificate=pem, PrivateKey=key)
    expect(domain, encryption_in_transit=status, public_access="not_applicable")
acm.request_certificate(DomainName="pending.onus.example")
expect("pending.onus.example", encryption_in_transit="addressed")

backup = client("backup")
backup.create_backup_vault(BackupVaultName="onus-vault-locked")
backup.put_backup_vault_lock_configuration(BackupVaultName="onus-vault-locked", MinRetentionDays=7, MaxRetentionDays=35)
expect("onus-vault-locked", backup="addressed")
backup.create_backup_vault(BackupVaultName="onus-vault-unlocked")
expect("onus-vault-unlocked", backup="unaddressed")

events = client("events")
events.create_event_bus(Name="onus-bus-open")
events.put_permission(EventBusName="onus-bus-open", Action="events:PutEvents", Principal="*", StatementId="everyone")
expect("onus-bus-open", public_access="unaddressed")
events.create_event_bus(Name="onus-bus-partner")
events.put_permission(EventBusName="onus-bus-partner", Action="events:PutEvents", Principal="210987654321",
                      StatementId="partner")
expect("onus-bus-partner", public_access="addressed")
expect(f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default", public_access="addressed")

# ---- Kinds onus enumerates but does not evaluate in depth -----------------------------------
# Found by the Resource Groups Tagging API, classified by the catalog, their
# customer duties unknown ("enumerated, not evaluated in depth").
client("ecs").create_cluster(clusterName="onus-cluster", tags=[{"key": "team", "value": "platform"}])
for name in ("onus-cluster",):
    expect(name, encryption_at_rest="unknown", guest_os_patching="not_applicable")

json.dump(expected, sys.stdout, indent=1, sort_keys=True)
