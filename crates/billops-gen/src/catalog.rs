//! The price list the generators draw from: services, their meters (usage types with public rates) and
//! regions. Rates are exact mantissa/scale pairs; none of this is real pricing advice.
use crate::amount::Rate;

/// How a resource id is written for a meter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResKind {
    Instance,
    Volume,
    Db,
    Bucket,
    Cluster,
    LoadBalancer,
    NatGateway,
    Distribution,
    Table,
    Function,
    Key,
    None,
}

/// A usage type of a service with its public on-demand rate.
#[derive(Debug)]
pub struct Meter {
    pub usage_type: &'static str,
    pub operation: &'static str,
    pub unit: &'static str,
    pub rate: Rate,
    /// Commitment rate (Savings Plan for EC2 compute, reserved instance for RDS) where one applies.
    pub commit_rate: Option<Rate>,
    pub description: &'static str,
    /// Whole-unit quantities (requests, keys).
    pub whole: bool,
    /// One line per day (else one line per month).
    pub daily: bool,
    pub resource: ResKind,
    /// Share of the service's spend, in relative weight.
    pub weight: u32,
    pub sku_meter: &'static str,
    pub resource_type: &'static str,
    pub components: &'static [&'static str],
}

#[derive(Debug)]
pub struct Service {
    pub code: &'static str,
    pub name: &'static str,
    pub category: &'static str,
    pub subcategory: &'static str,
    /// Relative share of a typical account's spend: EC2 first, then RDS, S3, …
    pub weight: u32,
    pub meters: &'static [Meter],
}

#[derive(Debug)]
pub struct Region {
    pub code: &'static str,
    pub name: &'static str,
    /// Usage-type prefix as CUR writes it (`EU-BoxUsage:…`); empty for us-east-1.
    pub prefix: &'static str,
}

#[allow(clippy::too_many_arguments)]
const fn m(
    usage_type: &'static str,
    operation: &'static str,
    unit: &'static str,
    rate: Rate,
    description: &'static str,
    daily: bool,
    resource: ResKind,
    weight: u32,
    sku_meter: &'static str,
    resource_type: &'static str,
    components: &'static [&'static str],
) -> Meter {
    Meter {
        usage_type,
        operation,
        unit,
        rate,
        commit_rate: None,
        description,
        whole: false,
        daily,
        resource,
        weight,
        sku_meter,
        resource_type,
        components,
    }
}

const fn committed(mut meter: Meter, r: Rate) -> Meter {
    meter.commit_rate = Some(r);
    meter
}

const fn whole(mut meter: Meter) -> Meter {
    meter.whole = true;
    meter
}

const COMPUTE: &[&str] = &["api", "web", "worker", "batch"];
const DATA: &[&str] = &["db", "cache"];
const STORE: &[&str] = &["storage", "backup", "etl"];

