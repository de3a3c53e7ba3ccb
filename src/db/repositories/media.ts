// Photos and recordings of reports, sealed: this repository stores and returns ciphertexts only.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { media, reports } from '../schema.js';

export type MediaKind = 'photo' | 'recording';
/** What the console may know about a media row: never its bytes, never where it came from. */
export interface MediaInfo {
  id: string;
  reportId: string;
  kind: MediaKind;
  contentType: string;
}

export function createMediaRepository(db: Db) {
  return {
    /** Positions of a report's media already fetched (stored or failed for good). */
    donePositions(reportId: string): Set<number> {
      return new Set(db.select({ position: media.position }).from(media).where(eq(media.reportId, reportId)).all().map((row) => row.position));
    },

    /** Stores one fetched file; a second store of the same position (a job run twice) changes nothing. */
    store(row: {
      reportId: string;
      position: number;
      kind: MediaKind;
      contentType: string;
      size: number;
      sealed: Buffer;
      gps: { lat: number; lng: number } | null;
      at: number;
    }): void {
      db.insert(media)
        .values({
          id: newId(),
          reportId: row.reportId,
          position: row.position,
          kind: row.kind,
          status: 'stored',
          contentType: row.contentType,
          size: row.size,
          sealed: row.sealed,
          gpsLat: row.gps?.lat ?? null,
          gpsLng: row.gps?.lng ?? null,
          fetchedAt: row.at,
        })
        .onConflictDoNothing()
        .run();
    },

    /** Marks a position as not fetchable (so it is neither retried nor kept waiting at the provider). */
    markFailed(reportId: string, position: number, kind: MediaKind, at: number): void {
      db.insert(media).values({ id: newId(), reportId, position, kind, status: 'failed', fetchedAt: at }).onConflictDoNothing().run();
    },

    /** Stored media of these reports, in their order, without bytes. */
    ofReports(reportIds: string[]): Map<string, MediaInfo[]> {
      const byReport = new Map<string, MediaInfo[]>();
      if (reportIds.length === 0) return byReport;
      const rows = db
        .select({ id: media.id, reportId: media.reportId, kind: media.kind, contentType: media.contentType })
        .from(media)
        .where(and(inArray(media.reportId, reportIds), eq(media.status, 'stored')))
        .orderBy(media.reportId, media.position)
        .all();
      for (const row of rows) {
        const list = byReport.get(row.reportId) ?? [];
        list.push({ id: row.id, reportId: row.reportId, kind: row.kind, contentType: row.contentType ?? 'application/octet-stream' });
        byReport.set(row.reportId, list);
      }
      return byReport;
    },

    /** One stored file's ciphertext and type. */
    sealed(id: string): { reportId: string; kind: MediaKind; contentType: string; sealed: Buffer } | undefined {
      const row = db.select().from(media).where(and(eq(media.id, id), eq(media.status, 'stored'))).get();
      if (!row?.sealed) return undefined;
      return { reportId: row.reportId, kind: row.kind, contentType: row.contentType ?? 'application/octet-stream', sealed: row.sealed };
    },

    /** Where a photo says it was taken (read before its EXIF was stripped): for placing reports by photo, later. */
    gps(id: string): { lat: number; lng: number } | null {
      const row = db.select({ lat: media.gpsLat, lng: media.gpsLng }).from(media).where(eq(media.id, id)).get();
      return row?.lat != null && row.lng != null ? { lat: row.lat, lng: row.lng } : null;
    },

    /** Reports received before `before` that still have provider URLs with no media row: their fetch is due. */
    unfetched(before: number, limit = 100): string[] {
      return db
        .select({ id: reports.id })
        .from(reports)
        .where(
          and(
            sql`${reports.media} != '[]'`,
            sql`${reports.receivedAt} < ${before}`,
            // A damaged row (not JSON) is skipped rather than failing the whole query.
            sql`(case when json_valid(${reports.media}) then json_array_length(${reports.media}) else 0 end) > (select count(*) from ${media} where ${media.reportId} = ${reports.id})`,
          ),
        )
        .limit(limit)
        .all()
        .map((row) => row.id);
    },
  };
}

export type MediaRepository = ReturnType<typeof createMediaRepository>;
