//! End to end: the built app (with its front end embedded) under Xvfb,
//! driven through tauri-driver and WebKitWebDriver with fantoccini, as a
//! user would: open the sample hospital, import a file, plan, drag an
//! application before its dependency, undo, export, kill the app mid-edit
//! and reopen it.
//!
//! `cargo xtask test` runs this (feature `e2e`) under `xvfb-run` once it has
//! installed webkit2gtk-driver and tauri-driver. The `tour` test visits
//! every screen; with `WAVEPLAN_SCREENSHOTS=DIR` it writes their PNGs there
//! (`cargo xtask screenshots`).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

const APP: &str = env!("CARGO_BIN_EXE_waveplan-desktop");
const PATIENCE: Duration = Duration::from_secs(30);

/// One app window at a time: two apps planning and drawing at once on a
/// 2-core CI machine starve each other past `PATIENCE` (a parallel run failed
/// that way where each test alone passes), so every test holds this while its
/// driver lives.
static ONE_WINDOW: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// tauri-driver on a free port, stopped with SIGTERM (SIGKILL would leave
/// its WebKitWebDriver behind).
struct Driver {
    child: Child,
    port: u16,
    _one_window: std::sync::MutexGuard<'static, ()>,
}

impl Driver {
    /// A driver for the tests: the page composited (see below).
    fn start(home: &Path) -> Result<Driver> {
        Driver::start_with(home, true)
    }

    /// A driver whose app draws as it does for a user on this machine: the
    /// benchmarks' (they take no screenshots).
    #[cfg(feature = "bench")]
    fn start_as_shipped(home: &Path) -> Result<Driver> {
        Driver::start_with(home, false)
    }

