//! `cargo xtask bundle [--install]`: the desktop app's .deb and .rpm,
//! built by the npm Tauri CLI, checked as packages, and with `--install`
//! installed on this machine and started once as a user would start it.
//!
//! The install check is the README's install instructions run for real:
//! `apt-get install ./Waveplan_*.deb` (which resolves the package's declared
//! dependencies), then the installed `/usr/bin/waveplan-desktop` started from
//! a fresh home folder under Xvfb, on the sample hospital. It passes when the
//! app's window is mapped and the process is still alive some seconds later;
//! it leaves a screenshot of the screen in `bench-out/installed.png`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::{desktop, project_root, setup, status};

/// The installed binary, where the .deb puts it.
const INSTALLED: &str = "/usr/bin/waveplan-desktop";

pub fn bundle(args: &[String]) -> Result<()> {
    desktop::build_front_end()?;
    setup::debian_packages("the .rpm bundle", &["rpm"])?;
    let root = project_root();
    // The Tauri CLI runs from the app root (it finds src-tauri/ from there).
    status(
        Command::new(root.join("ui/node_modules/.bin/tauri"))
            .args(["build", "--bundles", "deb,rpm", "--", "--profile", "dist"])
            .current_dir(&root),
    )?;
    let bundles = root.join("target/dist/bundle");
    let deb = newest(&bundles.join("deb"), "deb")?;
    let rpm = newest(&bundles.join("rpm"), "rpm")?;
    check_deb(&deb)?;
    check_rpm(&rpm)?;
    println!("{}", deb.display());
    println!("{}", rpm.display());
    if args.iter().any(|a| a == "--install") {
        install_and_start(&deb)?;
    }
    Ok(())
}

/// The most recently written file with extension `ext` in `dir`.
fn newest(dir: &Path, ext: &str) -> Result<PathBuf> {
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .with_context(|| format!("no {ext} bundle: cannot read {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
        .collect();
    found.sort();
    found.pop().map(|(_, p)| p).with_context(|| format!("no .{ext} file in {}", dir.display()))
}

fn output(command: &mut Command) -> Result<String> {
    let shown = format!("{command:?}");
    let out = command.output().with_context(|| format!("cannot start {shown}"))?;
    if !out.status.success() {
        bail!("{shown} failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The .deb holds the binary, the desktop entry and the icons, and declares
/// the webkit and GTK libraries it links.
fn check_deb(deb: &Path) -> Result<()> {
    let depends = output(Command::new("dpkg-deb").arg("--field").arg(deb).arg("Depends"))?;
    for needed in ["libwebkit2gtk-4.1-0", "libgtk-3-0"] {
        if !depends.contains(needed) {
            bail!("{} does not depend on {needed} (Depends: {})", deb.display(), depends.trim());
        }
    }
    // `dpkg-deb --contents` lists `ls -l`-like lines ending in the path,
    // written `./usr/...` or `usr/...` depending on the tool that packed it.
    let contents = output(Command::new("dpkg-deb").arg("--contents").arg(deb))?;
    let paths: Vec<&str> = contents
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .map(|p| p.trim_start_matches("./").trim_start_matches('/'))
        .collect();
    for path in ["usr/bin/waveplan-desktop", "usr/share/applications/Waveplan.desktop", "usr/share/icons/hicolor/"] {
        if !paths.iter().any(|p| p.starts_with(path)) {
            bail!("{} does not contain /{path}", deb.display());
        }
    }
    eprintln!("xtask: {} depends on {}", deb.display(), depends.trim());
    Ok(())
}

/// The .rpm holds the same binary and desktop entry.
fn check_rpm(rpm: &Path) -> Result<()> {
    let files = output(Command::new("rpm").args(["-qpl"]).arg(rpm))?;
    for path in ["/usr/bin/waveplan-desktop", "/usr/share/applications/Waveplan.desktop"] {
        if !files.lines().any(|l| l == path) {
            bail!("{} does not contain {path}", rpm.display());
        }
    }
    let requires = output(Command::new("rpm").args(["-qp", "--requires"]).arg(rpm))?;
    eprintln!("xtask: {} requires {}", rpm.display(), requires.lines().collect::<Vec<_>>().join(", "));
    Ok(())
}

/// Installs the .deb as a user would and starts the installed app once.
fn install_and_start(deb: &Path) -> Result<()> {
    setup::install_local_deb(deb)?;
    if !Path::new(INSTALLED).is_file() {
        bail!("{} installed, but {INSTALLED} is not there", deb.display());
    }
    setup::debian_packages(
        "starting the installed app without a display",
        &["xvfb", "xauth", "x11-utils", "imagemagick"],
    )?;
    let out = project_root().join("bench-out");
    std::fs::create_dir_all(&out)?;
    let home = fresh_dir(&out.join("installed-home"))?;
    let shot = out.join("installed.png");
    let _ = std::fs::remove_file(&shot);
    let display = free_display();
    let mut xvfb = Command::new("Xvfb")
        .arg(format!(":{display}"))
        .args(["-screen", "0", "1440x900x24", "-nolisten", "tcp"])
        .spawn()
        .context("cannot start Xvfb")?;
    let result = start_installed(display, &home, &shot);
    let _ = xvfb.kill();
    let _ = xvfb.wait();
    let started = result?;
    eprintln!(
        "xtask: the installed {INSTALLED} showed its window {:.1} s after it started and kept running; screen in {}",
        started.as_secs_f64(),
        shot.display()
    );
    Ok(())
}

/// Starts the installed app on display `:display` with `home` as its home
/// folder; returns how long its window took to appear.
fn start_installed(display: u32, home: &Path, shot: &Path) -> Result<Duration> {
    let env_display = format!(":{display}");
    wait_for(Duration::from_secs(10), || {
        Command::new("xwininfo").args(["-root", "-display", &env_display]).output().is_ok_and(|o| o.status.success())
    })
    .context("Xvfb did not come up")?;
    let started = Instant::now();
    let mut app = Command::new(INSTALLED)
        .arg("--sample")
        .env("DISPLAY", &env_display)
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_CONFIG_HOME")
        .spawn()
        .with_context(|| format!("cannot start {INSTALLED}"))?;
    let mapped = wait_for(Duration::from_secs(60), || {
        Command::new("xwininfo")
            .args(["-root", "-tree", "-display", &env_display])
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("\"Waveplan"))
    });
    let window = started.elapsed();
    // Give the front end time to load the sample, then look at the screen.
    std::thread::sleep(Duration::from_secs(8));
    let alive = app.try_wait()?.is_none();
    let _ = Command::new("import").args(["-display", &env_display, "-window", "root"]).arg(shot).status();
    let _ = app.kill();
    let _ = app.wait();
    if mapped.is_none() {
        bail!("the installed {INSTALLED} showed no Waveplan window within 60 s");
    }
    if !alive {
        bail!("the installed {INSTALLED} exited after showing its window");
    }
    Ok(window)
}

/// Polls `ready` every 100 ms until it holds or `limit` passes.
fn wait_for(limit: Duration, mut ready: impl FnMut() -> bool) -> Option<()> {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if ready() {
            return Some(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

/// An X display number nobody uses (no lock file in /tmp).
fn free_display() -> u32 {
    (90..200).find(|n| !Path::new(&format!("/tmp/.X{n}-lock")).exists()).unwrap_or(99)
}

/// `dir`, emptied and created: a fresh home folder for the started app.
fn fresh_dir(dir: &Path) -> Result<PathBuf> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir)?;
    Ok(dir.to_path_buf())
}
