// The channel mix: parsed from --mix or LOADTEST_OVERRIDES, and split by k6's options into one
// arrival scenario per channel.
import { describe, expect, it } from 'vitest';
import { optionsFor } from '../lib/options.js';
import { agentCapacity, channelFlowTimeoutMs, channelRate, inTimeUnit } from '../lib/schedule.js';
import { parseArgs, UsageError } from '../src/cli/args.js';
import { checkMix, parseMix, PROFILES, PROFILE_NAMES, withOverrides } from '../src/profiles.js';

describe('mix', () => {
  it('reads channel=percentage pairs; channels left out get 0', () => {
    expect(parseMix('api=70,webchat=20,whatsapp=10')).toEqual({ api: 70, webchat: 20, whatsapp: 10 });
    expect(parseMix(' webchat = 50 %, api=50 ')).toEqual({ api: 50, webchat: 50, whatsapp: 0 });
    expect(parseMix('whatsapp=100')).toEqual({ api: 0, webchat: 0, whatsapp: 100 });
  });

  it('refuses mixes that do not add up to 100, unknown channels, repeats, fractions and junk', () => {
    expect(() => parseMix('api=70,webchat=20')).toThrow(/add up to 90, not 100/);
    expect(() => parseMix('api=90,fax=10')).toThrow(/unknown channel\(s\) fax/);
    expect(() => parseMix('api=50,api=50')).toThrow(/api given twice/);
    expect(() => parseMix('api=99.5,webchat=0.5')).toThrow(/whole percentage/);
    expect(() => parseMix('api:100')).toThrow(/not channel=percentage/);
    expect(() => parseMix('')).toThrow(/empty/);
    expect(() => checkMix({ api: -10, webchat: 110 })).toThrow(/whole percentage/);
    expect(() => checkMix([100])).toThrow(/an object/);
  });

  it('is an option of the CLI, a usage error when wrong', () => {
    expect(parseArgs(['standard', '--mix', 'api=60,webchat=30,whatsapp=10'])).toMatchObject({ profile: 'standard', mix: { api: 60, webchat: 30, whatsapp: 10 } });
    expect(parseArgs(['smoke'])).not.toHaveProperty('mix');
    expect(() => parseArgs(['smoke', '--mix=api=50'])).toThrow(UsageError);
  });

  it('can be overridden through LOADTEST_OVERRIDES, checked the same way', () => {
    expect(withOverrides(PROFILES.smoke, '{"mix": {"api": 100}}').mix).toEqual({ api: 100, webchat: 0, whatsapp: 0 });
    expect(() => withOverrides(PROFILES.smoke, '{"mix": {"api": 50}}')).toThrow(/add up to 50/);
  });

  it.each(PROFILE_NAMES)('%s has a valid mix with citizens on every channel', (name) => {
    const mix = PROFILES[name].mix;
    expect(checkMix(mix)).toEqual(mix);
    expect(Math.min(mix.api, mix.webchat, mix.whatsapp)).toBeGreaterThan(0);
  });

  it('gives standard and stress 70 % API, 20 % webchat, 10 % WhatsApp; smoke a small channel share', () => {
    expect(PROFILES.standard.mix).toEqual({ api: 70, webchat: 20, whatsapp: 10 });
    expect(PROFILES.stress.mix).toEqual({ api: 70, webchat: 20, whatsapp: 10 });
    expect(PROFILES.smoke.mix.webchat + PROFILES.smoke.mix.whatsapp).toBeLessThanOrEqual(20);
  });
});

describe('channel arrivals in k6', () => {
  it('splits a rate by whole percentages without rounding noise', () => {
    expect(channelRate(10, 70)).toBe(7);
    expect(channelRate(200, 20)).toBe(40);
    expect(channelRate(5, 5)).toBe(0.25);
  });

  it('counts per second when every rate is whole, per minute otherwise', () => {
    expect(inTimeUnit([7, 14])).toEqual({ timeUnit: '1s', rates: [7, 14] });
    expect(inTimeUnit([0.5, 2])).toEqual({ timeUnit: '1m', rates: [30, 120] });
  });

  it('makes one arrival scenario per channel in the mix, sharing the rate', () => {
    const standard = optionsFor(PROFILES.standard);
    expect(standard.scenarios.citizens).toMatchObject({ exec: 'citizens', executor: 'constant-arrival-rate', rate: 140, timeUnit: '1s', duration: '300s' });
    expect(standard.scenarios.webchatCitizens).toMatchObject({ exec: 'webchatCitizens', rate: 40, timeUnit: '1s', startTime: '15s', preAllocatedVUs: 160 });
    expect(standard.scenarios.whatsappCitizens).toMatchObject({ exec: 'whatsappCitizens', rate: 20, timeUnit: '1s' });
    expect(standard.thresholds['http_req_duration{name:POST /webhooks/whatsapp}']).toEqual(['max>=0']);

    const smoke = optionsFor({ ...PROFILES.smoke, mix: { api: 80, webchat: 10, whatsapp: 10 } });
    expect(smoke.scenarios.citizens).toMatchObject({ rate: 4, timeUnit: '1s' });
    expect(smoke.scenarios.webchatCitizens).toMatchObject({ rate: 30, timeUnit: '1m', duration: '30s' });

    const apiOnly = optionsFor({ ...PROFILES.smoke, mix: { api: 100, webchat: 0, whatsapp: 0 } });
    expect(Object.keys(apiOnly.scenarios).sort()).toEqual(['agents', 'citizens', 'supervisors']);
    expect(apiOnly.thresholds['http_req_duration{name:POST /webhooks/whatsapp}']).toBeUndefined();
  });

  it('keeps the steps of stress on every channel, each at its share', () => {
    const stress = optionsFor(PROFILES.stress);
    const rates = (PROFILES.stress.arrival as { ratesPerSecond: number[] }).ratesPerSecond;
    const targets = (name: string) => (stress.scenarios[name]!.stages as { target: number }[]).filter((_, i) => i % 2 === 1).map((s) => s.target);
    expect(stress.scenarios.whatsappCitizens!.executor).toBe('ramping-arrival-rate');
    // 10 % of 10/s is 1/s; of 20/s, 2/s: whole, so per second.
    expect(stress.scenarios.whatsappCitizens!.timeUnit).toBe('1s');
    expect(targets('whatsappCitizens')).toEqual(rates.map((r) => r / 10));
    expect(targets('citizens').map((t, i) => t + targets('webchatCitizens')[i]! + targets('whatsappCitizens')[i]!)).toEqual(rates);
    expect(stress.scenarios.webchatCitizens!.maxVUs).toBe(500);
  });

  it('gives channel citizens time for an offer to expire once and be taken', () => {
    expect(channelFlowTimeoutMs(PROFILES.smoke)).toBe(30_000 + 400 + 15_000);
  });

  it('gives agents WhatsApp capacity only when WhatsApp citizens come', () => {
    expect(agentCapacity(PROFILES.standard)).toEqual({ chat: 1, whatsapp: 1 });
    expect(agentCapacity({ ...PROFILES.standard, mix: { api: 80, webchat: 20, whatsapp: 0 } })).toEqual({ chat: 1 });
  });
});
