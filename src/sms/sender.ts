// The sender factory: the provider of SMS_PROVIDER, or the development outbox when it is unset.
// Called by the composition root; creating a sender opens no connection.
import type { SmsConfig } from '../config.ts';
import { aliyunSmsSender } from './aliyun-sender.ts';
import type { SmsSender } from './message.ts';
import { outboxSmsSender } from './outbox-sender.ts';
import { tencentSmsSender } from './tencent-sender.ts';

export function createSmsSender(config: Readonly<SmsConfig>): SmsSender {
  const { provider, accessKeyId, accessKeySecret, sdkAppId, signName, region, endpoint } = config;
  if (!provider) return outboxSmsSender({ signName });
  // config.ts has checked these are set for a provider; this says so to the type checker.
  if (!accessKeyId || !accessKeySecret) throw new Error(`SMS_PROVIDER=${provider} needs its access key`);
  if (provider === 'aliyun') {
    return aliyunSmsSender({ accessKeyId, accessKeySecret, signName, region, endpoint });
  }
  if (!sdkAppId) throw new Error('SMS_PROVIDER=tencent needs SMS_SDK_APP_ID');
  return tencentSmsSender({
    secretId: accessKeyId,
    secretKey: accessKeySecret,
    sdkAppId,
    signName,
    region,
    endpoint,
  });
}
