// The wave board's keyboard navigation and sizes, as pure functions: which
// card an arrow key leads to (across waves too, skipping empty ones), and the
// fixed sizes the virtualised board lays its columns and cards out with.
import type { Board } from "../ipc/types";

/** A card's place on the board: its wave's position in `board.waves`, and its own in the wave. */
export interface Place {
  column: number;
  row: number;
}

/** The sizes of the board's columns and cards, in pixels; fixed, so scrolling never jumps. */
export interface BoardSizes {
  column: number;
  newWave: number;
  columnGap: number;
  card: number;
  cardGap: number;
}

// A card holds its name, two lines of figures and the "moves with" line at
// line-height 1.25 (styles.css): 18 px of padding and border, 18, 37 and 17.
export const SIZES: BoardSizes = { column: 250, newWave: 170, columnGap: 12, card: 92, cardGap: 8 };
/** Presentation mode: larger type, wider columns; the "moves with" line is hidden. */
export const PRESENTATION_SIZES: BoardSizes = { column: 300, newWave: 190, columnGap: 12, card: 88, cardGap: 8 };

/** Where the card of `application` is, or null. */
export function placeOf(board: Board, application: string): Place | null {
  for (let column = 0; column < board.waves.length; column++) {
    const row = board.waves[column].cards.findIndex((c) => c.name === application);
    if (row >= 0) return { column, row };
  }
  return null;
}

/** The nearest column from `column` in direction `step` that has cards, or null. */
function nextFilled(board: Board, column: number, step: number): number | null {
  for (let c = column + step; c >= 0 && c < board.waves.length; c += step) {
    if (board.waves[c].cards.length > 0) return c;
  }
  return null;
}

/**
 * The card a navigation key leads to from `from`: ↑/↓ the card above or
 * below, ←/→ the card at the same height in the nearest wave with cards,
 * Home/End the first or last card of the wave (with Ctrl: of the board).
 * Null when the key is not a navigation key or leads nowhere.
 */
export function neighbour(board: Board, from: Place, key: string, ctrl = false): Place | null {
  const cards = board.waves[from.column]?.cards ?? [];
  switch (key) {
    case "ArrowUp":
      return from.row > 0 ? { column: from.column, row: from.row - 1 } : null;
    case "ArrowDown":
      return from.row + 1 < cards.length ? { column: from.column, row: from.row + 1 } : null;
    case "ArrowLeft":
    case "ArrowRight": {
      const column = nextFilled(board, from.column, key === "ArrowLeft" ? -1 : 1);
      if (column === null) return null;
      return { column, row: Math.min(from.row, board.waves[column].cards.length - 1) };
    }
    case "Home":
    case "End": {
      if (ctrl) {
        const column = key === "Home" ? nextFilled(board, -1, 1) : nextFilled(board, board.waves.length, -1);
        return column === null ? null : { column, row: key === "Home" ? 0 : board.waves[column].cards.length - 1 };
      }
      return cards.length ? { column: from.column, row: key === "Home" ? 0 : cards.length - 1 } : null;
    }
    default:
      return null;
  }
}
