// The fuzz suite of the language server (issue 17): seeded random edit
// sequences over real JSON-RPC, as an editor sends them (half-typed code,
// deleted braces, pastes, control bytes, now and then a position past the end
// of the document). At checkpoints and after the last edit, the diagnostics
// the server published for that version equal a fresh analysis of the text
// (besides the editor's own "now returns holding" findings, which compare
// with the document as opened), and its other requests (hints, hovers, code
// actions, code lenses) answer.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import {
  CodeActionRequest,
  CodeLensRequest,
  type Diagnostic,
  HoverRequest,
  InlayHintRequest,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

import { createAnalyzer } from '../../server/src/core/index';
import { randomEdit, Rng } from '../shared/mutate';
import { fixture, startClient } from './harness';

const SEQUENCES = 40;
const EDITS = 100;
/** Edits between two waits for the published diagnostics. */
const CHECKPOINT = 10;

const BASES = [
  fixture('migrate.c').text,
  fixture('xen_style.c').text,
  fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'examples', 'sched_example.c'), 'utf8'),
];

const HELPER_CHANGE = /^\w+\(\) now returns holding .+ on every path: callers treat it as a lock helper/;

const row = (d: Pick<Diagnostic, 'range' | 'code'>): string =>
  `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${String(d.code)}`;

describe('fuzz: random edit sequences through the language server', () => {
  it(
    `${SEQUENCES} sequences of ${EDITS} edits: at every checkpoint the published diagnostics equal a fresh analysis`,
    { timeout: 900_000 },
    async () => {
      const fresh = await createAnalyzer();
      const c = await startClient({ server: { debounceMs: 0, settleMs: 0 } });
      let checkpoints = 0;
      for (let seq = 0; seq < SEQUENCES; seq++) {
        const rng = new Rng(7000 + seq);
        const uri = `file:///fuzz/edits${seq}.c`;
        let doc = TextDocument.create(uri, 'c', 1, BASES[seq % BASES.length]!);
        await c.open(uri, doc.getText());
        for (let k = 1; k <= EDITS; k++) {
          const e = randomEdit(doc.getText(), rng);
          let change: TextDocumentContentChangeEvent = {
            range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) },
            text: e.newText,
          };
          // Now and then an editor sends a position past the end: the server reads it as the end.
          if (rng.next() < 0.05) {
            change = { range: { start: { line: 1e8 + rng.int(1e9), character: 0 }, end: { line: 2e9, character: 7 } }, text: e.newText };
            doc = TextDocument.update(
              doc,
              [{ range: { start: doc.positionAt(doc.getText().length), end: doc.positionAt(doc.getText().length) }, text: e.newText }],
              k + 1,
            );
          } else doc = TextDocument.update(doc, [change], k + 1);
          await c.change(uri, k + 1, [change]);
          if (k % CHECKPOINT !== 0 && k !== EDITS) continue;
          const version = k + 1;
          const text = doc.getText();
          const published = await c.diagnosticsFor(uri, version);
          const r = fresh.analyze({ path: uri, text });
          // A NUL byte makes the document binary content to the server: not analysed, nothing published.
          const findings = text.includes('\u0000') ? [] : r.diagnostics;
          const expected = findings.map((d) =>
            row({ range: { start: r.lineIndex.position(d.start), end: r.lineIndex.position(Math.max(d.start, d.end)) }, code: d.code }),
          );
          const where = `sequence ${seq} (seed ${7000 + seq}), edit ${k}`;
          // The editor's own findings: a function an edit turned into a lock helper (compared with the document as
          // opened, so a fresh analysis never has them: core/queries/lockHelperChange.ts).
          const own = (d: Diagnostic): boolean => d.code === 'XSR007' && HELPER_CHANGE.test(d.message);
          const rest = published.filter((d) => !own(d));
          assert.deepEqual(rest.map(row), expected, where);
          // The server words a finding around the core's message (the function's name, a note): the message is in it.
          rest.forEach((d, i) => assert.ok(d.message.includes(findings[i]!.message), `${where}: ${d.message}`));
          checkpoints++;
        }
        // The other requests answer on the final text.
        const whole = { start: { line: 0, character: 0 }, end: { line: doc.lineCount, character: 0 } };
        await c.client.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: whole });
        await c.client.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
        await c.client.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: whole, context: { diagnostics: [] } });
        for (let h = 0; h < 5; h++)
          await c.client.sendRequest(HoverRequest.type, {
            textDocument: { uri },
            position: doc.positionAt(rng.int(doc.getText().length + 1)),
          });
        await c.close(uri);
      }
      assert.equal(checkpoints, SEQUENCES * Math.ceil(EDITS / CHECKPOINT));
      await c.dispose();
    },
  );
});
