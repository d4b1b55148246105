// XSR014's messages name the read, the release and the use (and, for bit
// operations, the atomic site), at the lines the fixture marks.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import { fixtureMarks } from '../shared/fixtureMarks';
import { FIXTURES, protocolAnalyzer } from './rulesHarness';

const NAME = 'xsr014_stale.c';

async function findings(): Promise<{ line: number; message: string; related: number[] }[]> {
  const text = fs.readFileSync(path.join(FIXTURES, NAME), 'utf8');
  const r = (await protocolAnalyzer()).analyze({ path: NAME, text });
  return r.diagnostics
    .filter((d) => d.code === 'XSR014')
    .map((d) => ({
      line: r.lineIndex.lineOf(d.start) + 1,
      message: d.message,
      related: (d.related ?? []).map((x) => r.lineIndex.lineOf(x.start) + 1),
    }));
}

const mark = fixtureMarks(fs.readFileSync(path.join(FIXTURES, NAME), 'utf8'), NAME);

test('a stale decision names the read, the release and the use', async () => {
  const f = (await findings()).find((x) => x.line === mark('take_use').line);
  assert.ok(f, 'finding at the use');
  assert.match(
    f.message,
    new RegExp(
      `^left was read from demo_pool\\.budget at line ${mark('take_read').line} under demo_pool\\.lock, released at line ${mark('take_unlock').line};`,
    ),
  );
  assert.deepEqual(f.related, [mark('take_read').line, mark('take_unlock').line]);
});

test('a write-back after a re-lock names the re-lock too', async () => {
  const f = (await findings()).find((x) => x.message.startsWith('b was read') && x.message.includes('taken again'));
  assert.ok(f);
  assert.match(
    f.message,
    new RegExp(
      `line ${mark('spend_read').line} .*released at line ${mark('spend_unlock').line} and taken again at line ${mark('spend_relock').line}`,
    ),
  );
  assert.deepEqual(f.related, [mark('spend_read').line, mark('spend_unlock').line, mark('spend_relock').line]);
});

test('a non-atomic bit update names an atomic site of the same word', async () => {
  const f = (await findings()).find((x) => x.line === mark('plain_bit').line);
  assert.ok(f);
  assert.match(
    f.message,
    new RegExp(
      `^__set_bit\\(\\) on demo_item\\.flags .* set_bit\\(\\) in item_mark_busy \\(xsr014_stale\\.c:${mark('atomic_bit').line}\\)`,
    ),
  );
  assert.ok(f.related.includes(mark('atomic_bit').line));
});

test('a stamp handed to a callee that compares it names the sample, the lock, the callee and where it compares', async () => {
  const name = 'xsr014_now_callee.c';
  const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
  const at = fixtureMarks(text, name);
  const r = (await protocolAnalyzer()).analyze({ path: name, text });
  const d = r.diagnostics.filter((x) => x.code === 'XSR014' && r.lineIndex.lineOf(x.start) + 1 === at('saved_use').line);
  assert.equal(d.length, 1);
  assert.equal(
    d[0]!.message,
    `now was sampled by NOW() at line ${at('saved_sample').line}, before demo_rq.lock was taken at line ${at('saved_lock').line}, and is handed here to item_tickle(), which compares it (in item_burn()) with demo_item.start_time, which demo_rq.lock guards: a CPU that held the lock in between can have stored a later time, so the difference can be negative.`,
  );
  assert.deepEqual(
    (d[0]!.related ?? []).map((x) => r.lineIndex.lineOf(x.start) + 1),
    [at('saved_sample').line, at('saved_lock').line],
  );
});

test('a unit read again at the release names the acquire, the lock-free change for idle vCPUs and the caller handing one', async () => {
  const name = 'xsr014_reread_unit.c';
  const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
  const at = fixtureMarks(text, name);
  const r = (await protocolAnalyzer()).analyze({ path: name, text });
  const d = r.diagnostics.filter((x) => x.code === 'XSR014');
  assert.deepEqual(
    d.map((x) => r.lineIndex.lineOf(x.start) + 1),
    [at('released').line],
  );
  assert.equal(
    d[0]!.message,
    `unit_schedule_unlock_irq() names what it releases by v->sched_unit read again, but the lock was taken by unit_schedule_lock_irq(v->sched_unit) at line ${at('locked').line}, and vcpu.sched_unit changes without the scheduler lock for an idle vCPU (demo_context_switched (${name}:${at('lent').line})), and this function is handed one (demo_idle_time (${name}:${at('handed').line})): the release can name another object than the one locked (keep the one locked in a local).`,
  );
  assert.deepEqual(
    (d[0]!.related ?? []).map((x) => r.lineIndex.lineOf(x.start) + 1),
    [at('locked').line, at('lent').line, at('handed').line],
  );
});
