// The conversation model every text channel shares: the hub (bot, handoff, agent relay, statuses),
// attachments, JSON views and the channel transport contract.
export { ConversationHub, type HubOptions, type StoreInbound } from './hub.js';
export { AttachmentError, FileStore, MAX_ATTACHMENT_BYTES, contentDisposition, safeFileName, tooLarge } from './attachments.js';
export { DeliveryError, outboundContentSchema, outboundText, templateSchema, type ChannelTransport, type DeliveryResult, type InboundInput, type Option, type OutboundContent } from './model.js';
export { attachmentJson, maskPhone, messageJson, type AttachmentJson, type Audience, type MessageJson } from './views.js';
export { fileResponse, saveUpload } from './routes.js';
export { menuContent } from './bot.js';
export { OPTION, texts } from './texts.js';
export { availability, describeOpening, describeSchedule } from './hours.js';
