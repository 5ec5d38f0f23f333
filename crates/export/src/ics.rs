//! The cutover calendar as iCalendar (RFC 5545), for Outlook, Google
//! Calendar and Apple Calendar: each wave as an all-day span (free), each
//! cutover window of a wave as a timed event (busy) listing what cuts over,
//! and each blackout period as an all-day busy event.
//!
//! Times are floating local times (no `Z`, no `TZID`): cutover times are
//! the site's local time, and a floating time shows at that clock time in
//! whatever zone the calendar is in. Lines end in CRLF and are folded at 75
//! octets without splitting a character; TEXT values are escaped.
//!
//! A calendar is imported again after every re-plan, so an event must keep
//! its identity when its date moves: a UID is the project's identifier
//! ([`Options::project_id`]) and a key of what the event is (the wave's
//! number, the application leading a cutover, the blackout's name), never a
//! date; and every event carries a `SEQUENCE` that grows with the time of
//! the export, so a calendar replaces the event it holds with the newer one.

use std::io::Write;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use waveplan_core::{Estate, Plan};

use crate::ExportError;
use crate::format::{Options, Scope, placement_in_scope};
use crate::view::{PlanView, duration_text};

/// Escapes an iCalendar TEXT value.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (RFC 5545 §3.1), ending every physical line in CRLF.
pub fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
    out
}

struct Calendar {
    text: String,
}

impl Calendar {
    fn line(&mut self, name: &str, value: &str) {
        self.text.push_str(&fold_line(&format!("{name}:{value}")));
    }

    fn text_line(&mut self, name: &str, value: &str) {
        self.line(name, &escape_text(value));
    }
}

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

