// The programme on a calendar: one bar per wave, blackout periods shaded.
import { memo } from "react";
import type { Board } from "../ipc/types";
import { day } from "../format";

const DAY = 86_400_000;

/** Drawn again only when the board changes (not on every drag or price of the board around it). */
export const Timeline = memo(function Timeline({ board }: { board: Board }) {
  if (board.waves.length === 0) return null;
  const t = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
  const start = Math.min(t(board.waves[0].start), ...board.settings.blackouts.map((b) => t(b.start)));
  const end = Math.max(t(board.waves[board.waves.length - 1].end), ...board.settings.blackouts.map((b) => t(b.end))) + DAY;
  const x = (ms: number) => `${(100 * (ms - start)) / (end - start)}%`;
  const w = (a: number, b: number) => `${(100 * (b - a)) / (end - start)}%`;
  return (
    <div className="timeline" aria-label="Timeline">
      {board.settings.blackouts.map((b) => (
        <div key={b.name + b.start} className="timeline-blackout" style={{ left: x(t(b.start)), width: w(t(b.start), t(b.end) + DAY) }} title={`${b.name}: ${day(b.start)} – ${day(b.end)}`}>
          {b.name}
        </div>
      ))}
      {board.waves.map((wave) => (
        <div
          key={wave.index}
          className={`timeline-wave${wave.cards.length === 0 ? " idle" : ""}`}
          style={{ left: x(t(wave.start)), width: w(t(wave.start), t(wave.end) + DAY) }}
          title={`${wave.name}: ${day(wave.start)} – ${day(wave.end)}`}
        >
          {wave.index}
        </div>
      ))}
      <div className="timeline-axis">
        <span>{day(new Date(start).toISOString().slice(0, 10))}</span>
        <span>{day(new Date(end - DAY).toISOString().slice(0, 10))}</span>
      </div>
    </div>
  );
});
