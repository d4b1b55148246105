// Terminal output shared by the commands: colour only on a TTY (and never
// with --no-color or NO_COLOR).

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
 * characters (escape sequences, a newline in a file name) are shown as `\xNN`
 * and never act. Tabs stay.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function paint(style: Style, color: keyof typeof CODES, text: string): string {
  return style.color ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
}
