//! Large-neighbourhood search: a set of groups re-placed exactly among a
//! range of waves, everything else held, by branch and bound over the set.
//! The sets: on a problem of at most [`MOST_GROUPS`] groups, the whole plan
//! and one wave more ([`reoptimise_plan`]), the groups of every pair and
//! triple of waves, adjacent or not ([`reoptimise_wave_sets`]); on larger
//! ones (up to 500 groups) windows of two to six adjacent waves
//! ([`reoptimise_windows`]); on every one, neighbourhoods of related groups
//! ([`reoptimise_neighbourhoods`]). [`open_wave`] opens an empty wave inside
//! the plan for the planner to polish again.
//!
//! The local search moves one group, a swap or a precedence chain at a
//! time; an optimum that needs several unrelated groups to trade waves at
//! once (a full wave whose capacity only a different mix can use) is out of
//! its reach. A window's re-solve finds the best mix of its groups under
//! every hard constraint: bounds, pilot and calendar ([`Problem::allowed`]),
//! precedence to the groups outside and among its own, every capacity,
//! keep-apart, the applications the pilot waves keep
//! ([`State::pilot_floor`]), and the cutover tracks (checked on each better
//! mix found).
//!
//! The bound. Each group not yet placed carries, per wave, what it would
//! add there: its links to the groups outside and to the window's groups
//! already placed, its traffic to what stays on premises, its DR cost. The
//! bound adds the cheapest open wave of every such group to the cost so far
//! (links between two unplaced groups count nothing, the programme's end
//! counts what is placed). Placing a group updates its neighbours' rows and
//! closes the waves that precedence and keep-apart now forbid them, so a
//! group left with no wave cuts the branch at once. The next group to place
//! is the one with the fewest waves left, then the one whose best wave
//! beats its second best by most (its choice settles the most); its waves
//! are tried cheapest first. On the benchmark's development instances the
//! earlier bound (the cheapest wave of each unplaced group against the
//! groups outside only, a static order) ran out of its 200,000 nodes on
//! windows of 25 to 40 groups and left 7 of 62 instances more than 3% from
//! the optimum, though with no budget it reached it in all the ones tried.
//!
//! The effort follows what is left to gain. A whole-plan re-solve that runs
//! to its end proves its plan the best within its waves: the planner then
//! skips the smaller windows, the other starts and the opened waves, and
//! only re-solves the whole plan once more among two more waves
//! ([`Outcome::proven`]). Whatever was searched in vain is remembered for
//! the rest of the planning run ([`Effort`]): the same window of the same
//! state is not searched again, and a whole-plan re-solve that ran out of
//! nodes is not tried again from a plan no better. On the sample hospital
//! this took the plan from 42 whole-plan re-solves and 14,000 pairs and
//! triples of waves to two re-solves of about 6,000 nodes each.
//!
//! The search is bounded by a node count, not a clock, so it is
//! deterministic. Nothing here breaks a hard constraint: a window is only
//! rewritten with a mix that keeps every one.

use super::objective::EPSILON;
use super::problem::{Problem, RESOURCES};
use super::search::State;

/// Most groups a window may hold to be re-solved.
pub const MOST_GROUPS: usize = 40;
/// Most branch-and-bound nodes per window of adjacent waves.
const MOST_NODES: u64 = 200_000;
/// Most branch-and-bound nodes for the whole plan as one window.
const PLAN_NODES: u64 = 20_000;
/// Most branch-and-bound nodes per neighbourhood of related groups.
const NEIGHBOURHOOD_NODES: u64 = 20_000;
/// Waves either side of a neighbourhood's groups it may move them to.
const SPAN: u32 = 3;
/// Most waves one window spans.
const MOST_WIDTH: usize = 24;
/// A wave not taken.
const UNPLACED: usize = usize::MAX;

