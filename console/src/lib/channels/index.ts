// The one place channel views are wired in. The chat and WhatsApp views arrive with the channels
// issue: import the component here and add it to the table (e.g. `chat: ChatView`).
import DefaultChannelView from './DefaultChannelView.svelte';
import { createChannelViews } from './registry';

export const channelViews = createChannelViews(DefaultChannelView, {});

export type { ChannelEvent, ChannelView, ChannelViewProps } from './registry';
