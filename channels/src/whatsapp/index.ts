// WhatsApp Cloud API channel: webhook + transport (adapter), Graph API client, wire mapping.
export { WhatsAppChannel, OUTSIDE_WINDOW_MESSAGE, validSignature, type WhatsAppConfig } from './adapter.js';
export { GraphClient, GraphError, type GraphConfig, type MediaInfo } from './client.js';
export {
  mediaKind,
  notificationSchema,
  OUTSIDE_WINDOW_CODE,
  parseNotification,
  toGraphMediaMessage,
  toGraphMessage,
  toReadReceipt,
  type DeliveryStatus,
  type GraphMessage,
  type ParsedNotification,
  type WhatsAppEvent,
} from './mapper.js';
