//! The AWS Cloud Migration Factory intake form: one row per server that
//! moves, in the current column set (`wave_name`, `r_type`, `tags`), so a
//! plan goes straight into CMF's import.
//!
//! What Waveplan does not know (subnets, security groups, instance types)
//! is left empty for the cloud team to fill in. `server_tier` is CMF's
//! web/app/db role: a server's `server_tier`, `tier` or `role` tag, else
//! `db` for a server that hosts a data store, else `app`. Multi-values are
//! `;`-separated, tags `k=v;k=v`. Every cell is neutralised against formula
//! injection.
//!
//! Every row is written to pass CMF's own attribute rules (its
//! `default_schema.json`, in aws-solutions/cloud-migration-factory-on-aws,
//! `source/backend/lambda_functions/lambda_defaultschema/`): `server_name`
//! and `server_fqdn` are host names (letters, digits, hyphens, dots), so a
//! server known by a display name ("PACS web 1") goes in under its DNS name's
//! host part, or its name made a host name, and keeps its display name as
//! the EC2 `Name` tag; `server_fqdn` falls back to that host name;
//! `server_os_family` is `windows` or `linux` (read from the OS name when the
//! family is not given); `server_os_version` is never empty; `r_type` is one
//! of CMF's strategies (Refactor is CMF's `Rearchitect`); names fit CMF's
//! lengths. A server of another family (an appliance, AIX) is left out of
//! the form, which CMF would refuse whole for it. What Waveplan does not
//! know stays empty for the cloud team: the family of a server whose OS the
//! inventory does not say, and the AWS account and region when the caller
//! gives none.

use std::io::Write;

use waveplan_core::{Environment, Estate, OsFamily, Plan, Strategy};

use crate::ExportError;
use crate::format::{Options, placement_in_scope};
use crate::table::neutralize;
use crate::view::PlanView;

/// The intake form's columns, as CMF's current template has them.
pub const COLUMNS: &[&str] = &[
    "wave_name",
    "app_name",
    "aws_region",
    "aws_accountid",
    "server_name",
    "server_os_family",
    "server_os_version",
    "server_fqdn",
    "server_tier",
    "server_environment",
    "r_type",
    "subnet_IDs",
    "securitygroup_IDs",
    "subnet_IDs_test",
    "securitygroup_IDs_test",
    "instanceType",
    "tenancy",
    "tags",
];

/// CMF's longest `wave_name` (`^(?!\s*$).{1,150}$`).
const WAVE_NAME_MAX: usize = 150;
/// CMF's longest `app_name` (`^(?!\s*$).{1,255}$`).
const APP_NAME_MAX: usize = 255;

fn r_type(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::Rehost => "Rehost",
        Strategy::Replatform => "Replatform",
        // CMF's list (Retire, Retain, Relocate, Rehost, Repurchase,
        // Replatform, Rearchitect, TBC) has no "Refactor".
        Strategy::Refactor => "Rearchitect",
        Strategy::Repurchase => "Repurchase",
        Strategy::Retire => "Retire",
        Strategy::Retain => "Retain",
        Strategy::Relocate => "Relocate",
    }
}

fn environment(env: Environment) -> &'static str {
    match env {
        Environment::Production => "prod",
        Environment::Staging => "preprod",
        Environment::Test => "test",
        Environment::Development => "dev",
        Environment::DisasterRecovery => "dr",
    }
}

/// Whether `name` is a host name as CMF's `server_name` and `server_fqdn`
/// patterns have it: dot-separated labels of ASCII letters, digits and
/// hyphens, no label empty or starting or ending with a hyphen.
pub fn is_host_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// A host name for a server known by a name for people: every run of
/// characters a host name cannot hold becomes one hyphen ("PACS web 1" ->
/// "PACS-web-1"); `None` when nothing of it is left.
fn host_name_from(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    (!out.is_empty()).then_some(out)
}

/// The `server_name` CMF accepts: the server's name when it is a host name,
/// else the host part of its DNS name, else its name made a host name.
fn server_host_name(server: &waveplan_core::Server) -> Option<String> {
    if is_host_name(&server.name) {
        return Some(server.name.clone());
    }
    let fqdn = server.fqdn.as_deref().map(|f| f.trim().trim_end_matches('.')).unwrap_or("");
    match fqdn.split('.').next() {
        Some(host) if is_host_name(host) => Some(host.to_string()),
        _ => host_name_from(&server.name),
    }
}

