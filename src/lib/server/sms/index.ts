/**
 * SMS for the running app: the Twilio gateway when configured (none without credentials: messages
 * then wait in the outbox marked "SMS not configured") and the sender's settings.
 */
import type { Config } from '../config.ts';
import { DEFAULT_SENDER, type SenderOptions } from './sender.ts';
import { twilioGateway, type SmsGateway } from './twilio-client.ts';

export interface SmsRuntime {
	gateway: SmsGateway | null;
	sender: Partial<SenderOptions>;
	/** for verifying webhooks; undefined refuses them all */
	authToken: string | undefined;
}

export function smsRuntime(cfg: Config): SmsRuntime {
	return {
		gateway: cfg.twilio ? twilioGateway(cfg.twilio) : null,
		sender: { ...DEFAULT_SENDER, quietHours: cfg.sms.quietHours, statusCallbackUrl: cfg.sms.statusCallbackUrl },
		authToken: cfg.twilio?.authToken
	};
}
