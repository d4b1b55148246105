// Output helpers shared by the commands: positions (1-based at this edge),
// colour, and the JSON envelope.
import type { CoreDiagnostic, FileAnalysis } from '../core';

export interface Style {
  color: boolean;
}

export function useColor(noColorFlag: boolean, stream: NodeJS.WriteStream = process.stdout): boolean {
  return !noColorFlag && !process.env.NO_COLOR && !!stream.isTTY;
}

const CODES: Record<string, string> = { red: '31', yellow: '33', blue: '34', cyan: '36', gray: '90', bold: '1', green: '32' };

export function paint(style: Style, color: keyof typeof CODES, text: string): string {
  return style.color ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
}

export interface JsonDiagnostic {
  code: string;
  severity: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  function: string;
  message: string;
  fixable: boolean;
  conservative?: boolean;
  related?: { line: number; column: number; message: string }[];
}

/** A core diagnostic at the CLI/JSON edge: 1-based lines and columns. */
export function toJsonDiagnostic(file: FileAnalysis, d: CoreDiagnostic): JsonDiagnostic {
  const s = file.lines.position(d.start);
  const e = file.lines.position(d.end);
  const out: JsonDiagnostic = {
    code: d.code, severity: d.severity, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1,
    function: d.function, message: d.message, fixable: d.fixable,
  };
  if (d.conservative) out.conservative = true;
  if (d.related?.length) {
    out.related = d.related.map((r) => {
      const p = file.lines.position(r.start);
      return { line: p.line + 1, column: p.character + 1, message: r.message };
    });
  }
  return out;
}

export const SEVERITY_RANK: Record<string, number> = { hint: 0, information: 1, warning: 2, error: 3 };
