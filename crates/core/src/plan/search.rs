//! Placing groups in waves: the constructive packer, the local search that
//! improves its result, and the baseline planner the benchmark compares with.
//!
//! [`State`] is an assignment with its wave loads, kept up to date move by
//! move so that checking a move and pricing it cost only the group's
//! neighbours: the same state serves the what-if session. Nothing here ever
//! makes a move that breaks a hard constraint; what the packer cannot place
//! within its bounds is named as a conflict.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::objective::{EPSILON, ObjectiveKind, imbalance};
use super::problem::{Problem, RESOURCE_NAMES, RESOURCES};
use super::{Conflict, ViolationKind};

/// Why a group cannot take a wave.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// Its own bounds: earlier than its earliest or later than its latest wave.
    Bounds,
    /// A pilot wave, which it does not qualify for.
    Pilot,
    /// No maintenance window of its applications opens outside the blackouts.
    Calendar,
    /// A predecessor moves too late (edge index).
    Predecessor(u32),
    /// A successor moves too early (edge index).
    Successor(u32),
    /// The wave has no room left of this resource (index into [`RESOURCE_NAMES`]).
    Capacity(usize),
    /// A group it is kept apart from is in the wave.
    Apart(u32),
    /// The wave's cutovers would not all find a track in their windows.
    CutoverWindow,
}

/// The cutover-track check ([`crate::downtime::cutovers_fit`], answered
/// incrementally from each wave's kept schedule by
/// [`crate::downtime::IncrementalTracks`]).
#[derive(Clone, Debug)]
pub struct CutoverCheck<'p> {
    /// The settings.
    pub config: &'p super::PlanConfig,
    /// Each wave's schedule, kept as groups come and go.
    pub tracks: crate::downtime::IncrementalTracks,
}

impl<'p> CutoverCheck<'p> {
    /// The check for an estate and its settings.
    pub fn new(estate: &crate::model::Estate, config: &'p super::PlanConfig) -> CutoverCheck<'p> {
        CutoverCheck { config, tracks: crate::downtime::IncrementalTracks::new(estate, config) }
    }
}

/// An assignment of groups to waves with the wave loads.
#[derive(Clone, Debug)]
pub struct State<'p> {
    /// The problem.
    pub problem: &'p Problem,
    /// Wave of each group, 0 while unplaced.
    pub wave: Vec<u32>,
    /// Per wave, the resources taken.
    pub load: Vec<[f64; RESOURCES]>,
    /// Per wave, its groups.
    pub members: Vec<Vec<u32>>,
    position: Vec<u32>,
    /// The last wave with a group.
    pub last: u32,
    squares: f64,
    /// Servers placed, all waves together (servers are whole numbers: exact).
    servers_total: f64,
    staying_total: f64,
    /// The cutover-track check, when the state knows its estate.
    pub cutover: Option<CutoverCheck<'p>>,
    /// Per pilot wave (index 0 unused), the applications it keeps: what the
    /// packer put there, up to [`Problem::pilot_applications`]. The search
    /// never moves a pilot wave below it ([`State::keep_pilot`]); empty: no floor.
    pub(crate) pilot_floor: Vec<f64>,
}

/// A move's effect on the objective.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Delta {
    /// Change of traffic-days, with the DR cost's change when DR is minimised
    /// ([`super::ObjectiveValue::cost`]).
    pub traffic_days: f64,
    /// Waves after the move.
    pub waves: u32,
    /// Imbalance after the move.
    pub imbalance: f64,
    /// Waves before.
    pub waves_before: u32,
    /// Imbalance before.
    pub imbalance_before: f64,
}

impl Delta {
    /// Whether the move is strictly better under the objective.
    pub fn improves(&self, kind: ObjectiveKind, scale: f64) -> bool {
        let eps = EPSILON * scale.max(1.0) + 1e-9;
        let traffic = if self.traffic_days < -eps {
            -1
        } else if self.traffic_days > eps {
            1
        } else {
            0
        };
        let waves = (self.waves as i64 - self.waves_before as i64).signum();
        let balance = if self.imbalance < self.imbalance_before - 1e-12 {
            -1
        } else if self.imbalance > self.imbalance_before + 1e-12 {
            1
        } else {
            0
        };
        let key = match kind {
            ObjectiveKind::TrafficDays => [traffic, waves, balance],
            ObjectiveKind::FewestWaves => [waves, traffic, balance],
        };
        key.into_iter().find(|&k| k != 0) == Some(-1)
    }
}

