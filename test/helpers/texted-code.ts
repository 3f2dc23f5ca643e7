// A verification code read where a person reads it: the newest text to the phone in the
// development outbox (texts go there without a provider).
import { OutboxMessageModel } from '../../src/models/outbox-message.model.ts';

/**
 * The code of the newest text to this phone. A browser's request may still be on its way:
 * it is looked for up to `waitMs`, then its absence is an error.
 */
export async function codeTextedTo(phone: string, waitMs = 0): Promise<string> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const text = await OutboxMessageModel.findOne({ channel: 'sms', to: phone }).sort({ _id: -1 }).lean();
    const code = /\d{6}/.exec(text?.text ?? '')?.[0];
    if (code) return code;
    if (Date.now() >= deadline) throw new Error(`no code was texted to ${phone}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
