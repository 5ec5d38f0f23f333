//! The user actions on the inventory, the plan and the settings, each one
//! [`Session::act`] (one transaction, with its undo step and audit entry):
//! plan and re-plan, settings, pin, planning fields of one application or
//! many, proposed applications accepted, the shared-infrastructure list,
//! column mappings; and the scenario actions, audited in one transaction
//! each. The desktop's commands and the `waveplan` subcommands call these;
//! neither has a copy of any of them.

use std::collections::HashMap;

use waveplan_core::{
    Application, Constraint, Environment, Estate, MaintenanceWindow, Plan, PlanConfig, Strategy, Tier,
};
use waveplan_import::connections::{InfrastructureRules, reclassify_dependencies};
use waveplan_import::mapped::ColumnMapping;
use waveplan_store::keys;

use crate::error::{Error, Result};
use crate::session::{Audit, Session};

/// Every problem of a planner configuration, each naming its setting by
/// the dotted key `waveplan settings` takes; empty when it can plan.
pub fn config_problems(config: &PlanConfig) -> Vec<(String, String)> {
    let mut problems: Vec<(String, String)> = Vec::new();
    let mut refuse = |key: &str, message: String| problems.push((key.to_string(), message));
    for problem in config.downtime.problems() {
        refuse("downtime", problem);
    }
    for problem in config.dr.problems() {
        refuse("dr", problem);
    }
    if let Err(refusal) = waveplan_core::plausible::check_wave_days(config.wave_days) {
        refuse("wave_days", refusal);
    }
    if let Err(refusal) = waveplan_core::plausible::check_date("start", config.start) {
        refuse("start", refusal);
    }
    if config.pilot_waves > waveplan_core::plausible::MAX_WAVE {
        refuse(
            "pilot_waves",
            format!(
                "pilot_waves: {} pilot waves; a plan has at most {} waves",
                config.pilot_waves,
                waveplan_core::plausible::MAX_WAVE
            ),
        );
    }
    if config.pilot_applications > 0 && config.pilot_waves == 0 {
        refuse("pilot_waves", "a pilot of applications needs at least 1 pilot wave".into());
    }
    if !(config.downtime.bandwidth_mbps.is_finite() && config.downtime.bandwidth_mbps > 0.0) {
        refuse("downtime.bandwidth_mbps", "the bandwidth must be more than 0 Mb/s".into());
    }
    if config.max_storage_gb_per_wave.is_some_and(|gb| !(gb.is_finite() && gb > 0.0)) {
        refuse("max_storage_gb_per_wave", "most storage per wave must be more than 0 GB, or none".into());
    }
    if config.max_cutover_hours_per_wave.is_some_and(|h| !(h.is_finite() && h > 0.0)) {
        refuse("max_cutover_hours_per_wave", "most cutover hours per wave must be more than 0, or none".into());
    }
    for (key, value) in [
        ("latency_weight", config.latency_weight),
        ("dr_gap_day_weight", config.dr_gap_day_weight),
        ("coupling_threshold", config.coupling_threshold),
    ] {
        if !(value.is_finite() && value >= 0.0) {
            refuse(key, format!("{key} must be 0 or more"));
        }
    }
    for (i, b) in config.blackouts.iter().enumerate() {
        if b.name.trim().is_empty() {
            refuse(&format!("blackouts.{i}"), format!("blackout {} needs a name", i + 1));
        }
        for date in [b.start, b.end] {
            if let Err(refusal) = waveplan_core::plausible::check_date(&format!("blackout '{}'", b.name), date) {
                refuse(&format!("blackouts.{i}"), refusal);
            }
        }
        if b.end < b.start {
            refuse(
                &format!("blackouts.{i}"),
                format!("blackout '{}' ends ({}) before it starts ({})", b.name, b.end, b.start),
            );
        }
    }
    problems
}

/// The first problem of a configuration, as the error that refuses it.
pub fn check_config(config: &PlanConfig) -> Result<()> {
    match config_problems(config).into_iter().next() {
        Some((field, message)) => Err(Error::Invalid { field, message }),
        None => Ok(()),
    }
}