    fn start_with(home: &Path, composited: bool) -> Result<Driver> {
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

    async fn session(&self, args: &[String]) -> Result<Client> {
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
    fn app_pids(&self) -> Vec<u32> {
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

fn descends_from(mut pid: u32, ancestor: u32) -> bool {
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

fn tauri_driver() -> PathBuf {
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

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Runs a script in the page and returns its value.
async fn js(client: &Client, script: &str, args: Vec<Value>) -> Result<Value> {
    Ok(client.execute(script, args).await?)
}

/// Waits until `script` returns something truthy; returns it.
async fn until(client: &Client, what: &str, script: &str, args: Vec<Value>) -> Result<Value> {
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

async fn click(client: &Client, css: &str) -> Result<()> {
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

async fn text(client: &Client, css: &str) -> Result<String> {
    let value =
        js(client, "return document.querySelector(arguments[0])?.textContent ?? null", vec![json!(css)]).await?;
    value.as_str().map(str::to_string).with_context(|| format!("no {css}"))
}

const WAVE_OF: &str = "const c = document.querySelector(`[data-card=\"${CSS.escape(arguments[0])}\"]`); return c ? Number(c.closest('[data-wave]').dataset.wave) : null";

async fn wave_of(client: &Client, app: &str) -> Result<u64> {
    until(client, &format!("the card of {app}"), WAVE_OF, vec![json!(app)]).await?.as_u64().context("wave")
}

async fn screenshot(client: &Client, dir: &Path, name: &str) -> Result<()> {
    // Let the screen settle (fonts, WebGL frames) before the picture.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let png = client.screenshot().await?;
    std::fs::write(dir.join(format!("{name}.png")), png)?;
    Ok(())
}

/// Drags the card of `app` onto the column of `wave` with the pointer.
async fn drag(client: &Client, app: &str, wave: u64) -> Result<()> {
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
async fn kill_and_reopen(driver: &Driver, client: Client, project: &str) -> Result<Client> {
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

fn answers(dir: &Path, lines: &[String]) -> Result<Vec<String>> {
    let file = dir.join("dialog-answers.txt");
    std::fs::write(&file, lines.join("\n") + "\n")?;
    Ok(vec!["--dialog-answers".into(), file.display().to_string()])
}

#[tokio::test(flavor = "multi_thread")]
async fn a_planner_imports_plans_breaks_a_constraint_undoes_exports_and_survives_a_kill() -> Result<()> {
    let home = tempfile::tempdir()?;
    let work = tempfile::tempdir()?;
    let driver = Driver::start(home.path())?;

    let servers = work.path().join("new-servers.csv");
    std::fs::write(
        &servers,
        "name,ip_addresses,os_family,cores,memory_gb,disk_used_gb,environment\ne2e-web-01,10.99.0.1,linux,4,16,80,production\ne2e-web-02,10.99.0.2,linux,4,16,80,production\n",
    )?;
    let workbook = work.path().join("exported.xlsx");
    let args = answers(work.path(), &[servers.display().to_string(), workbook.display().to_string()])?;
    let client = driver.session(&args).await?;

    // Open the sample hospital.
    click(&client, "[data-open-sample]").await?;
    until(
        &client,
        "the project's name",
        "return document.querySelector('.toolbar h1')?.textContent === 'Sample hospital'",
        vec![],
    )
    .await?;

    // Import a file and see its counts.
    click(&client, "[data-screen=import]").await?;
    click(&client, "[data-pick-files]").await?;
    until(&client, "the import preview", "return document.querySelector('[data-import-counts]') !== null", vec![])
        .await?;
    assert_eq!(text(&client, "[data-count=servers] td:nth-of-type(1)").await?, "149");
    assert_eq!(text(&client, "[data-count=servers] td:nth-of-type(2)").await?, "151");
    assert_eq!(text(&client, "[data-import-file] [data-format]").await?, "native");
    click(&client, "[data-commit-import]").await?;
    let message = until(
        &client,
        "the import's message",
        "return document.querySelector('[data-message]')?.textContent ?? null",
        vec![],
    )
    .await?;
    assert!(message.as_str().unwrap_or("").starts_with("Imported: 151 servers"), "{message}");

    // Plan.
    click(&client, "[data-replan]").await?;
    until(&client, "the board", "return document.querySelectorAll('[data-card]').length > 30", vec![]).await?;
    assert_eq!(text(&client, "[data-figure=violations] .figure-value").await?, "0");
    let (pacs, vna) = (wave_of(&client, "PACS").await?, wave_of(&client, "Vendor Neutral Archive").await?);
    assert!(vna < pacs, "PACS is planned after its archive");

    // Drag PACS before the archive it depends on: the violation shows at once.
    drag(&client, "PACS", vna - 1).await?;
    let broken = until(
        &client,
        "the move's feedback",
        "return document.querySelector('[data-broken]')?.textContent ?? null",
        vec![],
    )
    .await?;
    let broken = broken.as_str().unwrap_or("");
    assert!(
        broken.contains("'PACS' in wave") && broken.contains("must move after 'Vendor Neutral Archive'"),
        "{broken}"
    );
    // The price shows while the drop is saved; the card moves once it is.
    until(&client, "the saved move", "return document.querySelector('[data-feedback-timing]') !== null", vec![])
        .await?;
    assert_eq!(wave_of(&client, "PACS").await?, vna - 1);
    assert_ne!(text(&client, "[data-figure=violations] .figure-value").await?, "0");
    assert_eq!(
        js(&client, "return document.querySelector('[data-card=\"PACS\"]').classList.contains('violated')", vec![])
            .await?,
        json!(true)
    );

    // Undo it with Ctrl+Z.
    client.find(Locator::Css("[data-card=\"PACS\"]")).await?.send_keys("\u{E009}z\u{E000}").await?;
    until(&client, "the undo", "const c = document.querySelector('[data-card=\"PACS\"]'); return c && Number(c.closest('[data-wave]').dataset.wave) === arguments[0]", vec![json!(pacs)]).await?;
    assert_eq!(text(&client, "[data-figure=violations] .figure-value").await?, "0");

    // Duplicate the scenario and compare the two side by side.
    click(&client, "[data-scenario-duplicate]").await?;
    click(&client, "[data-scenario-ok]").await?;
    click(&client, "[data-scenario-compare]").await?;
    until(
        &client,
        "the comparison",
        "return document.querySelectorAll('[data-comparison] [data-metric]').length > 5",
        vec![],
    )
    .await?;
    assert!(
        text(&client, "[data-comparison] h4:last-of-type").await?.contains("same wave"),
        "a copy has every application in the same wave"
    );

    // Export a workbook and find it on disk, with the plan in it.
    click(&client, "[data-screen=export]").await?;
    click(&client, "[data-format=xlsx]").await?;
    click(&client, "[data-export]").await?;
    until(&client, "the export", "return document.querySelector('[data-export-done]') !== null", vec![]).await?;
    use calamine::Reader as _;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&workbook)?;
    let applications = book.worksheet_range("Applications")?;
    let names: Vec<String> = applications
        .rows()
        .filter_map(|r| r.iter().map(|c| c.to_string()).find(|c| c == "PACS" || c == "Vendor Neutral Archive"))
        .collect();
    assert!(
        names.iter().any(|n| n == "PACS") && names.iter().any(|n| n == "Vendor Neutral Archive"),
        "the workbook's Applications sheet has the plan: {names:?}"
    );

    // Mid-edit: move a card, then kill the app without a chance to save.
    click(&client, "[data-screen=board]").await?;
    let citrix = wave_of(&client, "Citrix Virtual Apps").await?;
    // The keyboard way: Alt+Left on a focused card moves it a wave earlier.
    client
        .find(Locator::Css("[data-card=\"Citrix Virtual Apps\"]"))
        .await?
        .send_keys("\u{E00A}\u{E012}\u{E000}")
        .await?;
    until(&client, "Citrix a wave earlier", &format!("const c = document.querySelector('[data-card=\"Citrix Virtual Apps\"]'); return c && c.closest('[data-wave]').dataset.wave === '{}'", citrix - 1), vec![]).await?;
    assert!(!driver.app_pids().is_empty(), "the app's process is not found");
    // Reopen: the work is there.
    let client = kill_and_reopen(&driver, client, "Sample hospital").await?;
    assert_eq!(wave_of(&client, "Citrix Virtual Apps").await?, citrix - 1);
    click(&client, "[data-screen=inventory]").await?;
    click(&client, "[data-kind=servers]").await?;
    until(
        &client,
        "every server",
        "return document.querySelector('[data-row-count]')?.textContent === '151 rows'",
        vec![],
    )
    .await?;
    client.find(Locator::Css("[data-search]")).await?.send_keys("e2e-web").await?;
    until(
        &client,
        "the imported servers",
        "return document.querySelector('[data-row=\"e2e-web-01\"]') !== null",
        vec![],
    )
    .await?;
    assert_eq!(text(&client, "[data-row-count]").await?, "2 rows");
    client.close().await?;
    Ok(())
}

/// A spreadsheet of no known format (the sample asset register) read
/// through a column mapping the user completes and saves; the conflict it
/// brings (dc01's CPU count) settled in favour of the register; the import
/// undone with Ctrl+Z after the app was killed and reopened.
#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_spreadsheet_is_mapped_its_conflict_settled_and_the_import_undone_after_a_restart() -> Result<()> {
    let home = tempfile::tempdir()?;
    let work = tempfile::tempdir()?;
    let driver = Driver::start(home.path())?;
    let register = work.path().join("asset-register.csv");
    std::fs::write(&register, include_str!("../../samples/asset-register/asset-register.csv"))?;
    let client = driver.session(&answers(work.path(), &[register.display().to_string()])?).await?;
    click(&client, "[data-open-sample]").await?;
    until(
        &client,
        "the project's name",
        "return document.querySelector('.toolbar h1')?.textContent === 'Sample hospital'",
        vec![],
    )
    .await?;

    click(&client, "[data-screen=import]").await?;
    click(&client, "[data-pick-files]").await?;
    until(
        &client,
        "the preview",
        "return document.querySelector('[data-import-file] [data-format]')?.textContent === 'not recognised'",
        vec![],
    )
    .await?;
    // The suggestion maps the memory column; the name and cores are the user's.
    until(
        &client,
        "the suggested mapping",
        "return document.querySelector('[data-mapping-field=memory_gb] select')?.value === 'Memory (MB)'",
        vec![],
    )
    .await?;
    let shots = std::env::var_os("WAVEPLAN_SCREENSHOTS").map(PathBuf::from);
    if let Some(dir) = &shots {
        // A scroll makes WebKit paint the screen before the picture (else it can hand back an older frame).
        js(&client, "document.querySelector('[data-import-file]').scrollIntoView({ block: 'start' })", vec![]).await?;
        screenshot(&client, dir, "import-mapping").await?;
    }
    client.find(Locator::Css("[data-mapping-field=name] select")).await?.select_by_value("Device").await?;
    client.find(Locator::Css("[data-mapping-field=cores] select")).await?.select_by_value("Processors").await?;
    click(&client, "[data-save-mapping]").await?;
    until(
        &client,
        "the mapped file",
        "return document.querySelector('[data-import-file] [data-format]')?.textContent === 'mapped'",
        vec![],
    )
    .await?;
    assert_eq!(text(&client, "[data-count=servers] td:nth-of-type(1)").await?, "149");
    assert_eq!(text(&client, "[data-count=servers] td:nth-of-type(2)").await?, "151");

    // dc01: 4 cores in the inventory, 8 in the register; the precedence keeps 4.
    let kept = "return document.querySelector('[data-conflict=\"dc01/cores\"] [data-kept]')?.textContent ?? null";
    assert_eq!(until(&client, "the conflict", kept, vec![]).await?, json!("4 by precedence"));
    click(&client, "[data-conflict=\"dc01/cores\"] [data-choose-source=\"mapped:asset-register.csv\"]").await?;
    until(
        &client,
        "the register's value kept",
        "return document.querySelector('[data-conflict=\"dc01/cores\"] [data-kept]')?.textContent === '8 your choice'",
        vec![],
    )
    .await?;
    if let Some(dir) = &shots {
        js(&client, "document.querySelector('[data-conflict]').scrollIntoView({ block: 'center' })", vec![]).await?;
        screenshot(&client, dir, "import-conflicts").await?;
    }
    click(&client, "[data-commit-import]").await?;
    let message = until(
        &client,
        "the import's message",
        "return document.querySelector('[data-message]')?.textContent ?? null",
        vec![],
    )
    .await?;
    assert!(message.as_str().unwrap_or("").starts_with("Imported: 151 servers"), "{message}");
    until(
        &client,
        "the undo button",
        "return document.querySelector('[data-undo]')?.title === 'Undo import (Ctrl+Z)'",
        vec![],
    )
    .await?;

    // Kill the app and reopen it: the import is there, and still undoable.
    let client = kill_and_reopen(&driver, client, "Sample hospital").await?;
    click(&client, "[data-screen=inventory]").await?;
    click(&client, "[data-kind=servers]").await?;
    until(
        &client,
        "the imported servers",
        "return document.querySelector('[data-row-count]')?.textContent === '151 rows'",
        vec![],
    )
    .await?;
    // Ctrl+Z outside a text field (in one it undoes the typing).
    client.find(Locator::Css("[data-kind=servers]")).await?.send_keys("\u{E009}z\u{E000}").await?;
    until(
        &client,
        "the import undone",
        "return document.querySelector('[data-row-count]')?.textContent === '149 rows'",
        vec![],
    )
    .await?;
    until(
        &client,
        "redo offered",
        "return document.querySelector('[data-redo]')?.title === 'Redo import (Ctrl+Shift+Z)'",
        vec![],
    )
    .await?;
    client.close().await?;
    Ok(())
}

/// Waits until the inventory shows `strategy` for `app`.
async fn until_strategy(client: &Client, app: &str, strategy: &str) -> Result<()> {
    let script = "const head = [...document.querySelectorAll('[role=columnheader]')].findIndex(h => h.textContent.startsWith('Strategy'));
        return document.querySelector(`[data-row=\"${CSS.escape(arguments[0])}\"]`)?.children[head].textContent === arguments[1]";
    until(client, &format!("{app} with strategy {strategy}"), script, vec![json!(app), json!(strategy)]).await?;
    Ok(())
}

/// The strategy shown for an application in the inventory table.
async fn strategy_cell(client: &Client, app: &str) -> Result<String> {
    let script = "const head = [...document.querySelectorAll('[role=columnheader]')].findIndex(h => h.textContent.startsWith('Strategy'));
        const row = document.querySelector(`[data-row=\"${CSS.escape(arguments[0])}\"]`);
        return row ? row.children[head].textContent : null;";
    Ok(until(client, &format!("the strategy of {app}"), script, vec![json!(app)])
        .await?
        .as_str()
        .unwrap_or("")
        .to_string())
}

/// The planner's settings panel re-planning with a capacity it did not
/// show before; two applications selected in the inventory (a click, then Shift+Down),
/// their strategy set in one bulk edit, and one Ctrl+Z putting both back;
/// then the dependency graph, zoomed, saved as SVG and as PNG through the
/// save dialog, and both files read back from disk.
#[tokio::test(flavor = "multi_thread")]
async fn settings_re_plan_a_selection_is_edited_at_once_and_undone_in_one_step_and_the_graph_saved_as_svg_and_png()
-> Result<()> {
    let home = tempfile::tempdir()?;
    let work = tempfile::tempdir()?;
    let driver = Driver::start(home.path())?;
    let svg = work.path().join("estate.svg");
    let png = work.path().join("estate.png");
    let client =
        driver.session(&answers(work.path(), &[svg.display().to_string(), png.display().to_string()])?).await?;
    click(&client, "[data-open-sample]").await?;
    click(&client, "[data-replan]").await?;
    until(&client, "the board", "return document.querySelectorAll('[data-card]').length > 30", vec![]).await?;

    // Re-plan from the settings panel with at most 6 applications a wave; the panel opens on it again.
    let most = "return Math.max(...[...document.querySelectorAll('[data-wave]')].map(w => w.querySelectorAll('[data-card]').length))";
    assert!(js(&client, most, vec![]).await?.as_u64().unwrap_or(0) > 6, "the default plan has fuller waves");
    click(&client, "[data-open-settings]").await?;
    let field = client
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("[data-setting=maxApplicationsPerWave] input"))
        .await?;
    field.send_keys("6").await?;
    click(&client, "[data-settings-replan]").await?;
    until(&client, "the panel closed", "return document.querySelector('[data-settings-panel]') === null", vec![])
        .await?;
    until(&client, "the re-planned board", &format!("{most} <= 6"), vec![]).await?;
    click(&client, "[data-open-settings]").await?;
    until(
        &client,
        "the setting kept",
        "return document.querySelector('[data-setting=maxApplicationsPerWave] input')?.value === '6'",
        vec![],
    )
    .await?;
    click(&client, "[data-settings-panel] .panel-actions button[type=button]").await?;

    // Select the first two applications: a click, then Shift+Down.
    click(&client, "[data-screen=inventory]").await?;
    click(&client, "[data-kind=applications]").await?;
    until(&client, "the applications", "return document.querySelectorAll('[data-row]').length > 10", vec![]).await?;
    let names =
        js(&client, "return [...document.querySelectorAll('[data-row]')].slice(0, 2).map(r => r.dataset.row)", vec![])
            .await?;
    let names: Vec<String> = serde_json::from_value(names)?;
    let before = [strategy_cell(&client, &names[0]).await?, strategy_cell(&client, &names[1]).await?];
    client.find(Locator::Css(&format!("[data-row=\"{}\"] [role=gridcell]", names[0]))).await?.click().await?;
    client.find(Locator::Css("[data-grid-body]")).await?.send_keys("\u{E008}\u{E015}\u{E000}").await?;
    until(
        &client,
        "two selected",
        "return document.querySelector('[data-selected-count]')?.textContent === '2 applications selected'",
        vec![],
    )
    .await?;
    let target = if before.iter().any(|s| s == "retire") { "retain" } else { "retire" };
    client.find(Locator::Css("[data-bulk-field]")).await?.select_by_value("strategy").await?;
    client.find(Locator::Css("[data-bulk-value]")).await?.select_by_value(target).await?;
    click(&client, "[data-bulk-apply]").await?;
    until(
        &client,
        "the bulk edit's undo step",
        "return document.querySelector('[data-undo]')?.title === 'Undo set strategy of 2 applications (Ctrl+Z)'",
        vec![],
    )
    .await?;
    for name in &names {
        until_strategy(&client, name, target).await?;
    }
    // One Ctrl+Z (outside a text field) puts both back.
    client.find(Locator::Css("[data-kind=applications]")).await?.send_keys("\u{E009}z\u{E000}").await?;
    until(
        &client,
        "the bulk edit undone",
        "return document.querySelector('[data-redo]')?.title === 'Redo set strategy of 2 applications (Ctrl+Shift+Z)'",
        vec![],
    )
    .await?;
    // The table reloads after the undo: wait for both cells to read as before.
    for (name, was) in names.iter().zip(&before) {
        until_strategy(&client, name, was).await?;
    }

    // The graph, zoomed in, saved as SVG: a vector drawing of what is shown.
    click(&client, "[data-screen=graph]").await?;
    until(&client, "the graph", "return document.querySelector('[data-graph-canvas] canvas') !== null && /\\d+ nodes/.test(document.querySelector('[data-graph-size]')?.textContent ?? '')", vec![]).await?;
    js(
        &client,
        "const c = document.querySelector('[data-graph-canvas] canvas:last-child'); const b = c.getBoundingClientRect();
         c.dispatchEvent(new WheelEvent('wheel', { deltaY: -120, clientX: b.left + b.width / 2, clientY: b.top + b.height / 2, bubbles: true }));",
        vec![],
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(800)).await;
    click(&client, "[data-save-graph=svg]").await?;
    until(
        &client,
        "the SVG saved",
        "return (document.querySelector('[data-message]')?.textContent ?? '').startsWith('Saved the graph as SVG')",
        vec![],
    )
    .await?;
    let drawing = std::fs::read_to_string(&svg).with_context(|| format!("no {}", svg.display()))?;
    assert!(drawing.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{drawing:.300}");
    let (circles, lines, texts) =
        (drawing.matches("<circle ").count(), drawing.matches("<line ").count(), drawing.matches("<text ").count());
    let groups = drawing.split("<g class=\"groups\"").nth(1).unwrap_or("").split("</g>").next().unwrap_or("");
    assert!(circles > 20 && lines > 20 && texts > 5, "circles {circles}, lines {lines}, texts {texts}: {groups}");
    assert!(drawing.contains(">cross-wave links</text>"), "the legend is in the drawing");

    // And as PNG: the WebGL layers rendered at the view's size.
    click(&client, "[data-save-graph=png]").await?;
    until(
        &client,
        "the PNG saved",
        "return (document.querySelector('[data-message]')?.textContent ?? '').startsWith('Saved the graph as PNG')",
        vec![],
    )
    .await?;
    let picture = std::fs::read(&png).with_context(|| format!("no {}", png.display()))?;
    assert!(picture.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    let word = |at: usize| u32::from_be_bytes([picture[at], picture[at + 1], picture[at + 2], picture[at + 3]]);
    let view = js(
        &client,
        "const c = document.querySelector('[data-graph-canvas] canvas'); return [c.width, c.height]",
        vec![],
    )
    .await?;
    assert_eq!(
        json!([word(16) as f64, word(20) as f64]),
        json!([view[0].as_f64(), view[1].as_f64()]),
        "the view's size"
    );
    // A blank picture of that size packs into a few kilobytes; the graph does not.
    assert!(picture.len() > 30_000, "{} bytes", picture.len());
    client.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn tour() -> Result<()> {
    let home = tempfile::tempdir()?;
    let scratch = tempfile::tempdir()?;
    let dir =
        std::env::var_os("WAVEPLAN_SCREENSHOTS").map(PathBuf::from).unwrap_or_else(|| scratch.path().to_path_buf());
    std::fs::create_dir_all(&dir)?;
    let driver = Driver::start(home.path())?;
    let client = driver.session(&[]).await?;
    screenshot(&client, &dir, "start").await?;
    click(&client, "[data-open-sample]").await?;
    until(&client, "the inventory", "return document.querySelectorAll('[data-row]').length > 10", vec![]).await?;
    screenshot(&client, &dir, "inventory").await?;
    click(&client, "[data-screen=board]").await?;
    click(&client, "[data-plan]").await?;
    until(&client, "the board", "return document.querySelectorAll('[data-card]').length > 30", vec![]).await?;
    // A selection of applications in the inventory, with the bulk edit bar.
    click(&client, "[data-screen=inventory]").await?;
    client.find(Locator::Css("[data-search]")).await?.send_keys("lab").await?;
    until(&client, "the search", "return document.querySelectorAll('[data-row]').length >= 3", vec![]).await?;
    js(&client, "document.querySelector('[data-grid-body] [data-row]')?.children[0]?.click()", vec![]).await?;
    client.find(Locator::Css("[data-grid-body]")).await?.send_keys("\u{E008}\u{E015}\u{E015}\u{E000}").await?;
    until(&client, "the bulk edit bar", "return document.querySelector('[data-bulk-edit]') !== null", vec![]).await?;
    client.find(Locator::Css("[data-bulk-field]")).await?.select_by_value("strategy").await?;
    client.find(Locator::Css("[data-bulk-value]")).await?.select_by_value("replatform").await?;
    js(&client, "document.querySelector('[data-bulk-edit]').scrollIntoView({ block: 'nearest' })", vec![]).await?;
    until(&client, "the value chosen", "return document.querySelector('[data-bulk-apply]')?.textContent === 'Apply to 3 applications' && document.querySelector('[data-bulk-value]')?.value === 'replatform'", vec![]).await?;
    screenshot(&client, &dir, "inventory-bulk-edit").await?;
    // The planner's settings panel over the board.
    click(&client, "[data-screen=board]").await?;
    click(&client, "[data-open-settings]").await?;
    until(&client, "the settings panel", "return document.querySelector('[data-settings-panel]') !== null", vec![])
        .await?;
    screenshot(&client, &dir, "settings").await?;
    click(&client, "[data-settings-panel] .panel-actions button[type=button]").await?;
    let vna = wave_of(&client, "Vendor Neutral Archive").await?;
    drag(&client, "PACS", vna - 1).await?;
    until(&client, "the feedback", "return document.querySelector('[data-broken]') !== null", vec![]).await?;
    // The card moves to its new column (a new element) once the move is saved.
    until(&client, "the saved move", "return document.querySelector('[data-feedback-timing]') !== null", vec![])
        .await?;
    client.find(Locator::Css("[data-card=\"PACS\"]")).await?.send_keys("\u{E007}").await?;
    until(&client, "the explanation", "return document.querySelector('[data-explain]')?.textContent.includes('What an earlier wave would break') ?? false", vec![]).await?;
    // A scroll makes WebKit paint the explanation before the picture (else it can hand back an older frame).
    js(&client, "document.querySelector('[data-explain]').scrollIntoView({ block: 'nearest' })", vec![]).await?;
    screenshot(&client, &dir, "wave-plan").await?;
    click(&client, "[data-feedback-undo]").await?;
    click(&client, "[data-scenario-duplicate]").await?;
    click(&client, "[data-scenario-ok]").await?;
    click(&client, "[data-scenario-compare]").await?;
    until(
        &client,
        "the comparison",
        "return document.querySelectorAll('[data-comparison] [data-metric]').length > 5",
        vec![],
    )
    .await?;
    screenshot(&client, &dir, "scenarios").await?;
    click(&client, "[data-screen=graph]").await?;
    until(
        &client,
        "the graph",
        "return /\\d+ nodes/.test(document.querySelector('[data-graph-size]')?.textContent ?? '')",
        vec![],
    )
    .await?;
    // Found by name (the keyboard's click): selected, its details shown, the camera on it.
    client.find(Locator::Css("[data-graph-find]")).await?.send_keys("pacs-app01\u{E007}").await?;
    until(
        &client,
        "the node's details",
        "return document.querySelector('[data-node-details] h3')?.textContent === 'pacs-app01' ?? false",
        vec![],
    )
    .await?;
    until(&client, "the camera on it", "return document.querySelector('[data-camera-moving]') === null", vec![])
        .await?;
    // A software-rendered WebGL frame can take a while on a loaded machine.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    screenshot(&client, &dir, "dependency-graph").await?;
    click(&client, "[data-screen=dr]").await?;
    until(&client, "the DR chart and gap list", "return document.querySelector('[data-dr-summary]') !== null && document.querySelector('[data-dr-gaps]') !== null", vec![]).await?;
    screenshot(&client, &dir, "dr-coverage").await?;
    click(&client, "[data-screen=import]").await?;
    screenshot(&client, &dir, "import").await?;
    click(&client, "[data-screen=export]").await?;
    until(&client, "the formats", "return document.querySelector('[data-format]') !== null", vec![]).await?;
    screenshot(&client, &dir, "export").await?;
    click(&client, "[data-screen=board]").await?;
    click(&client, ".toolbar .toggle").await?;
    until(&client, "presentation mode", "return document.querySelector('.app.presentation') !== null", vec![]).await?;
    screenshot(&client, &dir, "presentation").await?;
    client.close().await?;
    Ok(())
}

/// The speed figures of BENCHMARKS.md, measured in the real app (feature
/// `bench`; `cargo xtask bench-desktop` builds it in release, makes the
/// projects and sets the variables): each figure is printed as a table row as
/// soon as it is measured, and a step that fails prints its error in its row
/// and fails the run at the end, after the other steps.
///
/// Times are taken in the page with `performance.now()` (and against the app
/// process's start time from `/proc` for launches): a change counts as on
/// screen when the DOM shows it and the frame after it has been drawn (a task
/// queued from that frame's `requestAnimationFrame` callback). Frame
/// intervals are the gaps between `requestAnimationFrame` callbacks while the
/// page is scrolled, panned or zoomed one step a frame.
#[cfg(feature = "bench")]
mod bench {
    use std::time::{SystemTime, UNIX_EPOCH};

    use fantoccini::wd::TimeoutConfiguration;

    use super::*;

    /// What every script of the benchmark can call (see the module's doc).
    const PRELUDE: &str = r#"
const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
const painted = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
const until = (what, test, limit = 60000) => new Promise((resolve, reject) => {
  const check = () => { try { return test(); } catch { return null; } };
  const first = check();
  if (first) return resolve(first);
  let timer;
  const observer = new MutationObserver(() => { const v = check(); if (v) { observer.disconnect(); clearTimeout(timer); resolve(v); } });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  timer = setTimeout(() => { observer.disconnect(); const v = check(); if (v) resolve(v); else reject(new Error(`timed out after ${limit} ms waiting for ${what}`)); }, limit);
});
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : null);
  return { n: s.length, median: at(0.5), p95: at(0.95), max: s.length ? s[s.length - 1] : null, over50: s.filter((x) => x >= 50).length };
};
const nextFrame = () => new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('no animation frame came for 3 s')), 3000);
  requestAnimationFrame((at) => { clearTimeout(timer); resolve(at); });
});
const frames = async (ms, each) => {
  const gaps = []; let last = await nextFrame(); const end = last + ms; let i = 0;
  while (last < end) { each(i++); const now = await nextFrame(); gaps.push(now - last); last = now; }
  return stats(gaps);
};
// After a gesture: until the graph's full frame is drawn (no bitmap moving; software WebGL only), from now.
const settled = async () => { const t = performance.now(); await until('the full frame', () => !document.querySelector('[data-graph-moving]')); await painted(); return performance.now() - t; };
const clickOn = (css) => { const e = document.querySelector(css); if (!e) throw new Error(`no ${css}`); e.click(); };
"#;

    /// Runs an async script body (it may `await` and use [`PRELUDE`]) and returns its value.
    async fn run(client: &Client, body: &str) -> Result<Value> {
        js(client, &format!("return (async () => {{ {PRELUDE}\n{body} }})()"), vec![]).await
    }

    /// A number of a script's answer.
    fn num(v: &Value, key: &str) -> Result<f64> {
        v[key].as_f64().with_context(|| format!("no number '{key}' in {v}"))
    }

    /// Frame statistics as a table cell.
    fn frame_cell(v: &Value) -> Result<String> {
        Ok(format!(
            "{:.1} / {:.1} / {:.1} ms ({} frames, {} of 50 ms or more)",
            num(v, "median")?,
            num(v, "p95")?,
            num(v, "max")?,
            num(v, "n")?,
            num(v, "over50")?
        ))
    }

    /// The figures, printed as they come, and the steps that failed.
    #[derive(Default)]
    struct Table {
        failed: std::cell::RefCell<Vec<String>>,
    }

    impl Table {
        fn row(&self, measure: &str, figure: impl std::fmt::Display) {
            println!("| {measure} | {figure} |");
        }

        /// Runs one step; its failure is printed in its row and remembered.
        async fn step(&self, name: &str, work: impl std::future::Future<Output = Result<()>>) {
            if let Err(error) = work.await {
                println!("| {name} | **FAILED**: {} |", format!("{error:#}").replace('\n', " "));
                self.failed.borrow_mut().push(name.to_string());
            }
        }

        fn finish(self) -> Result<()> {
            let failed = self.failed.into_inner();
            if failed.is_empty() { Ok(()) } else { bail!("steps failed: {}", failed.join("; ")) }
        }
    }

    /// When the app process of `driver` started, in milliseconds since the epoch.
    fn app_started(driver: &Driver) -> Result<f64> {
        let pid = *driver.app_pids().first().context("no app process")?;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
        // Field 22 (start time, clock ticks after boot): the 20th after the parenthesised name.
        let ticks: f64 = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(19))
            .and_then(|t| t.parse().ok())
            .context("no start time in /proc/PID/stat")?;
        let hz: f64 = Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .unwrap_or(100.0);
        let uptime: f64 = std::fs::read_to_string("/proc/uptime")?
            .split_whitespace()
            .next()
            .and_then(|u| u.parse().ok())
            .context("no /proc/uptime")?;
        let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs_f64() * 1000.0;
        Ok(now - uptime * 1000.0 + ticks / hz * 1000.0)
    }

    /// A session with room for the longer scripts of the benchmark.
    async fn session(driver: &Driver, args: &[String]) -> Result<Client> {
        let client = driver.session(args).await?;
        client.update_timeouts(TimeoutConfiguration::new(Some(Duration::from_secs(180)), None, None)).await?;
        Ok(client)
    }

    /// Milliseconds from the app's process start to a moment the page gives
    /// as `origin` (its `performance.timeOrigin`) plus `at`.
    fn since_start(started: f64, v: &Value, at: &str) -> Result<f64> {
        Ok(num(v, "origin")? + num(v, at)? - started)
    }

    /// Cold start: process start to the start screen's first frame with its
    /// handlers attached (the `waveplan:interactive` mark of `ui/src/App.tsx`).
    async fn cold_start(table: &Table, driver: &Driver, client: &Client, label: &str) -> Result<()> {
        let started = app_started(driver)?;
        let v = run(
            client,
            "const mark = await until('the interactive mark', () => performance.getEntriesByName('waveplan:interactive')[0]);
             return { origin: performance.timeOrigin, at: mark.startTime };",
        )
        .await?;
        table.row(label, format!("{:.0} ms", since_start(started, &v, "at")?));
        Ok(())
    }

    /// Opens the inventory, then its servers tab, each to its table on screen.
    async fn inventory(table: &Table, client: &Client, opened: &str, before: f64) -> Result<()> {
        let v = run(
            client,
            "const rows = () => document.querySelectorAll('[data-row]').length;
             const count = () => document.querySelector('[data-row-count]')?.textContent.trim();
             const tab = (kind) => document.querySelector(`[data-kind=${kind}] .muted`)?.textContent.trim();
             const t0 = performance.now();
             clickOn('[data-screen=inventory]');
             await until('the applications table', () => rows() > 0 && tab('applications') && count() === `${tab('applications')} rows`);
             await painted();
             const t1 = performance.now();
             clickOn('[data-kind=servers]');
             await until('the servers table', () => rows() > 0 && count() === `${tab('servers')} rows`);
             await painted();
             const t2 = performance.now();
             return { applications: t1 - t0, servers: t2 - t1, apps: count() && tab('applications'), count: count() };",
        )
        .await?;
        let servers = num(&v, "servers")?;
        table.row(
            &format!(
                "inventory: applications table shown ({} rows), click → on screen",
                v["apps"].as_str().unwrap_or("?")
            ),
            format!("{:.0} ms", num(&v, "applications")?),
        );
        table.row(
            &format!("inventory: servers tab shown ({}), click → on screen", v["count"].as_str().unwrap_or("?")),
            format!("{servers:.0} ms"),
        );
        table.row(
            &format!("**project opened and its servers shown**: {opened}, + Inventory → Servers"),
            format!("{:.0} ms", before + num(&v, "applications")? + servers),
        );
        Ok(())
    }

    /// Scrolls the table on screen 400 px a frame for 3 s.
    async fn scroll(table: &Table, client: &Client) -> Result<()> {
        let v = run(
            client,
            "const body = document.querySelector('[data-grid-body]');
             const s = await frames(3000, () => { body.scrollTop += 400; });
             s.rows = document.querySelectorAll('[data-row]').length; s.top = body.scrollTop; return s;",
        )
        .await?;
        if num(&v, "rows")? < 10.0 {
            bail!("the table showed {} rows after scrolling to {} px", v["rows"], v["top"]);
        }
        table.row("servers table scrolled 400 px a frame for 3 s: frame interval median / p95 / max", frame_cell(&v)?);
        Ok(())
    }

    /// A card on one of the board's first columns on screen whose move to an
    /// earlier column on screen breaks a constraint, priced through the IPC;
    /// not one of `skip` (and not of their move groups).
    const BREAKING_MOVE: &str = "
        const invoke = window.__TAURI_INTERNALS__.invoke;
        const visible = (e) => { const r = e.getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth && r.width > 0; };
        const columns = [...document.querySelectorAll('.board > [data-wave]')].filter((c) => visible(c.querySelector('.column-head')));
        const times = [];
        for (const column of columns.slice(1)) {
          const wave = Number(column.dataset.wave);
          for (const card of [...column.querySelectorAll('[data-card]')].slice(0, 30)) {
            const name = card.dataset.card;
            if (skip.includes(name)) continue;
            for (const target of columns) {
              const to = Number(target.dataset.wave);
              if (to >= wave) break;
            if (adjacent && to !== wave - 1) continue;
              const t = performance.now();
              const price = await invoke('price_move', { application: name, wave: to });
              times.push(performance.now() - t);
              if (price.broken.length > 0 && !price.movesWith.some((m) => skip.includes(m))) return { name, from: wave, to, broken: price.broken.length, movesWith: price.movesWith, first: times[0], tried: times.length };
            }
          }
        }
        throw new Error(`no move to a column on screen breaks a constraint (${times.length} tried)`);";

    async fn breaking_move(client: &Client, skip: &[String], adjacent: bool) -> Result<Value> {
        run(client, &format!("const skip = {}; const adjacent = {adjacent};\n{BREAKING_MOVE}", json!(skip))).await
    }

    fn names(v: &Value) -> Vec<String> {
        v["movesWith"].as_array().into_iter().flatten().filter_map(|m| m.as_str().map(String::from)).collect()
    }

    /// The board's what-if through the IPC, then a keyboard move and a pointer
    /// drag, each to its broken constraints on screen and to the saved move.
    async fn drops(table: &Table, client: &Client) -> Result<()> {
        let shown = run(
            client,
            "const t0 = performance.now(); clickOn('[data-screen=board]');
             await until('the board', () => document.querySelectorAll('[data-card]').length > 0); await painted();
             return { ms: performance.now() - t0, cards: document.querySelectorAll('[data-card]').length };",
        )
        .await?;
        table.row(
            &format!("board shown again ({} cards), click → on screen", shown["cards"]),
            format!("{:.0} ms", num(&shown, "ms")?),
        );
        let first = breaking_move(client, &[], false).await?;
        table.row(
            "first move priced after opening (builds the planner's what-if session), through the IPC",
            format!("{:.0} ms", num(&first, "first")?),
        );
        let hover = run(
            client,
            &format!(
                "const m = {first}; const invoke = window.__TAURI_INTERNALS__.invoke; const times = [];
                 for (let i = 0; i < 20; i++) {{ const t = performance.now(); await invoke('price_move', {{ application: m.name, wave: m.to }}); times.push(performance.now() - t); }}
                 return stats(times);"
            ),
        )
        .await?;
        table.row(
            &format!("a move priced through the IPC ({} broken): median / p95 / max of 20", first["broken"]),
            format!("{:.1} / {:.1} / {:.1} ms", num(&hover, "median")?, num(&hover, "p95")?, num(&hover, "max")?),
        );
        // The keyboard: Alt+← on a focused card, no hover price to show first.
        let moved = std::cell::RefCell::new(Vec::new());
        table
            .step("keyboard move (Alt+←)", async {
                let m = breaking_move(client, &[], true).await?;
                moved.borrow_mut().extend(names(&m));
                let v = run(
                    client,
                    &format!(
                        "const m = {m}; const card = document.querySelector(`[data-card=\"${{CSS.escape(m.name)}}\"]`);
                         card.focus(); const t0 = performance.now();
                         card.dispatchEvent(new KeyboardEvent('keydown', {{ key: 'ArrowLeft', altKey: true, bubbles: true }}));
                         await until('the broken constraints', () => document.querySelector('[data-feedback] [data-broken] li'));
                         await painted(); const broken = performance.now() - t0;
                         const listed = document.querySelectorAll('[data-feedback] [data-broken] li').length;
                         await until('the saved move', () => document.querySelector(`[data-wave=\"${{m.to}}\"] [data-card=\"${{CSS.escape(m.name)}}\"]`), 120000);
                         await painted();
                         return {{ broken, saved: performance.now() - t0, listed }};"
                    ),
                )
                .await?;
                table.row(
                    &format!(
                        "**keyboard move** ({} from wave {} to {}): keydown → its {} broken constraints on screen / → the board with the move saved",
                        m["name"].as_str().unwrap_or("?"),
                        m["from"],
                        m["to"],
                        v["listed"]
                    ),
                    format!("{:.0} / {:.0} ms", num(&v, "broken")?, num(&v, "saved")?),
                );
                Ok(())
            })
            .await;
        table
            .step("pointer drag", async {
                let skip = moved.borrow().clone();
                let m = breaking_move(client, &skip, false).await?;
                let v = run(
                    client,
                    &format!(
                        "const m = {m};
                         const card = document.querySelector(`[data-card=\"${{CSS.escape(m.name)}}\"]`);
                         card.scrollIntoView({{ block: 'nearest', inline: 'nearest' }}); await painted();
                         const c = card.getBoundingClientRect();
                         const head = document.querySelector(`[data-wave=\"${{m.to}}\"] .column-head`).getBoundingClientRect();
                         const at = (x, y) => ({{ clientX: x, clientY: y, button: 0, buttons: 1, pointerId: 1, isPrimary: true, bubbles: true }});
                         const [x0, y0] = [c.left + 10, c.top + 10]; const [x1, y1] = [head.left + head.width / 2, head.top + head.height / 2];
                         card.dispatchEvent(new PointerEvent('pointerdown', at(x0, y0))); await painted();
                         window.dispatchEvent(new PointerEvent('pointermove', at(x0 + 12, y0 + 8))); await painted();
                         const t0 = performance.now();
                         window.dispatchEvent(new PointerEvent('pointermove', at(x1, y1)));
                         await until('the hovered move priced', () => document.querySelector('[data-pending-move] [data-broken] li') && document.querySelector('[data-pending-move] strong').textContent.includes(`wave ${{m.to}}`));
                         await painted(); const hovered = performance.now() - t0;
                         const t1 = performance.now();
                         window.dispatchEvent(new PointerEvent('pointerup', {{ ...at(x1, y1), buttons: 0 }}));
                         await until('the broken constraints', () => document.querySelector('[data-feedback] [data-broken] li')); await painted();
                         const dropped = performance.now() - t1;
                         await until('the saved move', () => document.querySelector(`[data-wave=\"${{m.to}}\"] [data-card=\"${{CSS.escape(m.name)}}\"]`), 120000);
                         await painted();
                         return {{ hovered, dropped, saved: performance.now() - t1, listed: document.querySelectorAll('[data-feedback] [data-broken] li').length }};"
                    ),
                )
                .await?;
                table.row(
                    &format!(
                        "**pointer drag** ({} from wave {} onto wave {}): pointer over the wave → {} broken constraints on screen / drop → still shown / drop → the board with the move saved",
                        m["name"].as_str().unwrap_or("?"),
                        m["from"],
                        m["to"],
                        v["listed"]
                    ),
                    format!("{:.0} / {:.0} / {:.0} ms", num(&v, "hovered")?, num(&v, "dropped")?, num(&v, "saved")?),
                );
                Ok(())
            })
            .await;
        Ok(())
    }

    /// How the graph drew the gesture: "bitmap" (the last full frame moved, the graph drawn when still) or "live" (sigma every frame).
    fn frames(v: &Value) -> &str {
        v["frames"].as_str().unwrap_or("?")
    }

    /// The graph screen drawn, then panned and zoomed one step a frame.
    async fn graph(table: &Table, client: &Client) -> Result<()> {
        let drawn = run(
            client,
            "await until('the board', () => document.querySelector('[data-card]'));
             const t0 = performance.now(); clickOn('[data-screen=graph]');
             await until('the graph', () => /[\\d,]+ nodes/.test(document.querySelector('[data-graph-size]')?.textContent ?? '') && document.querySelector('[data-graph-canvas] canvas') && document.querySelector('[data-graph-drawn]'));
             await painted(); await painted();
             return { ms: performance.now() - t0, size: document.querySelector('[data-graph-size]').textContent, failure: document.querySelector('.graph-failure')?.textContent ?? null };",
        )
        .await?;
        if let Some(failure) = drawn["failure"].as_str() {
            bail!("the graph was not drawn: {failure}");
        }
        table.row(
            &format!("graph drawn ({}), click → on screen", drawn["size"].as_str().unwrap_or("?")),
            format!("{:.0} ms", num(&drawn, "ms")?),
        );
        table
            .step("graph pan", async {
                let v = run(
                    client,
                    "const mouse = document.querySelector('[data-graph-canvas] canvas:last-child'); const box = mouse.getBoundingClientRect();
                     const at = (x, y, buttons) => ({ clientX: x, clientY: y, button: 0, buttons, bubbles: true });
                     let x = box.left + box.width / 2, y = box.top + box.height / 2;
                     mouse.dispatchEvent(new MouseEvent('mousedown', at(x, y, 1)));
                     const s = await frames(3000, (i) => { x += (Math.floor(i / 60) % 2 ? -6 : 6); y += (Math.floor(i / 30) % 2 ? -3 : 3); document.dispatchEvent(new MouseEvent('mousemove', at(x, y, 1))); });
                     document.dispatchEvent(new MouseEvent('mouseup', at(x, y, 0)));
                     s.frames = document.querySelector('[data-graph-frames]')?.dataset.graphFrames ?? null;
                     s.settle = await settled();
                     return s;",
                )
                .await?;
                table.row(
                    &format!("graph panned (drag, 6 px a frame) for 3 s, drawn {}: frame interval median / p95 / max", frames(&v)),
                    frame_cell(&v)?,
                );
                table.row("graph pan released → the full frame drawn where it stopped", format!("{:.0} ms", num(&v, "settle")?));
                Ok(())
            })
            .await;
        table
            .step("graph zoom", async {
                let v = run(
                    client,
                    "const mouse = document.querySelector('[data-graph-canvas] canvas:last-child'); const box = mouse.getBoundingClientRect();
                     const s = await frames(3000, (i) => { if (i % 6 === 0) mouse.dispatchEvent(new WheelEvent('wheel', { deltaY: Math.floor(i / 48) % 2 ? 120 : -120, clientX: box.left + box.width * 0.4, clientY: box.top + box.height * 0.6, bubbles: true, cancelable: true })); });
                     s.frames = document.querySelector('[data-graph-frames]')?.dataset.graphFrames ?? null;
                     s.settle = await settled();
                     return s;",
                )
                .await?;
                table.row(
                    &format!("graph zoomed (a wheel step every 6th frame, in and out) for 3 s, drawn {}: frame interval median / p95 / max", frames(&v)),
                    frame_cell(&v)?,
                );
                table.row("graph's last wheel step → the full frame drawn where it stopped", format!("{:.0} ms", num(&v, "settle")?));
                Ok(())
            })
            .await;
        Ok(())
    }

    /// Import throughput through the app: the files named by
    /// `WAVEPLAN_BENCH_IMPORT` (separated by `|`) picked on the import screen
    /// of a new project, to the preview (the rows per second the screen
    /// reports: read and merge, off the main thread), then saved ("Import").
    #[tokio::test(flavor = "multi_thread")]
    async fn bench_import() -> Result<()> {
        let files =
            std::env::var("WAVEPLAN_BENCH_IMPORT").context("set WAVEPLAN_BENCH_IMPORT to the files to import")?;
        let home = tempfile::tempdir()?;
        let work = tempfile::tempdir()?;
        let project = work.path().join("bench.waveplan");
        drop(waveplan_store::Project::create(&project)?);
        let driver = Driver::start_as_shipped(home.path())?;
        let mut args = answers(work.path(), std::slice::from_ref(&files))?;
        args.push(project.display().to_string());
        let client = session(&driver, &args).await?;
        click(&client, "[data-screen=import]").await?;
        let v = run(
            &client,
            "const t0 = performance.now(); clickOn('[data-pick-files]');
             await until('the preview', () => document.querySelector('[data-import-counts]'), 170000); await painted();
             const preview = performance.now() - t0; const shown = document.querySelector('.import-actions .muted').textContent;
             const t1 = performance.now(); clickOn('[data-commit-import]');
             await until('the import saved', () => (document.querySelector('[data-message]')?.textContent ?? '').startsWith('Imported:'), 170000); await painted();
             return { preview, shown, saved: performance.now() - t1 };",
        )
        .await?;
        let shown = v["shown"].as_str().unwrap_or("");
        // "229,036 rows read and merged in 6.66 s. All or nothing: …"
        let rows: f64 =
            shown.split(" rows").next().unwrap_or("").replace(',', "").trim().parse().context("no row count shown")?;
        let seconds: f64 = shown
            .split("merged in ")
            .nth(1)
            .and_then(|t| t.split(" s").next())
            .and_then(|t| t.trim().parse().ok())
            .context("no read time shown")?;
        let (preview, saved) = (num(&v, "preview")? / 1000.0, num(&v, "saved")? / 1000.0);
        println!(
            "| desktop app, import screen | read + merge, as the screen reports it | {seconds:.2} s | {:.0} |",
            rows / seconds
        );
        println!(
            "| desktop app, import screen | pick → preview on screen, + Import → saved ({preview:.2} s + {saved:.2} s) | {:.2} s | {:.0} |",
            preview + saved,
            rows / (preview + saved)
        );
        client.close().await?;
        Ok(())
    }

    /// The speed figures of issue 5 (`cargo xtask bench-desktop`).
    #[tokio::test(flavor = "multi_thread")]
    async fn bench_desktop() -> Result<()> {
        let project = std::env::var("WAVEPLAN_BENCH_PROJECT")
            .context("set WAVEPLAN_BENCH_PROJECT (cargo xtask bench-desktop)")?;
        let graph_project =
            std::env::var("WAVEPLAN_BENCH_GRAPH").context("set WAVEPLAN_BENCH_GRAPH (cargo xtask bench-desktop)")?;
        let home = tempfile::tempdir()?;
        let driver = Driver::start_as_shipped(home.path())?;
        let table = Table::default();
        println!("| measure | figure |");
        println!("| --- | ---: |");

        table
            .step("cold start and animation frames", async {
                let client = session(&driver, &[]).await?;
                cold_start(&table, &driver, &client, "**cold start** (first launch): process start → start screen interactive").await?;
                let v = run(
                    &client,
                    "let n = 0; const t0 = performance.now();
                     await new Promise((resolve) => { const tick = () => { n++; if (performance.now() - t0 < 2000) requestAnimationFrame(tick); else resolve(); }; requestAnimationFrame(tick); setTimeout(resolve, 3000); });
                     return { n, ms: performance.now() - t0 };",
                )
                .await?;
                table.row(
                    "animation frames the idle window runs in 2 s under Xvfb (a 60 Hz display runs 120)",
                    format!("{} in {:.0} ms", v["n"], num(&v, "ms")?),
                );
                client.close().await?;
                Ok(())
            })
            .await;

        table
            .step("the 50,000-server project", async {
                let client = session(&driver, std::slice::from_ref(&project)).await?;
                let started = app_started(&driver)?;
                let v = run(
                    &client,
                    "const early = !!document.querySelector('[data-card]');
                     await until('the board', () => document.querySelector('[data-card]')); await painted();
                     const at = performance.now(); const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
                     return { origin: performance.timeOrigin, at, early, cards: document.querySelectorAll('[data-card]').length, opened: mark('waveplan:project-opened'), received: mark('waveplan:board-received') };",
                )
                .await?;
                let open = since_start(started, &v, "at")?;
                table.row(
                    &format!(
                        "launch with the project as argument → its board on screen ({} cards drawn{})",
                        v["cards"],
                        if v["early"] == json!(true) { ", an upper bound: the board was up before the timer started" } else { "" }
                    ),
                    format!("{open:.0} ms"),
                );
                // Where the open's time went: the page's marks (ui/src/store.ts), and the board's IPC again.
                let opened = since_start(started, &v, "opened")?;
                let received = num(&v, "received")? - num(&v, "opened")?;
                table.row("… of which launch → project opened (page loaded; the shell reads the file: estate and plan)", format!("{opened:.0} ms"));
                table.row("… project opened → board received (built, serialised, through the IPC, parsed)", format!("{received:.0} ms"));
                table.row("… board received → on screen (render, layout, paint)", format!("{:.0} ms", num(&v, "at")? - num(&v, "received")?));
                let ipc = run(
                    &client,
                    "const invoke = window.__TAURI_INTERNALS__.invoke; const t0 = performance.now(); const board = await invoke('board');
                     const ms = performance.now() - t0; const t1 = performance.now(); const json = JSON.stringify(board);
                     const t2 = performance.now(); JSON.parse(json);
                     return { ms, bytes: json.length, parse: performance.now() - t2, stringify: t2 - t1, waves: board.waves.length, cards: board.waves.reduce((n, w) => n + w.cards.length, 0) };",
                )
                .await?;
                table.row(
                    &format!(
                        "the board ({} cards in {} waves) through the IPC again ({:.1} MB of JSON; parsing it alone takes {:.0} ms)",
                        ipc["cards"],
                        ipc["waves"],
                        num(&ipc, "bytes")? / 1e6,
                        num(&ipc, "parse")?
                    ),
                    format!("{:.0} ms", num(&ipc, "ms")?),
                );
                let mut failed = Vec::new();
                if let Err(e) = inventory(&table, &client, "launch → board", open).await {
                    failed.push(format!("inventory: {e:#}"));
                }
                if let Err(e) = scroll(&table, &client).await {
                    failed.push(format!("scroll: {e:#}"));
                }
                if let Err(e) = drops(&table, &client).await {
                    failed.push(format!("board: {e:#}"));
                }
                client.close().await?;
                if failed.is_empty() { Ok(()) } else { bail!("{}", failed.join("; ")) }
            })
            .await;

        table
            .step("open from the recent list", async {
                let client = session(&driver, &[]).await?;
                cold_start(&table, &driver, &client, "cold start (second launch)").await?;
                let v = run(
                    &client,
                    "await until('the recent project', () => document.querySelector('[data-recent] button:not([disabled])'));
                     const t0 = performance.now(); document.querySelector('[data-recent] button').click();
                     await until('the board', () => document.querySelector('[data-card]')); await painted();
                     return { ms: performance.now() - t0 };",
                )
                .await?;
                table.row("open the project from the start screen's recent list → its board on screen", format!("{:.0} ms", num(&v, "ms")?));
                inventory(&table, &client, "recent list clicked → board", num(&v, "ms")?).await?;
                client.close().await?;
                Ok(())
            })
            .await;

        table
            .step("the graph", async {
                let client = session(&driver, std::slice::from_ref(&graph_project)).await?;
                graph(&table, &client).await?;
                client.close().await?;
                Ok(())
            })
            .await;
        table.finish()
    }
}
