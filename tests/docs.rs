//! The documentation's examples run as tests, so that what the README and
//! `docs/` tell a user to type cannot drift from what the product does.
//!
//! Every fenced `sh` block's `waveplan` lines run in order, in one scratch
//! directory per document (with the repository's `samples/` beside them),
//! through `sh` as a user's shell would run them (globs, redirections), and
//! must succeed; lines for other tools (`cargo build`, `sudo apt-get`) are
//! for the reader and are not run. A `console` block is a transcript: each
//! `$ ` line runs, and what it printed (standard output, then standard
//! error) must match the lines under it, where `[..]` stands for any text
//! within a line and `...` for any lines (snapbox's patterns).
//!
//! An HTML comment just before a block, unseen by a reader, sets it up:
//! `<!-- test: before: COMMAND -->` runs COMMAND first (a project the
//! example assumes), `<!-- test: exit N -->` expects the block's commands to
//! exit N, and `<!-- test: skip: WHY -->` leaves the block out, saying why.
//!
//! It checks the docs against the product, not the product's figures: those
//! have their own tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// The repository's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the repository")
}

/// What a comment before a block asks of it.
#[derive(Debug, Default)]
struct Directives {
    before: Vec<String>,
    exit: i32,
    skip: Option<String>,
}

/// One fenced block of a document.
#[derive(Debug)]
struct Block {
    /// `sh` or `console`.
    kind: String,
    /// The line of the document its first line of text is on.
    line: usize,
    text: String,
    directives: Directives,
}

/// The `sh` and `console` blocks of a Markdown document, with the directives
/// of the comments just before each.
fn blocks(markdown: &str) -> Vec<Block> {
    let line_of = |offset: usize| markdown[..offset].matches('\n').count() + 1;
    let mut out = Vec::new();
    let mut pending = Directives::default();
    let mut open: Option<Block> = None;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        match event {
            Event::Html(html) | Event::InlineHtml(html) => {
                for comment in html.split("<!--").skip(1) {
                    let body = comment.split("-->").next().unwrap_or("").trim();
                    let Some(directive) = body.strip_prefix("test:") else { continue };
                    let directive = directive.trim();
                    if let Some(command) = directive.strip_prefix("before:") {
                        pending.before.push(command.trim().to_string());
                    } else if let Some(code) = directive.strip_prefix("exit") {
                        pending.exit = code.trim().parse().expect("`test: exit N` takes a number");
                    } else if let Some(why) = directive.strip_prefix("skip:") {
                        pending.skip = Some(why.trim().to_string());
                    } else {
                        panic!("line {}: unknown test directive '{directive}'", line_of(range.start));
                    }
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let kind = info.split_whitespace().next().unwrap_or("").to_string();
                open = Some(Block {
                    kind,
                    line: line_of(range.start) + 1,
                    text: String::new(),
                    directives: std::mem::take(&mut pending),
                });
            }
            Event::Text(text) => {
                if let Some(block) = open.as_mut() {
                    block.text.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(block) = open.take().filter(|b| b.kind == "sh" || b.kind == "console") {
                    out.push(block);
                }
            }
            _ => {}
        }
    }
    out
}

/// One command of a block: its line, its text, and for a transcript the
/// output it shows.
struct Step {
    line: usize,
    command: String,
    shown: Option<String>,
}

/// A `sh` block's `waveplan` commands, continuation lines joined.
fn sh_steps(block: &Block) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut pending: Option<Step> = None;
    for (i, line) in block.text.lines().enumerate() {
        let continued = match pending.as_mut() {
            Some(step) => {
                step.command.push(' ');
                step.command.push_str(line.trim());
                true
            }
            None => false,
        };
        if !continued {
            if !line.trim_start().starts_with("waveplan ") {
                continue;
            }
            pending = Some(Step { line: block.line + i, command: line.trim().to_string(), shown: None });
        }
        let step = pending.as_mut().expect("a command");
        if step.command.ends_with('\\') {
            step.command.pop();
        } else {
            steps.extend(pending.take());
        }
    }
    steps
}

/// A `console` block's `$ ` commands, each with the lines it shows.
fn console_steps(block: &Block) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    for (i, line) in block.text.lines().enumerate() {
        if let Some(command) = line.strip_prefix("$ ") {
            steps.push(Step { line: block.line + i, command: command.to_string(), shown: Some(String::new()) });
        } else if let Some(shown) = steps.last_mut().and_then(|s| s.shown.as_mut()) {
            shown.push_str(line);
            shown.push('\n');
        } else {
            panic!("line {}: a console block starts with a `$ ` command", block.line + i);
        }
    }
    steps
}

