// Shortcuts to set up a committee with active members and a confirmed-ready incident through the real paths.
import { expect } from 'vitest';
import type { ApiClient, TestSystem } from './system.js';

export interface Committee {
  id: string;
  inviteCode: string;
}

export async function committeeWithMembers(
  system: TestSystem,
  dispatcher: ApiClient,
  input: { name: string; area: unknown },
  phones: string[],
  zip = '94110',
): Promise<Committee> {
  const response = await dispatcher.post('/api/committees', { ...input, autoApprove: true });
  expect(response.statusCode).toBe(201);
  const committee = response.json() as Committee;
  for (const phone of phones) {
    const reply = await system.sms(phone, `JOIN ${committee.inviteCode} ${zip}`);
    expect(reply.statusCode).toBe(200);
  }
  return committee;
}

/** Texts a report and waits until a worker has put it into an incident; returns the incident id. */
export async function reportIncident(system: TestSystem, dispatcher: ApiClient, from: string, text: string): Promise<string> {
  const reply = await system.sms(from, text);
  expect(reply.statusCode).toBe(200);
  await system.idle();
  const reports = (await dispatcher.get('/api/reports?limit=1')).json() as Array<{ incidentId: string | null }>;
  const incidentId = reports[0]?.incidentId;
  if (!incidentId) throw new Error('the report was not clustered into an incident');
  return incidentId;
}

export const MISSION_ZIPS = { type: 'zips', zips: ['94110'] };