fn date_time(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

/// Text as part of a UID: ASCII letters, digits, `-`, `_` and `.` kept,
/// every other byte percent-encoded, so two different names never give
/// the same UID and no UID holds a character a calendar could misread.
fn uid_part(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `SEQUENCE` of every event of an export made at `generated_at`: whole
/// minutes since 2020-01-01 00:00, so an export made later carries a higher
/// one (RFC 5545 §3.8.7.4: a calendar keeps the event with the highest).
pub fn sequence(generated_at: NaiveDateTime) -> u32 {
    let epoch = NaiveDate::from_ymd_opt(2020, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).unwrap_or_default();
    u32::try_from((generated_at - epoch).num_minutes().max(0)).unwrap_or(u32::MAX)
}

fn slug(text: &str) -> String {
    let s: String =
        text.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-")
}

/// Writes the calendar.
pub fn write_calendar(estate: &Estate, plan: &Plan, options: &Options, out: &mut dyn Write) -> Result<(), ExportError> {
    let view = PlanView::new(estate, plan);
    let scenario = options.scenario.clone().unwrap_or_else(|| "baseline".into());
    let title = options.title.clone().unwrap_or_else(|| "Migration".into());
    let generated_at =
        options.generated_at.unwrap_or_else(|| plan.config.start.and_hms_opt(0, 0, 0).unwrap_or_default());
    let stamp = format!("{}Z", date_time(generated_at));
    let sequence = sequence(generated_at).to_string();
    // The project's identifier keeps two projects' events apart; the scenario
    // is left out on purpose, so that the calendar of the plan adopted later
    // replaces the events people already have.
    let project = match &options.project_id {
        Some(id) => uid_part(id),
        None => format!("title-{}", uid_part(&slug(&title))),
    };
    let uid = |what: &str| format!("{what}@{project}.waveplan");
    let mut cal = Calendar { text: String::new() };
    cal.line("BEGIN", "VCALENDAR");
    cal.line("VERSION", "2.0");
    cal.line("PRODID", "-//Waveplan//Migration plan//EN");
    cal.line("CALSCALE", "GREGORIAN");
    cal.line("METHOD", "PUBLISH");
    cal.text_line("X-WR-CALNAME", &format!("{title}: cutover calendar ({scenario})"));

    for wave in &plan.waves {
        let apps: Vec<_> =
            view.placements_in_wave(wave.index).into_iter().filter(|a| placement_in_scope(&options.scope, a)).collect();
        if apps.is_empty() && options.scope != Scope::Estate {
            continue;
        }
        let unscheduled: Vec<&str> = apps.iter().filter(|a| a.cutover.is_none()).map(|a| a.name.as_str()).collect();
        let mut description = format!(
            "{} applications, {} servers, {:.0} GB replicated. Downtime {} in total, longest {}.",
            wave.applications.len(),
            wave.servers.len(),
            wave.storage_gb,
            duration_text(wave.downtime_minutes),
            duration_text(u64::from(wave.downtime_longest_minutes))
        );
        if !unscheduled.is_empty() {
            description
                .push_str(&format!("\nNo maintenance window (cutover time to agree): {}.", unscheduled.join(", ")));
        }
        cal.line("BEGIN", "VEVENT");
        cal.line("UID", &uid(&format!("wave-{}", wave.index)));
        cal.line("DTSTAMP", &stamp);
        cal.line("SEQUENCE", &sequence);
        cal.line("DTSTART;VALUE=DATE", &date(wave.start));
        cal.line("DTEND;VALUE=DATE", &date(wave.end + Duration::days(1)));
        cal.text_line("SUMMARY", &format!("{}: {} to {}", wave.name, wave.start, wave.end));
        cal.text_line("DESCRIPTION", &description);
        cal.line("TRANSP", "TRANSPARENT");
        cal.text_line("CATEGORIES", "Migration wave");
        cal.line("END", "VEVENT");

        // One event per opening of a maintenance window: the applications the
        // schedule puts in it, each on its track and slot.
        for (start, minutes, apps) in view.window_openings(wave.index, &options.scope) {
            let names: Vec<&str> = apps.iter().map(|a| a.name.as_str()).collect();
            let shown = if names.len() > 3 {
                format!("{} (+{})", names[..3].join(", "), names.len() - 3)
            } else {
                names.join(", ")
            };
            let mut description = String::new();
            for app in &apps {
                let fits = match app.fits_window {
                    Some(false) => " (does NOT fit the window)",
                    _ => "",
                };
                let slot = match (crate::view::cutover_start(app), app.schedule.track) {
                    (Some(at), Some(track)) => format!("{} on track {track}", at.format("%H:%M")),
                    (Some(at), None) => at.format("%H:%M").to_string(),
                    _ => String::new(),
                };
                description.push_str(&format!(
                    "{slot}: {}: {} server{}, {}, downtime {}{fits}.\n",
                    app.name,
                    app.servers,
                    if app.servers == 1 { "" } else { "s" },
                    app.downtime.method,
                    duration_text(u64::from(app.downtime.minutes))
                ));
            }
            cal.line("BEGIN", "VEVENT");
            // An application is in one cutover event: the first of the event's
            // names keys it, so a cutover that moves to another day, or
            // another wave, updates the event that announced it.
            let lead = names.iter().min().copied().unwrap_or_default();
            cal.line("UID", &uid(&format!("cutover-{}", uid_part(lead))));
            cal.line("DTSTAMP", &stamp);
            cal.line("SEQUENCE", &sequence);
            cal.line("DTSTART", &date_time(start));
            cal.line("DTEND", &date_time(start + Duration::minutes(i64::from(minutes))));
            cal.text_line("SUMMARY", &format!("Cutover, {}: {shown}", wave.name));
            cal.text_line("DESCRIPTION", description.trim_end());
            cal.line("TRANSP", "OPAQUE");
            cal.text_line("CATEGORIES", "Cutover");
            cal.line("BEGIN", "VALARM");
            cal.line("ACTION", "DISPLAY");
            cal.text_line("DESCRIPTION", &format!("Cutover in one day: {shown}"));
            cal.line("TRIGGER", "-P1D");
            cal.line("END", "VALARM");
            cal.line("END", "VEVENT");
        }
    }

    let mut blackout_names = std::collections::HashMap::new();
    for blackout in &plan.config.blackouts {
        // Keyed by name (its dates may be corrected); a name used twice gets a count.
        let seen = blackout_names.entry(blackout.name.as_str()).or_insert(0);
        *seen += 1;
        let key = match *seen {
            1 => format!("blackout-{}", uid_part(&blackout.name)),
            n => format!("blackout-{}-{n}", uid_part(&blackout.name)),
        };
        cal.line("BEGIN", "VEVENT");
        cal.line("UID", &uid(&key));
        cal.line("DTSTAMP", &stamp);
        cal.line("SEQUENCE", &sequence);
        cal.line("DTSTART;VALUE=DATE", &date(blackout.start));
        cal.line("DTEND;VALUE=DATE", &date(blackout.end + Duration::days(1)));
        cal.text_line("SUMMARY", &format!("Blackout: {} (no cutovers)", blackout.name));
        cal.text_line(
            "DESCRIPTION",
            &format!("No cutover may happen from {} to {} (inclusive).", blackout.start, blackout.end),
        );
        cal.line("TRANSP", "OPAQUE");
        cal.text_line("CATEGORIES", "Blackout");
        cal.line("END", "VEVENT");
    }
    cal.line("END", "VCALENDAR");
    out.write_all(cal.text.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let line = format!("DESCRIPTION:{}", "é".repeat(60));
        let folded = fold_line(&line);
        for physical in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        assert_eq!(folded.replace("\r\n ", "").trim_end(), line);
    }

    #[test]
    fn uid_parts_are_injective_and_plain() {
        assert_eq!(uid_part("EHR"), "EHR");
        assert_eq!(uid_part("A B"), "A%20B");
        assert_ne!(uid_part("A B"), uid_part("A-B"));
        assert_eq!(uid_part("a@b;c"), "a%40b%3Bc");
        assert_eq!(uid_part("é"), "%C3%A9");
    }

    #[test]
    fn sequence_grows_by_the_minute_from_2020() {
        let at = |d: u32, h: u32, m: u32| NaiveDate::from_ymd_opt(2026, 12, d).unwrap().and_hms_opt(h, m, 0).unwrap();
        assert!(sequence(at(1, 9, 31)) == sequence(at(1, 9, 30)) + 1);
        assert!(sequence(at(2, 9, 30)) > sequence(at(1, 9, 30)));
        let before = NaiveDate::from_ymd_opt(2019, 6, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        assert_eq!(sequence(before), 0, "never negative");
    }

    #[test]
    fn escapes_text() {
        assert_eq!(escape_text("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
    }
}
