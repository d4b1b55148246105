// One sentence per result for the foot of the panel. Pure.
import type { InvariantId, SimResult } from '../../server/src/contracts/simResult';

const INVARIANT_TEXT: Record<InvariantId, string> = {
  INV1: 'a vCPU on a runqueue must have v->processor naming that runqueue’s pCPU',
  INV2: 'a vCPU must not be queued while it is current on a pCPU, nor be on two runqueues',
  INV3: 'a vCPU that is migrating and not running must be on no runqueue',
  INV4: 'no vCPU may be lost (neither running, queued, nor on its way to a pCPU)',
  INV5: 'there must be no deadlock and no lock held when a thread ends',
  RACE: 'two threads must not access one location unordered by a lock when one of them writes it with a plain store',
  ASSERT: 'an ASSERT or BUG_ON must hold',
  DEADLOCK: 'threads must not wait for each other’s locks forever',
};

function ensureStop(s: string): string {
  const t = s.trim();
  return t === '' || /[.!?]$/.test(t) ? t : `${t}.`;
}

export function explainResult(r: SimResult): { headline: string; sentence: string } {
  const explored = `${r.stats.states.toLocaleString('en')} states, ${r.stats.transitions.toLocaleString('en')} transitions, ${r.stats.ms} ms`;
  switch (r.result) {
    case 'violation': {
      const inv = r.invariant ? `${r.invariant}: ${INVARIANT_TEXT[r.invariant]}` : 'an invariant';
      const detail = r.message.trim() ? ` ${ensureStop(r.message)}` : '';
      return {
        headline: `Violation${r.invariant ? ` of ${r.invariant}` : ''} after ${r.trace.length} step${r.trace.length === 1 ? '' : 's'}`,
        sentence: `Broken invariant ${inv}.${detail}`,
      };
    }
    case 'verified':
      return {
        headline: 'Verified',
        sentence: ensureStop(r.message) || `Every interleaving keeps all invariants (${explored}).`,
      };
    case 'nothing-to-check':
      return { headline: 'Nothing to check', sentence: ensureStop(r.message) };
    case 'limit':
      return {
        headline: 'Limit reached',
        sentence: `${ensureStop(r.message) || 'The search stopped at its budget.'} No violation was found within the limit, which is not a proof.`,
      };
  }
}

export function statsLine(r: SimResult): string {
  const s = r.stats;
  const parts = [`${s.states.toLocaleString('en')} states`, `${s.transitions.toLocaleString('en')} transitions`];
  if (s.executions !== undefined) parts.push(`${s.executions.toLocaleString('en')} executions`);
  parts.push(`${s.ms} ms`, `reduction: ${s.reduction}`);
  return parts.join(' · ');
}
