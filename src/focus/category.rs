//! What the export infers from names: the FOCUS ServiceCategory of a service and the cloud (ProviderName) behind
//! an import format or a service name. Best effort by design: a service no rule knows is "Other", a cloud no
//! rule knows is `None` (the caller falls back, see [`super::rows`]).

/// FOCUS 1.0 ServiceCategory allowed values.
pub const SERVICE_CATEGORIES: [&str; 19] = [
    "AI and Machine Learning",
    "Analytics",
    "Business Applications",
    "Compute",
    "Databases",
    "Developer Tools",
    "Multicloud",
    "Identity",
    "Integration",
    "Internet of Things",
    "Management and Governance",
    "Media",
    "Migration",
    "Mobile",
    "Networking",
    "Security",
    "Storage",
    "Web",
    "Other",
];

/// Name fragments (lower case) per category, tried in this order: the first category with a fragment in the
/// service name wins (databases before storage: "SQL Database"; analytics before storage: "Data Lake
/// Analytics"). Covers AWS product codes and FOCUS service names, Azure meter categories, OCI services.
const RULES: [(&str, &[&str]); 16] = [
    (
        "Databases",
        &[
            "rds",
            "dynamodb",
            "database",
            "sql",
            "cosmos",
            "aurora",
            "elasticache",
            "redis",
            "documentdb",
            "neptune",
            "timestream",
            "keyspaces",
        ],
    ),
    (
        "AI and Machine Learning",
        &[
            "sagemaker",
            "bedrock",
            "machine learning",
            "cognitive",
            "openai",
            "rekognition",
            "comprehend",
            "textract",
            "vertex",
            "polly",
            "transcribe",
        ],
    ),
    (
        "Analytics",
        &[
            "redshift",
            "athena",
            "emr",
            "kinesis",
            "glue",
            "analytics",
            "synapse",
            "bigquery",
            "quicksight",
            "opensearch",
            "elasticsearch",
            "data factory",
            "databricks",
        ],
    ),
    ("Storage", &["s3", "storage", "ebs", "efs", "glacier", "backup", "fsx", "disk"]),
    (
        "Compute",
        &[
            "ec2",
            "compute",
            "lambda",
            "virtual machine",
            "functions",
            "ecs",
            "eks",
            "fargate",
            "kubernetes",
            "container",
            "lightsail",
            "batch",
        ],
    ),
    (
        "Networking",
        &[
            "vpc",
            "cloudfront",
            "network",
            "bandwidth",
            "data transfer",
            "datatransfer",
            "route53",
            "route 53",
            "load balanc",
            "elb",
            "cdn",
            "dns",
            "directconnect",
            "direct connect",
            "expressroute",
            "nat gateway",
            "vpn",
        ],
    ),
    (
        "Management and Governance",
        &["cloudwatch", "cloudtrail", "config", "monitor", "systems manager", "cloudformation", "log analytics"],
    ),
    ("Security", &["kms", "guardduty", "waf", "security", "shield", "secrets", "key vault", "inspector", "macie"]),
    ("Identity", &["cognito", "directory service", "active directory", "entra", "identity"]),
    ("Integration", &["sqs", "sns", "eventbridge", "step functions", "service bus", "event grid", "logic apps"]),
    (
        "Developer Tools",
        &["codebuild", "codepipeline", "codecommit", "codedeploy", "devops", "cloud9", "x-ray", "xray"],
    ),
    ("Web", &["app service", "amplify", "api gateway", "apigateway", "elastic beanstalk"]),
    ("Media", &["mediaconvert", "medialive", "elastic transcoder", "media services"]),
    ("Internet of Things", &["iot"]),
    ("Migration", &["migration", "database migration", "dms", "snowball", "datasync"]),
    ("Business Applications", &["workspaces", "connect", "chime", "ses", "simple email"]),
];

