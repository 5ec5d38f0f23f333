//! What a task needs beyond Rust, installed when it is missing, so that
//! `cargo xtask run` and `cargo xtask test` work on a fresh Debian or Ubuntu
//! machine (and in CI, which runs as root on a fresh clone).
//!
//! Every task asks for what it needs through [`debian_packages`]; nothing
//! else in xtask calls `apt-get`.

use std::process::Command;

use anyhow::{Context, Result, bail};

/// Installs the Debian packages of `packages` that are not installed yet.
///
/// Checks with `dpkg-query` first, so a machine that has them all runs no
/// `apt-get` at all. Otherwise runs `apt-get update` and `apt-get install`
/// (through `sudo` when not root), and says which packages it installs and
/// why (`reason`, for example "the desktop end-to-end tests").
pub fn debian_packages(reason: &str, packages: &[&str]) -> Result<()> {
    let missing: Vec<&str> = packages.iter().copied().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    if Command::new("apt-get").arg("--version").output().is_err() {
        bail!(
            "{reason} need the Debian packages {} and this machine has no apt-get: install them by hand",
            missing.join(" ")
        );
    }
    eprintln!("xtask: installing {} for {reason}", missing.join(" "));
    let root = Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(false);
    let apt = |args: &[&str]| -> Result<()> {
        let mut command = if root { Command::new("apt-get") } else { Command::new("sudo") };
        if !root {
            command.arg("apt-get");
        }
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        let status = command.status().with_context(|| format!("cannot run apt-get {}", args.join(" ")))?;
        if !status.success() {
            bail!("apt-get {} failed ({status})", args.join(" "));
        }
        Ok(())
    };
    apt(&["update", "-qq"])?;
    let mut install = vec!["install", "-y", "-qq", "--no-install-recommends"];
    install.extend(&missing);
    apt(&install)
}

/// Installs a local `.deb` through apt, so its declared dependencies are
/// resolved from the registry as a user's `apt-get install ./file.deb` would.
pub fn install_local_deb(deb: &std::path::Path) -> Result<()> {
    let root = Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(false);
    let mut command = if root { Command::new("apt-get") } else { Command::new("sudo") };
    if !root {
        command.arg("apt-get");
    }
    command
        .args(["install", "-y", "-qq", "--reinstall", "--no-install-recommends"])
        .arg(deb)
        .env("DEBIAN_FRONTEND", "noninteractive");
    let status = command.status().with_context(|| format!("cannot run apt-get install {}", deb.display()))?;
    if !status.success() {
        bail!("apt-get install {} failed ({status})", deb.display());
    }
    Ok(())
}

/// Whether dpkg knows `package` as installed.
fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}
