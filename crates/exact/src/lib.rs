//! The exact model of wave planning: the same [`Problem`] the heuristic
//! planner solves, as a mixed-integer programme, solved to proven optimality
//! for small estates (tens of move groups, a handful of waves).
//!
//! It is the planner's oracle: the tests and `cargo xtask bench-planner`
//! compare the heuristic with it. Variables: `x[g][w]` (group `g` in wave
//! `w`, only for waves the group's own bounds, the pilot and the calendar
//! allow), the wave of each group `y[g] = Σ w·x[g][w]`, the distance `d` of
//! each pair of groups that talk, and the last wave `L`. Constraints: one
//! wave per group, precedence (`y[s] ≥ y[p] + offset`), every capacity of
//! every wave, keep-apart. The cutover-track check of `downtime::cutovers_fit`
//! (which needs a schedule of each wave) is left out: the model is then a
//! relaxation, and its optimum a proven lower bound. The planner keeps a
//! group in every pilot wave (the pilot is there to prove the process, and
//! an empty first wave only delays the programme), and the applications its
//! packing put there; [`Pilot::Applications`] asks the model for the same,
//! [`Pilot::Kept`] for one group a pilot wave, [`Pilot::MayBeEmpty`] for none. Objective:
//! traffic-days (`days × (Σ weight·d + Σ staying·(L − y))`), then a small
//! weight on `L` so that fewer waves win ties.
//!
//! Two solvers, through good_lp: the pure-Rust `microlp` (always there; it
//! builds with no C++ toolchain and proves optima of about twenty groups in
//! seconds), and, with the crate's `highs` feature, HiGHS built from source
//! (cmake and a C++ compiler), which proves forty-group optima in seconds
//! where microlp takes minutes (see BENCHMARKS.md). No IO.

#![warn(missing_docs)]

use good_lp::{Constraint, Expression, ProblemVariables, Solution, SolverModel, Variable, microlp, variable};
use waveplan_core::plan::problem::RESOURCES;
use waveplan_core::plan::{ObjectiveValue, Problem, evaluate};

/// Why the exact model gave no answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExactError {
    /// The problem has conflicts: no assignment keeps every constraint.
    #[error("the problem has conflicts: {0}")]
    Conflicting(String),
    /// The solver proved that no assignment fits in the waves allowed.
    #[error("no assignment of {groups} groups fits in {waves} waves")]
    Infeasible {
        /// Groups.
        groups: usize,
        /// Waves allowed.
        waves: u32,
    },
    /// The solver failed.
    #[error("the solver failed: {0}")]
    Solver(String),
}

/// A proven optimum.
#[derive(Clone, Debug, PartialEq)]
pub struct Optimum {
    /// Wave of each group.
    pub waves: Vec<u32>,
    /// Its objective, priced by the same function the planner uses.
    pub value: ObjectiveValue,
}

/// The MIP solver the model is handed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Solver {
    /// good_lp's pure-Rust solver.
    Microlp,
    /// HiGHS (the crate's `highs` feature), one thread, no gap tolerance.
    #[cfg(feature = "highs")]
    Highs,
}

impl Solver {
    /// The best solver this build has: HiGHS when built in, else microlp.
    pub fn best() -> Solver {
        #[cfg(feature = "highs")]
        return Solver::Highs;
        #[cfg(not(feature = "highs"))]
        Solver::Microlp
    }

    /// Its name, for reports.
    pub fn name(self) -> &'static str {
        match self {
            Solver::Microlp => "microlp",
            #[cfg(feature = "highs")]
            Solver::Highs => "HiGHS",
        }
    }
}

/// What the pilot waves must hold, as the planner keeps them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pilot {
    /// Every pilot wave holds at least one group.
    Kept,
    /// A pilot wave may be left empty.
    MayBeEmpty,
    /// Every pilot wave holds at least this many applications (the planner
    /// keeps what its packing put in each pilot wave, up to the pilot's
    /// applications: pass the least of them).
    Applications(u32),
}

/// Solves the problem exactly with waves `1..=max_waves`, with microlp, a
/// pilot wave allowed to be empty (the relaxation: a lower bound on every plan).
pub fn solve(problem: &Problem, max_waves: u32) -> Result<Optimum, ExactError> {
    solve_with(problem, max_waves, Solver::Microlp, Pilot::MayBeEmpty)
}

fn run<M: SolverModel<Error = good_lp::ResolutionError>>(
    mut model: M,
    constraints: Vec<Constraint>,
    x: &[Vec<(u32, Variable)>],
) -> Result<Vec<u32>, good_lp::ResolutionError> {
    for c in constraints {
        model = model.with(c);
    }
    let solution = model.solve()?;
    Ok(x.iter()
        .map(|options| {
            options.iter().max_by(|a, b| solution.value(a.1).total_cmp(&solution.value(b.1))).map_or(1, |o| o.0)
        })
        .collect())
}

