// Bytes to source text: NUL bytes mean binary (not C); invalid UTF-8 is read
// as Latin-1 so every byte keeps one character (positions stay meaningful).

export function decodeSource(buf: Uint8Array): { text: string; binary?: boolean; latin1?: boolean } {
  const probe = buf.subarray(0, 65536);
  if (probe.includes(0)) return { text: '', binary: true };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf).replace(/^\uFEFF/, '') };
  } catch {
    return { text: Buffer.from(buf).toString('latin1'), latin1: true };
  }
}
