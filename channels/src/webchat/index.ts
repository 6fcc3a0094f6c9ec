// Webchat channel: the citizen's widget and socket (adapter, client), wire schemas and CPF (mapper).
export { WebchatChannel } from './adapter.js';
export { ChatSockets, type ChatConnection, type ChatSocketsOptions } from './client.js';
export { citizenMessageJson, citizenMessageSchema, toInbound, validCpf, type CitizenMessage } from './mapper.js';