impl<'p> State<'p> {
    /// Nothing placed.
    pub fn new(problem: &'p Problem) -> State<'p> {
        let h = problem.horizon as usize + 2;
        State {
            problem,
            wave: vec![0; problem.groups.len()],
            load: vec![[0.0; RESOURCES]; h],
            members: vec![Vec::new(); h],
            position: vec![0; problem.groups.len()],
            last: 0,
            squares: 0.0,
            servers_total: 0.0,
            staying_total: problem.staying.iter().sum(),
            cutover: None,
            pilot_floor: Vec::new(),
        }
    }

    /// From now on, each pilot wave keeps at least the applications it holds
    /// (the packer fills the pilot first, as far as the pilot's rules, the
    /// order and the capacities let it): the search then trades the pilot's
    /// applications for others, never empties it below what was asked where
    /// that was feasible.
    pub fn keep_pilot(&mut self) {
        let pilot = self.problem.pilot_waves as usize;
        self.pilot_floor = (0..=pilot).map(|w| if w == 0 { 0.0 } else { self.load[w][1] }).collect();
    }

    /// The applications pilot wave `w` must keep (0 outside the pilot or with no floor).
    pub fn pilot_floor(&self, w: u32) -> f64 {
        self.pilot_floor.get(w as usize).copied().unwrap_or(0.0)
    }

    /// Whether wave `w` keeps its pilot applications with `out` applications
    /// taken out of it and `inn` put in.
    pub fn pilot_kept(&self, w: u32, out: f64, inn: f64) -> bool {
        let floor = self.pilot_floor(w);
        floor <= 0.0 || self.load[w as usize][1] - out + inn >= floor - 0.5
    }

    /// Whether every pilot wave keeps its applications as it stands.
    pub fn pilot_all_kept(&self) -> bool {
        (1..self.pilot_floor.len() as u32).all(|w| self.pilot_kept(w, 0.0, 0.0))
    }

    /// A state with every group at the given wave.
    pub fn from_waves(problem: &'p Problem, waves: &[u32]) -> State<'p> {
        let mut state = State::new(problem);
        for (g, &w) in waves.iter().enumerate() {
            state.place(g as u32, w.clamp(1, problem.horizon));
        }
        state
    }

    fn servers(&self, g: u32) -> f64 {
        self.problem.groups[g as usize].need[0]
    }

    /// Puts an unplaced group in a wave.
    pub fn place(&mut self, g: u32, w: u32) {
        let gi = g as usize;
        debug_assert_eq!(self.wave[gi], 0);
        let before = self.load[w as usize][0];
        for (l, x) in self.load[w as usize].iter_mut().zip(self.problem.groups[gi].need) {
            *l += x;
        }
        let after = self.load[w as usize][0];
        self.squares += after * after - before * before;
        self.servers_total += after - before;
        self.position[gi] = self.members[w as usize].len() as u32;
        self.members[w as usize].push(g);
        self.wave[gi] = w;
        self.last = self.last.max(w);
    }

    /// Takes a group out of its wave.
    pub fn remove(&mut self, g: u32) {
        let gi = g as usize;
        let w = self.wave[gi] as usize;
        let before = self.load[w][0];
        for (l, x) in self.load[w].iter_mut().zip(self.problem.groups[gi].need) {
            *l -= x;
        }
        let after = self.load[w][0];
        self.squares += after * after - before * before;
        self.servers_total += after - before;
        let p = self.position[gi] as usize;
        self.members[w].swap_remove(p);
        if let Some(&moved) = self.members[w].get(p) {
            self.position[moved as usize] = p as u32;
        }
        self.wave[gi] = 0;
        while self.last > 0 && self.members[self.last as usize].is_empty() {
            self.last -= 1;
        }
    }

    /// Moves a placed group.
    pub fn shift(&mut self, g: u32, w: u32) {
        self.remove(g);
        self.place(g, w);
    }

    /// The waves the group's placed neighbours leave it: `(lo, hi)`.
    pub fn range(&self, g: u32) -> (u32, u32) {
        let p = self.problem;
        let gi = g as usize;
        let mut lo = p.earliest[gi];
        let mut hi = p.latest[gi];
        for &e in &p.preds[gi] {
            let edge = p.edges[e as usize];
            let w = self.wave[edge.pred as usize];
            if w > 0 {
                lo = lo.max(w + edge.offset);
            }
        }
        for &e in &p.succs[gi] {
            let edge = p.edges[e as usize];
            let w = self.wave[edge.succ as usize];
            if w > 0 {
                hi = hi.min(w.saturating_sub(edge.offset));
            }
        }
        (lo, hi)
    }

    /// Why the group cannot take wave `w` (with `without` taken out of the
    /// wave first, for swaps), or `None` when it can. Precedence is checked
    /// against placed groups only.
    pub fn block(&self, g: u32, w: u32, without: Option<u32>) -> Option<Block> {
        let p = self.problem;
        let gi = g as usize;
        if w < p.earliest[gi] || w > p.latest[gi] {
            return Some(Block::Bounds);
        }
        if w <= p.pilot_waves && !p.groups[gi].pilot_eligible {
            return Some(Block::Pilot);
        }
        if !p.calendar_open(g, w) {
            return Some(Block::Calendar);
        }
        for &e in &p.preds[gi] {
            let edge = p.edges[e as usize];
            let pw = self.wave[edge.pred as usize];
            if pw > 0 && Some(edge.pred) != without && pw + edge.offset > w {
                return Some(Block::Predecessor(e));
            }
        }
        for &e in &p.succs[gi] {
            let edge = p.edges[e as usize];
            let sw = self.wave[edge.succ as usize];
            if sw > 0 && Some(edge.succ) != without && w + edge.offset > sw {
                return Some(Block::Successor(e));
            }
        }
        self.room(g, w, without)
    }

    /// Capacity and keep-apart in wave `w` only.
    pub fn room(&self, g: u32, w: u32, without: Option<u32>) -> Option<Block> {
        let p = self.problem;
        let gi = g as usize;
        let here = self.wave[gi] == w;
        let removed = without.filter(|&h| self.wave[h as usize] == w);
        let others = self.members[w as usize].len() - usize::from(here) - usize::from(removed.is_some());
        if p.oversized(g) {
            if others > 0 {
                return Some(Block::Capacity(0));
            }
        } else {
            for r in 0..RESOURCES {
                if let Some(cap) = p.cap(r, w) {
                    let mut load = self.load[w as usize][r];
                    if here {
                        load -= p.groups[gi].need[r];
                    }
                    if let Some(h) = removed {
                        load -= p.groups[h as usize].need[r];
                    }
                    if load + p.groups[gi].need[r] > cap + 1e-9 * cap.max(1.0) {
                        return Some(Block::Capacity(r));
                    }
                }
            }
            if let Some(&first) = self.members[w as usize].first()
                && p.oversized(first)
                && first != g
                && Some(first) != removed
            {
                return Some(Block::Capacity(0));
            }
        }
        for &h in &p.apart_of[gi] {
            if self.wave[h as usize] == w && Some(h) != without {
                return Some(Block::Apart(h));
            }
        }
        None
    }

    /// Whether the cutovers of wave `w` with `g` in it (and `without` out of
    /// it) all find a track in their windows. Costs a schedule of the wave:
    /// called once the cheap checks pass.
    pub fn cutovers_fit(&self, g: u32, w: u32, without: Option<u32>) -> bool {
        let Some(check) = &self.cutover else { return true };
        let p = self.problem;
        let members = self.members[w as usize].iter().map(|&x| (x, p.groups[x as usize].apps.as_slice()));
        check.tracks.fits(check.config, w, members, without, Some((g, p.groups[g as usize].apps.as_slice())))
    }

    /// Whether every wave in `waves` fits its cutovers as it stands.
    pub fn waves_fit(&self, waves: &[u32]) -> bool {
        let Some(check) = &self.cutover else { return true };
        let p = self.problem;
        waves.iter().all(|&w| {
            let members = self.members[w as usize].iter().map(|&x| (x, p.groups[x as usize].apps.as_slice()));
            check.tracks.fits(check.config, w, members, None, None)
        })
    }

    /// The last wave after moving `g` from its wave to `to`.
    fn last_after(&self, g: u32, to: u32) -> u32 {
        let from = self.wave[g as usize];
        if to >= self.last {
            return to;
        }
        if from == self.last && self.members[from as usize].len() == 1 {
            let mut w = from - 1;
            while w > to && self.members[w as usize].is_empty() {
                w -= 1;
            }
            return w.max(to);
        }
        self.last
    }

    /// Traffic-days of `g`'s links if it were at `to` minus at its wave, the
    /// last wave held fixed; `skip` leaves one neighbour out (for swaps).
    fn link_change(&self, g: u32, to: u32, skip: Option<u32>) -> f64 {
        let from = self.wave[g as usize];
        let mut change = 0.0;
        for &(h, w) in &self.problem.adjacent[g as usize] {
            if Some(h) == skip {
                continue;
            }
            let x = self.wave[h as usize];
            change += w * (f64::from(to.abs_diff(x)) - f64::from(from.abs_diff(x)));
        }
        change - self.problem.staying[g as usize] * (f64::from(to) - f64::from(from))
    }

    /// What moving `g` to `to` does to the DR part of the objective.
    fn dr_change(&self, g: u32, to: u32) -> f64 {
        let p = self.problem;
        if p.dr_weight == 0.0 {
            return 0.0;
        }
        p.dr_cost(g, to) - p.dr_cost(g, self.wave[g as usize])
    }

    /// What moving `g` to wave `to` does to the objective.
    pub fn delta_move(&self, g: u32, to: u32) -> Delta {
        let days = f64::from(self.problem.wave_days);
        let last = self.last_after(g, to);
        let from = self.wave[g as usize];
        let traffic = (self.link_change(g, to, None) + self.staying_total * (f64::from(last) - f64::from(self.last)))
            * days
            + self.dr_change(g, to);
        let s = self.servers(g);
        let (lf, lt) = (self.load[from as usize][0], self.load[to as usize][0]);
        let squares = if from == to { self.squares } else { self.squares + 2.0 * s * (lt - lf) + 2.0 * s * s };
        let sum = self.servers_total;
        Delta {
            traffic_days: traffic,
            waves: last,
            imbalance: imbalance(sum, squares, last),
            waves_before: self.last,
            imbalance_before: imbalance(sum, self.squares, self.last),
        }
    }

    /// What swapping the waves of `g` and `h` does to the objective.
    pub fn delta_swap(&self, g: u32, h: u32) -> Delta {
        let days = f64::from(self.problem.wave_days);
        let (a, b) = (self.wave[g as usize], self.wave[h as usize]);
        let traffic = (self.link_change(g, b, Some(h)) + self.link_change(h, a, Some(g))) * days
            + self.dr_change(g, b)
            + self.dr_change(h, a);
        let (sg, sh) = (self.servers(g), self.servers(h));
        let (la, lb) = (self.load[a as usize][0], self.load[b as usize][0]);
        let (na, nb) = (la - sg + sh, lb - sh + sg);
        let squares = self.squares - la * la - lb * lb + na * na + nb * nb;
        let sum = self.servers_total;
        Delta {
            traffic_days: traffic,
            waves: self.last,
            imbalance: imbalance(sum, squares, self.last),
            waves_before: self.last,
            imbalance_before: imbalance(sum, self.squares, self.last),
        }
    }

    /// Whether `g` and `h` are linked by precedence.
    fn ordered(&self, g: u32, h: u32) -> bool {
        let p = self.problem;
        p.preds[g as usize].iter().any(|&e| p.edges[e as usize].pred == h)
            || p.succs[g as usize].iter().any(|&e| p.edges[e as usize].succ == h)
    }

    /// Whether `g` and `h` may swap waves without breaking anything.
    pub fn can_swap(&self, g: u32, h: u32) -> bool {
        let (a, b) = (self.wave[g as usize], self.wave[h as usize]);
        a != b && !self.ordered(g, h) && self.block(g, b, Some(h)).is_none() && self.block(h, a, Some(g)).is_none()
    }
}

/// The order groups are packed in: tight deadlines first, pilot candidates,
/// shared infrastructure, non-production, the less critical, the smaller.
fn pack_key(p: &Problem, g: u32) -> (u32, bool, bool, bool, u8, u64) {
    let info = &p.groups[g as usize];
    (
        p.latest[g as usize],
        !info.pilot_eligible,
        !info.infrastructure,
        info.production,
        info.criticality,
        info.need[0] as u64,
    )
}

/// Places every group in precedence order at the earliest wave it fits.
/// Groups that fit nowhere within their bounds are named as conflicts and
/// placed where they break the least (the verifier then reports them).
pub fn pack<'p>(problem: &'p Problem, cutover: Option<CutoverCheck<'p>>, conflicts: &mut Vec<Conflict>) -> State<'p> {
    let mut state = State::new(problem);
    state.cutover = cutover;
    pack_shuffled(problem, state, None, conflicts)
}

/// [`pack`] with ties in the packing order broken by a seeded shuffle
/// instead of size and criticality (`Some(seed)`), for restarts.
pub fn pack_shuffled<'p>(
    problem: &'p Problem,
    mut state: State<'p>,
    shuffle: Option<u64>,
    conflicts: &mut Vec<Conflict>,
) -> State<'p> {
    let noise: Vec<u64> = match shuffle {
        Some(seed) => {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            (0..problem.groups.len()).map(|_| rand::Rng::random::<u64>(&mut rng)).collect()
        }
        None => vec![0; problem.groups.len()],
    };
    let order = problem.topological_order(|g| {
        let key = pack_key(problem, g);
        // Pilot candidates first still, so that restarts fill the pilot as the first packing does.
        if shuffle.is_some() { (key.0, key.1, noise[g as usize], key) } else { (key.0, key.1, 0, key) }
    });
    let mut placed = vec![false; problem.groups.len()];
    for &g in &order {
        place_first_fit(&mut state, g, conflicts);
        placed[g as usize] = true;
    }
    // Groups left on a cycle of constraints (already named as conflicts).
    for g in 0..problem.groups.len() as u32 {
        if !placed[g as usize] {
            place_first_fit(&mut state, g, conflicts);
        }
    }
    state
}

