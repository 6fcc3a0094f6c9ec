// Channel configuration from the environment (WHATSAPP_*, ATENDE_CHAT_*, ATENDE_AGENCY_NAME),
// validated once at start; the server's own configuration gives the data directory.
import { ConfigError, type ServerConfig } from '@atende/router/server';
import { z } from 'zod';
import type { HubOptions } from './conversation/index.js';
import type { WhatsAppConfig } from './whatsapp/index.js';

const text = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());
const minutes = z.preprocess((v) => (v === '' || v === undefined ? undefined : Number(v)), z.number().positive().max(24 * 60).optional());

const envSchema = z.object({
  WHATSAPP_VERIFY_TOKEN: text,
  WHATSAPP_APP_SECRET: text,
  WHATSAPP_ACCESS_TOKEN: text,
  WHATSAPP_PHONE_NUMBER_ID: text,
  WHATSAPP_GRAPH_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().default('https://graph.facebook.com')),
  WHATSAPP_GRAPH_VERSION: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^v\d+\.\d+$/, 'ex.: v21.0').default('v21.0')),
  ATENDE_CHAT_IDLE_WARN_MINUTES: minutes,
  ATENDE_CHAT_IDLE_CLOSE_MINUTES: minutes,
  ATENDE_AGENCY_NAME: text,
});

export interface ChannelsConfig {
  whatsapp: WhatsAppConfig;
  hub: HubOptions;
}

export function channelsConfigFromEnv(env: NodeJS.ProcessEnv, server: Pick<ServerConfig, 'demo'>): ChannelsConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const e = parsed.data;
  const warn = (e.ATENDE_CHAT_IDLE_WARN_MINUTES ?? 15) * 60_000;
  const close = (e.ATENDE_CHAT_IDLE_CLOSE_MINUTES ?? 20) * 60_000;
  if (warn >= close) throw new ConfigError('ATENDE_CHAT_IDLE_WARN_MINUTES deve ser menor que ATENDE_CHAT_IDLE_CLOSE_MINUTES');
  return {
    whatsapp: {
      verifyToken: e.WHATSAPP_VERIFY_TOKEN,
      appSecret: e.WHATSAPP_APP_SECRET,
      accessToken: e.WHATSAPP_ACCESS_TOKEN,
      phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID,
      graphUrl: e.WHATSAPP_GRAPH_URL,
      graphVersion: e.WHATSAPP_GRAPH_VERSION,
    },
    hub: { idleWarnMs: warn, idleCloseMs: close, agencyName: e.ATENDE_AGENCY_NAME, seedDemoKnowledge: server.demo },
  };
}
