// Channel views of a session tab: each channel may plug its own component (chat transcript,
// WhatsApp conversation, call controls); a channel without one gets the default view.
import type { Component } from 'svelte';
import type { Channel, Interaction } from '../api/types';

/** A message of the agent socket that the workspace does not handle itself (e.g. { type: 'conversation', … }). */
export interface ChannelEvent {
  type: string;
  interactionId?: string;
  [key: string]: unknown;
}

export interface ChannelViewProps {
  interaction: Interaction;
  /** Live events of this session pushed by its channel over the agent socket; returns the unsubscribe. */
  subscribe: (listener: (event: ChannelEvent) => void) => () => void;
}

export type ChannelView = Component<ChannelViewProps>;

export interface ChannelViews {
  viewFor(channel: Channel | string): ChannelView;
  has(channel: Channel | string): boolean;
}

export function createChannelViews(fallback: ChannelView, views: Partial<Record<Channel, ChannelView>>): ChannelViews {
  const table = new Map<string, ChannelView>(Object.entries(views) as [string, ChannelView][]);
  return {
    viewFor: (channel) => table.get(channel) ?? fallback,
    has: (channel) => table.has(channel),
  };
}