/// CMF's `server_os_family` (`windows` or `linux`): the server's family, or
/// the family its OS name names when the family is not given; empty when
/// neither says, for the cloud team to find out.
fn os_family(server: &waveplan_core::Server) -> &'static str {
    match server.os_family {
        Some(OsFamily::Windows) => "windows",
        Some(OsFamily::Linux) => "linux",
        Some(_) => "",
        None => {
            let os = server.os_name.as_deref().unwrap_or("").to_ascii_lowercase();
            const LINUX: [&str; 9] =
                ["linux", "red hat", "rhel", "centos", "ubuntu", "debian", "suse", "rocky", "almalinux"];
            if os.contains("windows") {
                "windows"
            } else if LINUX.iter().any(|l| os.contains(l)) {
                "linux"
            } else {
                ""
            }
        }
    }
}

/// Text cut to `max` characters (CMF's limits on names).
fn at_most(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Whether CMF's default schema takes a server of this family (Windows
/// and Linux, or a family not known yet, for the cloud team to fill).
fn takes(server: &waveplan_core::Server) -> bool {
    !matches!(server.os_family, Some(OsFamily::Unix | OsFamily::Other))
}

/// The planned servers the intake form leaves out because CMF's default
/// schema cannot take their operating system (an appliance, AIX), by name:
/// said to the user with the export, so none goes missing unnoticed.
pub fn left_out(estate: &Estate, plan: &Plan) -> Vec<String> {
    let view = PlanView::new(estate, plan);
    plan.waves
        .iter()
        .flat_map(|w| &w.servers)
        .filter(|name| view.server_id(name).is_some_and(|id| !takes(estate.server(id))))
        .cloned()
        .collect()
}

/// Refuses an account or region CMF's schema would refuse on every row
/// (`aws_accountid`: 12 digits; `aws_region`: a region's code).
fn check_account_and_region(options: &Options) -> Result<(), ExportError> {
    if let Some(account) = &options.aws_account_id
        && !(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(ExportError::BadOption {
            option: "aws_accountid",
            value: account.clone(),
            expected: "an AWS account id (12 digits)",
        });
    }
    if let Some(region) = &options.aws_region {
        let parts: Vec<&str> = region.split('-').collect();
        let fine = parts.len() >= 3
            && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
            && parts.last().is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()));
        if !fine {
            return Err(ExportError::BadOption {
                option: "aws_region",
                value: region.clone(),
                expected: "an AWS region's code such as eu-west-2",
            });
        }
    }
    Ok(())
}

/// What the form leaves for the cloud team that CMF requires on every row:
/// the account and the region, when the caller gave none.
pub fn missing_placement(options: &Options) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if options.aws_account_id.is_none() {
        missing.push("aws_accountid");
    }
    if options.aws_region.is_none() {
        missing.push("aws_region");
    }
    missing
}