/// The services, one meter per line: usage type, operation, unit, public rate, description, daily?, resource,
/// weight within the service, FOCUS SkuMeter and ResourceType, component tag values.
#[rustfmt::skip]
pub static SERVICES: [Service; 11] = [
    Service { code: "AmazonEC2", name: "Amazon Elastic Compute Cloud", category: "Compute", subcategory: "Virtual Machines", weight: 38, meters: &[
        committed(m("BoxUsage:m6i.xlarge", "RunInstances", "Hrs", (192, 3), "$0.192 per On Demand Linux m6i.xlarge Instance Hour", true, ResKind::Instance, 50, "Compute", "Instance", COMPUTE), (1344, 4)),
        committed(m("BoxUsage:c6i.2xlarge", "RunInstances", "Hrs", (34, 2), "$0.34 per On Demand Linux c6i.2xlarge Instance Hour", true, ResKind::Instance, 30, "Compute", "Instance", COMPUTE), (2380, 4)),
        m("EBS:VolumeUsage.gp3", "CreateVolume-Gp3", "GB-Mo", (8, 2), "$0.08 per GB-month of General Purpose (gp3) provisioned storage", false, ResKind::Volume, 14, "Storage", "Volume", COMPUTE),
        m("DataTransfer-Out-Bytes", "RunInstances", "GB", (9, 2), "$0.090 per GB - first 10 TB / month data transfer out", false, ResKind::None, 6, "Data Transfer", "", &[]),
    ] },
    Service { code: "AmazonRDS", name: "Amazon Relational Database Service", category: "Databases", subcategory: "Relational Databases", weight: 16, meters: &[
        committed(m("InstanceUsage:db.r6g.large", "CreateDBInstance:0014", "Hrs", (225, 3), "$0.225 per RDS db.r6g.large Single-AZ instance hour (or partial hour) running PostgreSQL", true, ResKind::Db, 60, "Database Instance", "DB Instance", DATA), (144, 3)),
        m("Multi-AZUsage:db.m6g.xlarge", "CreateDBInstance:0014", "Hrs", (616, 3), "$0.616 per RDS db.m6g.xlarge Multi-AZ instance hour (or partial hour) running PostgreSQL", false, ResKind::Db, 25, "Database Instance", "DB Instance", DATA),
        m("RDS:GP3-Storage", "CreateDBInstance:0014", "GB-Mo", (115, 3), "$0.115 per GB-month of provisioned GP3 storage running PostgreSQL", false, ResKind::Db, 15, "Storage", "DB Instance", DATA),
    ] },
    Service { code: "AmazonS3", name: "Amazon Simple Storage Service", category: "Storage", subcategory: "Object Storage", weight: 9, meters: &[
        m("TimedStorage-ByteHrs", "StandardStorage", "GB-Mo", (23, 3), "$0.023 per GB - first 50 TB / month of storage used", true, ResKind::Bucket, 80, "Storage", "Bucket", STORE),
        whole(m("Requests-Tier1", "PutObject", "Requests", (5, 6), "$0.005 per 1,000 PUT, COPY, POST, or LIST requests", false, ResKind::Bucket, 20, "API Requests", "Bucket", STORE)),
    ] },
    Service { code: "AmazonEKS", name: "Amazon Elastic Container Service for Kubernetes", category: "Compute", subcategory: "Containers", weight: 7, meters: &[
        m("Fargate-vCPU-Hours:perCPU", "FargateTask", "vCPU-Hours", (4048, 5), "AWS Fargate - vCPU - US East (N. Virginia)", true, ResKind::Cluster, 75, "Compute", "Cluster", COMPUTE),
        m("AmazonEKS-Hours:perCluster", "CreateOperation", "Hours", (1, 1), "Amazon EKS cluster usage", false, ResKind::Cluster, 25, "Compute", "Cluster", &["platform"]),
    ] },
    Service { code: "AmazonCloudFront", name: "Amazon CloudFront", category: "Networking", subcategory: "Content Delivery", weight: 5, meters: &[
        m("DataTransfer-Out-Bytes", "GET", "GB", (85, 3), "$0.085 per GB - first 10 TB / month data transfer out", true, ResKind::Distribution, 85, "Data Transfer", "Distribution", &["cdn"]),
        whole(m("Requests-Tier1", "GET", "Requests", (75, 8), "$0.0075 per 10,000 HTTP requests", false, ResKind::Distribution, 15, "API Requests", "Distribution", &["cdn"])),
    ] },
    Service { code: "AmazonDynamoDB", name: "Amazon DynamoDB", category: "Databases", subcategory: "NoSQL Databases", weight: 5, meters: &[
        whole(m("WriteRequestUnits", "PayPerRequestThroughput", "WriteRequestUnits", (125, 8), "$1.25 per million write request units", true, ResKind::Table, 60, "Requests", "Table", DATA)),
        m("TimedStorage-ByteHrs", "StandardStorage", "GB-Mo", (25, 2), "$0.25 per GB-Month of storage used beyond first 25 free GB-Months", false, ResKind::Table, 40, "Storage", "Table", DATA),
    ] },
    Service { code: "AWSELB", name: "Elastic Load Balancing", category: "Networking", subcategory: "Load Balancing", weight: 4, meters: &[
        m("LoadBalancerUsage", "LoadBalancing:Application", "Hrs", (225, 4), "$0.0225 per Application LoadBalancer-hour (or partial hour)", false, ResKind::LoadBalancer, 55, "Load Balancer", "Load Balancer", &["web", "api"]),
        m("LCUUsage", "LoadBalancing:Application", "LCU-Hrs", (8, 3), "$0.008 per used Application load balancer capacity unit-hour (or partial hour)", false, ResKind::LoadBalancer, 45, "Load Balancer", "Load Balancer", &["web", "api"]),
    ] },
    Service { code: "AWSLambda", name: "AWS Lambda", category: "Compute", subcategory: "Serverless Compute", weight: 4, meters: &[
        m("Lambda-GB-Second", "Invoke", "Lambda-GB-Second", (166667, 10), "AWS Lambda - Total Compute - US East (Northern Virginia)", true, ResKind::Function, 80, "Compute", "Function", &["worker", "etl", "api"]),
        whole(m("Request", "Invoke", "Requests", (2, 7), "AWS Lambda - Total Requests - US East (Northern Virginia)", false, ResKind::Function, 20, "Requests", "Function", &["worker", "etl", "api"])),
    ] },
    Service { code: "AmazonVPC", name: "Amazon Virtual Private Cloud", category: "Networking", subcategory: "Network Connectivity", weight: 4, meters: &[
        m("NatGateway-Hours", "NatGateway", "Hrs", (45, 3), "$0.045 per NAT Gateway Hour", false, ResKind::NatGateway, 40, "NAT Gateway", "NAT Gateway", &["network"]),
        m("NatGateway-Bytes", "NatGateway", "GB", (45, 3), "$0.045 per GB Data Processed by NAT Gateways", false, ResKind::NatGateway, 60, "NAT Gateway", "NAT Gateway", &["network"]),
    ] },
    Service { code: "AmazonCloudWatch", name: "AmazonCloudWatch", category: "Management and Governance", subcategory: "Observability", weight: 3, meters: &[
        m("CW:MetricMonitorUsage", "MetricStorage", "Metrics", (3, 1), "$0.30 per metric-month - first 10,000 metrics", false, ResKind::None, 45, "Metrics", "", &["monitoring"]),
        m("DataProcessing-Bytes", "PutLogEvents", "GB", (5, 1), "$0.50 per GB - custom log data ingested", false, ResKind::None, 55, "Logs", "", &["monitoring"]),
    ] },
    Service { code: "awskms", name: "AWS Key Management Service", category: "Security", subcategory: "Secret Management", weight: 1, meters: &[
        whole(m("KMS-Keys", "CreateKey", "Keys", (1, 0), "$1 per customer-managed key per month", false, ResKind::Key, 50, "Keys", "Key", &["security"])),
        whole(m("KMS-Requests", "Decrypt", "Requests", (3, 6), "$0.03 per 10,000 requests", false, ResKind::Key, 50, "Requests", "Key", &["security"])),
    ] },
];

