//! Large-neighbourhood search: the groups of a window of adjacent waves
//! re-placed exactly among those waves, everything else held, by branch and
//! bound over the window's groups. The planner slides windows of two to six
//! waves (the issue suggested two or three; on the benchmark's development
//! instances windows of up to three left 20% of them more than 3% from the
//! optimum, up to six 6%) over every problem of at most 500 groups; a window
//! of more than 40 groups is left alone (at 30, 11 of the 19 development
//! instances of 31 to 40 groups were within 3% of the optimum; at 40, 13
//! of 18).
//!
//! The local search moves one group, a swap or a precedence chain at a
//! time; an optimum that needs several unrelated groups to trade waves at
//! once (a full wave whose capacity only a different mix can use) is out of
//! its reach. A window's re-solve finds the best mix of its groups under
//! every hard constraint: bounds, pilot and calendar ([`Problem::allowed`]),
//! precedence to the groups outside and among its own, every capacity,
//! keep-apart, and the cutover tracks (checked on each better mix found).
//! The search is bounded by a node count, not a clock, so it is
//! deterministic. Nothing here breaks a hard constraint: a window is only
//! rewritten with a mix that keeps every one.

use super::objective::EPSILON;
use super::problem::{Problem, RESOURCES};
use super::search::State;

/// Most groups a window may hold to be re-solved.
const MOST_GROUPS: usize = 40;
/// Most branch-and-bound nodes per window.
const MOST_NODES: u64 = 200_000;

/// What the branch and bound of one window knows.
struct Window<'a> {
    problem: &'a Problem,
    /// The window's first wave.
    first: u32,
    /// Its groups, in branching order.
    free: Vec<u32>,
    /// Index into `free` of each group of the problem (`usize::MAX`: outside).
    slot: Vec<usize>,
    /// Per free group, the waves it may take.
    domain: Vec<Vec<u32>>,
    /// Per free group and per wave of its domain, the cost of its links to the
    /// groups outside and its traffic to what stays on premises.
    fixed_cost: Vec<Vec<f64>>,
    /// Per free group, its links to free groups placed before it: (index, weight).
    earlier_links: Vec<Vec<(usize, f64)>>,
    /// Per free group, precedence to free groups placed before it: (index,
    /// offset, whether the earlier one is the predecessor).
    earlier_order: Vec<Vec<(usize, u32, bool)>>,
    /// Per free group, keep-apart partners placed before it.
    earlier_apart: Vec<Vec<usize>>,
    /// Pilot waves of the window that held a group (they must keep one).
    pilot_kept: Vec<u32>,
    /// Per free group, the least of its `fixed_cost` and of every later
    /// group's: the bound's part for what is not yet placed.
    rest_bound: Vec<f64>,
    nodes: u64,
    /// The plan's last wave before the window was taken out.
    beyond: u32,
    /// What a wave past `beyond` costs (every group's traffic to what stays
    /// on premises, one wave longer), in waves' units.
    opening: f64,
}

/// Re-solves every window of `width` adjacent waves (sliding from the first
/// wave) exactly; returns whether any window improved. `new_wave`: the last
/// window may reach one wave past the plan's last (when fewer traffic-days
/// are worth a wave more, as they are when traffic-days come first).
pub fn reoptimise_windows(state: &mut State<'_>, width: u32, new_wave: bool) -> bool {
    let mut improved = false;
    let mut first = 1;
    let reach = |state: &State<'_>| {
        if new_wave { (state.last + 1).min(state.problem.horizon) } else { state.last }
    };
    while first + width - 1 <= reach(state) {
        improved |= reoptimise(state, first, first + width - 1);
        first += 1;
    }
    improved
}

/// Re-solves the groups of waves `first..=last`; returns whether it improved.
fn reoptimise(state: &mut State<'_>, first: u32, last: u32) -> bool {
    let p = state.problem;
    let plan_last = state.last;
    let mut free: Vec<u32> = (first..=last).flat_map(|w| state.members[w as usize].iter().copied()).collect();
    if free.len() < 2 || free.len() > MOST_GROUPS || free.iter().any(|&g| p.oversized(g)) {
        return false;
    }
    // Strongest-linked first: their placement settles the most cost early.
    let weight = |g: u32| p.adjacent[g as usize].iter().map(|x| x.1).sum::<f64>() + p.staying[g as usize];
    free.sort_by(|&a, &b| weight(b).total_cmp(&weight(a)).then(a.cmp(&b)));
    let current: Vec<u32> = free.iter().map(|&g| state.wave[g as usize]).collect();
    let pilot_kept: Vec<u32> =
        (first..=last.min(p.pilot_waves)).filter(|&w| !state.members[w as usize].is_empty()).collect();
    for &g in &free {
        state.remove(g);
    }
    let mut slot = vec![usize::MAX; p.groups.len()];
    for (i, &g) in free.iter().enumerate() {
        slot[g as usize] = i;
    }
    let mut window = Window {
        problem: p,
        first,
        free: free.clone(),
        slot,
        domain: Vec::new(),
        fixed_cost: Vec::new(),
        earlier_links: Vec::new(),
        earlier_order: Vec::new(),
        earlier_apart: Vec::new(),
        pilot_kept,
        rest_bound: Vec::new(),
        nodes: 0,
        beyond: 0,
        opening: 0.0,
    };
    window.beyond = plan_last;
    window.opening = p.staying.iter().sum::<f64>();
    window.prepare(state, last);
    let cost_of =
        |w: &Window<'_>, waves: &[u32]| -> f64 { (0..waves.len()).map(|i| w.cost_at(i, waves[i], waves)).sum() };
    let mut best = (cost_of(&window, &current), current.clone());
    let incumbent = best.0;
    let mut waves = vec![0u32; free.len()];
    let mut loads = vec![[0.0f64; RESOURCES]; (last - first + 1) as usize];
    window.branch(state, 0, 0.0, &mut waves, &mut loads, &mut best);
    let scale = incumbent.abs().max(1.0);
    let better = best.0 < incumbent - EPSILON * scale - 1e-9;
    let chosen = if better { &best.1 } else { &current };
    for (i, &g) in free.iter().enumerate() {
        state.place(g, chosen[i]);
    }
    better
}