/// Writes the intake form.
pub fn write_intake_form(
    estate: &Estate,
    plan: &Plan,
    options: &Options,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    check_account_and_region(options)?;
    let view = PlanView::new(estate, plan);
    let hosts_store: std::collections::HashSet<usize> =
        estate.datastores.iter().filter_map(|d| d.server.map(|s| s.index())).collect();
    // Names unique in the estate (case-insensitively) that are host names already.
    let real_host_names: std::collections::HashSet<String> =
        estate.servers.iter().filter(|s| is_host_name(&s.name)).map(|s| s.name.to_ascii_lowercase()).collect();
    let mut made_host_names = std::collections::HashSet::new();
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(COLUMNS)?;
    for wave in &plan.waves {
        for server_name in &wave.servers {
            let Some(id) = view.server_id(server_name) else { continue };
            let server = estate.server(id);
            // CMF's default schema takes Windows and Linux servers only: one of
            // another family (an appliance, AIX) would make CMF refuse the
            // form. It is left out; the plan's other exports list it.
            if !takes(server) {
                continue;
            }
            let app = view.app_of_server(id).map(|a| estate.application(a));
            let placement = app.and_then(|a| view.placement(&a.name));
            let in_scope = match placement {
                Some(p) => placement_in_scope(&options.scope, p),
                None => match &options.scope {
                    crate::format::Scope::Estate => true,
                    crate::format::Scope::Wave(w) => *w == wave.index,
                    crate::format::Scope::Application(_) => false,
                },
            };
            if !in_scope {
                continue;
            }
            let tag = |keys: &[&str]| keys.iter().find_map(|k| server.tags.get(*k).cloned());
            let tier = tag(&["server_tier", "tier", "role"])
                .unwrap_or_else(|| if hosts_store.contains(&id.index()) { "db".into() } else { "app".into() });
            let os_version = [server.os_name.as_deref(), server.os_version.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            // CMF requires a version; say plainly that it is not known.
            let os_version = if os_version.trim().is_empty() { "unknown".to_string() } else { os_version };
            let host = if is_host_name(&server.name) {
                server.name.clone()
            } else {
                // A host name made for a display name must not be another
                // server's: number it until it is nobody's.
                let base = server_host_name(server).unwrap_or_else(|| format!("server-{}", id.index() + 1));
                let mut host = base.clone();
                let mut n = 1;
                while real_host_names.contains(&host.to_ascii_lowercase())
                    || !made_host_names.insert(host.to_ascii_lowercase())
                {
                    n += 1;
                    host = format!("{base}-{n}");
                }
                host
            };
            let fqdn = server
                .fqdn
                .as_deref()
                .map(|f| f.trim().trim_end_matches('.'))
                .filter(|f| is_host_name(f))
                .map_or_else(|| host.clone(), str::to_string);
            let strategy = placement.map(|p| p.strategy).unwrap_or(Strategy::Rehost);
            let env = server.environment.or(app.map(|a| a.environment())).unwrap_or(Environment::Production);
            let mut tags: Vec<String> = server
                .tags
                .iter()
                .map(|(k, v)| format!("{}={}", k.replace([';', '='], "_"), v.replace(';', ",")))
                .collect();
            // The display name CMF's server_name cannot hold lives on as the
            // EC2 Name tag, which is what the console shows.
            if host != server.name && !server.tags.contains_key("Name") {
                tags.insert(0, format!("Name={}", server.name.replace(';', ",")));
            }
            let cells = [
                at_most(&wave.name, WAVE_NAME_MAX),
                at_most(&app.map(|a| a.name.clone()).unwrap_or_else(|| server.name.clone()), APP_NAME_MAX),
                options.aws_region.clone().unwrap_or_default(),
                options.aws_account_id.clone().unwrap_or_default(),
                host,
                os_family(server).to_string(),
                os_version,
                fqdn,
                tier,
                environment(env).to_string(),
                r_type(strategy).to_string(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                tags.join(";"),
            ];
            let cells: Vec<String> = cells.iter().map(|c| neutralize(c).into_owned()).collect();
            csv.write_record(&cells)?;
        }
    }
    csv.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_as_cmf_reads_them() {
        for ok in ["ehr-db01", "pacsweb01.aldhelm.local", "A1", "x"] {
            assert!(is_host_name(ok), "{ok}");
        }
        for bad in ["PACS web 1", "-web", "web-", "a..b", "", "web_01", "été"] {
            assert!(!is_host_name(bad), "{bad}");
        }
    }

    #[test]
    fn a_display_name_gives_way_to_the_dns_name_or_a_host_name_made_of_it() {
        let server = |name: &str, fqdn: Option<&str>| waveplan_core::Server {
            name: name.into(),
            fqdn: fqdn.map(String::from),
            ..waveplan_core::Server::default()
        };
        assert_eq!(server_host_name(&server("ehr-db01", Some("other.example"))).as_deref(), Some("ehr-db01"));
        assert_eq!(
            server_host_name(&server("PACS web 1", Some("pacsweb01.aldhelm.local."))).as_deref(),
            Some("pacsweb01")
        );
        assert_eq!(server_host_name(&server("PACS web 1", None)).as_deref(), Some("PACS-web-1"));
        assert_eq!(server_host_name(&server(" (Lab) — LIMS #2 ", Some("bad name"))).as_deref(), Some("Lab-LIMS-2"));
        assert_eq!(server_host_name(&server("—", None)), None);
    }

    #[test]
    fn the_os_family_is_read_from_the_os_name_when_missing() {
        let server = |family: Option<OsFamily>, os: &str| waveplan_core::Server {
            os_family: family,
            os_name: Some(os.into()),
            ..waveplan_core::Server::default()
        };
        assert_eq!(os_family(&server(None, "Microsoft Windows Server 2019")), "windows");
        assert_eq!(os_family(&server(None, "Red Hat Enterprise Linux 8")), "linux");
        assert_eq!(os_family(&server(None, "Infoblox NIOS")), "");
        assert_eq!(os_family(&server(Some(OsFamily::Unix), "AIX 7.2")), "");
        assert_eq!(os_family(&server(Some(OsFamily::Linux), "whatever")), "linux");
    }
}
