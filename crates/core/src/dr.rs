//! Disaster-recovery (DR) coverage: whether each application's achievable
//! recovery time and recovery point meet its targets, before, between and
//! after the waves.
//!
//! An application that has not moved has its current DR posture; one that
//! has moved has its target posture (the plan assumes the target DR is built
//! at cutover). Retired applications are left out. `dr/timeline.rs` follows
//! every application through every day of the programme: on premises, in
//! flight, unprotected or in the cloud, with the days it spends below target.

mod timeline;

use serde::{Deserialize, Serialize};

use crate::model::{Application, DrPosture, Tier};

pub use timeline::{
    AppDr, DrDates, DrDay, DrPeriod, DrState, DrTimeline, WaveDr, annotate, gap_days, gap_days_in_wave, periods,
};

/// What each DR posture achieves and what each tier needs, minutes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DrConfig {
    /// Achievable (RTO, RPO) with backup and restore.
    pub backup: (u32, u32),
    /// Achievable (RTO, RPO) with a warm standby.
    pub warm_standby: (u32, u32),
    /// Achievable (RTO, RPO) active-active.
    pub active_active: (u32, u32),
    /// Target (RTO, RPO) of a mission-critical application that states none.
    pub mission_critical_target: (u32, u32),
    /// Target (RTO, RPO) of a business-critical application that states none.
    pub business_critical_target: (u32, u32),
    /// Target (RTO, RPO) of a business-operational application that states none.
    pub business_operational_target: (u32, u32),
    /// Target (RTO, RPO) of an administrative application that states none.
    pub administrative_target: (u32, u32),
    /// Days after cutover until backup and restore is in place in the cloud.
    pub backup_ready_days: u32,
    /// Days after cutover until a warm standby is in place in the cloud.
    pub warm_standby_ready_days: u32,
    /// Days after cutover until an active-active deployment is in place in the cloud.
    pub active_active_ready_days: u32,
    /// Posture an application has after cutover until its target DR is in
    /// place (`none`: unprotected in that time).
    pub interim_posture: DrPosture,
    /// Whether the on-premises DR is suspended while the migration replicates
    /// (one replication agent per server, or the DR link taken for migration).
    pub suspend_dr_in_flight: bool,
}

impl Default for DrConfig {
    fn default() -> Self {
        DrConfig {
            backup: (24 * 60, 24 * 60),
            warm_standby: (4 * 60, 15),
            active_active: (5, 0),
            mission_critical_target: (4 * 60, 15),
            business_critical_target: (8 * 60, 60),
            business_operational_target: (24 * 60, 24 * 60),
            administrative_target: (72 * 60, 24 * 60),
            backup_ready_days: 0,
            warm_standby_ready_days: 7,
            active_active_ready_days: 14,
            interim_posture: DrPosture::None,
            suspend_dr_in_flight: false,
        }
    }
}

impl DrConfig {
    /// What a posture achieves: (RTO, RPO) minutes, `None` for no DR at all.
    pub fn achievable(&self, posture: DrPosture) -> Option<(u32, u32)> {
        match posture {
            DrPosture::None => None,
            DrPosture::Backup => Some(self.backup),
            DrPosture::WarmStandby => Some(self.warm_standby),
            DrPosture::ActiveActive => Some(self.active_active),
        }
    }

    /// An application's (RTO, RPO) targets: its own, or its tier's.
    pub fn target(&self, app: &Application) -> (u32, u32) {
        let tier = match app.tier() {
            Tier::MissionCritical => self.mission_critical_target,
            Tier::BusinessCritical => self.business_critical_target,
            Tier::BusinessOperational => self.business_operational_target,
            Tier::Administrative => self.administrative_target,
        };
        (app.rto_minutes.unwrap_or(tier.0), app.rpo_minutes.unwrap_or(tier.1))
    }

    /// Days after cutover until a posture is in place in the cloud.
    pub fn ready_days(&self, posture: DrPosture) -> u32 {
        match posture {
            DrPosture::None => 0,
            DrPosture::Backup => self.backup_ready_days,
            DrPosture::WarmStandby => self.warm_standby_ready_days,
            DrPosture::ActiveActive => self.active_active_ready_days,
        }
    }

