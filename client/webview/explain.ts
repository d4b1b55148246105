// The verdict of a result in one sentence, for the foot of the panel, and the
// statistics line. Pure.
import type { ReplayInvariant, ReplayResult } from '../../server/src/contracts/webview/trace';

const INVARIANT_TEXT: Record<ReplayInvariant, string> = {
  INV1: 'a vCPU on a runqueue must have v->processor naming that runqueue’s pCPU',
  INV2: 'a vCPU must not be queued while it is current on a pCPU, nor be on two runqueues',
  INV3: 'a vCPU that is migrating and not running must be on no runqueue',
  INV4: 'no vCPU may be lost (neither running, queued, nor on its way to a pCPU)',
  INV5: 'there must be no deadlock and no lock held when a thread ends',
  RACE: 'two accesses to one location, one of them a write, must be ordered by a lock both hold',
  ASSERT: 'every ASSERT and BUG_ON on the path must hold',
  DEADLOCK: 'threads must never wait for each other’s locks in a cycle',
};

/** The result's name on its badge. */
export const RESULT_LABEL: Record<ReplayResult['result'], string> = {
  violation: 'violation',
  verified: 'verified',
  limit: 'limit reached',
  'nothing-to-check': 'nothing to check',
};

function ensureStop(s: string): string {
  const t = s.trim();
  return t === '' || /[.!?]$/.test(t) ? t : `${t}.`;
}

export function explainResult(r: ReplayResult): { headline: string; sentence: string } {
  const explored = `${r.stats.states.toLocaleString('en')} states, ${r.stats.transitions.toLocaleString('en')} transitions, ${r.stats.ms} ms`;
  switch (r.result) {
    case 'violation': {
      const inv = r.invariant ? `${r.invariant}: ${INVARIANT_TEXT[r.invariant]}` : 'an invariant';
      const detail = r.message.trim() ? ` ${ensureStop(r.message)}` : '';
      const what =
        r.invariant === 'RACE' ? 'Race' : r.invariant === 'DEADLOCK' ? 'Deadlock' : r.invariant === 'ASSERT' ? 'Assertion failure' : '';
      const n = `${r.trace.length} step${r.trace.length === 1 ? '' : 's'}`;
      return {
        headline: what ? `${what} after ${n}` : `Violation${r.invariant ? ` of ${r.invariant}` : ''} after ${n}`,
        sentence: `Broken invariant ${inv}.${detail}`,
      };
    }
    case 'verified':
      return {
        headline: 'Verified',
        sentence: ensureStop(r.message) || `Every interleaving keeps all invariants (${explored}).`,
      };
    case 'limit':
      return {
        headline: 'Limit reached',
        sentence: `${ensureStop(r.message) || 'The search stopped at its budget.'} No violation was found within the limit, which is not a proof.`,
      };
    case 'nothing-to-check':
      return {
        headline: 'Nothing to check',
        sentence: `${ensureStop(r.message) || 'The selected functions share no state or lock the model tracks.'} Nothing was explored, so nothing is proved either.`,
      };
  }
}

export function statsLine(r: ReplayResult): string {
  const s = r.stats;
  const parts = [`${s.states.toLocaleString('en')} states`, `${s.transitions.toLocaleString('en')} transitions`];
  if (s.executions !== undefined) parts.push(`${s.executions.toLocaleString('en')} executions`);
  parts.push(`${s.ms} ms`, `reduction: ${s.reduction}`);
  return parts.join(' · ');
}
