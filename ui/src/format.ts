// How numbers, durations and dates are written on screen.

export function minutes(total: number): string {
  if (total < 60) return `${total} min`;
  const h = Math.floor(total / 60);
  const m = total % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `2027-01-04` as `4 Jan 2027`. */
export function day(iso: string | null | undefined): string {
  if (!iso) return "—";
  const [y, m, d] = iso.split("-").map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

/** A range of ISO days, the year once. */
export function span(start: string, end: string): string {
  const [a, b] = [day(start).split(" "), day(end).split(" ")];
  return a[2] === b[2] ? `${a[0]} ${a[1]} – ${b[0]} ${b[1]} ${b[2]}` : `${day(start)} – ${day(end)}`;
}

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}

export function delta(before: number, after: number): string {
  const d = after - before;
  return d === 0 ? "±0" : d > 0 ? `+${d}` : `${d}`;
}

/**
 * An instant (RFC 3339) in the user's locale and time zone, the month by
 * name and the year in full (`7 December 2026, 14:02`, or `December 7, 2026
 * at 2:02 PM`): never a numeric date that reads differently across locales.
 * `locale` and `timeZone` are for tests; the page uses the user's own.
 */
export function moment(iso: string, locale?: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeStyle: "short", timeZone }).format(date);
}
