import type { Db } from 'mongodb';

export interface ServerCapabilities {
  /** FerretDB (no transactions, no snapshot reads, no renameCollection dropTarget). */
  readonly isFerretDb: boolean;
  /** Reads of one backup can share a snapshot (replica set or sharded cluster on MongoDB 5.0+). */
  readonly snapshotReads: boolean;
  readonly version: string;
}

/** Asks the server what it offers, so that we take MongoDB's best path where it exists. */
export async function detectCapabilities(db: Db): Promise<ServerCapabilities> {
  const admin = db.admin();
  const [buildInfo, hello] = await Promise.all([
    admin.command({ buildInfo: 1 }) as Promise<Record<string, unknown>>,
    admin.command({ hello: 1 }) as Promise<Record<string, unknown>>,
  ]);
  const isFerretDb = 'ferretdbVersion' in buildInfo || 'ferretdb' in buildInfo;
  const wireVersion = typeof hello.maxWireVersion === 'number' ? hello.maxWireVersion : 0;
  const clustered = typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
  return Object.freeze({
    isFerretDb,
    snapshotReads: !isFerretDb && clustered && wireVersion >= 13,
    version: String(buildInfo.version ?? 'unknown'),
  });
}
