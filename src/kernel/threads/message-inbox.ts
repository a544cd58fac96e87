/**
 * Messages from a worker thread, taken in arrival order: `deliver` is the handler for the worker's
 * messages (and for its error and exit, mapped to messages), `next` waits for the next one.
 */
export class MessageInbox<T> {
  private readonly queue: T[] = [];
  private wake: (() => void) | undefined;

  readonly deliver = (m: T): void => {
    this.queue.push(m);
    const w = this.wake;
    this.wake = undefined;
    w?.();
  };

  async next(): Promise<T> {
    while (this.queue.length === 0) await new Promise<void>((r) => (this.wake = r));
    return this.queue.shift() as T;
  }
}