fn place_first_fit(state: &mut State<'_>, g: u32, conflicts: &mut Vec<Conflict>) {
    let p = state.problem;
    let (lo, hi) = state.range(g);
    let lo = lo.max(1);
    if let Some(w) =
        (lo..=hi.min(p.horizon)).find(|&w| state.block(g, w, None).is_none() && state.cutovers_fit(g, w, None))
    {
        state.place(g, w);
        return;
    }
    // Nothing within its bounds: say why, then place it where only the bound gives way.
    let info = &p.groups[g as usize];
    if !p.oversized(g) && lo <= hi {
        let mut why: Vec<String> = Vec::new();
        let mut names = vec![info.label.as_str()];
        let mut groups = vec![g as usize];
        if let Some(bound) = &p.latest_why[g as usize] {
            names.push(p.groups[bound.origin as usize].label.as_str());
            groups.push(bound.origin as usize);
        }
        for w in lo..=hi.min(p.horizon) {
            let block =
                state.block(g, w, None).or_else(|| (!state.cutovers_fit(g, w, None)).then_some(Block::CutoverWindow));
            if let Some(block) = block {
                let mut text = format!("wave {w}: {}", describe_block(state, g, &block));
                // Name what takes the room: that is the other side of the conflict.
                if let Block::Capacity(r) = block {
                    let members = &state.members[w as usize];
                    let labels: Vec<String> =
                        members.iter().take(5).map(|&h| format!("'{}'", p.groups[h as usize].label)).collect();
                    let more =
                        if members.len() > 5 { format!(" and {} more", members.len() - 5) } else { String::new() };
                    text.push_str(&format!(
                        ", {} of {} taken by {}{more}",
                        fmt_need(state.load[w as usize][r]),
                        p.cap(r, w).map_or_else(|| "?".into(), fmt_need),
                        labels.join(", ")
                    ));
                    names.extend(members.iter().take(5).map(|&h| p.groups[h as usize].label.as_str()));
                    groups.extend(members.iter().take(5).map(|&h| h as usize));
                }
                why.push(text);
            }
            if why.len() >= 6 {
                why.push("...".into());
                break;
            }
        }
        names.sort_unstable();
        names.dedup();
        conflicts.push(Conflict::new(
            ViolationKind::Capacity,
            format!(
                "'{}' must move {} ({})",
                info.label,
                if lo == hi {
                    format!("in wave {lo} but wave {lo} has no room")
                } else {
                    format!("between waves {lo} and {hi} but none of them has room")
                },
                why.join("; ")
            ),
            &names,
            Vec::new(),
            groups,
        ));
    }
    let fallback = (lo..=p.horizon)
        .find(|&w| state.room(g, w, None).is_none() && p.calendar_open(g, w))
        .or_else(|| (lo..=p.horizon).find(|&w| state.members[w as usize].is_empty()))
        .unwrap_or(lo.min(p.horizon));
    state.place(g, fallback);
}

