// What channel citizens say and how they are told apart: shared by the webchat and WhatsApp
// scenarios and the agents (who answer channel sessions with a message). Pure.

/** What a citizen asks the bot once a theme is chosen (the load test seeds no knowledge base: it offers a human). */
export const QUESTION = 'Como emito a segunda via da guia do IPVA?';
/** Typed to hand over to a human (the bot's WANTS_HUMAN). */
export const WANTS_HUMAN = 'falar com atendente';
/** Every agent message on a channel session starts with this, so citizens recognise it. */
export const AGENT_GREETING = 'Olá! Sou do atendimento e vou ajudar com a sua solicitação.';
/** The bot's list rows of themes are `grupo:<groupId>`; tapping one chooses that attendance group. */
export const THEME_PREFIX = 'grupo:';
/** The button that asks for a human. */
export const HUMAN_OPTION = 'falar-com-atendente';

/** The system's message when the session was queued (texts.queued), and when the agent joined. */
export const isQueuedText = (text) => typeof text === 'string' && text.includes('fila de atendimento');
export const isJoinedText = (text) => typeof text === 'string' && text.startsWith('Você está sendo atendido');

/** A session that came through a channel carries its conversation (the hub's citizenData), not the API citizens' t0. */
export const isChannelSession = (interaction) => interaction.channel === 'whatsapp' || (interaction.data ?? {}).conversationId !== undefined;

/** The setup's warm-up citizen (scenarios/whatsapp.js): its session waits for the agents to connect, so its offer is not timed. */
export const WARM_UP_NAME = 'Aquecimento da Carga';
export const isWarmUp = (interaction) => (interaction.data ?? {}).citizenName === WARM_UP_NAME;
