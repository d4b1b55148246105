// What the state pane shows for one step: every entry of the scheduler state, and
// which of them changed since the previous step. Pure, so it is unit-testable.
import type { StateView } from '../../server/src/contracts/simResult';

export type StateGroup = 'runq' | 'running' | 'processor' | 'flags' | 'locks';

export interface StateRow {
  group: StateGroup;
  /** pCPU, vCPU or lock name. */
  key: string;
  /** Display text of the value at this step ("—" when absent or empty). */
  value: string;
  /** Display text at the previous step, set only when the value changed. */
  previous?: string;
}

export const GROUP_TITLES: Record<StateGroup, string> = {
  runq: 'runqueue',
  running: 'running',
  processor: 'v->processor',
  flags: 'flags',
  locks: 'lock holder',
};

const ORDER: StateGroup[] = ['runq', 'running', 'processor', 'flags', 'locks'];
const NONE = '—';

function show(group: StateGroup, v: unknown): string {
  if (v === undefined || v === null) return group === 'running' ? 'idle' : NONE;
  if (Array.isArray(v)) return v.length === 0 ? NONE : v.join(', ');
  return String(v);
}

/** Rows for `state`; with `prev`, rows whose value differs carry `previous`. */
export function stateRows(state: StateView, prev?: StateView): StateRow[] {
  const rows: StateRow[] = [];
  for (const group of ORDER) {
    const now = (state[group] ?? {}) as Record<string, unknown>;
    const before = (prev?.[group] ?? {}) as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(now), ...(prev ? Object.keys(before) : [])])].sort();
    for (const key of keys) {
      const value = show(group, now[key]);
      const row: StateRow = { group, key, value };
      if (prev) {
        const was = show(group, before[key]);
        if (was !== value) row.previous = was;
      }
      rows.push(row);
    }
  }
  return rows;
}
