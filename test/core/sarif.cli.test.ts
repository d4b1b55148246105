// `check --format sarif` validated against the OASIS SARIF 2.1.0 schema
// (vendored: server/schemas/sarif-schema-2.1.0.json), with the rule metadata.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import Ajv from 'ajv';
import addFormats from 'ajv-formats';

import { ruleMetas } from '../../server/src/core/index';
import { ROOT, xsr } from './cliHarness';
import { patchedMarks, PATCHES } from './fixtures';
import { expectations, FIXTURES } from './rulesHarness';

function validator() {
  // The schema's language-tag pattern is not a valid `u`-flag regexp; SARIF's own validators use plain regexps too.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'server/schemas/sarif-schema-2.1.0.json'), 'utf8')));
}

interface Sarif {
  version: string;
  runs: {
    tool: {
      driver: {
        rules: { id: string; name: string; helpUri: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }[];
      };
    };
    results: {
      ruleId: string;
      level: string;
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
    }[];
  }[];
}

test('check --format sarif on the fixtures is valid SARIF 2.1.0 with rule metadata', () => {
  const r = xsr(['check', '--format', 'sarif', FIXTURES]);
  assert.equal(r.code, 1, r.err);
  const log = JSON.parse(r.out) as Sarif;
  const validate = validator();
  assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 1));
  const rules = log.runs[0]!.tool.driver.rules;
  assert.deepEqual(
    rules.map((x) => x.id),
    ruleMetas().map((m) => m.code),
  );
  for (const rule of rules) {
    assert.equal(rule.helpUri, `https://github.com/xen-scheduler-review/xen-scheduler-review/blob/main/docs/rules/${rule.id}.md`);
    assert.ok(fs.existsSync(path.join(ROOT, 'docs/rules', `${rule.id}.md`)));
    assert.ok(rule.name && rule.shortDescription.text);
  }
  assert.equal(rules.find((x) => x.id === 'XSR008')!.defaultConfiguration.level, 'note');
  const results = log.runs[0]!.results;
  const f = results.find(
    (x) => x.ruleId === 'XSR001' && x.locations[0]!.physicalLocation.artifactLocation.uri.endsWith('xsr001_force_reschedule.c'),
  )!;
  // On the line of the file's first `/* expect XSR001 */` (in vcpu_force_reschedule()).
  const text = fs.readFileSync(path.join(FIXTURES, 'xsr001_force_reschedule.c'), 'utf8');
  const expected = expectations(text).findings.find((e) => e.endsWith(':XSR001'));
  assert.equal(`${f.locations[0]!.physicalLocation.region.startLine}:XSR001`, expected);
  assert.equal(f.level, 'error');
});

test('check --patch --format sarif is valid and uses post-image paths', () => {
  const r = xsr([
    'check',
    '--patch',
    path.join(PATCHES, '0001-old-sequence.patch'),
    '--base',
    path.join(PATCHES, 'base'),
    '--format',
    'sarif',
  ]);
  const log = JSON.parse(r.out) as Sarif;
  assert.ok(validator()(log));
  assert.deepEqual(
    log.runs[0]!.results.map(
      (x) => `${x.locations[0]!.physicalLocation.artifactLocation.uri}:${x.locations[0]!.physicalLocation.region.startLine}:${x.ruleId}`,
    ),
    [`xen/common/sched/demo.c:${patchedMarks('0001-old-sequence.patch', 'xen/common/sched/demo.c')('old_flag').line}:XSR001`],
  );
});

test('an empty run is valid too, and sarif is refused for other commands', () => {
  const r = xsr(['check', '--format', 'sarif', path.join(FIXTURES, 'xsr001_pin_override.fixed.c')]);
  assert.equal(r.code, 0);
  assert.ok(validator()(JSON.parse(r.out)));
  assert.equal(xsr(['locks', '--format', 'sarif', path.join(FIXTURES, 'xsr001_pin_override.c')]).code, 2);
});