impl Session {
    /// Plans the scenario with `config` and saves the plan and the settings
    /// (one action). An infeasible plan is refused whole: nothing is saved,
    /// and the error carries the plan with its conflicts.
    pub fn plan_with(&mut self, config: PlanConfig) -> Result<&Plan> {
        check_config(&config)?;
        if self.estate().applications.is_empty() && self.estate().servers.is_empty() {
            return Err(Error::NoInventory { project: self.path().display().to_string() });
        }
        // A figure out of its range (kept by an older version) would make a
        // plan of impossible figures: it is corrected first.
        if let Some((server, problem)) = self
            .estate()
            .servers
            .iter()
            .find_map(|s| waveplan_core::plausible::server_problems(s).into_iter().next().map(|p| (s, p)))
        {
            return Err(Error::Invalid {
                field: format!("server '{}'", server.name),
                message: format!("{problem}; correct it and import again before planning"),
            });
        }
        let plan = waveplan_core::plan_waves(self.estate(), &config);
        if !plan.feasible {
            return Err(Error::Infeasible { plan: Box::new(plan) });
        }
        let label = if self.plan_arc().is_some() { "re-plan" } else { "plan" };
        let audit = Audit::new(
            "plan",
            format!(
                "planned scenario '{}': {} waves, {} applications moving, {} hard violations",
                self.scenario(),
                plan.metrics.waves,
                plan.metrics.applications_migrating,
                plan.metrics.hard_violations
            ),
            vec![self.scenario().to_string()],
        );
        self.act(label, audit, |draft| {
            draft.set_new_plan(plan);
            draft.set_setting(keys::PLAN_CONFIG, &config)
        })?;
        self.plan()
    }

    /// Saves planner settings without planning (a scenario with no plan yet).
    pub fn save_settings(&mut self, config: &PlanConfig) -> Result<()> {
        check_config(config)?;
        let audit = Audit::new(
            "settings",
            format!("changed the planner settings of scenario '{}'", self.scenario()),
            vec![self.scenario().to_string()],
        );
        self.act("change settings", audit, |draft| draft.set_setting(keys::PLAN_CONFIG, config))
    }

    /// Pins an application to its current wave (a constraint the next
    /// re-plan keeps), or unpins it.
    pub fn set_pinned(&mut self, application: &str, pinned: bool) -> Result<()> {
        let wave = self.plan()?.applications.iter().find(|p| p.name == application).map(|p| p.wave);
        let id = self.estate().app_ids().find(|&a| self.estate().application(a).name == application);
        let (Some(wave), Some(id)) = (wave, id) else {
            return Err(Error::not_found("application in the plan", application));
        };
        let (label, summary) = if pinned {
            (format!("pin {application}"), format!("pinned {application} to wave {wave}"))
        } else {
            (format!("unpin {application}"), format!("unpinned {application} from wave {wave}"))
        };
        self.act(&label, Audit::new(if pinned { "pin" } else { "unpin" }, summary, vec![application.into()]), |d| {
            let estate = d.estate_mut();
            estate.constraints.retain(|c| !matches!(c, Constraint::PinWave { app, .. } if *app == id));
            if pinned {
                estate.constraints.push(Constraint::PinWave {
                    app: id,
                    wave,
                    reason: Some("pinned on the board".into()),
                });
            }
            Ok(())
        })
    }

    /// Sets a planning field of every application named, from one text
    /// read once: all of them or, when a name is unknown or the value
    /// refused, none. Returns how many applications were set.
    pub fn edit_applications(&mut self, applications: &[String], field: &str, value: &str) -> Result<usize> {
        let label = match applications {
            [one] => format!("edit {field} of {one}"),
            many => format!("set {field} of {} applications", many.len()),
        };
        let shown = if value.trim().is_empty() { "nothing".to_string() } else { format!("'{}'", value.trim()) };
        let summary = match applications {
            [one] => format!("set {field} of {one} to {shown}"),
            many => format!("set {field} of {} applications to {shown}", many.len()),
        };
        let audit = Audit::new("edit", summary, applications.to_vec());
        self.act(&label, audit, |d| set_applications_field(d.estate_mut(), applications, field, value))
    }