/// A block in words.
pub fn describe_block(state: &State<'_>, g: u32, block: &Block) -> String {
    let p = state.problem;
    let label = |x: u32| p.groups[x as usize].label.as_str();
    match block {
        Block::Bounds if state.wave[g as usize] > 0 && p.earliest_why[g as usize].is_some() => {
            format!("too early: {}", p.earliest_why[g as usize].as_ref().map(|w| w.describe(p)).unwrap_or_default())
        }
        Block::Bounds => "outside the waves its own constraints allow".into(),
        Block::Pilot => "a pilot wave, which takes small non-production applications only".into(),
        Block::Calendar => "no maintenance window opens outside the blackouts".into(),
        Block::Predecessor(e) => {
            let edge = p.edges[*e as usize];
            format!(
                "{} '{}', which moves in wave {}",
                edge_words(edge.why, true),
                label(edge.pred),
                state.wave[edge.pred as usize]
            )
        }
        Block::Successor(e) => {
            let edge = p.edges[*e as usize];
            format!(
                "{} '{}', which moves in wave {}",
                edge_words(edge.why, false),
                label(edge.succ),
                state.wave[edge.succ as usize]
            )
        }
        Block::Capacity(r) => {
            let w = state.wave[g as usize];
            let _ = w;
            format!("no room for its {} {}", fmt_need(p.groups[g as usize].need[*r]), RESOURCE_NAMES[*r])
        }
        Block::Apart(h) => format!("kept apart from '{}'", label(*h)),
        Block::CutoverWindow => "its cutover finds no track with room in its maintenance window".into(),
    }
}