/// Index of EC2 in [`SERVICES`] (always present, always first).
pub const EC2: usize = 0;
/// Index of RDS in [`SERVICES`].
pub const RDS: usize = 1;
/// Index of S3 in [`SERVICES`].
pub const S3: usize = 2;

/// The service support fees are billed under.
pub static SUPPORT: Service = Service {
    code: "AWSSupportBusiness",
    name: "AWS Support (Business)",
    category: "Other",
    subcategory: "Support",
    weight: 0,
    meters: &[],
};

pub static REGIONS: [Region; 6] = [
    Region { code: "us-east-1", name: "US East (N. Virginia)", prefix: "" },
    Region { code: "us-west-2", name: "US West (Oregon)", prefix: "USW2-" },
    Region { code: "eu-west-1", name: "EU (Ireland)", prefix: "EU-" },
    Region { code: "eu-central-1", name: "EU (Frankfurt)", prefix: "EUC1-" },
    Region { code: "ap-southeast-2", name: "Asia Pacific (Sydney)", prefix: "APS2-" },
    Region { code: "ca-central-1", name: "Canada (Central)", prefix: "CAN1-" },
];

/// Product tag values (what the resource serves).
pub static PRODUCTS: [&str; 16] = [
    "checkout",
    "catalog",
    "search",
    "payments",
    "identity",
    "analytics",
    "reporting",
    "mobile-api",
    "storefront",
    "crm",
    "erp",
    "data-lake",
    "ml-platform",
    "notifications",
    "billing",
    "logistics",
];