    /// Adds proposed applications to the inventory, tagged `proposed=true`.
    pub fn accept_proposals(&mut self, proposals: &[waveplan_core::propose::ApplicationProposal]) -> Result<usize> {
        if proposals.is_empty() {
            return Ok(0);
        }
        let names: Vec<String> = proposals.iter().map(|p| p.name.clone()).collect();
        let audit = Audit::new(
            "accept proposals",
            format!("accepted {} proposed applications", proposals.len()),
            names.clone(),
        );
        self.act("accept proposed applications", audit, |d| {
            let estate = d.estate_mut();
            for proposal in proposals {
                estate.applications.push(Application {
                    name: proposal.name.clone(),
                    servers: proposal.servers.clone(),
                    tags: [("proposed".to_string(), "true".to_string())].into(),
                    provenance: [("name".to_string(), "proposal".to_string())].into(),
                    ..Default::default()
                });
            }
            Ok(proposals.len())
        })
    }

    /// The project's shared-infrastructure list, or the built-in one.
    pub fn infrastructure_rules(&self) -> Result<InfrastructureRules> {
        Ok(self.project().setting(keys::INFRASTRUCTURE_RULES)?.unwrap_or_default())
    }

    /// Replaces the shared-infrastructure list and re-classifies the
    /// observed dependencies on the ports it touched, in one action.
    /// Returns how many dependencies were re-classified.
    pub fn set_infrastructure_rules(&mut self, rules: &InfrastructureRules) -> Result<usize> {
        let before = self.infrastructure_rules()?;
        if *rules == before {
            return Ok(0);
        }
        let audit = Audit::new("infrastructure", "changed the shared-infrastructure ports", Vec::new());
        self.act("change shared-infrastructure ports", audit, |d| {
            let changed = reclassify_dependencies(d.estate_mut(), &before, rules);
            d.set_setting(keys::INFRASTRUCTURE_RULES, rules)?;
            Ok(changed)
        })
    }

    /// Saves a column mapping under its name (replacing one of that name).
    pub fn save_mapping(&mut self, mapping: &ColumnMapping) -> Result<()> {
        if mapping.name.trim().is_empty() {
            return Err(Error::invalid("name", "a mapping needs a name"));
        }
        let audit = Audit::new(
            "mapping",
            format!("saved the column mapping '{}' for {}", mapping.name, mapping.table.as_str()),
            vec![mapping.name.clone()],
        );
        let key = keys::mapping(&mapping.name);
        self.act(&format!("save mapping {}", mapping.name), audit, |d| d.set_setting(&key, mapping))
    }

    /// The column mappings saved in the project.
    pub fn saved_mappings(&self) -> Result<Vec<ColumnMapping>> {
        let mut out = Vec::new();
        for key in self.project().setting_keys(keys::MAPPING_PREFIX)? {
            if let Some(mapping) = self.project().setting::<ColumnMapping>(&key)? {
                out.push(mapping);
            }
        }
        Ok(out)
    }
}

/// Scenarios: named plans of one project.
impl Session {
    /// Copies scenario `from` (settings and plan) to the new name `to`.
    pub fn copy_scenario(&mut self, from: &str, to: &str) -> Result<()> {
        let to = to.trim();
        let audit = Audit::new(
            "copy scenario",
            format!("copied scenario '{from}' to '{to}'"),
            vec![from.to_string(), to.to_string()],
        );
        self.act_on_file(audit, |w| Ok(w.copy_scenario(from, to)?))
    }

    /// Renames a scenario, following it when it is the session's.
    pub fn rename_scenario(&mut self, from: &str, to: &str) -> Result<()> {
        let to = to.trim().to_string();
        let board = self.scenario() == from;
        let audit = Audit::new(
            "rename scenario",
            format!("renamed scenario '{from}' to '{to}'"),
            vec![from.to_string(), to.clone()],
        );
        let board_setting: Option<String> = self.project().setting(crate::session::BOARD_SCENARIO_SETTING)?;
        self.act_on_file(audit, |w| {
            w.rename_scenario(from, &to)?;
            if board_setting.as_deref() == Some(from) {
                w.set_setting(crate::session::BOARD_SCENARIO_SETTING, &to)?;
            }
            Ok(())
        })?;
        if board {
            self.follow_rename(&to);
        }
        Ok(())
    }

