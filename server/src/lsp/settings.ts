// The server's settings, pulled per resource with workspace/configuration when
// the client supports it (else taken from didChangeConfiguration), cached per
// resource and cleared on every configuration change. A malformed value gives
// one warning (window/showMessage) naming it and the default: never a crash.
import { type Connection, MessageType, ShowMessageNotification } from 'vscode-languageserver';

import { type AttributeMacro, type LockClass, type LockHelper, parseAttributeConfig, parseHelperConfig } from '../core/index';

export type InlayHintsMode = 'off' | 'changes' | 'all';
/** How the hints show each kind of held entry: in full, dimmed (by kind only, after the rest) or not at all. */
type KindDisplay = 'show' | 'dim' | 'hide';
export type InlayHintKinds = Record<LockClass, KindDisplay>;

export interface Settings {
  inlayHintsMode: InlayHintsMode;
  inlayHintKinds: InlayHintKinds;
  extraHelpers: LockHelper[];
  /** Attribute macros blanked before parsing, beside the built-in ones (`xsr.syntax.extraAttributes`). */
  extraAttributes: AttributeMacro[];
  maxFileSize: number;
  /** At most this many C files and headers of the workspace are indexed (0: no index). */
  indexMaxFiles: number;
  trace: 'off' | 'messages' | 'verbose';
}

const DEFAULT_KINDS: Readonly<InlayHintKinds> = { sched: 'show', private: 'show', rcu: 'dim', irq: 'show' };
const DEFAULT_SETTINGS: Readonly<Settings> = {
  inlayHintsMode: 'changes',
  inlayHintKinds: DEFAULT_KINDS,
  extraHelpers: [],
  extraAttributes: [],
  maxFileSize: 2_000_000,
  indexMaxFiles: 5000,
  trace: 'off',
};

/** `xsr.inlayHints.kinds`: each known kind to show, dim or hide; the defaults for the rest. */
function validateKinds(raw: unknown, warn: (message: string) => void): InlayHintKinds {
  const out = { ...DEFAULT_KINDS };
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    warn(`xsr.inlayHints.kinds: must be an object such as { "rcu": "hide" }; using the defaults`);
    return out;
  }
  for (const [k, v] of Object.entries(raw)) {
    if (!(k in out)) warn(`xsr.inlayHints.kinds: unknown kind "${k}" (known: ${Object.keys(out).join(', ')}); ignored`);
    else if (v === 'show' || v === 'dim' || v === 'hide') out[k as LockClass] = v;
    else warn(`xsr.inlayHints.kinds.${k}: ${JSON.stringify(v)} is not one of show, dim, hide; using "${out[k as LockClass]}"`);
  }
  return out;
}

/** Validates the raw `xsr` section; `warn` is called once per problem. */
function validateSettings(raw: unknown, warn: (message: string) => void): Settings {
  const s: Settings = { ...DEFAULT_SETTINGS, inlayHintKinds: { ...DEFAULT_KINDS }, extraHelpers: [], extraAttributes: [] };
  if (raw === undefined || raw === null) return s;
  if (typeof raw !== 'object') {
    warn(`xsr: settings must be an object; using the defaults`);
    return s;
  }
  const r = raw as Record<string, unknown>;
  const inlay = (r.inlayHints as Record<string, unknown> | undefined)?.mode ?? r['inlayHints.mode'];
  if (inlay !== undefined) {
    if (inlay === 'off' || inlay === 'changes' || inlay === 'all') s.inlayHintsMode = inlay;
    else warn(`xsr.inlayHints.mode: ${JSON.stringify(inlay)} is not one of off, changes, all; using "changes"`);
  }
  s.inlayHintKinds = validateKinds((r.inlayHints as Record<string, unknown> | undefined)?.kinds ?? r['inlayHints.kinds'], warn);
  const helpers = (r.locks as Record<string, unknown> | undefined)?.extraHelpers ?? r['locks.extraHelpers'];
  if (helpers !== undefined) {
    const res = parseHelperConfig(helpers, 'xsr.locks.extraHelpers');
    for (const e of res.errors) warn(`${e}; that entry is ignored (the built-in helpers apply)`);
    s.extraHelpers = res.helpers;
  }
  const attributes = (r.syntax as Record<string, unknown> | undefined)?.extraAttributes ?? r['syntax.extraAttributes'];
  if (attributes !== undefined) {
    const res = parseAttributeConfig(attributes, 'xsr.syntax.extraAttributes');
    for (const e of res.errors) warn(`${e}; that entry is ignored (the built-in attribute macros apply)`);
    s.extraAttributes = res.attributes;
  }
  const max = r.maxFileSize;
  if (max !== undefined) {
    if (typeof max === 'number' && Number.isFinite(max) && max >= 0) s.maxFileSize = max;
    else warn(`xsr.maxFileSize: ${JSON.stringify(max)} is not a non-negative number of bytes; using ${DEFAULT_SETTINGS.maxFileSize}`);
  }
  const maxFiles = (r.index as Record<string, unknown> | undefined)?.maxFiles ?? r['index.maxFiles'];
  if (maxFiles !== undefined) {
    if (typeof maxFiles === 'number' && Number.isInteger(maxFiles) && maxFiles >= 0) s.indexMaxFiles = maxFiles;
    else
      warn(
        `xsr.index.maxFiles: ${JSON.stringify(maxFiles)} is not a non-negative whole number of files; using ${DEFAULT_SETTINGS.indexMaxFiles}`,
      );
  }
  const trace = (r.trace as Record<string, unknown> | undefined)?.server ?? r['trace.server'];
  if (trace !== undefined) {
    if (trace === 'off' || trace === 'messages' || trace === 'verbose') s.trace = trace;
    else warn(`xsr.trace.server: ${JSON.stringify(trace)} is not one of off, messages, verbose; using "off"`);
  }
  return s;
}

export class SettingsCache {
  private readonly cache = new Map<string, Promise<Settings>>();
  private readonly warned = new Set<string>();
  /** Settings pushed with didChangeConfiguration (clients without workspace/configuration). */
  private pushed: unknown;
  pullSupported = false;

  constructor(private readonly connection: Connection) {}

  get(uri: string): Promise<Settings> {
    let p = this.cache.get(uri);
    if (!p) {
      p = this.load(uri);
      this.cache.set(uri, p);
    }
    return p;
  }

  /** On workspace/didChangeConfiguration: forget everything (and keep pushed settings if any). */
  changed(settings: unknown): void {
    this.cache.clear();
    this.warned.clear();
    const xsr = settings && typeof settings === 'object' ? (settings as Record<string, unknown>).xsr : undefined;
    this.pushed = xsr;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  private async load(uri: string): Promise<Settings> {
    let raw: unknown = this.pushed;
    if (this.pullSupported) {
      try {
        raw = await this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'xsr' });
      } catch {
        raw = undefined;
      }
    }
    return validateSettings(raw, (m) => this.warn(m));
  }

  private warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    // A notification (window/showMessage), not a request: nothing waits for the user.
    void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
  }
}
