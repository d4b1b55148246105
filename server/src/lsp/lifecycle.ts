// The LSP 3.17 lifecycle, enforced on the incoming messages before the
// connection dispatches them (the library answers a request it was not yet
// meant to get with `null` and processes notifications before `initialize`):
// - before `initialize`: a request is answered with ServerNotInitialized
//   (-32002), a notification is dropped (but `exit`);
// - after `shutdown`: a request is answered with InvalidRequest (-32600), a
//   notification is dropped (but `exit`);
// - a second `initialize` is an InvalidRequest too.
import {
  type DataCallback,
  type Disposable,
  type Message,
  type MessageReader,
  type MessageWriter,
  type NotificationMessage,
  type RequestMessage,
} from 'vscode-languageserver/node';

const SERVER_NOT_INITIALIZED = -32002;
const INVALID_REQUEST = -32600;

type Phase = 'new' | 'running' | 'shutdown';

const isRequest = (m: Message): m is RequestMessage => typeof (m as RequestMessage).method === 'string' && 'id' in m;
const isNotification = (m: Message): m is NotificationMessage => typeof (m as NotificationMessage).method === 'string' && !('id' in m);

export class LifecycleGate {
  private phase: Phase = 'new';

  constructor(private readonly writer: MessageWriter) {}

  /** The client sent `shutdown` (the process then exits with 0 when the input ends). */
  get shutDown(): boolean {
    return this.phase === 'shutdown';
  }

  /** `reader` with the lifecycle rules applied to what it delivers. */
  wrap(reader: MessageReader): MessageReader {
    return {
      onError: reader.onError,
      onClose: reader.onClose,
      onPartialMessage: reader.onPartialMessage,
      dispose: () => reader.dispose(),
      listen: (callback: DataCallback): Disposable =>
        reader.listen((m) => {
          if (this.admit(m)) callback(m);
        }),
    };
  }

  /** Whether the connection may see `m`; a refused request is answered here. */
  private admit(m: Message): boolean {
    if (isRequest(m)) {
      if (this.phase === 'new' && m.method === 'initialize') {
        this.phase = 'running';
        return true;
      }
      if (this.phase === 'running') {
        if (m.method === 'shutdown') this.phase = 'shutdown';
        if (m.method !== 'initialize') return true;
        this.refuse(m, INVALID_REQUEST, 'initialize was already received');
        return false;
      }
      if (this.phase === 'new') this.refuse(m, SERVER_NOT_INITIALIZED, `${m.method} before initialize: the server is not initialized`);
      else this.refuse(m, INVALID_REQUEST, `${m.method} after shutdown: the server is shutting down`);
      return false;
    }
    if (isNotification(m)) return this.phase === 'running' || m.method === 'exit';
    // A response to one of the server's own requests.
    return true;
  }

  private refuse(m: RequestMessage, code: number, message: string): void {
    void this.writer.write({ jsonrpc: '2.0', id: m.id, error: { code, message } } as Message).catch(() => undefined);
  }
}
