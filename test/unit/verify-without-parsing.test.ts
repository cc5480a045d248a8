import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyArchive } from '../../src/archive/verify-archive.js';
import { writeHandMadeArchive } from '../helpers/handmade-archive.js';
import { useTempDir } from '../helpers/temp-dir.js';

const dir = useTempDir();
const GOOD = '[\n{"_id":{"$oid":"65f0c0ffee00000000000001"},"n":{"$numberInt":"1"}},\n{"_id":{"$oid":"65f0c0ffee00000000000002"},"n":{"$numberInt":"2"}}\n]\n';
/** Framed like a collection file, but the second line is no Extended JSON. */
const NOT_EJSON = '[\n{"_id":{"$oid":"65f0c0ffee00000000000001"},"n":{"$numberInt":"1"}},\n{"_id":{"$oid":"nicht hex"}}\n]\n';

/** An archive of one collection whose manifest promises `promised` while the entry holds `held`. */
function archive(name: string, held: string, promised = held, count = 2): string {
  return writeHandMadeArchive(path.join(dir, name), { held, promised, count }, { version: 1, deflate: true });
}

describe('verifying an archive without parsing its lines (for one this process just wrote)', () => {
  const quick = (file: string) => verifyArchive(file, undefined, { parseLines: false });

  it('still refuses a changed entry, a wrong count and broken framing', async () => {
    await expect(quick(archive('ok.zip', GOOD))).resolves.toMatchObject({ documents: 2 });
    await expect(quick(archive('changed.zip', GOOD.replace('"1"', '"7"'), GOOD))).rejects.toThrow(/SHA-256/);
    await expect(quick(archive('count.zip', GOOD, GOOD, 3))).rejects.toThrow(/2 Dokumente, laut Manifest 3/);
    await expect(quick(archive('framing.zip', GOOD.replace('},\n{"_id":{"$oid":"65f0c0ffee00000000000002', '}\n{"_id":{"$oid":"65f0c0ffee00000000000002')))).rejects.toThrow(
      /fehlendes Komma/,
    );
  });

  it('does not parse the lines: that is the difference to a full verification', async () => {
    const file = archive('not-ejson.zip', NOT_EJSON);
    await expect(quick(file)).resolves.toMatchObject({ documents: 2 });
    await expect(verifyArchive(file)).rejects.toThrow(/Zeile 3: kein gültiges Extended JSON/);
  });
});
