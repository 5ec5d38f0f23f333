//! The board's drag and Explain as the page sees them: the session's
//! what-if answers (`waveplan_app::Session::price_move`,
//! `move_application`, `explain`) shaped into wire types, with the time
//! each took. Nothing here decides what breaks or what a move costs.

use std::time::Instant;

use waveplan_app::Session;
use waveplan_core::plan::{ObjectiveValue, WhatIf};

use crate::error::AppResult;
use crate::view;
use crate::wire::{EarlierWave, Explanation, MoveOutcome, MovePrice, PlannerObjective};

fn objective(value: &ObjectiveValue) -> PlannerObjective {
    PlannerObjective {
        traffic_days: value.traffic_days,
        between_waves: value.between_waves,
        on_premises: value.on_premises,
        waves: value.waves,
        imbalance: value.imbalance,
    }
}

fn price_view(answer: &WhatIf, started: Instant) -> MovePrice {
    MovePrice {
        application: answer.application.clone(),
        from_wave: answer.from_wave,
        to_wave: answer.to_wave,
        moves_with: answer.moves_with.clone(),
        broken: answer.broken.iter().map(view::violation).collect(),
        before: objective(&answer.before),
        after: objective(&answer.after),
        millis: started.elapsed().as_secs_f64() * 1000.0,
    }
}

/// What moving `application` to `wave` would break and do to the objective.
pub fn price(session: &mut Session, application: &str, wave: u32) -> AppResult<MovePrice> {
    let started = Instant::now();
    let answer = session.price_move(application, wave)?;
    Ok(price_view(&answer, started))
}

/// Moves `application` and its move group to `wave` (one action of the
/// session), and says what the move broke and mended.
pub fn apply(session: &mut Session, application: &str, wave: u32) -> AppResult<MoveOutcome> {
    let started = Instant::now();
    let objective_before = view::objective(session.plan()?);
    let moved = session.move_application(application, wave)?;
    let price = price_view(&moved.answer, started);
    let after = session.plan()?;
    let was: Vec<_> = moved.violations_before.iter().map(view::violation).collect();
    let now: Vec<_> = after.violations.iter().map(view::violation).collect();
    Ok(MoveOutcome {
        mended: was.iter().filter(|v| !now.contains(v)).cloned().collect(),
        broken: price.broken.clone(),
        before: objective_before,
        board: view::board(session.estate(), after, session.scenario()),
        moved: moved.answer.moves_with.clone(),
        millis: started.elapsed().as_secs_f64() * 1000.0,
        price,
    })
}

/// Why `application` is in its wave, and what each earlier wave would break.
pub fn explain(session: &mut Session, application: &str) -> AppResult<Explanation> {
    let explained = session.explain(application)?;
    Ok(Explanation {
        application: explained.application,
        wave: explained.wave,
        reasons: explained.reasons,
        group_reasons: explained.group_reasons,
        moves_with: explained.moves_with,
        downtime_steps: explained.downtime_steps,
        earlier: explained
            .earlier
            .iter()
            .map(|(wave, broken)| EarlierWave { wave: *wave, broken: broken.iter().map(view::violation).collect() })
            .collect(),
    })
}
