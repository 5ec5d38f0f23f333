//! `waveplan settings P [--scenario S] [--set KEY=VALUE]... [--file F]`: show
//! or change the constants a scenario is planned with (waves, downtime, DR),
//! validated, and re-plan the scenario so its plan matches its settings.
//!
//! Keys are the dotted paths of the plan JSON's `config` (docs/plan-json.md):
//! `wave_days`, `downtime.bandwidth_mbps`, `dr.warm_standby_ready_days`,
//! `dr.mission_critical_target` (RTO,RPO such as `4h,15m`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde_json::Value;
use waveplan_core::PlanConfig;
use waveplan_core::compare::{SettingRow, compare_plans, setting_changes, setting_text, setting_values};
use waveplan_import::native::parse_duration_minutes;

use crate::args::PlanSettings;
use crate::commands::{open_project, open_reader, plan_config};
use crate::scenario::value_text;

/// `waveplan settings`.
#[derive(clap::Args, Debug)]
pub struct SettingsArgs {
    /// The project file.
    pub project: PathBuf,
    /// The scenario whose settings to show or change.
    #[arg(long, default_value = "baseline")]
    pub scenario: String,
    /// A setting to change, as KEY=VALUE (repeatable): `downtime.bandwidth_mbps=500`,
    /// `downtime.cutover_tracks=3`, `dr.mission_critical_target=4h,15m`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// A JSON file of settings (the shape `--json` prints), merged over the current ones.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Print the settings as JSON.
    #[arg(long)]
    pub json: bool,
}

fn slot<'a>(value: &'a mut Value, key: &str) -> Option<&'a mut Value> {
    key.split('.').try_fold(value, |v, part| v.as_object_mut()?.get_mut(part))
}

/// The known key closest to an unknown one: the most words in common.
fn closest<'a>(key: &str, known: &'a [(String, Value)]) -> Option<&'a str> {
    let words = |k: &str| k.split(['.', '_']).map(str::to_lowercase).collect::<Vec<_>>();
    let wanted = words(key);
    known
        .iter()
        .map(|(k, _)| (words(k).iter().filter(|w| wanted.contains(w)).count(), k.as_str()))
        .filter(|(n, _)| *n > 0)
        .max_by_key(|(n, _)| *n)
        .map(|(_, k)| k)
}

/// `text` read as the kind of value `current` is.
fn parse_value(key: &str, text: &str, current: &Value) -> Result<Value> {
    let text = text.trim();
    let lower = text.to_lowercase();
    Ok(match current {
        Value::Bool(_) => match lower.as_str() {
            "true" | "yes" | "on" => Value::Bool(true),
            "false" | "no" | "off" => Value::Bool(false),
            _ => bail!("{key} takes true or false, not '{text}'"),
        },
        // A limit that is set can be lifted; whether the key is a limit is
        // settled when the settings are read back as a configuration.
        Value::Number(_) if matches!(lower.as_str(), "none" | "no limit") => Value::Null,
        Value::Number(n) => {
            let x: f64 = text
                .parse()
                .ok()
                .filter(|x: &f64| x.is_finite())
                .with_context(|| format!("{key} takes a number, not '{text}'"))?;
            if n.is_u64() || n.is_i64() {
                if x < 0.0 || x.fract() != 0.0 {
                    bail!("{key} takes a whole number of 0 or more, not '{text}'");
                }
                Value::from(x as u64)
            } else {
                Value::from(x)
            }
        }
        Value::String(_) => Value::String(text.to_string()),
        Value::Array(pair) if pair.len() == 2 && pair.iter().all(Value::is_number) => {
            let parts: Vec<&str> = text.split([',', '/']).collect();
            let minutes: Option<Vec<u32>> = parts.iter().map(|p| parse_duration_minutes(p)).collect();
            match minutes.as_deref() {
                Some([rto, rpo]) => Value::from(vec![*rto, *rpo]),
                _ => bail!("{key} takes an RTO and an RPO such as '4h,15m' or '240,15' (minutes), not '{text}'"),
            }
        }
        Value::Null if matches!(lower.as_str(), "none" | "no limit" | "0") => Value::Null,
        Value::Null => match text.parse::<f64>() {
            Ok(x) if x.is_finite() && x > 0.0 => Value::from(x),
            _ => serde_json::from_str(text)
                .with_context(|| format!("{key} takes a number, or 'none' for no limit, not '{text}'"))?,
        },
        _ => serde_json::from_str(text).with_context(|| format!("{key} takes JSON such as {current}, not '{text}'"))?,
    })
}

/// Merges `patch` into `value`, refusing keys `value` does not have.
fn merge(value: &mut Value, patch: &Value, prefix: &str, known: &[(String, Value)]) -> Result<()> {
    let (Value::Object(target), Value::Object(patch)) = (&mut *value, patch) else {
        *value = patch.clone();
        return Ok(());
    };
    for (k, v) in patch {
        let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        let Some(slot) = target.get_mut(k) else {
            let hint = closest(&key, known).map(|c| format!("; did you mean '{c}'?")).unwrap_or_default();
            bail!("unknown setting '{key}'{hint}");
        };
        merge(slot, v, &key, known)?;
    }
    Ok(())
}

fn print_changes(changes: &[SettingRow]) {
    if changes.is_empty() {
        println!("  no setting changed");
    }
    for row in changes {
        println!("  {}: {} → {}", row.key, row.a, row.b);
    }
}

