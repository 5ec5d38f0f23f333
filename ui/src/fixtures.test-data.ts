// Wire values for the front-end tests, shaped as the shell sends them.
import type { Board, Card, InventoryTable, PlanSettings, ProjectView } from "./ipc/types";

export const HOSTILE = `<img src=x onerror=alert(1)>`;

export const project: ProjectView = {
  path: "/tmp/hospital.waveplan",
  name: "hospital",
  counts: { servers: 3, applications: 2, datastores: 0, devices: 1, dependencies: 1, externalEndpoints: 0, constraints: 0 },
  scenario: "baseline",
  scenarios: ["baseline"],
  hasPlan: true,
  imports: 1,
  undo: null,
  redo: null,
  readOnly: false,
  notice: null,
};

export function card(name: string, wave: number, extra: Partial<Card> = {}): Card {
  return {
    name,
    wave,
    moveGroup: wave * 10,
    movesWith: [],
    tier: "business-critical",
    environment: "production",
    strategy: "rehost",
    servers: 2,
    downtimeMinutes: 45,
    fitsWindow: true,
    pinned: false,
    violated: false,
    ...extra,
  };
}

export function board(cards: Card[]): Board {
  const waves = [1, 2, 3].map((index) => ({
    index,
    name: `Wave ${index}`,
    start: ["2027-01-04", "2027-01-18", "2027-02-01"][index - 1],
    end: ["2027-01-17", "2027-01-31", "2027-02-14"][index - 1],
    pilot: index === 1,
    servers: 2,
    capacity: 40,
    storageGb: 100,
    downtimeMinutes: 45,
    downtimeLongestMinutes: 45,
    blackouts: [],
    cards: cards.filter((c) => c.wave === index),
  }));
  return {
    scenario: "baseline",
    waves,
    violations: [],
    objective: { hardViolations: 0, waves: 3, programmeEnd: "2027-02-14", fullestWaveServers: 2, downtimeTotalMinutes: 90, wavesOverCapacity: 0 },
    notMigrating: [],
    warnings: [],
    settings: settings(),
    drCoverage: [],
  };
}

export const servers: InventoryTable = {
  kind: "servers",
  columns: [
    { key: "name", label: "Name", editable: false, sensitive: true, numeric: false, choices: [] },
    { key: "ip", label: "IP addresses", editable: false, sensitive: true, numeric: false, choices: [] },
    { key: "cores", label: "Cores", editable: false, sensitive: false, numeric: true, choices: [] },
    { key: "application", label: "Application", editable: false, sensitive: false, numeric: false, choices: [] },
  ],
  rows: [
    [HOSTILE, "10.0.0.1", "4", "billing"],
    ["ehr-db-01", "10.0.0.2", "16", "ehr"],
  ],
};

/** The planner's settings as the shell sends them (every field of the panel). */
export function settings(): PlanSettings {
  return {
    start: "2027-01-04",
    waveDays: 14,
    maxServersPerWave: 40,
    maxStorageGbPerWave: null,
    maxApplicationsPerWave: null,
    maxReplicatingServersPerWave: 12,
    maxCutoverHoursPerWave: 60.5,
    pilotApplications: 3,
    pilotWaves: 1,
    bandwidthMbps: 1000,
    blackouts: [{ name: "Year-end freeze", start: "2027-12-20", end: "2028-01-02" }],
    objective: "traffic-days",
    minimiseDrGapDays: false,
    drGapDayWeight: 0,
    precedence: { service: "same-or-earlier", database: "earlier", storage: "same-or-earlier" },
    latencyWeight: 3,
    seed: "18446744073709551615",
    searchPasses: 30,
    choices: { objectives: ["traffic-days", "fewest-waves"], precedenceRules: ["same-or-earlier", "earlier", "together", "ignore"] },
  };
}
