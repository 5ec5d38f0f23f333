//! Inline edits of an application's planning fields, validated with the
//! model's own vocabularies and parsers (the same spellings the importers
//! accept), so the table refuses what an import would refuse.

use waveplan_core::{Application, Environment, MaintenanceWindow, Strategy, Tier};

use crate::error::{AppError, AppResult};

/// Sets `field` of `app` from the text typed; an empty text clears it.
pub fn set_application_field(app: &mut Application, field: &str, value: &str) -> AppResult<()> {
    let value = value.trim();
    let empty = value.is_empty();
    macro_rules! vocabulary {
        ($t:ty, $target:expr) => {
            $target =
                if empty {
                    None
                } else {
                    Some(<$t>::parse(value).ok_or_else(|| {
                        AppError::invalid(field, format!("'{value}' is not one of {}", <$t>::expected()))
                    })?)
                }
        };
    }
    let minutes = |text: &str| -> AppResult<Option<u32>> {
        if text.is_empty() {
            return Ok(None);
        }
        text.parse::<u32>()
            .map(Some)
            .map_err(|_| AppError::invalid(field, format!("'{text}' is not a whole number of minutes")))
    };
    match field {
        "tier" => vocabulary!(Tier, app.tier),
        "strategy" => vocabulary!(Strategy, app.strategy),
        "environment" => vocabulary!(Environment, app.environment),
        "rto_minutes" => app.rto_minutes = minutes(value)?,
        "rpo_minutes" => app.rpo_minutes = minutes(value)?,
        "maintenance_window" => {
            app.maintenance_window = if empty {
                None
            } else {
                Some(MaintenanceWindow::parse(value).map_err(|message| AppError::invalid(field, message))?)
            }
        }
        other => return Err(AppError::invalid(other, "this field cannot be edited here")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
