// The bot that answers first, the same on every channel: greets with the theme menu (built from the
// attendance groups), answers from the knowledge base within the chosen theme, asks if it helped,
// and hands over to a human when asked ("falar com atendente").
import type { Conversation, Message } from '@atende/db';
import type { GroupConfig } from '@atende/router';
import type { ConversationHub } from './hub.js';
import type { InboundInput, OutboundContent } from './model.js';
import { OPTION, texts, WANTS_HUMAN, WANTS_MENU } from './texts.js';

interface BotMemory {
  /** What the citizen asked before choosing a theme: answered right after the choice. */
  pendingQuestion?: string;
  greeted?: boolean;
}

const LIST_TITLE_MAX = 24;
const LIST_DESCRIPTION_MAX = 72;

export class Bot {
  constructor(private readonly hub: ConversationHub) {}

  async step(conversation: Conversation, _message: Message, input: InboundInput): Promise<void> {
    let thread = conversation;
    if (thread.state === 'closed') {
      // Starting again after a close: a fresh bot round, the history stays.
      thread = await this.hub.update(thread, { state: 'bot', groupId: null, data: {}, warnedAt: null });
    }
    switch (input.kind) {
      case 'choice':
        return this.choice(thread, input.id, input.title);
      case 'text':
        return this.text(thread, input.text);
      case 'media':
        return this.offerHuman(thread, texts.fileReceived);
      case 'location':
        return this.offerHuman(thread, texts.locationReceived);
      case 'unsupported':
        await this.hub.send(thread, 'bot', { type: 'text', text: texts.unsupported });
        return;
    }
  }

  private async choice(thread: Conversation, id: string, title: string): Promise<void> {
    if (id === OPTION.human) return this.hub.handoff.request(thread);
    if (id === OPTION.leaveMessage) return this.hub.handoff.leaveMessage(thread);
    if (id === OPTION.menu) return this.menu(thread);
    if (id === OPTION.helped) {
      await this.hub.send(thread, 'bot', { type: 'text', text: texts.glad });
      return;
    }
    if (id.startsWith(OPTION.group)) return this.chooseGroup(thread, id.slice(OPTION.group.length));
    return this.text(thread, title);
  }

  private async text(thread: Conversation, text: string): Promise<void> {
    if (WANTS_MENU.test(text)) return this.menu(thread);
    if (WANTS_HUMAN.test(text)) return this.hub.handoff.request(thread);
    const group = this.hub.group(thread.groupId);
    if (!group) {
      const memory = thread.data as BotMemory;
      const updated = await this.hub.update(thread, { data: { ...memory, pendingQuestion: text.slice(0, 1000) } });
      return this.menu(updated, !memory.greeted);
    }
    return this.answer(thread, group, text);
  }

  /** The theme menu; with the greeting on first contact. */
  async menu(thread: Conversation, greet = false): Promise<void> {
    const groups = this.hub.menuGroups();
    if (greet) {
      thread = await this.hub.update(thread, { data: { ...(thread.data as BotMemory), greeted: true } });
      await this.hub.send(thread, 'bot', { type: 'text', text: texts.greeting(this.hub.agencyName, thread.displayName) });
    }
    if (groups.length === 0) {
      await this.hub.send(thread, 'bot', { type: 'text', text: texts.noAnswer });
      return;
    }
    await this.hub.send(thread, 'bot', menuContent(groups, this.hub.agencyName));
  }

  private async chooseGroup(thread: Conversation, groupId: string): Promise<void> {
    const group = this.hub.menuGroups().find((g) => g.id === groupId);
    if (!group) {
      await this.hub.send(thread, 'bot', { type: 'text', text: texts.unknownTheme });
      return this.menu(thread);
    }
    const memory = thread.data as BotMemory;
    const updated = await this.hub.update(thread, { groupId: group.id, data: { greeted: true } });
    await this.hub.send(updated, 'bot', { type: 'text', text: texts.themeChosen(group.name) });
    if (memory.pendingQuestion) await this.answer(updated, group, memory.pendingQuestion);
  }

  private async answer(thread: Conversation, group: GroupConfig, question: string): Promise<void> {
    const hits = this.hub.knowledge.search(question, { tema: group.tema || undefined });
    if (hits.length === 0) return this.offerHuman(thread, texts.noAnswer);
    // WhatsApp caps an interactive body at 1024 characters: the answers go as text, the question after.
    await this.hub.send(thread, 'bot', { type: 'text', text: texts.answers(hits).slice(0, 4096) });
    await this.hub.send(thread, 'bot', {
      type: 'buttons',
      text: texts.helpedQuestion,
      buttons: [
        { id: OPTION.helped, title: texts.buttonHelped },
        { id: OPTION.human, title: texts.buttonHuman },
        { id: OPTION.menu, title: texts.buttonMenu },
      ],
    });
  }

  private async offerHuman(thread: Conversation, text: string): Promise<void> {
    await this.hub.send(thread, 'bot', {
      type: 'buttons',
      text,
      buttons: [
        { id: OPTION.human, title: texts.buttonHuman },
        { id: OPTION.menu, title: texts.buttonMenu },
      ],
    });
  }
}

/** The interactive list of themes: one row per entry group (tema as title, categoria as description). */
export function menuContent(groups: readonly GroupConfig[], agency: string): OutboundContent {
  return {
    type: 'list',
    header: texts.menuHeader(agency).slice(0, 60),
    text: texts.menuBody,
    footer: texts.menuFooter.slice(0, 60),
    button: texts.menuButton,
    sections: [
      {
        title: 'Assuntos',
        rows: groups.map((g) => ({
          id: `${OPTION.group}${g.id}`,
          title: clip(g.tema || g.name, LIST_TITLE_MAX),
          description: clip(g.categoria || g.name, LIST_DESCRIPTION_MAX),
        })),
      },
    ],
  };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
