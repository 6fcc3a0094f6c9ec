// The k6 entry of every profile: a tax-deadline peak at one agency — agents on sockets, citizens
// arriving over HTTP, the webchat and WhatsApp (in the profile's mix), supervisors watching boards.
// Options come from the profile (lib/options.js).
import { seedAgency, auditSessions } from '../lib/agency.js';
import { optionsFor } from '../lib/options.js';
import { profile } from '../lib/profile.js';
import { warmUpWhatsApp } from './whatsapp.js';

export { agents } from './agents.js';
export { citizens } from './citizens.js';
export { supervisors } from './supervisors.js';
export { webchatCitizens } from './webchat.js';
export { whatsappCitizens } from './whatsapp.js';

export const options = optionsFor(profile);

export function setup() {
  const agency = seedAgency(profile);
  // One unmeasured citizen through the bot and the handoff (the channels' code paths warm).
  if (profile.mix.whatsapp > 0) warmUpWhatsApp(agency.runId);
  return agency;
}

export function teardown() {
  auditSessions(profile);
}
