// A finding's identity across versions of the code: its code, its function
// and a fingerprint of what it says with every number taken out (messages
// quote line numbers: "taken at line 412"), in its file (by base name, so a
// report made in another checkout or from another folder still matches).
// `--baseline` and Code Quality both compare findings by it.
import { createHash } from 'node:crypto';
import * as path from 'node:path';

export interface FindingIdentity {
  path: string;
  code: string;
  function: string;
  message: string;
}

/** The line-insensitive part of a finding's identity (without its code and function, which are compared as they are). */
export function lineInsensitiveFingerprint(f: FindingIdentity): string {
  const file = path.posix.basename(f.path.split(path.sep).join('/'));
  const text = f.message.replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
  return createHash('sha256').update(`${file}\u0000${text}`).digest('hex').slice(0, 32);
}

/** The key a baseline is matched on: code, function, and the line-insensitive fingerprint. */
export function identityKey(f: FindingIdentity): string {
  return `${f.code}\u0000${f.function}\u0000${lineInsensitiveFingerprint(f)}`;
}