/// The FOCUS ServiceCategory of a service name ("Other" when no rule knows it). The cloud's prefix is set aside
/// (`AmazonRDS` → `rds`); a fragment of up to four letters must start the rest or one of its words (`rds` is not
/// in "Route 53 Records", `ses` not in "Services"); a longer one may stand anywhere.
pub fn service_category(service: &str) -> &'static str {
    let mut name = service.trim().to_lowercase();
    while let Some(rest) = ["amazon", "aws", "azure", "microsoft.", "google", "oci"]
        .iter()
        .find_map(|p| name.strip_prefix(p).map(|r| r.trim_start_matches([' ', '-', '_', '.']).to_string()))
    {
        name = rest;
    }
    let starts_word =
        |f: &str| name.match_indices(f).any(|(i, _)| i == 0 || name[..i].ends_with([' ', '-', '_', '.', '/', '(']));
    RULES
        .iter()
        .find(|(_, fragments)| fragments.iter().any(|f| if f.len() <= 4 { starts_word(f) } else { name.contains(f) }))
        .map_or("Other", |(category, _)| category)
}

/// The cloud behind an import format (`ImportBatch::format`): the AWS and Azure exports and the OCI cost report
/// each come from one cloud; FOCUS and CloudHealth files from any (billops does not keep their ProviderName).
pub fn provider_of_format(format: &str) -> Option<&'static str> {
    let base = format.split(':').next().unwrap_or(format);
    match base {
        "cur" | "cur2" => Some("AWS"),
        "oci" => Some("Oracle"),
        b if b.starts_with("azure") => Some("Microsoft"),
        _ => None,
    }
}

/// The cloud a service name says it belongs to (`AmazonEC2`, `AWSLambda`, `Azure App Service`, …).
pub fn provider_of_service(service: &str) -> Option<&'static str> {
    let name = service.trim().to_lowercase();
    let starts = |p: &[&str]| p.iter().any(|p| name.starts_with(p));
    if starts(&["amazon", "aws"]) {
        Some("AWS")
    } else if starts(&["azure", "microsoft"]) {
        Some("Microsoft")
    } else if starts(&["google", "gcp"]) {
        Some("Google Cloud")
    } else if starts(&["oracle", "oci "]) {
        Some("Oracle")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_fall_into_focus_categories() {
        for (service, want) in [
            ("AmazonEC2", "Compute"),
            ("AmazonS3", "Storage"),
            ("AmazonRDS", "Databases"),
            ("SQL Database", "Databases"),
            ("Amazon Elastic Compute Cloud", "Compute"),
            ("AWSLambda", "Compute"),
            ("AmazonCloudFront", "Networking"),
            ("Virtual Machines", "Compute"),
            ("AmazonCloudWatch", "Management and Governance"),
            ("AmazonSageMaker", "AI and Machine Learning"),
            ("AmazonSES", "Business Applications"),
            ("Amazon Route 53 Records", "Networking"),
            ("AWS Support Services", "Other"),
            ("Something new", "Other"),
        ] {
            assert_eq!(service_category(service), want, "{service}");
            assert!(SERVICE_CATEGORIES.contains(&service_category(service)));
        }
        for (_, fragments) in RULES {
            assert!(fragments.iter().all(|f| *f == f.to_lowercase()), "fragments are lower case");
        }
        assert!(RULES.iter().all(|(c, _)| SERVICE_CATEGORIES.contains(c)));
    }

    #[test]
    fn clouds_from_formats_and_service_names() {
        assert_eq!(provider_of_format("cur"), Some("AWS"));
        assert_eq!(provider_of_format("cur2"), Some("AWS"));
        assert_eq!(provider_of_format("azure:amortized"), Some("Microsoft"));
        assert_eq!(provider_of_format("azure-payg"), Some("Microsoft"));
        assert_eq!(provider_of_format("oci"), Some("Oracle"));
        assert_eq!(provider_of_format("focus"), None);
        assert_eq!(provider_of_service("AmazonEC2"), Some("AWS"));
        assert_eq!(provider_of_service("AWSDataTransfer"), Some("AWS"));
        assert_eq!(provider_of_service("Azure App Service"), Some("Microsoft"));
        assert_eq!(provider_of_service("Virtual Machines"), None);
    }
}
