// DR coverage over the programme: the share of applications meeting their
// DR target after each wave, per criticality tier, the first day full
// coverage is restored (from the planner's day-by-day DR timeline), and the
// applications with DR gap-days, mission-critical first.
import { useEffect, useState } from "react";
import { useStore } from "../store";
import { api } from "../ipc/api";
import type { DrGaps } from "../ipc/types";
import { count, day } from "../format";

const TIER_COLOUR: Record<string, string> = {
  "mission-critical": "#c53030",
  "business-critical": "#dd6b20",
  "business-operational": "#2b6cb0",
  administrative: "#718096",
};

export function DrCoverage() {
  const board = useStore((s) => s.board);
  const [gaps, setGaps] = useState<DrGaps | null>(null);
  useEffect(() => {
    let live = true;
    setGaps(null);
    if (board) api.drGaps().then((g) => live && setGaps(g), () => live && setGaps(null));
    return () => {
      live = false;
    };
  }, [board]);
  if (!board || board.drCoverage.length === 0) return <section className="empty"><h2>No plan yet</h2><p>Plan the waves to see DR coverage through the programme.</p></section>;
  const points = board.drCoverage;
  const tiers = [...new Set(points.flatMap((p) => p.tiers.map((t) => t.tier)))];
  const [W, H, L, B] = [900, 340, 56, 40];
  const x = (i: number) => L + (i * (W - L - 20)) / Math.max(1, points.length - 1);
  const y = (share: number) => 20 + (1 - share) * (H - B - 20);
  const line = (shares: number[]) => shares.map((s, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(s).toFixed(1)}`).join(" ");
  const restored = points.find((p, i) => i > 0 && p.share >= 0.9999 && points.slice(0, i).some((q) => q.share < 0.9999));
  const lowest = points.reduce((a, b) => (b.share < a.share ? b : a));
  return (
    <section className="dr">
      <h2>DR coverage through the programme</h2>
      <p className="lead" data-dr-summary>
        Lowest: {(lowest.share * 100).toFixed(0)}% after {lowest.afterWave === 0 ? "the start" : `wave ${lowest.afterWave}`}.{" "}
        {gaps?.measured ? (
          <RestoredDays gaps={gaps} />
        ) : restored ? (
          `Full coverage restored on ${day(restored.date)} (after wave ${restored.afterWave}).`
        ) : points[points.length - 1].share >= 0.9999 ? (
          "Coverage is full throughout."
        ) : (
          `Coverage ends at ${(points[points.length - 1].share * 100).toFixed(0)}%: some applications never reach their DR target.`
        )}
      </p>
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="DR coverage per tier after each wave">
        {[0, 0.25, 0.5, 0.75, 1].map((s) => (
          <g key={s}>
            <line x1={L} x2={W - 20} y1={y(s)} y2={y(s)} className="gridline" />
            <text x={L - 8} y={y(s) + 4} textAnchor="end" className="axis">
              {s * 100}%
            </text>
          </g>
        ))}
        {points.map((p, i) => (
          <text key={p.afterWave} x={x(i)} y={H - 14} textAnchor="middle" className="axis">
            {p.afterWave === 0 ? "start" : `W${p.afterWave}`}
          </text>
        ))}
        <path d={line(points.map((p) => p.share))} className="total-line" />
        {tiers.map((t) => (
          <path
            key={t}
            d={line(points.map((p) => {
              const s = p.tiers.find((q) => q.tier === t);
              return s && s.applications ? s.meeting / s.applications : 1;
            }))}
            stroke={TIER_COLOUR[t] ?? "#4a5568"}
            className="tier-line"
          />
        ))}
      </svg>
      <div className="legend">
        <span><span className="swatch total" /> all applications</span>
        {tiers.map((t) => (
          <span key={t}>
            <span className="swatch" style={{ background: TIER_COLOUR[t] ?? "#4a5568" }} /> {t}
          </span>
        ))}
      </div>
      <table className="counts">
        <thead>
          <tr>
            <th>After</th>
            <th>Date</th>
            {tiers.map((t) => (
              <th key={t}>{t}</th>
            ))}
            <th>All</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.afterWave}>
              <td>{p.afterWave === 0 ? "start" : `wave ${p.afterWave}`}</td>
              <td>{day(p.date)}</td>
              {tiers.map((t) => {
                const s = p.tiers.find((q) => q.tier === t);
                return <td key={t} className={s && s.meeting < s.applications ? "bad-text" : ""}>{s ? `${s.meeting} / ${s.applications}` : "—"}</td>;
              })}
              <td>{(p.share * 100).toFixed(0)}%</td>
            </tr>
          ))}
        </tbody>
      </table>
      {gaps && <GapList gaps={gaps} />}
    </section>
  );
}

function RestoredDays({ gaps }: { gaps: DrGaps }) {
  return (
    <span data-dr-restored>
      {gaps.coverageRestoredFrom
        ? `Every application that met its DR target before the programme meets it again from ${day(gaps.coverageRestoredFrom)}. `
        : "Some applications that met their DR target before the programme never meet it again. "}
      {gaps.fullCoverageFrom ? `Full coverage from ${day(gaps.fullCoverageFrom)}.` : "Full coverage is never reached."}
    </span>
  );
}

const TIER_NAME: Record<string, string> = {
  "mission-critical": "Mission-critical",
  "business-critical": "Business-critical",
  "business-operational": "Business-operational",
  administrative: "Administrative",
};

/** The applications below their DR target on some day, mission-critical first. */
export function GapList({ gaps }: { gaps: DrGaps }) {
  if (!gaps.measured) return <p className="muted">This plan was saved without a DR timeline: re-plan it to see the gap-days.</p>;
  if (gaps.applications.length === 0) return <p data-dr-gaps>No application has a DR gap-day.</p>;
  return (
    <div data-dr-gaps>
      <h3>
        {count(gaps.applications.length, "application")} with DR gap-days · {count(gaps.gapDays, "gap-day")} in all, {gaps.gapDaysMissionCritical.toLocaleString("en")} mission-critical
      </h3>
      <table className="counts gap-list">
        <thead>
          <tr>
            <th>Application</th>
            <th>Tier</th>
            <th>Gap-days</th>
            <th title="Days it met its target before the programme: the gap the migration opens">Caused by the move</th>
            <th>At the end</th>
          </tr>
        </thead>
        <tbody>
          {gaps.applications.map((a) => (
            <tr key={a.name} data-dr-gap={a.name} className={a.tier === "mission-critical" ? "critical" : ""}>
              <td>{a.name}</td>
              <td>{TIER_NAME[a.tier] ?? a.tier}</td>
              <td>{a.gapDays.toLocaleString("en")}</td>
              <td>{a.gapDaysCaused.toLocaleString("en")}</td>
              <td className={a.endsBelowTarget ? "bad-text" : ""} title={a.note ?? undefined}>
                {a.endsBelowTarget ? `below target (${a.endPosture})` : a.endPosture}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
