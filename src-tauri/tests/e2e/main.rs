//! End to end: the built app (with its front end embedded) under Xvfb,
//! driven through tauri-driver and WebKitWebDriver with fantoccini, as a
//! user would: open the sample hospital, import a file, plan, drag an
//! application before its dependency, undo, read the History panel, see
//! `waveplan history` print the same trail and `waveplan import` refused the
//! project the app holds, export, kill the app mid-edit and reopen it.
//!
//! `cargo xtask test` runs this (feature `e2e`) under `xvfb-run` once it has
//! installed webkit2gtk-driver and tauri-driver. The `tour` test visits
//! every screen; with `WAVEPLAN_SCREENSHOTS=DIR` it writes their PNGs there
//! (`cargo xtask screenshots`).
//!
//! `driver.rs` holds the driver and the shared steps; `bench.rs` the speed
//! figures (feature `bench`).

#[cfg(feature = "bench")]
mod bench;
mod driver;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use fantoccini::{Client, Locator};
use serde_json::json;

use driver::*;

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

    // The History panel, newest first: the undo, the move, the plan, the
    // file's import, the sample's, each by this user on this machine.
    let user = user_name()?;
    click(&client, "[data-open-history]").await?;
    until(&client, "the history", "return document.querySelectorAll('[data-audit-entry]').length === 5", vec![])
        .await?;
    let lines =
        js(&client, "return [...document.querySelectorAll('[data-audit-entry]')].map(li => li.textContent)", vec![])
            .await?;
    let lines: Vec<String> = serde_json::from_value(lines)?;
    assert!(lines[0].contains("undid 'move PACS"), "{lines:?}");
    assert!(lines[1].contains(&format!("moved PACS from wave {pacs} to wave {}", vna - 1)), "{lines:?}");
    assert!(lines.iter().all(|l| l.contains(&user)), "every entry names {user}: {lines:?}");
    assert!(text(&client, "[data-trail-intact]").await?.starts_with("The trail is intact: 5 entries"));
    if let Some(dir) = std::env::var_os("WAVEPLAN_SCREENSHOTS") {
        screenshot(&client, Path::new(&dir), "history").await?;
    }
    client.find(Locator::Css("[aria-label=\"Close the history\"]")).await?.send_keys("\u{E00C}").await?;
    until(&client, "the history closed", "return document.querySelector('[data-history]') === null", vec![]).await?;

    // The command reads the same trail while the app holds the project,
    // and is refused the project for writing, naming the holder.
    let project = find_file(home.path(), "Sample hospital.waveplan")?;
    let history = std::process::Command::new(command()?).arg("history").arg(&project).arg("--json").output()?;
    assert!(history.status.success(), "{}", String::from_utf8_lossy(&history.stderr));
    let entries: Vec<serde_json::Value> = serde_json::from_slice(&history.stdout)?;
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap_or("")).collect();
    assert_eq!(actions, ["import", "import", "plan", "move", "undo"]);
    assert!(entries.iter().all(|e| e["user"] == user.as_str()), "{entries:?}");
    let refused =
        std::process::Command::new(command()?).arg("import").arg(&servers).arg("--project").arg(&project).output()?;
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "the command wrote to a project the app holds");
    assert!(
        stderr.contains(&format!("held by {user} on ")) && stderr.contains("open it read-only, or close it there"),
        "{stderr}"
    );

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
    std::fs::write(&register, include_str!("../../../samples/asset-register/asset-register.csv"))?;
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
    // The suggestion maps the memory, name (Device) and cores columns; the user confirms the last two.
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
    // Drawn before it is zoomed (under load the first frame comes late).
    until(
        &client,
        "the graph drawn",
        "return document.querySelector('.graph-view[data-graph-drawn]') !== null",
        vec![],
    )
    .await?;
    js(
        &client,
        "const c = document.querySelector('[data-graph-canvas] canvas:last-child'); const b = c.getBoundingClientRect();
         c.dispatchEvent(new WheelEvent('wheel', { deltaY: -120, clientX: b.left + b.width / 2, clientY: b.top + b.height / 2, bubbles: true }));",
        vec![],
    )
    .await?;
    // The zoom eases in: wait for the camera to stop before saving what it shows.
    tokio::time::sleep(Duration::from_millis(400)).await;
    until(
        &client,
        "the zoom settled",
        "const v = document.querySelector('.graph-view'); return v !== null && !v.hasAttribute('data-graph-moving') && !v.hasAttribute('data-camera-moving')",
        vec![],
    )
    .await?;
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