pub(crate) fn fmt_need(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 { format!("{}", x.round()) } else { format!("{x:.1}") }
}

/// How an edge reads from one end.
pub(crate) fn edge_words(why: super::problem::EdgeWhy, from_successor: bool) -> &'static str {
    use super::problem::EdgeWhy::*;
    match (why, from_successor) {
        (Dependency, true) => "depends on",
        (Before, true) => "must move after",
        (NonProductionFirst, true) => "must follow its non-production copy",
        (Dependency, false) => "is depended on by",
        (Before, false) => "must move before",
        (NonProductionFirst, false) => "is the non-production copy of",
    }
}

/// Improves a state by moving single groups and swapping pairs, each move
/// keeping every hard constraint, until a pass finds nothing better or
/// `passes` passes have run. Deterministic for a given seed.
pub fn improve(state: &mut State<'_>, kind: ObjectiveKind, seed: u64, passes: u32) {
    let p = state.problem;
    let n = p.groups.len() as u32;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut order: Vec<u32> = (0..n).collect();
    let scale = p.links.iter().map(|l| l.2).sum::<f64>() + p.staying.iter().sum::<f64>();
    let scale = scale * f64::from(p.wave_days) * f64::from(state.last.max(1));
    for _ in 0..passes {
        order.shuffle(&mut rng);
        let mut improved = false;
        for &g in &order {
            improved |= improve_group(state, g, kind, scale);
        }
        if !improved {
            break;
        }
    }
}