/// Runs `command` through `sh` in `dir`, with the built `waveplan` first on
/// the path: its exit status and what it printed (stdout, then stderr).
fn shell(dir: &Path, command: &str) -> (i32, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_waveplan")).parent().expect("the binary's folder").to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .expect("a PATH");
    let output = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", dir)
        .env("TZ", "UTC")
        .output()
        .expect("run sh");
    let mut printed = String::from_utf8_lossy(&output.stdout).into_owned();
    printed.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status.code().unwrap_or(-1), printed)
}

/// Runs every example of the document at `relative` (from the repository's
/// root) in order, and fails naming each that did not do what it says;
/// how many ran.
fn run_document(relative: &str) -> usize {
    let root = root();
    let markdown = std::fs::read_to_string(root.join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"));
    let scratch = tempfile::tempdir().expect("a scratch directory");
    std::os::unix::fs::symlink(root.join("samples"), scratch.path().join("samples")).expect("the samples linked");
    let mut failures = Vec::new();
    let mut ran = 0;
    for block in blocks(&markdown) {
        if let Some(why) = &block.directives.skip {
            assert!(!why.is_empty(), "{relative}:{}: a skipped block says why", block.line);
            continue;
        }
        for before in &block.directives.before {
            let (code, printed) = shell(scratch.path(), before);
            assert_eq!(code, 0, "{relative}:{}: the set-up `{before}` failed:\n{printed}", block.line);
        }
        let steps = if block.kind == "console" { console_steps(&block) } else { sh_steps(&block) };
        for step in steps {
            ran += 1;
            let (code, printed) = shell(scratch.path(), &step.command);
            let place = format!("{relative}:{}: `{}`", step.line, step.command);
            if code != block.directives.exit {
                failures.push(format!("{place} exited {code}, not {}:\n{printed}", block.directives.exit));
                continue;
            }
            if let Some(shown) = step.shown
                && let Err(difference) = snapbox::Assert::new().try_eq(
                    Some(&place),
                    snapbox::Data::text(printed),
                    snapbox::Data::text(shown),
                )
            {
                failures.push(difference.to_string());
            }
        }
    }
    assert!(failures.is_empty(), "{} of {ran} examples failed:\n\n{}", failures.len(), failures.join("\n\n"));
    ran
}

#[test]
fn the_readme_run_top_to_bottom_on_the_sample_works() {
    let ran = run_document("README.md");
    assert!(ran >= 30, "the README's command section ran {ran} commands; did its blocks stop being read?");
}

#[test]
fn every_example_in_docs_works() {
    let mut documents: Vec<String> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|name| name.ends_with(".md"))
        .collect();
    documents.sort();
    let ran: usize = documents.iter().map(|document| run_document(&format!("docs/{document}"))).sum();
    assert!(ran >= 4, "the docs' examples ran {ran} commands; did their blocks stop being read?");
}

#[test]
fn the_samples_readmes_work() {
    assert!(run_document("samples/README.md") >= 3);
    assert!(run_document("samples/hospital-raw/README.md") >= 2);
}

#[test]
fn a_transcript_that_says_what_the_command_does_not_print_is_caught() {
    // The harness itself: a console block whose output is wrong must fail,
    // or every test above could pass on anything.
    let block = Block {
        kind: "console".into(),
        line: 1,
        text: "$ waveplan --version\nwaveplan 0.0.0-not-this\n".into(),
        directives: Directives::default(),
    };
    let step = console_steps(&block).pop().expect("one step");
    let scratch = tempfile::tempdir().expect("a scratch directory");
    let (code, printed) = shell(scratch.path(), &step.command);
    assert_eq!(code, 0, "{printed}");
    let shown = step.shown.expect("a transcript");
    assert!(
        snapbox::Assert::new().try_eq(None, snapbox::Data::text(printed.clone()), snapbox::Data::text(shown)).is_err()
    );
    let pattern = "waveplan [..]\n";
    assert!(snapbox::Assert::new().try_eq(None, snapbox::Data::text(printed), snapbox::Data::text(pattern)).is_ok());
}

#[test]
fn directives_and_continuations_are_read_as_written() {
    let markdown = "text\n\n<!-- test: before: waveplan demo -->\n<!-- test: exit 1 -->\n```sh\ncargo build\nwaveplan plan p.waveplan \\\n    --wave-days 7   # a comment\n```\n\n<!-- test: skip: needs a display -->\n```sh\nwaveplan-desktop\n```\n";
    let found = blocks(markdown);
    assert_eq!(found.len(), 2);
    assert_eq!(
        (found[0].directives.before.as_slice(), found[0].directives.exit),
        (&["waveplan demo".to_string()][..], 1)
    );
    let steps = sh_steps(&found[0]);
    assert_eq!(steps.len(), 1, "cargo is not run");
    assert_eq!(
        (steps[0].line, steps[0].command.as_str()),
        (7, "waveplan plan p.waveplan  --wave-days 7   # a comment")
    );
    assert_eq!(found[1].directives.skip.as_deref(), Some("needs a display"));
}