    /// Every setting that cannot be right (an achievable RTO or RPO that a
    /// stronger posture does not improve on), one message each.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let ladder =
            [("backup", self.backup), ("warm_standby", self.warm_standby), ("active_active", self.active_active)];
        for pair in ladder.windows(2) {
            let ((weak, a), (strong, b)) = (pair[0], pair[1]);
            if b.0 > a.0 || b.1 > a.1 {
                problems.push(format!(
                    "dr.{strong} ({} min RTO, {} min RPO) must be at least as good as dr.{weak} ({} min, {} min)",
                    b.0, b.1, a.0, a.1
                ));
            }
        }
        problems
    }

    /// Whether a posture meets an application's targets.
    pub fn meets(&self, app: &Application, posture: DrPosture) -> bool {
        let (rto, rpo) = self.target(app);
        self.achievable(posture).is_some_and(|(a_rto, a_rpo)| a_rto <= rto && a_rpo <= rpo)
    }
}

/// The posture an application has before it moves (unknown reads as none).
pub fn posture_before(app: &Application) -> DrPosture {
    app.dr_current.unwrap_or(DrPosture::None)
}

/// The posture an application has after it moves (its target, or what it had).
pub fn posture_after(app: &Application) -> DrPosture {
    app.dr_target.or(app.dr_current).unwrap_or(DrPosture::None)
}

/// Coverage of one tier at one moment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TierCoverage {
    /// The tier.
    pub tier: Tier,
    /// Applications of the tier that are not retired.
    pub applications: usize,
    /// Of those, how many meet their RTO and RPO targets.
    pub meeting: usize,
    /// `meeting / applications`, 1 when there are none.
    pub share: f64,
}

/// Coverage at one wave boundary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// 0 before the first wave, N after wave N.
    pub after_wave: u32,
    /// Per tier, most critical first.
    pub by_tier: Vec<TierCoverage>,
    /// All tiers together.
    pub share: f64,
}

/// Counts coverage given, for each application, whether it is counted and whether it meets its targets.
pub fn coverage(after_wave: u32, apps: impl Iterator<Item = (Tier, bool)>) -> Coverage {
    let mut counts = [(0usize, 0usize); 4];
    for (tier, meets) in apps {
        let slot = &mut counts[Tier::ALL.iter().position(|&t| t == tier).unwrap_or(0)];
        slot.0 += 1;
        slot.1 += usize::from(meets);
    }
    let share = |applications: usize, meeting: usize| {
        if applications == 0 { 1.0 } else { meeting as f64 / applications as f64 }
    };
    let by_tier = Tier::ALL
        .iter()
        .zip(counts)
        .map(|(&tier, (applications, meeting))| TierCoverage {
            tier,
            applications,
            meeting,
            share: share(applications, meeting),
        })
        .collect();
    let (total, meeting) = counts.iter().fold((0, 0), |(a, m), &(x, y)| (a + x, m + y));
    Coverage { after_wave, by_tier, share: share(total, meeting) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postures_against_tier_targets() {
        let config = DrConfig::default();
        let critical = Application { tier: Some(Tier::MissionCritical), ..Application::default() };
        assert!(!config.meets(&critical, DrPosture::Backup));
        assert!(config.meets(&critical, DrPosture::WarmStandby));
        let relaxed = Application {
            tier: Some(Tier::MissionCritical),
            rto_minutes: Some(48 * 60),
            rpo_minutes: Some(24 * 60),
            ..Application::default()
        };
        assert!(config.meets(&relaxed, DrPosture::Backup));
        assert!(!config.meets(&relaxed, DrPosture::None));
    }

    #[test]
    fn coverage_shares() {
        let c = coverage(
            2,
            [(Tier::MissionCritical, true), (Tier::MissionCritical, false), (Tier::Administrative, true)].into_iter(),
        );
        assert_eq!(c.by_tier[0].share, 0.5);
        assert_eq!(c.by_tier[1].share, 1.0);
        assert!((c.share - 2.0 / 3.0).abs() < 1e-12);
    }
}
