// A citizen's widget as tests drive it: identify over WS /ws/chat and read the server's messages.
import type { ChannelTestServer } from '../helpers.js';
import { TestSocket } from '@atende/router/testing';

/** A CPF with valid check digits (529.982.247-25), as the widget sends it. */
export const CPF = '529.982.247-25';

export async function identifiedCitizen(t: ChannelTestServer, name = 'Maria Souza'): Promise<{ socket: TestSocket; token: string; conversationId: string }> {
  const socket = await TestSocket.open(`${t.ws}/ws/chat`);
  socket.send({ type: 'identify', name, email: 'cidadao@example.com', cpf: CPF, requestId: 'id' });
  const identified = await socket.nextOfType('identified');
  return { socket, token: identified.token, conversationId: identified.conversation.id };
}

/** The next message from the server (not the citizen's own echo) that matches. */
export const fromServer = (socket: TestSocket, match: (m: any) => boolean = () => true, timeoutMs?: number) =>
  socket.next((m) => m.type === 'message' && m.message.direction === 'out' && match(m.message), timeoutMs).then((m) => m.message);
