// What the state pane shows for one step: every entry of the scheduler state
// and of the modelled variables, which of them changed since the previous
// step, and which match the user's filter. Pure, so it is unit-testable.
import type { ReplayState } from '../../server/src/contracts/webview/trace';

export type StateGroup = 'runq' | 'running' | 'processor' | 'flags' | 'locks' | 'vars';

export interface StateRow {
  group: StateGroup;
  /** pCPU, vCPU, lock or location name. */
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
  vars: 'variable',
};

const ORDER: StateGroup[] = ['runq', 'running', 'processor', 'flags', 'locks', 'vars'];
const NONE = '—';

function show(group: StateGroup, v: unknown): string {
  if (v === undefined) return group === 'running' ? 'idle' : NONE;
  if (v === null) return group === 'running' ? 'idle' : 'null';
  if (Array.isArray(v)) return v.length === 0 ? NONE : v.join(', ');
  return String(v);
}

/** Rows for `state`; with `prev`, rows whose value differs carry `previous`. */
export function stateRows(state: ReplayState, prev?: ReplayState): StateRow[] {
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

/** The row's identity across steps (`runq.A`, `vars.prv->credit`). */
export const rowId = (r: Pick<StateRow, 'group' | 'key'>): string => `${r.group}.${r.key}`;

/**
 * The rows to show: those whose name (the entry, or what kind of entry it is)
 * contains `filter` (case-insensitive), and with `changedOnly` those the step
 * changed, plus those in `keep` (the entries that break the invariant).
 */
export function visibleRows(
  rows: readonly StateRow[],
  opts: { filter: string; changedOnly: boolean; keep?: ReadonlySet<string> },
): StateRow[] {
  const f = opts.filter.trim().toLowerCase();
  return rows.filter((r) => {
    if (opts.changedOnly && r.previous === undefined && !opts.keep?.has(rowId(r))) return false;
    return f === '' || r.key.toLowerCase().includes(f) || GROUP_TITLES[r.group].toLowerCase().includes(f);
  });
}
