// Everything the bot and the system say to citizens, in pt-BR, in one place (review and tone).
import type { KnowledgeHit } from '../knowledge/index.js';

export const OPTION = {
  human: 'falar-com-atendente',
  helped: 'ajudou-sim',
  menu: 'menu',
  leaveMessage: 'deixar-mensagem',
  /** Prefix of a theme (attendance group) chosen in the menu. */
  group: 'grupo:',
} as const;

/** What citizens type when they want a person. */
export const WANTS_HUMAN = /\b(falar com (um |uma )?(atendente|humano|pessoa)|atendente|atendimento humano)\b/i;
export const WANTS_MENU = /^\s*(menu|in[ií]cio|voltar|assuntos?)\s*$/i;

export const texts = {
  greeting: (agency: string, name?: string | null) =>
    `Olá${name ? `, ${firstName(name)}` : ''}! Sou o assistente virtual da ${agency}. Escolha o assunto do seu atendimento para eu ajudar.`,
  menuBody: 'Escolha o assunto do seu atendimento:',
  menuButton: 'Ver assuntos',
  menuHeader: (agency: string) => `Atendimento ${agency}`,
  menuFooter: 'Digite "atendente" para falar com uma pessoa.',
  themeChosen: (group: string) => `Certo: ${group}. Escreva sua dúvida em poucas palavras que eu procuro a resposta.`,
  unknownTheme: 'Esse assunto não está mais disponível. Escolha outro, por favor.',
  answers: (hits: readonly KnowledgeHit[]) =>
    hits.length === 1
      ? `${hits[0]!.question}\n\n${hits[0]!.answer}`
      : `Encontrei estas respostas:\n\n${hits.map((h, i) => `${i + 1}. *${h.question}*\n${h.answer}`).join('\n\n')}`,
  helpedQuestion: 'Essa resposta ajudou?',
  noAnswer: 'Não encontrei uma resposta para isso na nossa base de conhecimento. Quer falar com um atendente?',
  glad: 'Que bom que ajudou! Se tiver outra dúvida, é só escrever.',
  fileReceived: 'Recebi seu arquivo. Para que um atendente o analise, toque em "Falar com atendente".',
  locationReceived: 'Recebi sua localização. Para falar com um atendente, toque em "Falar com atendente".',
  unsupported: 'Ainda não consigo ler esse tipo de mensagem. Escreva sua dúvida em texto, por favor.',
  chooseFirst: 'Antes de falar com um atendente, escolha o assunto:',
  queued: (group: string) => `Certo! Você entrou na fila de atendimento de ${group}. Um atendente vai responder em instantes; aguarde, por favor.`,
  closedHours: (schedule: string, opening: string | undefined) =>
    `No momento o atendimento humano está fechado (horário: ${schedule}).${opening ? ` Ele abre ${opening}.` : ''} Você pode deixar uma mensagem, e um atendente responde assim que o atendimento abrir.`,
  leaveMessageButton: 'Deixar mensagem',
  leaveMessagePrompt: (opening: string | undefined) =>
    `Escreva sua mensagem. Ela fica registrada e será encaminhada a um atendente${opening ? ` quando o atendimento abrir (${opening})` : ' assim que o atendimento abrir'}.`,
  pendingNoted: 'Mensagem registrada. Você será atendido(a) assim que o atendimento abrir.',
  pendingOpened: 'O atendimento abriu e sua mensagem foi encaminhada. Um atendente vai responder em instantes.',
  handoffFailed: 'Não consegui transferir você para um atendente agora. Tente de novo em alguns instantes, por favor.',
  agentJoined: (agent: string | undefined) => `Você está sendo atendido(a) por ${agent ?? 'um atendente'}.`,
  transferred: 'Sua conversa foi transferida para outra equipe. Aguarde, por favor: um atendente vai responder em instantes.',
  ended: (agency: string) => `Atendimento encerrado. Obrigado por falar com a ${agency}! Se precisar, é só escrever de novo.`,
  idleWarning: (minutesLeft: number) =>
    `Sua conversa está sem atividade e será encerrada em ${minutesLeft} ${minutesLeft === 1 ? 'minuto' : 'minutos'}. Para continuar, envie uma mensagem.`,
  idleClosed: 'Conversa encerrada por inatividade. Se precisar, é só escrever de novo: seu histórico fica guardado.',
  buttonHuman: 'Falar com atendente',
  buttonHelped: 'Sim, ajudou',
  buttonMenu: 'Outro assunto',
};

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}