/// Solves the problem exactly with waves `1..=max_waves` with the given solver.
pub fn solve_with(problem: &Problem, max_waves: u32, solver: Solver, pilot: Pilot) -> Result<Optimum, ExactError> {
    if let Some(conflict) = problem.conflicts.first() {
        return Err(ExactError::Conflicting(conflict.message.clone()));
    }
    let n = problem.groups.len();
    let waves = max_waves.min(problem.horizon).max(1);
    let mut vars = ProblemVariables::new();
    // x[g] = [(wave, variable)] over the waves the group may take.
    let mut x: Vec<Vec<(u32, Variable)>> = Vec::with_capacity(n);
    for g in 0..n as u32 {
        let allowed: Vec<(u32, Variable)> =
            (1..=waves).filter(|&w| problem.allowed(g, w)).map(|w| (w, vars.add(variable().binary()))).collect();
        if allowed.is_empty() {
            return Err(ExactError::Infeasible { groups: n, waves });
        }
        x.push(allowed);
    }
    let wave_of = |g: usize| -> Expression { x[g].iter().map(|&(w, v)| f64::from(w) * v).sum() };
    let last = vars.add(variable().integer().min(1).max(f64::from(waves)));
    let distance: Vec<Variable> = problem.links.iter().map(|_| vars.add(variable().min(0.0))).collect();

    let days = f64::from(problem.wave_days);
    let mut objective = Expression::from(0.0);
    for (&(_, _, weight), &d) in problem.links.iter().zip(&distance) {
        objective += days * weight * d;
    }
    let staying_total: f64 = problem.staying.iter().sum();
    objective += days * staying_total * last;
    for (g, &s) in problem.staying.iter().enumerate() {
        if s > 0.0 {
            objective -= days * s * wave_of(g);
        }
    }
    // Fewer waves break ties, worth less than the smallest traffic change.
    let smallest = problem
        .links
        .iter()
        .map(|l| l.2)
        .chain(problem.staying.iter().copied())
        .filter(|&w| w > 0.0)
        .fold(f64::INFINITY, f64::min);
    let tie = if smallest.is_finite() { smallest * days * 1e-3 } else { 1.0 };
    objective += tie * last;

    let mut constraints: Vec<Constraint> = Vec::new();
    for (g, options) in x.iter().enumerate() {
        let one: Expression = options.iter().map(|&(_, v)| v).sum();
        constraints.push(one.eq(1.0));
        constraints.push(Expression::from(last).geq(wave_of(g)));
    }
    for edge in &problem.edges {
        let (p, s) = (edge.pred as usize, edge.succ as usize);
        constraints.push((wave_of(s) - wave_of(p)).geq(f64::from(edge.offset)));
    }
    for (&(a, b, _), &d) in problem.links.iter().zip(&distance) {
        let (ya, yb) = (wave_of(a as usize), wave_of(b as usize));
        constraints.push((Expression::from(d) - ya.clone() + yb.clone()).geq(0.0));
        constraints.push((Expression::from(d) - yb + ya).geq(0.0));
    }
    for w in 1..=waves {
        let in_wave = |g: usize| x[g].iter().find(|&&(ww, _)| ww == w).map(|&(_, v)| v);
        if w <= problem.pilot_waves {
            match pilot {
                Pilot::Kept => {
                    let held: Expression = (0..n).filter_map(in_wave).sum();
                    constraints.push(held.geq(1.0));
                }
                Pilot::Applications(apps) if apps > 0 => {
                    let held: Expression =
                        (0..n).filter_map(|g| in_wave(g).map(|v| problem.groups[g].need[1] * v)).sum();
                    constraints.push(held.geq(f64::from(apps)));
                }
                _ => {}
            }
        }
        for r in 0..RESOURCES {
            if let Some(cap) = problem.cap(r, w) {
                let load: Expression = (0..n).filter_map(|g| in_wave(g).map(|v| problem.groups[g].need[r] * v)).sum();
                constraints.push(load.leq(cap));
            }
        }
        for &(a, b, _) in &problem.apart {
            if let (Some(va), Some(vb)) = (in_wave(a as usize), in_wave(b as usize)) {
                constraints.push((va + vb).leq(1.0));
            }
        }
    }
    let problem_vars = vars.minimise(objective);
    let solved = match solver {
        Solver::Microlp => run(problem_vars.using(microlp), constraints, &x),
        #[cfg(feature = "highs")]
        Solver::Highs => {
            let model = problem_vars.using(good_lp::highs).set_threads(1);
            let model = model.set_mip_rel_gap(0.0).map_err(|e| ExactError::Solver(e.to_string()))?;
            run(model, constraints, &x)
        }
    };
    let assignment = solved.map_err(|e| match e {
        good_lp::ResolutionError::Infeasible => ExactError::Infeasible { groups: n, waves },
        other => ExactError::Solver(other.to_string()),
    })?;
    Ok(Optimum { value: evaluate(problem, &assignment), waves: assignment })
}

#[cfg(test)]
mod tests;
