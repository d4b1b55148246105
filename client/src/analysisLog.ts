// The output channel's record of each file's analysis: functions, syntax
// errors, findings and time, and the functions that could not be analysed in
// full. A line is written when a file's figures change (not on every
// keystroke's re-analysis that changes nothing but the time).
import type * as vscode from 'vscode';

import type { AnalysisStatusParams } from '../../server/src/contracts/lspRequests';
import { describeAnalysis } from './statusText';

export class AnalysisLog {
  private readonly last = new Map<string, string>();

  constructor(private readonly output: vscode.OutputChannel) {}

  record(p: AnalysisStatusParams): void {
    if (p.state === 'analysing') return;
    const lines = describeAnalysis(p);
    // The time changes on every analysis: compare the rest.
    const key = lines.join('\n').replace(/, [\d.]+ ms$/m, '');
    if (this.last.get(p.uri) === key) return;
    this.last.set(p.uri, key);
    const time = new Date().toLocaleTimeString('en-GB');
    for (const l of lines) this.output.appendLine(`[${time}] ${l}`);
  }
}