/// The wave the group's links pull it to, within `[lo, hi]`: the minimum of
/// a convex piecewise-linear cost (a weighted median shifted by its traffic
/// to what stays on premises).
fn pull(state: &State<'_>, g: u32, lo: u32, hi: u32) -> u32 {
    let p = state.problem;
    let mut points: Vec<(u32, f64)> =
        p.adjacent[g as usize].iter().map(|&(h, w)| (state.wave[h as usize], w)).collect();
    points.sort_unstable_by_key(|x| x.0);
    let total: f64 = points.iter().map(|x| x.1).sum();
    let staying = p.staying[g as usize];
    // f(b + 1) - f(b) = (weight at or below b) - (weight above b) - staying:
    // it only changes at the neighbours' waves.
    let mut below: f64 = points.iter().take_while(|x| x.0 <= lo).map(|x| x.1).sum();
    if below - (total - below) - staying >= 0.0 {
        return lo;
    }
    let mut i = points.partition_point(|x| x.0 <= lo);
    while i < points.len() && points[i].0 <= hi {
        let b = points[i].0;
        while i < points.len() && points[i].0 == b {
            below += points[i].1;
            i += 1;
        }
        if below - (total - below) - staying >= 0.0 {
            return b;
        }
    }
    hi
}

fn improve_group(state: &mut State<'_>, g: u32, kind: ObjectiveKind, scale: f64) -> bool {
    let p = state.problem;
    let from = state.wave[g as usize];
    let (lo, hi) = state.range(g);
    let (lo, hi) = (lo.max(1), hi.min(p.horizon));
    if lo > hi {
        return false;
    }
    // A pilot wave keeps its applications (it is there to prove the process):
    // one at its floor only trades them, by a swap.
    let apps = p.groups[g as usize].need[1];
    let may_leave = state.pilot_kept(from, apps, 0.0);
    // Past the last wave every staying link costs more: the pull stays within it.
    let target = pull(state, g, lo, hi.min(state.last.max(from)).max(lo));
    let mut candidates: Vec<u32> = Vec::with_capacity(12);
    // Nearest allowed waves on either side of the pull, and one step each way.
    let steps = 64;
    if let Some(w) =
        (lo.max(target.saturating_sub(steps))..=target).rev().find(|&w| w == from || state.block(g, w, None).is_none())
    {
        candidates.push(w);
    }
    if let Some(w) = (target + 1..=hi.min(target + steps)).find(|&w| w == from || state.block(g, w, None).is_none()) {
        candidates.push(w);
    }
    for w in [from.saturating_sub(1), from + 1] {
        if w >= lo && w <= hi && state.block(g, w, None).is_none() {
            candidates.push(w);
        }
    }
    let mut improving: Vec<(u32, Delta)> = Vec::new();
    for &w in &candidates {
        if !may_leave || w == from || improving.iter().any(|x| x.0 == w) {
            continue;
        }
        let d = state.delta_move(g, w);
        if d.improves(kind, scale) {
            improving.push((w, d));
        }
    }
    // Best first; the cutover-track check is the costly one, made last.
    while let Some(i) =
        (0..improving.len()).reduce(|a, b| if better(kind, &improving[b].1, &improving[a].1, scale) { b } else { a })
    {
        let (w, _) = improving.swap_remove(i);
        if state.cutovers_fit(g, w, None) {
            state.shift(g, w);
            return true;
        }
    }
    // Held by what it waits for (or what waits for it): move them along.
    if target != from
        && may_leave
        && matches!(state.block(g, target, None), Some(Block::Predecessor(_) | Block::Successor(_)))
        && shift_cluster(state, g, target, kind, scale)
    {
        return true;
    }
    // The pull's wave is full: try a swap with one of its groups.
    if target != from
        && matches!(state.room(g, target, None), Some(Block::Capacity(_)))
        && state.block(g, target, None).is_some()
    {
        let members = state.members[target as usize].clone();
        let mut best: Option<(u32, Delta)> = None;
        for &h in members.iter().take(64) {
            let apps_h = p.groups[h as usize].need[1];
            let pilot_kept = state.pilot_kept(from, apps, apps_h) && state.pilot_kept(target, apps_h, apps);
            if !pilot_kept || !state.can_swap(g, h) {
                continue;
            }
            let d = state.delta_swap(g, h);
            if d.improves(kind, scale) && best.as_ref().is_none_or(|(_, b)| better(kind, &d, b, scale)) {
                best = Some((h, d));
            }
        }
        if let Some((h, _)) = best
            && state.cutovers_fit(g, state.wave[h as usize], Some(h))
            && state.cutovers_fit(h, state.wave[g as usize], Some(g))
        {
            let (a, b) = (state.wave[g as usize], state.wave[h as usize]);
            state.remove(g);
            state.remove(h);
            state.place(g, b);
            state.place(h, a);
            return true;
        }
    }
    false
}

