// The one place channel views are wired in: webchat and WhatsApp sessions get the chat view (the
// thread with its composer); every other channel the default one.
import ChatView from './chat/ChatView.svelte';
import DefaultChannelView from './DefaultChannelView.svelte';
import { createChannelViews } from './registry';

export const channelViews = createChannelViews(DefaultChannelView, { chat: ChatView, whatsapp: ChatView });

export type { ChannelEvent, ChannelView, ChannelViewProps } from './registry';
