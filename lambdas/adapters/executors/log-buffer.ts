/** The text log of one attempt, capped so a chatty target cannot blow up memory or the artifact store. */

/** The cap of an attempt's log. */
export const MAX_LOG_BYTES = 1024 * 1024;

/** An append-only log that keeps its head and its tail once it outgrows the cap. */
export interface LogBuffer {
  /** Appends raw output (a Buffer from a pipe, or text). */
  append(chunk: string | Uint8Array): void;
  /** Appends one line of text. */
  line(text: string): void;
  /** The log, at most `limit` bytes; when cut, a marker line says how much was left out. */
  text(): string;
}

/**
 * Creates a log capped at `limit` bytes. Past the cap it keeps the first half and the last half: the start
 * says what ran, the end usually says why it failed, and the middle is what a user can best do without.
 */
export function createLogBuffer(limit = MAX_LOG_BYTES): LogBuffer {
  // Room for the marker, so the text stays within `limit` bytes even when cut.
  const room = Math.min(64, Math.floor(limit / 4));
  const headLimit = Math.floor((limit - room) / 2);
  const tailLimit = limit - room - headLimit;
  const head: Buffer[] = [];
  let headBytes = 0;
  const tail: Buffer[] = [];
  let tailBytes = 0;
  let dropped = 0;

  const append = (chunk: string | Uint8Array) => {
    let data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    if (headBytes < headLimit) {
      const take = data.subarray(0, headLimit - headBytes);
      head.push(take);
      headBytes += take.length;
      data = data.subarray(take.length);
    }
    if (data.length === 0) return;
    tail.push(data);
    tailBytes += data.length;
    while (tailBytes > tailLimit) {
      const first = tail[0]!;
      const excess = tailBytes - tailLimit;
      if (first.length <= excess) {
        tail.shift();
        tailBytes -= first.length;
        dropped += first.length;
      } else {
        tail[0] = first.subarray(excess);
        tailBytes -= excess;
        dropped += excess;
      }
    }
  };

  return {
    append,
    line(text) {
      append(`${text}\n`);
    },
    text() {
      const start = Buffer.concat(head).toString('utf8');
      const end = Buffer.concat(tail).toString('utf8');
      if (dropped === 0) return start + end;
      return `${start}\n[… ${dropped} bytes left out …]\n${end}`;
    },
  };
}

/** Caps a finished log text (see `createLogBuffer`). */
export function capLog(text: string, limit = MAX_LOG_BYTES): string {
  const buffer = createLogBuffer(limit);
  buffer.append(text);
  return buffer.text();
}