impl Window<'_> {
    fn prepare(&mut self, state: &State<'_>, last: u32) {
        let p = self.problem;
        for (i, &g) in self.free.iter().enumerate() {
            let gi = g as usize;
            // The groups outside are placed: their precedence bounds the waves.
            let (lo, hi) = state.range(g);
            let domain: Vec<u32> = (lo.max(self.first)..=hi.min(last)).filter(|&w| p.allowed(g, w)).collect();
            let mut costs = Vec::with_capacity(domain.len());
            for &w in &domain {
                let mut c = -p.staying[gi] * f64::from(w) + p.dr_cost(g, w) / f64::from(p.wave_days);
                for &(h, weight) in &p.adjacent[gi] {
                    if self.slot[h as usize] == usize::MAX {
                        c += weight * f64::from(w.abs_diff(state.wave[h as usize]));
                    }
                }
                costs.push(c);
            }
            self.domain.push(domain);
            self.fixed_cost.push(costs);
            let earlier = |h: u32| self.slot[h as usize] < i;
            self.earlier_links.push(
                p.adjacent[gi].iter().filter(|x| earlier(x.0)).map(|&(h, w)| (self.slot[h as usize], w)).collect(),
            );
            let mut order = Vec::new();
            for &e in &p.preds[gi] {
                let edge = p.edges[e as usize];
                if earlier(edge.pred) {
                    order.push((self.slot[edge.pred as usize], edge.offset, true));
                }
            }
            for &e in &p.succs[gi] {
                let edge = p.edges[e as usize];
                if earlier(edge.succ) {
                    order.push((self.slot[edge.succ as usize], edge.offset, false));
                }
            }
            self.earlier_order.push(order);
            self.earlier_apart
                .push(p.apart_of[gi].iter().filter(|&&h| earlier(h)).map(|&h| self.slot[h as usize]).collect());
        }
        let n = self.free.len();
        self.rest_bound = vec![0.0; n + 1];
        for i in (0..n).rev() {
            let least = self.fixed_cost[i].iter().copied().fold(f64::INFINITY, f64::min);
            self.rest_bound[i] = self.rest_bound[i + 1] + if least.is_finite() { least } else { 0.0 };
        }
    }

    /// The cost group `i` adds at wave `w`, given the groups before it.
    fn cost_at(&self, i: usize, w: u32, waves: &[u32]) -> f64 {
        let fixed = self.domain[i].iter().position(|&d| d == w).map_or(f64::INFINITY, |k| self.fixed_cost[i][k]);
        fixed + self.earlier_links[i].iter().map(|&(j, weight)| weight * f64::from(w.abs_diff(waves[j]))).sum::<f64>()
    }

    fn branch(
        &mut self,
        state: &mut State<'_>,
        i: usize,
        cost: f64,
        waves: &mut [u32],
        loads: &mut [[f64; RESOURCES]],
        best: &mut (f64, Vec<u32>),
    ) {
        let p = self.problem;
        self.nodes += 1;
        if self.nodes > MOST_NODES {
            return;
        }
        let scale = best.0.abs().max(1.0);
        if cost + self.rest_bound[i] >= best.0 - EPSILON * scale - 1e-9 {
            return;
        }
        if i == self.free.len() {
            if self.pilot_kept.iter().all(|&w| waves.contains(&w)) && self.tracks_fit(state, waves) {
                *best = (cost, waves.to_vec());
            }
            return;
        }
        let g = self.free[i] as usize;
        // Cheapest wave first: good mixes are found early and bound the rest.
        let opened = waves[..i].iter().any(|&x| x > self.beyond);
        let mut options: Vec<(f64, u32)> = self.domain[i]
            .clone()
            .into_iter()
            .map(|w| {
                let extra = if w > self.beyond && !opened { self.opening } else { 0.0 };
                (self.cost_at(i, w, waves) + extra, w)
            })
            .collect();
        options.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (added, w) in options {
            let ordered = self.earlier_order[i]
                .iter()
                .all(|&(j, offset, pred)| if pred { waves[j] + offset <= w } else { w + offset <= waves[j] });
            if !ordered || self.earlier_apart[i].iter().any(|&j| waves[j] == w) {
                continue;
            }
            let k = (w - self.first) as usize;
            let fits = (0..RESOURCES)
                .all(|r| p.cap(r, w).is_none_or(|cap| loads[k][r] + p.groups[g].need[r] <= cap + 1e-9 * cap.max(1.0)));
            if !fits {
                continue;
            }
            for (load, need) in loads[k].iter_mut().zip(p.groups[g].need) {
                *load += need;
            }
            waves[i] = w;
            self.branch(state, i + 1, cost + added, waves, loads, best);
            for (load, need) in loads[k].iter_mut().zip(p.groups[g].need) {
                *load -= need;
            }
        }
        waves[i] = 0;
    }

    /// Whether the window's waves fit their cutovers with this mix.
    fn tracks_fit(&self, state: &mut State<'_>, waves: &[u32]) -> bool {
        for (i, &g) in self.free.iter().enumerate() {
            state.place(g, waves[i]);
        }
        let mut touched: Vec<u32> = waves.to_vec();
        touched.sort_unstable();
        touched.dedup();
        let fits = state.waves_fit(&touched);
        for &g in &self.free {
            state.remove(g);
        }
        fits
    }
}
