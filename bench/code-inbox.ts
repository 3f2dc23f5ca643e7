// The benchmark's phones: a code the app texts reaches the development outbox (SMS_PROVIDER
// unset), where the benchmark reads it as a phone would read its messages. Phones waiting at
// the same moment share one query (by the outbox's createdAt index, from the earliest request
// among them), so the reads stay a small, counted share of the engine's work; `reads` is
// taken off the database requests the app is credited with.
import { OutboxMessageModel } from '../src/models/outbox-message.model.ts';

interface Waiter {
  /** When its code was asked for (ms): texts older than that (less a margin) are not its own. */
  since: number;
  deadline: number;
  resolve(code: string | undefined): void;
}

type Text = { to: string; createdAt: Date; smsTemplate?: { params: { name: string; value: string }[] } };

const codeOf = (text: Text) => text.smsTemplate?.params.find((p) => p.name === 'code')?.value;
const newestLast = (a: Text, b: Text) => a.createdAt.getTime() - b.createdAt.getTime();

/** Margin for a clock read before the app's own (both on this machine's clock). */
const MARGIN_MS = 200;

export class CodeInbox {
  private readonly waiting = new Map<string, Waiter>();
  private polling = false;
  /** Queries sent to the database so far. */
  reads = 0;
  /** Milliseconds the phones have waited for their codes, all together. */
  waitedMs = 0;

  /** The code texted to `phone` since `since`; undefined when none came within `timeoutMs`. */
  async codeFor(phone: string, since: number, timeoutMs = 10_000): Promise<string | undefined> {
    const started = performance.now();
    const code = await new Promise<string | undefined>((resolve) => {
      this.waiting.set(phone, { since, deadline: Date.now() + timeoutMs, resolve });
      void this.poll();
    });
    this.waitedMs += performance.now() - started;
    return code;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      while (this.waiting.size) {
        const earliest = Math.min(...[...this.waiting.values()].map((w) => w.since)) - MARGIN_MS;
        const texts = await this.read(earliest);
        const found = this.deliver(texts);
        const now = Date.now();
        for (const [phone, w] of this.waiting)
          if (w.deadline < now) {
            this.waiting.delete(phone);
            w.resolve(undefined);
          }
        if (!found && this.waiting.size) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      this.polling = false;
    }
  }

  /** Every phone's newest code texted since `since` (ms), in one read. */
  async codesSince(since: number): Promise<Map<string, string>> {
    const codes = new Map<string, string>();
    for (const text of (await this.read(since - MARGIN_MS)).sort(newestLast)) {
      const code = codeOf(text);
      if (code) codes.set(text.to, code);
    }
    return codes;
  }

  /** The verification codes texted since `since` (ms), in one query. */
  private read(since: number): Promise<Text[]> {
    this.reads += 1;
    return OutboxMessageModel.find(
      { createdAt: { $gte: new Date(since) }, channel: 'sms', 'smsTemplate.code': 'verification_code' },
      { to: 1, createdAt: 1, smsTemplate: 1 },
    )
      .batchSize(1_000_000)
      .lean<Text[]>();
  }

  /** Hands each waiting phone its newest code; how many were handed. */
  private deliver(texts: Text[]): number {
    let found = 0;
    for (const text of texts.sort(newestLast).reverse()) {
      const w = this.waiting.get(text.to);
      if (!w || text.createdAt.getTime() < w.since - MARGIN_MS) continue;
      this.waiting.delete(text.to);
      w.resolve(codeOf(text));
      found += 1;
    }
    return found;
  }
}