/// The part of the objective that involves the groups of `set` (marked in
/// `inside`): their links (a link inside the set counted once) and their
/// traffic to what stays on premises, before the last-wave term.
fn local_cost(state: &State<'_>, set: &[u32], inside: &[bool]) -> f64 {
    let p = state.problem;
    let mut cost = 0.0;
    for &g in set {
        let x = state.wave[g as usize];
        for &(h, w) in &p.adjacent[g as usize] {
            let d = f64::from(x.abs_diff(state.wave[h as usize]));
            cost += if inside[h as usize] { 0.5 * w * d } else { w * d };
        }
        cost -= p.staying[g as usize] * f64::from(x);
        // In days' units like the rest (the caller multiplies by the wave's days).
        cost += p.dr_cost(g, x) / f64::from(p.wave_days);
    }
    cost
}

/// Moves `g` to `target` together with every group that precedence would
/// then break (its predecessors when moving earlier, its successors when
/// moving later, transitively, up to a few dozen), if all of them fit and
/// the objective improves; otherwise leaves the state as it was.
fn shift_cluster(state: &mut State<'_>, g: u32, target: u32, kind: ObjectiveKind, scale: f64) -> bool {
    let p = state.problem;
    let earlier = target < state.wave[g as usize];
    let mut new_wave: Vec<(u32, u32)> = vec![(g, target)];
    let mut inside = vec![false; p.groups.len()];
    inside[g as usize] = true;
    let mut i = 0;
    while i < new_wave.len() {
        let (x, wx) = new_wave[i];
        i += 1;
        let edges = if earlier { &p.preds[x as usize] } else { &p.succs[x as usize] };
        for &e in edges {
            let edge = p.edges[e as usize];
            let other = if earlier { edge.pred } else { edge.succ };
            let current = state.wave[other as usize];
            let needed = if earlier { wx.checked_sub(edge.offset) } else { Some(wx + edge.offset) };
            let Some(needed) = needed else { return false };
            let breaks = if earlier { current > needed } else { current < needed };
            if !breaks {
                continue;
            }
            if inside[other as usize] {
                if let Some(slot) = new_wave.iter_mut().find(|(y, _)| *y == other) {
                    slot.1 = if earlier { slot.1.min(needed) } else { slot.1.max(needed) };
                }
                continue;
            }
            if new_wave.len() >= 32 || needed == 0 || needed > p.horizon {
                return false;
            }
            inside[other as usize] = true;
            new_wave.push((other, needed));
        }
    }
    let set: Vec<u32> = new_wave.iter().map(|&(x, _)| x).collect();
    let old: Vec<(u32, u32)> = set.iter().map(|&x| (x, state.wave[x as usize])).collect();
    let (cost_before, last_before) = (local_cost(state, &set, &inside), state.last);
    let sum = state.servers_total;
    let imbalance_before = imbalance(sum, state.squares, state.last);
    for &x in &set {
        state.remove(x);
    }
    // Place in precedence order of the move: what others wait for first.
    let mut order = new_wave.clone();
    order.sort_by_key(|&(x, w)| (w, x));
    let mut placed = Vec::with_capacity(order.len());
    let mut ok = true;
    for &(x, w) in &order {
        if state.block(x, w, None).is_some() {
            ok = false;
            break;
        }
        state.place(x, w);
        placed.push(x);
    }
    // A pilot wave keeps its applications.
    ok &= state.pilot_all_kept();
    if ok {
        let days = f64::from(p.wave_days);
        let delta = Delta {
            traffic_days: (local_cost(state, &set, &inside) - cost_before
                + state.staying_total * (f64::from(state.last) - f64::from(last_before)))
                * days,
            waves: state.last,
            imbalance: imbalance(sum, state.squares, state.last),
            waves_before: last_before,
            imbalance_before,
        };
        // The cutover schedule of the touched waves is the costly check: last.
        let mut touched: Vec<u32> = new_wave.iter().map(|&(_, w)| w).collect();
        touched.sort_unstable();
        touched.dedup();
        if delta.improves(kind, scale) && state.waves_fit(&touched) {
            return true;
        }
    }
    for x in placed {
        state.remove(x);
    }
    for &(x, w) in &old {
        state.place(x, w);
    }
    false
}

