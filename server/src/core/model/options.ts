// The simulate options that name things (`--copies F=N`, `--init LOC=VALUE`),
// read the same way by the command line and the language server.

/**
 * `["f=2", "g=1"]` to `{ f: 2, g: 1 }` (counts: positive integers); for
 * `--init`, values are integers or names (`v->processor=B`). A string is the
 * error to show.
 */
export function parseSimulateAssignments(
  items: readonly string[],
  option: string,
  counts: boolean,
): Record<string, number | string> | string {
  const out: Record<string, number | string> = {};
  for (const item of items) {
    const eq = item.lastIndexOf('=');
    const name = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (eq <= 0 || !name || !value) return `${option} expects NAME=VALUE, got '${item}'`;
    if (/^-?\d+$/.test(value)) {
      const n = Number(value);
      if (counts && (n < 1 || n > 8)) return `${option} ${name}: a count from 1 to 8, got '${value}'`;
      out[name] = n;
    } else if (counts) return `${option} ${name}: a count from 1 to 8, got '${value}'`;
    else if (/^[A-Za-z_]\w*$/.test(value)) out[name] = value;
    else return `${option} ${name}: an integer or a name, got '${value}'`;
  }
  return out;
}