    /// Deletes a scenario other than the session's.
    pub fn delete_scenario(&mut self, name: &str) -> Result<()> {
        if name == self.scenario() {
            return Err(Error::invalid(
                "scenario",
                format!("'{name}' is on the board: switch to another scenario before deleting it"),
            ));
        }
        let audit = Audit::new("delete scenario", format!("deleted scenario '{name}'"), vec![name.to_string()]);
        self.act_on_file(
            audit,
            |w| {
                if w.delete_scenario(name)? { Ok(()) } else { Err(Error::not_found("scenario", name)) }
            },
        )
    }
}

/// A planning field's new value, read once from the text typed and then
/// set on as many applications as asked; `None` clears the field.
#[derive(Clone, Debug, PartialEq)]
pub enum PlanningValue {
    /// Criticality tier.
    Tier(Option<Tier>),
    /// Migration strategy.
    Strategy(Option<Strategy>),
    /// Environment.
    Environment(Option<Environment>),
    /// Recovery time objective, minutes.
    RtoMinutes(Option<u32>),
    /// Recovery point objective, minutes.
    RpoMinutes(Option<u32>),
    /// Maintenance window.
    MaintenanceWindow(Option<MaintenanceWindow>),
}

impl PlanningValue {
    /// Reads `value` for `field` with the model's spellings (the ones the
    /// importers accept); an empty text clears it.
    pub fn parse(field: &str, value: &str) -> Result<PlanningValue> {
        let value = value.trim();
        let empty = value.is_empty();
        macro_rules! vocabulary {
            ($t:ty) => {
                if empty {
                    None
                } else {
                    Some(<$t>::parse(value).ok_or_else(|| {
                        Error::invalid(field, format!("'{value}' is not one of {}", <$t>::expected()))
                    })?)
                }
            };
        }
        let minutes = || -> Result<Option<u32>> {
            if empty {
                return Ok(None);
            }
            let minutes = value
                .parse::<u32>()
                .map_err(|_| Error::invalid(field, format!("'{value}' is not a whole number of minutes")))?;
            // The range the importers keep, refused the same way.
            waveplan_core::plausible::check_recovery_minutes(field, minutes).map_err(|refusal| {
                Error::invalid(field, refusal.split_once(": ").map_or(refusal.clone(), |(_, why)| why.to_string()))
            })?;
            Ok(Some(minutes))
        };
        Ok(match field {
            "tier" => PlanningValue::Tier(vocabulary!(Tier)),
            "strategy" => PlanningValue::Strategy(vocabulary!(Strategy)),
            "environment" => PlanningValue::Environment(vocabulary!(Environment)),
            "rto_minutes" => PlanningValue::RtoMinutes(minutes()?),
            "rpo_minutes" => PlanningValue::RpoMinutes(minutes()?),
            "maintenance_window" => PlanningValue::MaintenanceWindow(if empty {
                None
            } else {
                Some(MaintenanceWindow::parse(value).map_err(|message| Error::invalid(field, message))?)
            }),
            other => return Err(Error::invalid(other, "this field cannot be edited here")),
        })
    }

    /// Sets the value on `app`.
    pub fn set(&self, app: &mut Application) {
        match self {
            PlanningValue::Tier(v) => app.tier = *v,
            PlanningValue::Strategy(v) => app.strategy = *v,
            PlanningValue::Environment(v) => app.environment = *v,
            PlanningValue::RtoMinutes(v) => app.rto_minutes = *v,
            PlanningValue::RpoMinutes(v) => app.rpo_minutes = *v,
            PlanningValue::MaintenanceWindow(v) => app.maintenance_window = v.clone(),
        }
    }
}