/// What the branch and bound of one window knows.
struct Window<'a> {
    problem: &'a Problem,
    /// The window's first wave.
    first: u32,
    /// Waves in the window.
    width: usize,
    /// Its groups, heaviest-linked first (the order ties are broken in).
    free: Vec<u32>,
    /// Per free group, its links to the other free groups: (index, weight).
    links: Vec<Vec<(usize, f64)>>,
    /// Per free group, precedence with other free groups: (index, offset,
    /// whether the other one is the predecessor).
    order: Vec<Vec<(usize, u32, bool)>>,
    /// Per free group, the free groups it is kept apart from.
    apart: Vec<Vec<usize>>,
    /// Per window wave, the limit of each resource.
    caps: Vec<[Option<f64>; RESOURCES]>,
    /// Per window wave, the applications it must keep (pilot waves; 0 elsewhere).
    pilot_floor: Vec<f64>,
    /// Traffic to what stays on premises, all groups: the cost of one wave more.
    staying_total: f64,
    /// Per free group, its traffic to what stays on premises.
    staying: Vec<f64>,
    /// The last wave of the groups outside the window (0: none).
    outside_last: u32,
    /// Per depth, per free group and window wave: what the group would add
    /// there given the groups placed (`n × width` a layer).
    partial: Vec<f64>,
    /// Per depth, per free group and window wave: whether the wave is still open to it.
    open: Vec<bool>,
    /// The bound's tree: a heaviest spanning forest of the links among the
    /// window's groups, each group's parent in it ([`UNPLACED`]: a root)
    /// with the link's weight.
    parent: Vec<(usize, f64)>,
    /// The window's groups children first (a post-order of the forest).
    post_order: Vec<usize>,
    /// Scratch: per free group and window wave, the least its subtree adds.
    subtree: Vec<f64>,
    /// Window wave (0-based) of each free group, [`UNPLACED`] while not placed.
    waves: Vec<usize>,
    /// Per window wave, the resources taken.
    loads: Vec<[f64; RESOURCES]>,
    nodes: u64,
    /// Most nodes.
    budget: u64,
    /// The best mix found and its cost.
    best: (f64, Vec<usize>),
}

/// Re-solves every window of `width` adjacent waves (sliding from the first
/// wave) exactly; returns whether any window improved. `new_wave`: the last
/// window may reach one wave past the plan's last (when fewer traffic-days
/// are worth a wave more, as they are when traffic-days come first).
pub fn reoptimise_windows(state: &mut State<'_>, effort: &mut Effort, width: u32, new_wave: bool) -> bool {
    let mut improved = false;
    let mut first = 1;
    let reach = |state: &State<'_>| {
        if new_wave { (state.last + 1).min(state.problem.horizon) } else { state.last }
    };
    while first + width - 1 <= reach(state) {
        let last = first + width - 1;
        let free: Vec<u32> = (first..=last).flat_map(|w| state.members[w as usize].iter().copied()).collect();
        improved |= resolve(state, effort, free, first, last, MOST_NODES).improved;
        first += 1;
    }
    improved
}

/// What the re-solves of one planning run have learnt, shared by all its
/// starts: the windows searched in vain, by a hash of the state they were
/// searched in (their groups, waves and budget), with whether the search
/// was complete.
#[derive(Debug, Default)]
pub struct Effort {
    fruitless: std::collections::HashMap<u64, bool>,
    /// Per width, the least cost of a plan the whole plan's window ran out
    /// of nodes without beating.
    stalled: std::collections::HashMap<usize, f64>,
}

/// What one re-solve found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// A better mix was found and put in place.
    pub improved: bool,
    /// The branch and bound ran to its end within its budget: no mix of the
    /// window's groups among its waves is better than the one in place.
    pub proven: bool,
}

