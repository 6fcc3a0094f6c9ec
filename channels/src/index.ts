// @atende/channels: the channel adapters (WhatsApp Cloud API, webchat) over one conversation model,
// and createChannels, which wires them for the server's composition root (main.ts).
import type { ChannelModule } from '@atende/router/server';
import type { ChannelsConfig } from './config.js';
import { ConversationHub } from './conversation/index.js';
import { WebchatChannel } from './webchat/index.js';
import { WhatsAppChannel } from './whatsapp/index.js';

export { channelsConfigFromEnv, type ChannelsConfig } from './config.js';
export * from './conversation/index.js';
export * from './whatsapp/index.js';
export * from './webchat/index.js';
export { Knowledge, KnowledgeIndex, DEMO_KNOWLEDGE, normalizeTerm, type KnowledgeHit } from './knowledge/index.js';

/** The modules to mount, hub first (the channels register with it when they mount). */
export function createChannels(config: ChannelsConfig): ChannelModule[] {
  const hub = new ConversationHub(config.hub);
  return [hub, new WhatsAppChannel(hub, config.whatsapp), new WebchatChannel(hub)];
}