fn better(kind: ObjectiveKind, a: &Delta, b: &Delta, scale: f64) -> bool {
    let diff = Delta {
        traffic_days: a.traffic_days - b.traffic_days,
        waves: a.waves,
        imbalance: a.imbalance,
        waves_before: b.waves,
        imbalance_before: b.imbalance,
    };
    diff.improves(kind, scale)
}

/// The baseline the benchmark compares with, as Azure Migrate's wave
/// planning and AWS Cloud Migration Factory describe theirs: groups ordered
/// by a priority score (less critical, non-production, fewer dependencies
/// and smaller first), waves filled in turn up to capacity, a group taken
/// once what it waits for has moved. It keeps every hard constraint the
/// same way the planner does; it only ignores traffic.
pub fn baseline<'p>(
    problem: &'p Problem,
    cutover: Option<CutoverCheck<'p>>,
    conflicts: &mut Vec<Conflict>,
) -> State<'p> {
    let mut state = State::new(problem);
    state.cutover = cutover;
    let n = problem.groups.len();
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_by_key(|&g| {
        let info = &problem.groups[g as usize];
        (
            info.criticality,
            info.production,
            problem.adjacent[g as usize].len() + problem.preds[g as usize].len(),
            info.need[0] as u64,
            g,
        )
    });
    let mut left: Vec<u32> = order;
    let mut wave = 1;
    while !left.is_empty() && wave <= problem.horizon {
        let mut rest = Vec::with_capacity(left.len());
        for &g in &left {
            let ready = problem.preds[g as usize].iter().all(|&e| {
                let edge = problem.edges[e as usize];
                let w = state.wave[edge.pred as usize];
                w > 0 && w + edge.offset <= wave
            });
            if ready && state.block(g, wave, None).is_none() && state.cutovers_fit(g, wave, None) {
                state.place(g, wave);
            } else if ready && wave > problem.latest[g as usize] {
                // Past its deadline: the baseline has failed this group.
                place_first_fit(&mut state, g, conflicts);
            } else {
                rest.push(g);
            }
        }
        left = rest;
        wave += 1;
    }
    for g in left {
        place_first_fit(&mut state, g, conflicts);
    }
    state
}
