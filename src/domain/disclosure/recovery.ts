import { entryAt, hide, type Entry, type Grid } from './grid.js';

/**
 * Complementary suppression against exact recovery. The hidden numbers of a grid are unknowns of
 * the linear equations that hold among its numbers (each row and each column sums, see Grid).
 * Every number lies in exactly one row equation and one column equation, so the unknowns are the
 * edges of a graph whose vertices are the equations (rows and columns without an equation merge
 * into one "ground" vertex), and an unknown is determined by the equations exactly when its edge
 * is a bridge of that graph. While a sensitive hidden number is a bridge, the cheapest set of
 * shown numbers that closes a cycle through it is hidden too (flag s).
 */

/** Which equations hold, and which columns of the grid take part. */
export interface Relations {
  /** The everyone column equals the groups plus the rest, row by row. */
  rows: boolean;
  /** The values of a column sum to its total (single choice). */
  columns: boolean;
  columnsInPlay: number[];
}

interface Edge {
  row: number;
  column: number;
  ends: [number, number];
}

const ZERO_COST = 2 ** 30;
const MARGIN_COST = 2 ** 40;

/** Hides shown numbers until no sensitive hidden one can be computed; false if it cannot. */
export function protectFromRecovery(grid: Grid, k: number, relations: Relations): boolean {
  for (;;) {
    const unknowns = edgesWhere(grid, relations, (e) => e.value === null);
    const bridges = findBridges(vertexCount(grid), unknowns);
    const exposed = unknowns.find((edge, i) => bridges.has(i) && isSensitive(at(grid, edge), k));
    if (!exposed) return true;
    const others = unknowns.filter((edge) => edge !== exposed);
    const link = cheapestLink(grid, relations, others, exposed);
    if (!link) return false;
    for (const edge of link) hide(at(grid, edge), 's');
  }
}

/** A hidden number that must not be computable: 1..k-1 respondents, or a hidden 100 % answer. */
function isSensitive(entry: Entry, k: number): boolean {
  return entry.count > 0 && (entry.count < k || entry.flag === 'g');
}

function vertexCount(grid: Grid): number {
  return grid.entries.length + grid.everyoneColumn + 2;
}

function edgesWhere(grid: Grid, relations: Relations, keep: (e: Entry) => boolean): Edge[] {
  const ground = vertexCount(grid) - 1;
  const rowCount = grid.entries.length;
  const edges: Edge[] = [];
  for (let row = 0; row < rowCount; row++) {
    for (const column of relations.columnsInPlay) {
      if (!keep(entryAt(grid, row, column))) continue;
      const a = relations.rows ? row : ground;
      const b = relations.columns ? rowCount + column : ground;
      edges.push({ row, column, ends: [a, b] });
    }
  }
  return edges;
}

function at(grid: Grid, edge: Edge): Entry {
  return entryAt(grid, edge.row, edge.column);
}

/** Tarjan's bridges of a multigraph (parallel edges are never bridges, loops are ignored). */
export function findBridges(vertices: number, edges: { ends: [number, number] }[]): Set<number> {
  const adjacent: [number, number][][] = Array.from({ length: vertices }, () => []);
  edges.forEach(({ ends: [a, b] }, i) => {
    if (a === b) return;
    adjacent[a]!.push([b, i]);
    adjacent[b]!.push([a, i]);
  });
  const found = new Array<number>(vertices).fill(-1);
  const low = new Array<number>(vertices).fill(0);
  const bridges = new Set<number>();
  let time = 0;
  const visit = (u: number, via: number): void => {
    found[u] = low[u] = time++;
    for (const [w, i] of adjacent[u]!) {
      if (i === via) continue;
      if (found[w] === -1) {
        visit(w, i);
        low[u] = Math.min(low[u]!, low[w]!);
        if (low[w]! > found[u]!) bridges.add(i);
      } else {
        low[u] = Math.min(low[u]!, found[w]!);
      }
    }
  };
  for (let u = 0; u < vertices; u++) if (found[u] === -1) visit(u, -1);
  return bridges;
}

/**
 * The shown numbers to hide so that `exposed` lies on a cycle: a cheapest path from one end of
 * its edge to the other through hidden numbers (free) and shown ones (cost: their count; zeros
 * and totals only when nothing else will do). Frozen numbers are never used.
 */
function cheapestLink(
  grid: Grid,
  relations: Relations,
  hidden: Edge[],
  exposed: Edge,
): Edge[] | null {
  const candidates = edgesWhere(grid, relations, (e) => e.value !== null && !e.frozen);
  const steps = [
    ...hidden.map((edge) => ({ edge, cost: 0, free: true })),
    ...candidates.map((edge) => ({ edge, cost: costOf(grid, edge), free: false })),
  ];
  const [start, goal] = exposed.ends;
  const vertices = vertexCount(grid);
  const distance = new Array<number>(vertices).fill(Infinity);
  const previous = new Array<{ from: number; step: (typeof steps)[number] } | null>(vertices).fill(
    null,
  );
  const done = new Array<boolean>(vertices).fill(false);
  // The steps at each vertex, so each vertex settled looks at its own edges only.
  const around = Array.from({ length: vertices }, () => [] as (typeof steps)[number][]);
  for (const step of steps) {
    const [a, b] = step.edge.ends;
    around[a]!.push(step);
    if (b !== a) around[b]!.push(step);
  }
  distance[start] = 0;
  for (;;) {
    let u = -1;
    for (let v = 0; v < vertices; v++) {
      if (!done[v] && distance[v]! < Infinity && (u === -1 || distance[v]! < distance[u]!)) u = v;
    }
    if (u === -1) return null;
    if (u === goal) break;
    done[u] = true;
    for (const step of around[u]!) {
      const [a, b] = step.edge.ends;
      const w = a === u ? b : a;
      if (distance[u]! + step.cost < distance[w]!) {
        distance[w] = distance[u]! + step.cost;
        previous[w] = { from: u, step };
      }
    }
  }
  const link: Edge[] = [];
  for (let v = goal; v !== start;) {
    const { from, step } = previous[v]!;
    if (!step.free) link.push(step.edge);
    v = from;
  }
  return link;
}

function costOf(grid: Grid, edge: Edge): number {
  const { count } = at(grid, edge);
  if (edge.row === grid.totalRow) return MARGIN_COST + count;
  return count > 0 ? count : ZERO_COST;
}
