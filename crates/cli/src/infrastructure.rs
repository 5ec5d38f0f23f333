//! `waveplan infrastructure`: the project's list of shared-infrastructure
//! ports (DNS, NTP, directory, monitoring and backup agents, ...), shown and
//! changed. Connection data imported later is classified under the list; the
//! observed dependencies already imported on the ports a change touches are
//! re-classified at once, in the same transaction as the list is saved (one
//! action of the session), so the project never holds dependencies
//! classified under two lists.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use waveplan_import::connections::InfrastructureRules;

/// The arguments of `waveplan infrastructure`.
#[derive(Args, Debug)]
pub struct InfrastructureArgs {
    /// The project file.
    pub project: PathBuf,
    /// Classify a destination port as shared infrastructure in a role
    /// (PORT:ROLE, for example 9182:monitoring); replaces the port's role.
    #[arg(long = "add-port", value_name = "PORT:ROLE")]
    pub add_port: Vec<String>,
    /// Classify a port as infrastructure only towards domain controllers
    /// (PORT:ROLE, as SMB 445 is by default).
    #[arg(long = "add-dc-port", value_name = "PORT:ROLE")]
    pub add_dc_port: Vec<String>,
    /// Stop classifying a port (from either list).
    #[arg(long = "remove-port", value_name = "PORT")]
    pub remove_port: Vec<u16>,
    /// Go back to the built-in list first (then apply any changes given).
    #[arg(long)]
    pub reset: bool,
    /// Print the list as JSON.
    #[arg(long)]
    pub json: bool,
}

fn port_and_role(text: &str) -> Result<(u16, String)> {
    let (port, role) =
        text.split_once(':').with_context(|| format!("'{text}': expected PORT:ROLE, as 9182:monitoring"))?;
    let port: u16 = port.trim().parse().with_context(|| format!("'{text}': '{port}' is not a port number"))?;
    let role = role.trim().to_lowercase();
    if role.is_empty() {
        bail!("'{text}': the role is empty");
    }
    Ok((port, role))
}

/// Shows the list, or changes it, re-classifies the project's dependencies and saves both.
pub fn run(args: InfrastructureArgs) -> Result<ExitCode> {
    let changes =
        args.reset || !args.add_port.is_empty() || !args.add_dc_port.is_empty() || !args.remove_port.is_empty();
    // Showing the list only reads: it works while the app holds the project.
    let mut session = if changes {
        crate::commands::open_project(&args.project)?
    } else {
        crate::commands::open_reader(&args.project, waveplan_app::DEFAULT_SCENARIO)?
    };
    let before = session.infrastructure_rules()?;
    let mut rules = if args.reset { InfrastructureRules::default() } else { before.clone() };
    for text in &args.add_port {
        let (port, role) = port_and_role(text)?;
        rules.domain_controller_ports.remove(&port);
        rules.ports.insert(port, role);
    }
    for text in &args.add_dc_port {
        let (port, role) = port_and_role(text)?;
        rules.ports.remove(&port);
        rules.domain_controller_ports.insert(port, role);
    }
    for port in &args.remove_port {
        if rules.ports.remove(port).is_none() && rules.domain_controller_ports.remove(port).is_none() {
            bail!("port {port} is not in the infrastructure list");
        }
    }
    let mut reclassified = None;
    if rules != before {
        reclassified = Some(session.set_infrastructure_rules(&rules)?);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rules)?);
    } else {
        print_rules(&rules);
        if let Some(changed) = reclassified {
            println!(
                "saved in {}; {changed} observed dependencies re-classified under the new list",
                args.project.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_rules(rules: &InfrastructureRules) {
    println!("shared-infrastructure ports (destination port: role):");
    for (port, role) in &rules.ports {
        println!("  {port:>5}  {role}");
    }
    println!("only towards domain controllers (servers reached on a kerberos or directory port):");
    for (port, role) in &rules.domain_controller_ports {
        println!("  {port:>5}  {role}");
    }
}