/// Sets `field` of every application named, from one text read once: all
/// of them or, when a name is unknown or the value refused, none. Returns
/// how many applications were set (a name given twice counts once).
pub fn set_applications_field(estate: &mut Estate, names: &[String], field: &str, value: &str) -> Result<usize> {
    if names.is_empty() {
        return Err(Error::invalid(field, "select at least one application"));
    }
    let value = PlanningValue::parse(field, value)?;
    let index: HashMap<&str, usize> =
        estate.applications.iter().enumerate().map(|(i, a)| (a.name.as_str(), i)).collect();
    let mut chosen = names
        .iter()
        .map(|name| index.get(name.as_str()).copied().ok_or_else(|| Error::not_found("application", name.clone())))
        .collect::<Result<Vec<usize>>>()?;
    chosen.sort_unstable();
    chosen.dedup();
    for &i in &chosen {
        value.set(&mut estate.applications[i]);
    }
    Ok(chosen.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_application_field(app: &mut Application, field: &str, value: &str) -> Result<()> {
        PlanningValue::parse(field, value)?.set(app);
        Ok(())
    }

    #[test]
    fn planning_fields_are_validated_with_the_model_spellings() {
        let mut app = Application { name: "billing".into(), ..Default::default() };
        set_application_field(&mut app, "tier", "tier 1").expect("alias");
        assert_eq!(app.tier, Some(Tier::BusinessCritical));
        let error = set_application_field(&mut app, "tier", "gold").expect_err("not a tier");
        assert!(error.to_string().starts_with("tier: 'gold' is not one of"), "{error}");
        assert_eq!(app.tier, Some(Tier::BusinessCritical), "a refused value changes nothing");
        set_application_field(&mut app, "rto_minutes", "240").expect("minutes");
        assert_eq!(app.rto_minutes, Some(240));
        assert!(set_application_field(&mut app, "rpo_minutes", "-5").is_err());
        let error = set_application_field(&mut app, "rto_minutes", "600000").expect_err("more than a year");
        assert_eq!(
            error.to_string(),
            "rto_minutes: 600000 minutes is more than a year; a recovery target is at most 525600 minutes (365 days)"
        );
        assert_eq!(app.rto_minutes, Some(240), "a refused value changes nothing");
        set_application_field(&mut app, "maintenance_window", "Sun 01:00-05:00").expect("window");
        assert!(app.maintenance_window.is_some());
        assert!(set_application_field(&mut app, "maintenance_window", "whenever").is_err());
        set_application_field(&mut app, "strategy", "").expect("clear");
        assert_eq!(app.strategy, None);
        assert!(set_application_field(&mut app, "name", "x").is_err());
    }

    fn estate() -> Estate {
        let mut estate = Estate::default();
        for name in ["billing", "ehr", "pacs"] {
            estate.applications.push(Application { name: name.into(), ..Default::default() });
        }
        estate
    }

    #[test]
    fn a_selection_is_set_at_once_or_not_at_all() {
        let mut estate = estate();
        let names = vec!["pacs".to_string(), "billing".to_string(), "pacs".to_string()];
        assert_eq!(set_applications_field(&mut estate, &names, "strategy", "rehost").expect("valid"), 2);
        let strategies: Vec<_> = estate.applications.iter().map(|a| a.strategy).collect();
        assert_eq!(strategies, vec![Some(Strategy::Rehost), None, Some(Strategy::Rehost)]);

        let before = estate.clone();
        let error = set_applications_field(&mut estate, &names, "tier", "gold").expect_err("not a tier");
        assert!(error.to_string().starts_with("tier: 'gold' is not one of"), "{error}");
        let unknown = vec!["ehr".to_string(), "nobody".to_string()];
        let error = set_applications_field(&mut estate, &unknown, "tier", "tier 1").expect_err("unknown");
        assert_eq!(error.to_string(), "no application named 'nobody'");
        assert!(set_applications_field(&mut estate, &[], "tier", "tier 1").is_err());
        assert_eq!(estate.applications, before.applications, "a refused bulk edit changes nothing");
    }

    #[test]
    fn a_pilot_without_pilot_waves_is_refused_by_the_one_check() {
        let config = PlanConfig { pilot_applications: 3, pilot_waves: 0, ..PlanConfig::default() };
        let error = check_config(&config).expect_err("no pilot wave");
        assert_eq!(error.to_string(), "pilot_waves: a pilot of applications needs at least 1 pilot wave");
        let config = PlanConfig { wave_days: 0, ..PlanConfig::default() };
        assert!(check_config(&config).is_err());
        assert!(check_config(&PlanConfig::default()).is_ok());
    }
}
