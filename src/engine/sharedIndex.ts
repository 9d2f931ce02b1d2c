import type { Worker } from "node:worker_threads";
import type { ExternalReference, ExternalReferences } from "../analysis/projectIndex.js";

/**
 * One project index for all lint workers. The index reads every file of the project and keeps
 * what it learns; built in each worker, that work and that memory were paid once per core. The
 * main thread, idle while the workers lint, owns it instead, and a worker asks it synchronously
 * (the analysis asks in the middle of a file): it writes the question into memory both threads
 * share, wakes the main thread (which waits on that memory with `Atomics.waitAsync`), and waits
 * on the shared state until the answer is written back. A message per question, as before, cost
 * each worker about half a second of `postMessage` at `--threshold 0` on the stdlib (some 3,500
 * questions each).
 */
const IDLE = 0;
const ASKED = 1;
const ANSWERED = 2;
const CAPACITY = 64 * 1024;

/** What the main thread writes back: the answer, or why it could not give one. */
type Reply = { answer: ExternalReference | null } | { error: string };

/** The memory one worker shares with the main thread: [state, byte length] then the message. */
export function sharedIndexChannel(): SharedArrayBuffer {
  return new SharedArrayBuffer(8 + CAPACITY);
}

/** Main thread: answers the worker's questions from `index` as they come, until the worker exits. */
export function serveIndex(worker: Worker, channel: SharedArrayBuffer, index: ExternalReferences): void {
  const control = new Int32Array(channel, 0, 2);
  const bytes = new Uint8Array(channel, 8);
  let exited = false;
  worker.once("exit", () => {
    exited = true;
    Atomics.notify(control, 0);
  });
  const answer = (): void => {
    // A failure is sent back, not taken for "no reference": that would let an unsafe fix through.
    let reply: Reply;
    try {
      const { module, name, fromFile } = JSON.parse(Buffer.from(bytes.subarray(0, control[1])).toString("utf8")) as { module: string; name: string; fromFile: string };
      reply = { answer: index.externalReference(module, name, fromFile) ?? null };
    } catch (error) {
      reply = { error: error instanceof Error ? error.message : String(error) };
    }
    control[1] = write(bytes, reply);
    Atomics.store(control, 0, ANSWERED);
    Atomics.notify(control, 0);
  };
  void (async () => {
    while (!exited) {
      const state = Atomics.load(control, 0);
      if (state === ASKED) {
        answer();
        continue;
      }
      // Wakes when the worker asks (or exits); a pending wait does not keep the process alive.
      const waiting = Atomics.waitAsync(control, 0, state);
      if (waiting.async) await waiting.value;
    }
  })();
}

/** Worker thread: the index the main thread holds, asked through the channel. */
export class SharedIndexClient implements ExternalReferences {
  private readonly control: Int32Array;
  private readonly bytes: Uint8Array;

  constructor(channel: SharedArrayBuffer) {
    this.control = new Int32Array(channel, 0, 2);
    this.bytes = new Uint8Array(channel, 8);
  }

  externalReference(module: string, name: string, fromFile: string): ExternalReference | undefined {
    this.control[1] = write(this.bytes, { module, name, fromFile });
    Atomics.store(this.control, 0, ASKED);
    Atomics.notify(this.control, 0);
    while (Atomics.load(this.control, 0) === ASKED) Atomics.wait(this.control, 0, ASKED);
    const reply = JSON.parse(Buffer.from(this.bytes.subarray(0, this.control[1])).toString("utf8")) as Reply;
    Atomics.store(this.control, 0, IDLE);
    if ("error" in reply) throw new Error(`the project index failed: ${reply.error}`);
    return reply.answer ?? undefined;
  }
}

function write(bytes: Uint8Array, value: unknown): number {
  const encoded = Buffer.from(JSON.stringify(value), "utf8");
  if (encoded.length > bytes.length) throw new Error(`a project index message of ${encoded.length} bytes does not fit the channel`);
  bytes.set(encoded);
  return encoded.length;
}
