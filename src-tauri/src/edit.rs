//! Edits of applications' planning fields, inline or for a selection at
//! once, validated with the model's own vocabularies and parsers (the same
//! spellings the importers accept), so the table refuses what an import
//! would refuse. A bulk edit reads its value once and sets it on every
//! application named, or on none.

use std::collections::HashMap;

use waveplan_core::{Application, Environment, Estate, MaintenanceWindow, Strategy, Tier};

use crate::error::{AppError, AppResult};

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
    /// Reads `value` for `field` with the model's spellings; an empty text clears it.
    pub fn parse(field: &str, value: &str) -> AppResult<PlanningValue> {
        let value = value.trim();
        let empty = value.is_empty();
        macro_rules! vocabulary {
            ($t:ty) => {
                if empty {
                    None
                } else {
                    Some(<$t>::parse(value).ok_or_else(|| {
                        AppError::invalid(field, format!("'{value}' is not one of {}", <$t>::expected()))
                    })?)
                }
            };
        }
        let minutes = || -> AppResult<Option<u32>> {
            if empty {
                return Ok(None);
            }
            value
                .parse::<u32>()
                .map(Some)
                .map_err(|_| AppError::invalid(field, format!("'{value}' is not a whole number of minutes")))
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
                Some(MaintenanceWindow::parse(value).map_err(|message| AppError::invalid(field, message))?)
            }),
            other => return Err(AppError::invalid(other, "this field cannot be edited here")),
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
pub fn set_applications_field(estate: &mut Estate, names: &[String], field: &str, value: &str) -> AppResult<usize> {
    if names.is_empty() {
        return Err(AppError::invalid(field, "select at least one application"));
    }
    let value = PlanningValue::parse(field, value)?;
    let index: HashMap<&str, usize> =
        estate.applications.iter().enumerate().map(|(i, a)| (a.name.as_str(), i)).collect();
    let mut chosen = names
        .iter()
        .map(|name| {
            index
                .get(name.as_str())
                .copied()
                .ok_or_else(|| AppError::NotFound { what: "application".into(), name: name.clone() })
        })
        .collect::<AppResult<Vec<usize>>>()?;
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

    fn set_application_field(app: &mut Application, field: &str, value: &str) -> AppResult<()> {
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
}