/// Re-solves the whole plan as one window (waves 1 to the last, and `more`
/// waves past it), when it has at most [`MOST_GROUPS`] groups. When the
/// outcome is proven, no plan within those waves is better.
pub fn reoptimise_plan(state: &mut State<'_>, effort: &mut Effort, more: u32) -> Outcome {
    let reach = (state.last + more).min(state.problem.horizon);
    let free: Vec<u32> = (1..=state.last).flat_map(|w| state.members[w as usize].iter().copied()).collect();
    resolve(state, effort, free, 1, reach, PLAN_NODES)
}

/// Re-solves the groups of every pair and every triple of waves, adjacent
/// or not (as long as they hold at most [`MOST_GROUPS`] groups), among all
/// the plan's waves (and one more with `new_wave`), everything else held:
/// full waves that can only trade their mix with each other. Returns
/// whether any improved.
pub fn reoptimise_wave_sets(state: &mut State<'_>, effort: &mut Effort, new_wave: bool) -> bool {
    let mut improved = false;
    let last = state.last;
    let mut sets: Vec<Vec<u32>> = Vec::new();
    for a in 1..=last {
        for b in a + 1..=last {
            sets.push(vec![a, b]);
            for c in b + 1..=last {
                sets.push(vec![a, b, c]);
            }
        }
    }
    for set in sets {
        let free: Vec<u32> = set.iter().flat_map(|&w| state.members[w as usize].iter().copied()).collect();
        if free.len() > MOST_GROUPS || set.iter().any(|&w| w > state.last) {
            continue;
        }
        let reach = if new_wave { (state.last + 1).min(state.problem.horizon) } else { state.last };
        improved |= resolve(state, effort, free, 1, reach, NEIGHBOURHOOD_NODES).improved;
    }
    improved
}

/// Re-solves neighbourhoods of related groups, one grown from each group in
/// a seeded order: the group, then again and again the group most strongly
/// linked to those taken (traffic, then precedence), up to `size`, placed
/// anew among the waves around them (three either side, one past the plan's
/// last with `new_wave`) with everything else held. Unlike a window of
/// adjacent waves, a neighbourhood trades groups between waves far apart,
/// and it leaves out the groups of those waves that have nothing to do with
/// the trade, so its branch and bound has the links to the groups held to
/// steer it. Returns whether any neighbourhood improved.
pub fn reoptimise_neighbourhoods(
    state: &mut State<'_>,
    effort: &mut Effort,
    size: usize,
    new_wave: bool,
    seed: u64,
) -> bool {
    use rand::SeedableRng;
    use rand::seq::SliceRandom;
    let p = state.problem;
    let n = p.groups.len();
    if n < 2 {
        return false;
    }
    let mut seeds: Vec<u32> = (0..n as u32).collect();
    seeds.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(seed));
    let mut score = vec![0.0f64; n];
    let mut taken = vec![false; n];
    let mut improved = false;
    for &g in &seeds {
        if p.oversized(g) {
            continue;
        }
        // Grow the neighbourhood.
        let mut free = vec![g];
        taken[g as usize] = true;
        let mut touched: Vec<u32> = Vec::new();
        let add = |x: u32, score: &mut [f64], touched: &mut Vec<u32>| {
            for &(h, w) in &p.adjacent[x as usize] {
                score[h as usize] += w;
                touched.push(h);
            }
            for &e in p.preds[x as usize].iter().chain(&p.succs[x as usize]) {
                let edge = p.edges[e as usize];
                let h = if edge.pred == x { edge.succ } else { edge.pred };
                // Precedence relates, a little: it is what holds a trade back.
                score[h as usize] += 1e-6;
                touched.push(h);
            }
        };
        add(g, &mut score, &mut touched);
        while free.len() < size {
            let next = touched
                .iter()
                .copied()
                .filter(|&h| !taken[h as usize] && !p.oversized(h))
                .max_by(|&a, &b| score[a as usize].total_cmp(&score[b as usize]).then(b.cmp(&a)));
            let Some(h) = next else { break };
            taken[h as usize] = true;
            free.push(h);
            add(h, &mut score, &mut touched);
        }
        for &h in &touched {
            score[h as usize] = 0.0;
        }
        for &h in &free {
            taken[h as usize] = false;
        }
        if free.len() < 2 {
            continue;
        }
        let (lo, hi) = free.iter().fold((u32::MAX, 0), |(lo, hi), &h| {
            let w = state.wave[h as usize];
            (lo.min(w), hi.max(w))
        });
        let reach = if new_wave { (state.last + 1).min(p.horizon) } else { state.last };
        let (first, last) = (lo.saturating_sub(SPAN).max(1), (hi + SPAN).min(reach.max(hi)));
        improved |= resolve(state, effort, free, first, last, NEIGHBOURHOOD_NODES).improved;
    }
    improved
}

