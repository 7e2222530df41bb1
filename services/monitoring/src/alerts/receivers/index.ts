import { discordReceiver } from './discord.receiver';
import { emailReceiver } from './email.receiver';
import type { ReceiverKind } from './receiver';
import { slackReceiver } from './slack.receiver';
import { teamsReceiver } from './teams.receiver';
import { webhookReceiver } from './webhook.receiver';

export * from './receiver';

/** Every receiver kind, one file each. */
export const RECEIVER_KINDS: Record<string, ReceiverKind<unknown>> = {
  webhook: webhookReceiver as ReceiverKind<unknown>,
  slack: slackReceiver as ReceiverKind<unknown>,
  discord: discordReceiver as ReceiverKind<unknown>,
  teams: teamsReceiver as ReceiverKind<unknown>,
  email: emailReceiver as ReceiverKind<unknown>,
};
