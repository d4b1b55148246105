// Terminal output shared by the commands: colour only on a TTY (and never
// with --no-color or NO_COLOR).
import { printable } from '../core/index';

export interface Style {
  color: boolean;
}

export function useColor(noColorFlag: boolean, stream: NodeJS.WriteStream = process.stdout): boolean {
  return !noColorFlag && !process.env.NO_COLOR && !!stream.isTTY;
}

const CODES: Record<string, string> = { red: '31', yellow: '33', blue: '34', cyan: '36', gray: '90', bold: '1', green: '32' };

/**
 * Text from the analysed files (source lines, string literals in a lock
 * expression) and from file names, made safe for a terminal: control
 * characters are shown as `\xNN` and never act (the core's `printable`).
 */
export const terminalSafe = printable;

export function paint(style: Style, color: keyof typeof CODES, text: string): string {
  return style.color ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
}