/// Opens an empty wave at `at`: every group in wave `at` or later moves one
/// wave later, but those that may not (their own bounds, the calendar, a
/// pin) and those that what stays would then wait for break precedence
/// with. Returns whether the state changed; when a wave's capacity, a
/// keep-apart, the pilot or the cutover tracks would break, it is left as
/// it was.
pub fn open_wave(state: &mut State<'_>, at: u32) -> bool {
    let p = state.problem;
    let n = p.groups.len();
    if at == 0 || state.last + 1 > p.horizon {
        return false;
    }
    let mut moves: Vec<bool> =
        (0..n as u32).map(|g| state.wave[g as usize] >= at && p.allowed(g, state.wave[g as usize] + 1)).collect();
    // What stays holds back what it waits for (a predecessor moving later
    // could pass it): to a fixed point.
    loop {
        let mut changed = false;
        for edge in &p.edges {
            let (a, b) = (edge.pred as usize, edge.succ as usize);
            if moves[a] && !moves[b] && state.wave[a] + 1 + edge.offset > state.wave[b] {
                moves[a] = false;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let moved: Vec<u32> = (0..n as u32).filter(|&g| moves[g as usize]).collect();
    if moved.is_empty() {
        return false;
    }
    let before: Vec<u32> = moved.iter().map(|&g| state.wave[g as usize]).collect();
    for &g in &moved {
        state.remove(g);
    }
    let mut order: Vec<(u32, u32)> = moved.iter().zip(&before).map(|(&g, &w)| (w + 1, g)).collect();
    order.sort_unstable();
    let mut ok = true;
    let mut placed = Vec::with_capacity(order.len());
    for &(w, g) in &order {
        if state.room(g, w, None).is_some() {
            ok = false;
            break;
        }
        state.place(g, w);
        placed.push(g);
    }
    if ok {
        let mut touched: Vec<u32> = order.iter().map(|x| x.0).collect();
        touched.dedup();
        ok = state.pilot_all_kept() && state.waves_fit(&touched);
    }
    if !ok {
        for g in placed {
            state.remove(g);
        }
        for (&g, &w) in moved.iter().zip(&before) {
            state.place(g, w);
        }
    }
    ok
}

/// Re-solves the groups `free`, all in waves `first..=last`, among those
/// waves, everything else held, within `budget` nodes.
fn resolve(
    state: &mut State<'_>,
    effort: &mut Effort,
    mut free: Vec<u32>,
    first: u32,
    last: u32,
    budget: u64,
) -> Outcome {
    let p = state.problem;
    let width = (last + 1).saturating_sub(first) as usize;
    if free.len() < 2 || free.len() > MOST_GROUPS || width > MOST_WIDTH || free.iter().any(|&g| p.oversized(g)) {
        return Outcome::default();
    }
    // The same window of the same state gives the same answer: one that
    // found nothing is not searched again.
    let key = {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (&state.wave, &free, first, last, budget).hash(&mut hasher);
        hasher.finish()
    };
    if let Some(&proven) = effort.fruitless.get(&key) {
        return Outcome { improved: false, proven };
    }
    // Heaviest-linked first: ties in the branching order go to them.
    let weight = |g: u32| p.adjacent[g as usize].iter().map(|x| x.1).sum::<f64>() + p.staying[g as usize];
    free.sort_by(|&a, &b| weight(b).total_cmp(&weight(a)).then(a.cmp(&b)));
    let current: Vec<usize> = free.iter().map(|&g| (state.wave[g as usize] - first) as usize).collect();
    let pilot_floor: Vec<f64> = (first..=last).map(|w| state.pilot_floor(w)).collect();
    for &g in &free {
        state.remove(g);
    }
    let Some(mut window) = Window::new(state, first, width, free.clone(), pilot_floor, &current) else {
        for (i, &g) in free.iter().enumerate() {
            state.place(g, first + current[i] as u32);
        }
        return Outcome::default();
    };
    window.budget = budget;
    let incumbent = window.cost_of(&current);
    // The whole plan's window is the same search in every state but for
    // its incumbent (every group free, nothing held): once it ran out of
    // nodes without finding better than a plan, it is not tried from a
    // plan no better (the plan it could not beat is already known).
    let whole = free.len() == p.groups.len();
    let tolerance = EPSILON * incumbent.abs().max(1.0) + 1e-9;
    if whole && effort.stalled.get(&width).is_some_and(|&at| incumbent >= at - tolerance) {
        for (i, &g) in free.iter().enumerate() {
            state.place(g, first + current[i] as u32);
        }
        return Outcome::default();
    }
    window.best = (incumbent, current.clone());
    window.branch(state, 0, 0.0, window.outside_last);
    let scale = incumbent.abs().max(1.0);
    let better = window.best.0 < incumbent - EPSILON * scale - 1e-9;
    let chosen = if better { &window.best.1 } else { &current };
    for (i, &g) in free.iter().enumerate() {
        state.place(g, first + chosen[i] as u32);
    }
    let proven = window.nodes <= budget;
    if !better {
        effort.fruitless.insert(key, proven);
        if whole && !proven {
            let at = effort.stalled.entry(width).or_insert(f64::INFINITY);
            *at = at.min(incumbent);
        }
    }
    Outcome { improved: better, proven }
}

impl<'a> Window<'a> {
    /// The window of `free` (taken out of `state`) over `width` waves from
    /// `first`; `None` when a group's current wave (`current`) is not open to
    /// it (the window is then left alone).
    fn new(
        state: &State<'a>,
        first: u32,
        width: usize,
        free: Vec<u32>,
        pilot_floor: Vec<f64>,
        current: &[usize],
    ) -> Option<Window<'a>> {
        let p = state.problem;
        let n = free.len();
        let mut slot = vec![UNPLACED; p.groups.len()];
        for (i, &g) in free.iter().enumerate() {
            slot[g as usize] = i;
        }
        let inside = |h: u32| slot[h as usize] != UNPLACED;
        let mut partial = vec![0.0; (n + 1) * n * width];
        let mut open = vec![false; (n + 1) * n * width];
        let mut links = Vec::with_capacity(n);
        let mut order = Vec::with_capacity(n);
        let mut apart = Vec::with_capacity(n);
        for (i, &g) in free.iter().enumerate() {
            let gi = g as usize;
            // The groups outside are placed: their precedence bounds the waves.
            let (lo, hi) = state.range(g);
            for k in 0..width {
                let w = first + k as u32;
                let x = i * width + k;
                // Not with a group held there that it is kept apart from, nor
                // with a group larger than a wave, which moves alone.
                let held_apart = p.apart_of[gi].iter().any(|&h| !inside(h) && state.wave[h as usize] == w);
                let alone = state.members[w as usize].first().is_some_and(|&h| p.oversized(h));
                open[x] = w >= lo && w <= hi && p.allowed(g, w) && !held_apart && !alone;
                let mut c = -p.staying[gi] * f64::from(w) + p.dr_cost(g, w) / f64::from(p.wave_days);
                for &(h, weight) in &p.adjacent[gi] {
                    if !inside(h) {
                        c += weight * f64::from(w.abs_diff(state.wave[h as usize]));
                    }
                }
                partial[x] = c;
            }
            links.push(p.adjacent[gi].iter().filter(|x| inside(x.0)).map(|&(h, w)| (slot[h as usize], w)).collect());
            let mut o = Vec::new();
            for &e in &p.preds[gi] {
                let edge = p.edges[e as usize];
                if inside(edge.pred) {
                    o.push((slot[edge.pred as usize], edge.offset, true));
                }
            }
            for &e in &p.succs[gi] {
                let edge = p.edges[e as usize];
                if inside(edge.succ) {
                    o.push((slot[edge.succ as usize], edge.offset, false));
                }
            }
            order.push(o);
            apart.push(p.apart_of[gi].iter().filter(|&&h| inside(h)).map(|&h| slot[h as usize]).collect());
        }
        if current.iter().enumerate().any(|(i, &k)| !open[i * width + k]) {
            return None;
        }
        let outside_last =
            (0..p.groups.len()).filter(|&g| slot[g] == UNPLACED).map(|g| state.wave[g]).max().unwrap_or(0);
        let caps = (0..width).map(|k| std::array::from_fn(|r| p.cap(r, first + k as u32))).collect();
        let (parent, post_order) = spanning_forest(&links);
        let staying = free.iter().map(|&g| p.staying[g as usize]).collect();
        Some(Window {
            parent,
            post_order,
            subtree: vec![0.0; n * width],
            problem: p,
            first,
            width,
            free,
            links,
            order,
            apart,
            caps,
            pilot_floor,
            staying_total: p.staying.iter().sum(),
            staying,
            outside_last,
            partial,
            open,
            waves: vec![UNPLACED; n],
            // What the groups held in the window's waves take.
            loads: (0..width).map(|k| state.load[first as usize + k]).collect(),
            nodes: 0,
            budget: MOST_NODES,
            best: (f64::INFINITY, Vec::new()),
        })
    }

    /// The window's part of the objective for a full mix (in waves' units,
    /// like the rest): what each group adds against the groups outside, the
    /// links among the window's groups, and the programme's end.
    fn cost_of(&self, mix: &[usize]) -> f64 {
        let w = self.width;
        let mut cost = 0.0;
        let mut last = self.outside_last;
        for (i, &k) in mix.iter().enumerate() {
            cost += self.partial[i * w + k];
            cost +=
                self.links[i].iter().filter(|&&(j, _)| j < i).map(|&(j, x)| x * k.abs_diff(mix[j]) as f64).sum::<f64>();
            last = last.max(self.first + k as u32);
        }
        cost + self.staying_total * f64::from(last)
    }

    /// Whether group `i` fits window wave `k` with what is placed.
    fn fits(&self, i: usize, k: usize) -> bool {
        let need = self.problem.groups[self.free[i] as usize].need;
        (0..RESOURCES)
            .all(|r| self.caps[k][r].is_none_or(|cap| self.loads[k][r] + need[r] <= cap + 1e-9 * cap.max(1.0)))
    }

    fn branch(&mut self, state: &mut State<'_>, depth: usize, cost: f64, last: u32) {
        let n = self.free.len();
        let w = self.width;
        self.nodes += 1;
        if self.nodes > self.budget {
            return;
        }
        let tolerance = |best: f64| EPSILON * best.abs().max(1.0) + 1e-9;
        if depth == n {
            let total = cost + self.staying_total * f64::from(last);
            let pilot_kept = (0..w).all(|k| self.loads[k][1] >= self.pilot_floor[k] - 0.5);
            if total < self.best.0 - tolerance(self.best.0) && pilot_kept && self.tracks_fit(state) {
                self.best = (total, self.waves.clone());
            }
            return;
        }
        let layer = depth * n * w;
        // The bound, and the group to place next.
        let mut pick: Option<(usize, f64)> = None;
        let mut pilot_room: [f64; MOST_WIDTH] = [0.0; MOST_WIDTH];
        // The programme ends no earlier than the earliest wave left to any unplaced group.
        let mut end = last;
        let mut staying_unplaced = 0.0;
        for i in 0..n {
            if self.waves[i] != UNPLACED {
                continue;
            }
            let (mut best, mut second, mut count) = (f64::INFINITY, f64::INFINITY, 0);
            let apps = self.problem.groups[self.free[i] as usize].need[1];
            for (k, room) in pilot_room.iter_mut().enumerate().take(w) {
                let x = layer + i * w + k;
                self.subtree[i * w + k] = f64::INFINITY;
                if !self.open[x] || !self.fits(i, k) {
                    continue;
                }
                self.subtree[i * w + k] = self.partial[x];
                count += 1;
                *room += apps;
                let c = self.partial[x];
                if c < best {
                    second = best;
                    best = c;
                } else if c < second {
                    second = c;
                }
            }
            if count == 0 {
                return;
            }
            let earliest = (0..w).find(|&k| self.subtree[i * w + k].is_finite()).unwrap_or(0);
            end = end.max(self.first + earliest as u32);
            staying_unplaced += self.staying[i];
            // Forced first, then the largest regret.
            let regret = if count == 1 { f64::INFINITY } else { second - best };
            if pick.is_none_or(|(_, r)| regret > r) {
                pick = Some((i, regret));
            }
        }
        // Each unplaced group's traffic to what stays on premises runs from
        // its wave to the end (the end at `end` at least, and at its own wave);
        // everyone else's to `end`.
        for i in 0..n {
            if self.waves[i] == UNPLACED && self.staying[i] > 0.0 {
                for k in 0..w {
                    self.subtree[i * w + k] += self.staying[i] * f64::from(end.max(self.first + k as u32));
                }
            }
        }
        let bound = cost + (self.staying_total - staying_unplaced) * f64::from(end) + self.forest_bound();
        if bound >= self.best.0 - tolerance(self.best.0) {
            return;
        }
        if (0..w).any(|k| self.loads[k][1] + pilot_room[k] < self.pilot_floor[k] - 0.5) {
            return;
        }
        let Some((i, _)) = pick else { return };
        // Cheapest first, the programme's end included.
        let mut options: Vec<(f64, usize)> = (0..w)
            .filter(|&k| self.open[layer + i * w + k] && self.fits(i, k))
            .map(|k| {
                let longer = (self.first + k as u32).saturating_sub(last);
                (self.partial[layer + i * w + k] + self.staying_total * f64::from(longer), k)
            })
            .collect();
        options.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let need = self.problem.groups[self.free[i] as usize].need;
        for (_, k) in options {
            let added = self.partial[layer + i * w + k];
            // The next layer: this one, with the group's neighbours told where it went.
            let next = layer + n * w;
            self.partial.copy_within(layer..next, next);
            self.open.copy_within(layer..next, next);
            for &(j, weight) in &self.links[i] {
                if self.waves[j] == UNPLACED {
                    for kk in 0..w {
                        self.partial[next + j * w + kk] += weight * kk.abs_diff(k) as f64;
                    }
                }
            }
            for &(j, offset, j_first) in &self.order[i] {
                if self.waves[j] != UNPLACED {
                    continue;
                }
                let offset = offset as usize;
                for kk in 0..w {
                    // j first: kk + offset <= k; j after: k + offset <= kk.
                    let keeps = if j_first { kk + offset <= k } else { k + offset <= kk };
                    if !keeps {
                        self.open[next + j * w + kk] = false;
                    }
                }
            }
            for &j in &self.apart[i] {
                if self.waves[j] == UNPLACED {
                    self.open[next + j * w + k] = false;
                }
            }
            for (load, x) in self.loads[k].iter_mut().zip(need) {
                *load += x;
            }
            self.waves[i] = k;
            self.branch(state, depth + 1, cost + added, last.max(self.first + k as u32));
            self.waves[i] = UNPLACED;
            for (load, x) in self.loads[k].iter_mut().zip(need) {
                *load -= x;
            }
            if self.nodes > self.budget {
                return;
            }
        }
    }

    /// The least the unplaced groups can add: each tree of the forest left
    /// among them solved exactly (by dynamic programming over its waves,
    /// from [`Window::subtree`]'s rows, which it overwrites), the other links
    /// between unplaced groups counted nothing.
    fn forest_bound(&mut self) -> f64 {
        let w = self.width;
        let mut bound = 0.0;
        let mut message = [0.0f64; MOST_WIDTH];
        for &i in &self.post_order {
            if self.waves[i] != UNPLACED {
                continue;
            }
            let row = &self.subtree[i * w..(i + 1) * w];
            let (parent, weight) = self.parent[i];
            if parent == UNPLACED || self.waves[parent] != UNPLACED {
                bound += row.iter().copied().fold(f64::INFINITY, f64::min);
                continue;
            }
            // The least of row[kc] + weight·|k − kc| for every k: two sweeps.
            message[..w].copy_from_slice(row);
            for k in 1..w {
                message[k] = message[k].min(message[k - 1] + weight);
            }
            for k in (0..w - 1).rev() {
                message[k] = message[k].min(message[k + 1] + weight);
            }
            for (cell, m) in self.subtree[parent * w..(parent + 1) * w].iter_mut().zip(&message[..w]) {
                *cell += m;
            }
        }
        bound
    }

    /// Whether the window's waves fit their cutovers with the current mix.
    fn tracks_fit(&self, state: &mut State<'_>) -> bool {
        for (i, &g) in self.free.iter().enumerate() {
            state.place(g, self.first + self.waves[i] as u32);
        }
        let mut touched: Vec<u32> = self.waves.iter().map(|&k| self.first + k as u32).collect();
        touched.sort_unstable();
        touched.dedup();
        let fits = state.waves_fit(&touched);
        for &g in &self.free {
            state.remove(g);
        }
        fits
    }
}

/// A heaviest spanning forest of the links (Kruskal): each group's parent
/// and the link's weight, and the groups children first.
fn spanning_forest(links: &[Vec<(usize, f64)>]) -> (Vec<(usize, f64)>, Vec<usize>) {
    let n = links.len();
    let mut edges: Vec<(f64, usize, usize)> =
        (0..n).flat_map(|i| links[i].iter().filter(move |x| x.0 > i).map(move |&(j, w)| (w, i, j))).collect();
    edges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut root: Vec<usize> = (0..n).collect();
    fn find(root: &mut [usize], mut x: usize) -> usize {
        while root[x] != x {
            root[x] = root[root[x]];
            x = root[x];
        }
        x
    }
    let mut tree: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for (weight, i, j) in edges {
        let (a, b) = (find(&mut root, i), find(&mut root, j));
        if a != b {
            root[a] = b;
            tree[i].push((j, weight));
            tree[j].push((i, weight));
        }
    }
    let mut parent = vec![(UNPLACED, 0.0); n];
    let mut seen = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for start in 0..n {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut stack = vec![start];
        let mut preorder = Vec::new();
        while let Some(x) = stack.pop() {
            preorder.push(x);
            for &(y, weight) in &tree[x] {
                if !seen[y] {
                    seen[y] = true;
                    parent[y] = (x, weight);
                    stack.push(y);
                }
            }
        }
        // Reversed preorder: every group after all of its descendants.
        order.extend(preorder.into_iter().rev());
    }
    (parent, order)
}
