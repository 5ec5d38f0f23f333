//! What every end-to-end test drives the app with: tauri-driver on a free
//! port (one app window at a time), the fantoccini session on the built
//! app, and the steps the tests share (scripts in the page, waiting,
//! clicking, dragging a card, killing the app and reopening it).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

pub(crate) const APP: &str = env!("CARGO_BIN_EXE_waveplan-desktop");
pub(crate) const PATIENCE: Duration = Duration::from_secs(30);

/// One app window at a time: two apps planning and drawing at once on a
/// 2-core CI machine starve each other past `PATIENCE` (a parallel run failed
/// that way where each test alone passes), so every test holds this while its
/// driver lives.
pub(crate) static ONE_WINDOW: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// tauri-driver on a free port, stopped with SIGTERM (SIGKILL would leave
/// its WebKitWebDriver behind).
pub(crate) struct Driver {
    child: Child,
    port: u16,
    _one_window: std::sync::MutexGuard<'static, ()>,
}

impl Driver {
    /// A driver for the tests: the page composited (see below).
    pub(crate) fn start(home: &Path) -> Result<Driver> {
        Driver::start_with(home, true)
    }

    /// A driver whose app draws as it does for a user on this machine: the
    /// benchmarks' (they take no screenshots).
    #[cfg(feature = "bench")]
    pub(crate) fn start_as_shipped(home: &Path) -> Result<Driver> {
        Driver::start_with(home, false)
    }

    pub(crate) fn start_with(home: &Path, composited: bool) -> Result<Driver> {
        // A test that failed still released the window; its poison is not ours.
        let one_window = ONE_WINDOW.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let port = free_port()?;
        let native = free_port()?;
        let mut command = Command::new(tauri_driver());
        if composited {
            // WebKitWebDriver's screenshot never returns from a page drawn
            // without accelerated compositing, which the app chooses where
            // there is no GPU (`window::software_rendering`): the tests keep
            // the composited page, as on a machine with a GPU.
            command.env("WEBKIT_DISABLE_COMPOSITING_MODE", "0");
        }
        let child = command
            .args(["--port", &port.to_string(), "--native-port", &native.to_string()])
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start tauri-driver (cargo xtask test installs it)")?;
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > PATIENCE {
                bail!("tauri-driver did not listen on port {port}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(Driver { child, port, _one_window: one_window })
    }

    pub(crate) async fn session(&self, args: &[String]) -> Result<Client> {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert("tauri:options".into(), json!({ "application": APP, "args": args }));
        let client =
            ClientBuilder::native().capabilities(caps).connect(&format!("http://127.0.0.1:{}", self.port)).await?;
        client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css("[data-current-screen]"))
            .await
            .context("the window never showed")?;
        Ok(client)
    }

    /// The app processes this driver started (children of its tree).
    pub(crate) fn app_pids(&self) -> Vec<u32> {
        let app = std::fs::canonicalize(APP).unwrap_or_else(|_| PathBuf::from(APP));
        let mut pids = Vec::new();
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
            if std::fs::read_link(format!("/proc/{pid}/exe")).ok().as_deref() == Some(app.as_path())
                && descends_from(pid, self.child.id())
            {
                pids.push(pid);
            }
        }
        pids
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

pub(crate) fn descends_from(mut pid: u32, ancestor: u32) -> bool {
    for _ in 0..16 {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return false };
        // The parent is the second field after the parenthesised name.
        let Some(parent) =
            stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)).and_then(|p| p.parse().ok())
        else {
            return false;
        };
        if parent == ancestor {
            return true;
        }
        if parent <= 1 {
            return false;
        }
        pid = parent;
    }
    false
}

pub(crate) fn tauri_driver() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return path.into();
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    match cargo_home.map(|h| h.join("bin/tauri-driver")) {
        Some(path) if path.is_file() => path,
        _ => PathBuf::from("tauri-driver"),
    }
}

pub(crate) fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Runs a script in the page and returns its value.
pub(crate) async fn js(client: &Client, script: &str, args: Vec<Value>) -> Result<Value> {
    Ok(client.execute(script, args).await?)
}

