// Text from the analysed files and file names made safe to print: the CLI's
// terminal output and the text the language server returns for a simulation.
/**
 * Control characters (escape sequences, a newline in a file name) are shown
 * as `\xNN` and never act. Tabs stay.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
