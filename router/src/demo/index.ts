// The demo agency (`npm start -- --demo`): seed it, then simulate citizens and agents.
import type { Logger } from 'pino';
import type { ServerServices } from '../server/server.js';
import { seedAgency, type DemoCredential } from './seed.js';
import { Simulation, type SimulationOptions } from './simulation.js';

export interface RunningDemo {
  credentials: DemoCredential[];
  stop(): Promise<void>;
}

export async function startDemo(services: ServerServices, log: Logger, options: Partial<SimulationOptions> = {}): Promise<RunningDemo> {
  const credentials = await seedAgency(services);
  const simulation = new Simulation(services, log.child({ part: 'demo' }), options);
  await simulation.start();
  log.info('demo agency seeded and simulation running');
  return { credentials, stop: () => simulation.stop() };
}

export { seedAgency, type DemoCredential } from './seed.js';
export { Simulation, fakeCpf, type SimulationOptions } from './simulation.js';
