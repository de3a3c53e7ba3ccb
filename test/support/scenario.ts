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
  // By its text: reports filed within one millisecond (a test clock stands still) have no reliable order.
  const reports = (await dispatcher.get('/api/reports?limit=100')).json() as Array<{ incidentId: string | null; text: string }>;
  const incidentId = reports.find((report) => report.text === text)?.incidentId;
  if (!incidentId) throw new Error('the report was not clustered into an incident of its own (was it read as an answer?)');
  return incidentId;
}

export const MISSION_ZIPS = { type: 'zips', zips: ['94110'] };