/// Waits until `script` returns something truthy; returns it.
pub(crate) async fn until(client: &Client, what: &str, script: &str, args: Vec<Value>) -> Result<Value> {
    let started = Instant::now();
    loop {
        let value = js(client, script, args.clone()).await?;
        if !(value.is_null() || value == json!(false) || value == json!("")) {
            return Ok(value);
        }
        if started.elapsed() > PATIENCE {
            let message =
                js(client, "return document.querySelector('[data-message]')?.textContent ?? ''", vec![]).await?;
            let feedback = js(
                client,
                "return document.querySelector('[data-feedback]')?.textContent ?? 'no feedback shown'",
                vec![],
            )
            .await?;
            bail!("timed out waiting for {what} (message bar: {message}; move feedback: {feedback})");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub(crate) async fn click(client: &Client, css: &str) -> Result<()> {
    client
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("no {css}"))?
        .click()
        .await?;
    Ok(())
}

pub(crate) async fn text(client: &Client, css: &str) -> Result<String> {
    let value =
        js(client, "return document.querySelector(arguments[0])?.textContent ?? null", vec![json!(css)]).await?;
    value.as_str().map(str::to_string).with_context(|| format!("no {css}"))
}

pub(crate) const WAVE_OF: &str = "const c = document.querySelector(`[data-card=\"${CSS.escape(arguments[0])}\"]`); return c ? Number(c.closest('[data-wave]').dataset.wave) : null";

pub(crate) async fn wave_of(client: &Client, app: &str) -> Result<u64> {
    until(client, &format!("the card of {app}"), WAVE_OF, vec![json!(app)]).await?.as_u64().context("wave")
}

pub(crate) async fn screenshot(client: &Client, dir: &Path, name: &str) -> Result<()> {
    // Let the screen settle (fonts, WebGL frames, a screen loaded with
    // import()) and be drawn twice before the picture.
    tokio::time::sleep(Duration::from_millis(400)).await;
    client
        .execute_async(
            "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()))",
            vec![],
        )
        .await?;
    // WebKitWebDriver's first picture of a session can be an older frame
    // (the import test's first one showed the start screen): the second is
    // the page as it is.
    client.screenshot().await?;
    let png = client.screenshot().await?;
    std::fs::write(dir.join(format!("{name}.png")), png)?;
    Ok(())
}

/// Drags the card of `app` onto the column of `wave` with the pointer.
pub(crate) async fn drag(client: &Client, app: &str, wave: u64) -> Result<()> {
    js(client, "document.querySelector(`[data-card=\"${arguments[0]}\"]`).scrollIntoView({ block: 'nearest', inline: 'nearest' })", vec![json!(app)]).await?;
    let card = client.find(Locator::Css(&format!("[data-card=\"{app}\"]"))).await?;
    let column = client.find(Locator::Css(&format!("[data-wave=\"{wave}\"] .column-head"))).await?;
    let mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement { element: card, duration: None, x: 0.0, y: 0.0 })
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
        .then(PointerAction::MoveBy { duration: Some(Duration::from_millis(100)), x: 20.0, y: 10.0 })
        .then(PointerAction::MoveToElement {
            element: column,
            duration: Some(Duration::from_millis(300)),
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
    client.perform_actions(mouse).await?;
    Ok(())
}

/// Kills the driver's app with SIGKILL (no chance to save), starts it again
/// and opens `project` from the start screen's recent list.
pub(crate) async fn kill_and_reopen(driver: &Driver, client: Client, project: &str) -> Result<Client> {
    for pid in driver.app_pids() {
        Command::new("kill").args(["-KILL", &pid.to_string()]).status()?;
    }
    drop(client);
    let client = driver.session(&[]).await?;
    let entry = "[...document.querySelectorAll('.recent button')].find(b => b.textContent === arguments[0])";
    until(&client, "the recent list", &format!("return {entry} !== undefined"), vec![json!(project)]).await?;
    js(&client, &format!("{entry}.click()"), vec![json!(project)]).await?;
    Ok(client)
}

/// The `waveplan` command, built beside the app by the workspace's test run.
pub(crate) fn command() -> Result<PathBuf> {
    let path = Path::new(APP).with_file_name(format!("waveplan{}", std::env::consts::EXE_SUFFIX));
    anyhow::ensure!(
        path.is_file(),
        "{} is missing: build the command with the app (cargo xtask test builds the workspace)",
        path.display()
    );
    Ok(path)
}

/// The user name the app writes into the audit trail and its lock: `USER`,
/// else the password database's name for this process's user.
pub(crate) fn user_name() -> Result<String> {
    if let Ok(user) = std::env::var("USER").or_else(|_| std::env::var("LOGNAME"))
        && !user.is_empty()
    {
        return Ok(user);
    }
    let out = Command::new("id").arg("-un").output()?;
    Ok(String::from_utf8(out.stdout)?.trim().to_string())
}

/// The file called `name` somewhere under `dir`.
pub(crate) fn find_file(dir: &Path, name: &str) -> Result<PathBuf> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            if let Ok(found) = find_file(&path, name) {
                return Ok(found);
            }
        } else if path.file_name().is_some_and(|n| n == name) {
            return Ok(path);
        }
    }
    anyhow::bail!("no {name} under {}", dir.display())
}

pub(crate) fn answers(dir: &Path, lines: &[String]) -> Result<Vec<String>> {
    let file = dir.join("dialog-answers.txt");
    std::fs::write(&file, lines.join("\n") + "\n")?;
    Ok(vec!["--dialog-answers".into(), file.display().to_string()])
}
