import { describe, expect, it } from 'vitest';
import { createChannelViews, type ChannelView } from '$lib/channels/registry';

const view = (name: string) => Object.assign(() => ({}), { viewName: name }) as unknown as ChannelView;

describe('createChannelViews', () => {
  it('gives a channel its own view and every other channel the default one', () => {
    const fallback = view('default');
    const chat = view('chat');
    const views = createChannelViews(fallback, { chat });
    expect(views.viewFor('chat')).toBe(chat);
    expect(views.viewFor('phone')).toBe(fallback);
    expect(views.has('chat')).toBe(true);
    expect(views.has('whatsapp')).toBe(false);
  });
});
