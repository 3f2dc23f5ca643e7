// The sender factory: the provider of SMS_PROVIDER, or the development outbox when it is unset.
// Called by the composition root; creating a sender opens no connection. A provider's SDK is
// loaded on the first text, not at start: the SDKs take seconds to load, and an application
// without a provider never needs them.
import type { SmsConfig } from '../config.ts';
import type { SmsSender, SmsSenderKind } from './message.ts';
import { outboxSmsSender } from './outbox-sender.ts';

function lazySender(kind: SmsSenderKind, load: () => Promise<SmsSender>): SmsSender {
  let loaded: Promise<SmsSender> | undefined;
  return {
    kind,
    async send(message) {
      loaded ??= load();
      return (await loaded).send(message);
    },
    close() {
      loaded?.then((s) => s.close()).catch(() => undefined);
    },
  };
}

export function createSmsSender(config: Readonly<SmsConfig>): SmsSender {
  const { provider, accessKeyId, accessKeySecret, sdkAppId, signName, region, endpoint } = config;
  if (!provider) return outboxSmsSender({ signName });
  // config.ts has checked these are set for a provider; this says so to the type checker.
  if (!accessKeyId || !accessKeySecret) throw new Error(`SMS_PROVIDER=${provider} needs its access key`);
  if (provider === 'aliyun') {
    return lazySender('aliyun', async () =>
      (await import('./aliyun-sender.ts')).aliyunSmsSender({
        accessKeyId,
        accessKeySecret,
        signName,
        region,
        endpoint,
      }),
    );
  }
  if (!sdkAppId) throw new Error('SMS_PROVIDER=tencent needs SMS_SDK_APP_ID');
  return lazySender('tencent', async () =>
    (await import('./tencent-sender.ts')).tencentSmsSender({
      secretId: accessKeyId,
      secretKey: accessKeySecret,
      sdkAppId,
      signName,
      region,
      endpoint,
    }),
  );
}
