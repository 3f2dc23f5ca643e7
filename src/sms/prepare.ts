// From a built text to what a sender is handed: with a provider, the approved template of its
// kind (SMS_TEMPLATES) and its parameters in that template's order; with the development
// outbox, the kind itself and every parameter, so any text can be read there.
import type { SmsTemplates } from './kinds.ts';
import type { SmsMessage } from './message.ts';
import type { BuiltSms } from './texts.ts';

export interface SmsRouting {
  provider: 'aliyun' | 'tencent' | undefined;
  templates: SmsTemplates;
}

/** Null when a provider is set but has no template for this kind: such a text cannot be sent. */
export function prepareSms(
  built: BuiltSms,
  to: string,
  routing: SmsRouting,
  notificationKey?: string,
): SmsMessage | null {
  const template = routing.templates[built.kind];
  if (!template && routing.provider) return null;
  const params = template
    ? template.params.map((name) => [name, built.params[name] ?? ''] as const)
    : Object.entries(built.params).map(([name, value]) => [name, value ?? ''] as const);
  return {
    to,
    templateCode: template?.code ?? built.kind,
    params,
    text: built.text,
    ...(notificationKey ? { notificationKey } : {}),
  };
}
