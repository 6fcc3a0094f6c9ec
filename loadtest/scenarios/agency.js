// The k6 entry of every profile: a tax-deadline peak at one agency — agents on sockets, citizens
// arriving over HTTP, the webchat and WhatsApp (in the profile's mix), supervisors watching boards.
// Options come from the profile (lib/options.js).
import { seedAgency, auditSessions } from '../lib/agency.js';
import { optionsFor } from '../lib/options.js';
import { profile } from '../lib/profile.js';
import { warmUpWebchat } from './webchat.js';
import { warmUpWhatsApp } from './whatsapp.js';

/** Unmeasured citizens per channel that setup takes through the bot and the handoff. */
const WARM_UP_CITIZENS = 2;

export { agents } from './agents.js';
export { citizens } from './citizens.js';
export { supervisors } from './supervisors.js';
export { webchatCitizens } from './webchat.js';
export { whatsappCitizens } from './whatsapp.js';

export const options = optionsFor(profile);

export function setup() {
  const agency = seedAgency(profile);
  // A few unmeasured citizens through the bot and the handoff: the channels' code paths warm up.
  for (let n = 0; n < WARM_UP_CITIZENS; n++) {
    if (profile.mix.webchat > 0) warmUpWebchat(agency.runId, n);
    if (profile.mix.whatsapp > 0) warmUpWhatsApp(agency.runId, n);
  }
  return agency;
}

export function teardown() {
  auditSessions(profile);
}
