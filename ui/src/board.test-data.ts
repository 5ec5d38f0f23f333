// Wire values of the board's what-if for the front-end tests, shaped as the shell sends them.
import type { MovePrice, PlannerObjective, ViolationView } from "./ipc/types";

export function objective(trafficDays: number, waves = 3, imbalance = 0.1): PlannerObjective {
  return { trafficDays, betweenWaves: trafficDays, onPremises: 0, waves, imbalance };
}

export function price(application: string, fromWave: number, toWave: number, broken: ViolationView[] = [], extra: Partial<MovePrice> = {}): MovePrice {
  return {
    application,
    fromWave,
    toWave,
    movesWith: [application],
    broken,
    before: objective(1200),
    after: objective(1500),
    millis: 0.4,
    ...extra,
  };
}