pub fn run(args: &SettingsArgs) -> Result<ExitCode> {
    // Showing the settings only reads: it works while the app holds the project.
    let mut session = if args.set.is_empty() && args.file.is_none() {
        open_reader(&args.project, &args.scenario)?
    } else {
        let mut session = open_project(&args.project)?;
        session.use_scenario(&args.scenario)?;
        session
    };
    let config = plan_config(&session, &PlanSettings::default())?;
    let mut value = serde_json::to_value(&config)?;
    let known = setting_values(&config);

    if let Some(file) = &args.file {
        let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
        let patch: Value = serde_json::from_str(&text).with_context(|| format!("{}: not JSON", file.display()))?;
        if !patch.is_object() {
            bail!(
                "{}: expected a JSON object of settings such as {{\"downtime\": {{\"bandwidth_mbps\": 500}}}}",
                file.display()
            );
        }
        merge(&mut value, &patch, "", &known).with_context(|| format!("{}", file.display()))?;
    }
    for assignment in &args.set {
        let Some((key, text)) = assignment.split_once('=') else {
            bail!("--set takes KEY=VALUE, not '{assignment}'");
        };
        let key = key.trim();
        let Some((_, current)) = known.iter().find(|(k, _)| k == key) else {
            let hint = closest(key, &known).map(|c| format!("; did you mean '{c}'?")).unwrap_or_default();
            bail!("unknown setting '{key}'{hint} (`waveplan settings {}` lists them)", args.project.display());
        };
        let parsed = parse_value(key, text, current)?;
        if let Some(slot) = slot(&mut value, key) {
            *slot = parsed;
        }
        if let Err(error) = serde_json::from_value::<PlanConfig>(value.clone()) {
            bail!("{key} takes a value such as {}, not '{text}' ({error})", setting_text(current));
        }
    }
    let new: PlanConfig =
        serde_json::from_value(value.clone()).context("the settings do not make a plan configuration")?;
    // The session's one check of a configuration, as the desktop's panel applies it.
    let problems: Vec<String> = waveplan_app::config_problems(&new).into_iter().map(|(_, message)| message).collect();
    if !problems.is_empty() {
        bail!("nothing was saved: {}", problems.join("; "));
    }

    if args.set.is_empty() && args.file.is_none() {
        if args.json {
            println!("{}", serde_json::to_string_pretty(&value)?);
        } else {
            println!("Settings of scenario '{}' in {}:", args.scenario, args.project.display());
            let width = known.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            for (key, v) in &known {
                println!("  {key:<width$} = {}", setting_text(v));
            }
        }
        return Ok(ExitCode::SUCCESS);
    }

    // One diff of the whole settings structure, so no setting goes unsaid.
    let changes = setting_changes(&config, &new);
    let Some(old_plan) = session.plan_arc().cloned() else {
        session.save_settings(&new)?;
        print_changes(&changes);
        println!("saved; `waveplan plan {} --scenario {}` will plan with them", args.project.display(), args.scenario);
        return Ok(ExitCode::SUCCESS);
    };
    // Re-planned as `waveplan plan` plans: refused whole, nothing saved,
    // when the new settings leave no valid plan.
    let plan = session.plan_with(new).map_err(|e| anyhow::anyhow!("{}: {e}", args.project.display()))?;
    let comparison = compare_plans("before", &old_plan, "after", plan);
    println!("saved and re-planned '{}':", args.scenario);
    print_changes(&changes);
    let changed: Vec<_> = comparison.metrics.iter().filter(|m| m.a != m.b && m.measured == (true, true)).collect();
    if changed.is_empty() {
        println!("the plan's figures are unchanged");
    }
    for m in changed {
        println!("  {}: {} → {}", m.label, value_text(m, &m.a, true), value_text(m, &m.b, true));
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_as_the_kind_of_setting() {
        assert_eq!(parse_value("k", "4h,15m", &serde_json::json!([240, 15])).unwrap(), serde_json::json!([240, 15]));
        assert_eq!(parse_value("k", "90/0", &serde_json::json!([240, 15])).unwrap(), serde_json::json!([90, 0]));
        assert!(
            parse_value("k", "soon", &serde_json::json!([240, 15]))
                .unwrap_err()
                .to_string()
                .contains("such as '4h,15m'")
        );
        assert_eq!(parse_value("k", "3", &serde_json::json!(2)).unwrap(), serde_json::json!(3));
        assert!(parse_value("k", "2.5", &serde_json::json!(2)).unwrap_err().to_string().contains("whole number"));
        assert_eq!(parse_value("k", "0.8", &serde_json::json!(0.7)).unwrap(), serde_json::json!(0.8));
        assert_eq!(parse_value("k", "no", &serde_json::json!(true)).unwrap(), serde_json::json!(false));
        assert_eq!(parse_value("k", "none", &Value::Null).unwrap(), Value::Null);
        assert_eq!(parse_value("k", "40", &Value::Null).unwrap(), serde_json::json!(40.0));
    }

    #[test]
    fn an_unknown_key_is_answered_with_the_closest_known_one() {
        let known = setting_values(&PlanConfig::default());
        assert_eq!(closest("downtime.wan_mbps", &known), Some("downtime.bandwidth_mbps"));
        assert!(known.iter().any(|(k, _)| k == "dr.mission_critical_target"));
    }
}
