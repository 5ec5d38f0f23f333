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

fn r_type(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::Rehost => "Rehost",
        Strategy::Replatform => "Replatform",
        Strategy::Refactor => "Refactor",
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

/// Writes the intake form.
pub fn write_intake_form(
    estate: &Estate,
    plan: &Plan,
    options: &Options,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    let view = PlanView::new(estate, plan);
    let hosts_store: std::collections::HashSet<usize> =
        estate.datastores.iter().filter_map(|d| d.server.map(|s| s.index())).collect();
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(COLUMNS)?;
    for wave in &plan.waves {
        for server_name in &wave.servers {
            let Some(id) = view.server_id(server_name) else { continue };
            let server = estate.server(id);
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
            let os_family = match server.os_family {
                Some(OsFamily::Windows) => "windows".to_string(),
                Some(OsFamily::Linux) => "linux".to_string(),
                Some(other) => other.to_string(),
                None => String::new(),
            };
            let os_version = [server.os_name.as_deref(), server.os_version.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let strategy = placement.map(|p| p.strategy).unwrap_or(Strategy::Rehost);
            let env = server.environment.or(app.map(|a| a.environment())).unwrap_or(Environment::Production);
            let tags: Vec<String> = server
                .tags
                .iter()
                .map(|(k, v)| format!("{}={}", k.replace([';', '='], "_"), v.replace(';', ",")))
                .collect();
            let cells = [
                wave.name.clone(),
                app.map(|a| a.name.clone()).unwrap_or_else(|| server.name.clone()),
                options.aws_region.clone().unwrap_or_default(),
                options.aws_account_id.clone().unwrap_or_default(),
                server.name.clone(),
                os_family,
                os_version,
                server.fqdn.clone().unwrap_or_default(),
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
