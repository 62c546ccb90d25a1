import { describe, expect, it } from 'vitest';
import { explainUnparsableUrl, maskConnectionUrl, startDatabase } from '../src/index.js';
import { createTestDatabase } from '../src/testing/index.js';

/** Issue #8 item 10: a credential is never printed, in any URL form; a URL that does not parse is explained. */
describe('maskConnectionUrl', () => {
  it.each([
    ['userinfo', 'postgres://goals:s3cret@db:5432/goals', 'postgres://goals:****@db:5432/goals'],
    ['query parameter', 'postgres://goals@db:5432/goals?password=s3cret&sslmode=require', 'postgres://goals@db:5432/goals?password=****&sslmode=require'],
    ['ssl key password', 'postgres://goals@db/goals?sslpassword=s3cret', 'postgres://goals@db/goals?sslpassword=****'],
    ['a # in the password (does not parse)', 'postgres://goals:s3#cret@db:5432/goals', 'postgres://goals:****@db:5432/goals'],
    ['an @ in the password (the last @ ends the userinfo)', 'postgres://goals:s3@cret@db/goals', 'postgres://goals:****@db/goals'],
    ['keyword/value', "host=db user=goals password=s3cret dbname=goals", 'host=db user=goals password=**** dbname=goals'],
    ['keyword/value, quoted', "host=db password='s3 cret' dbname=goals", 'host=db password=**** dbname=goals'],
  ])('masks the %s form', (_form, url, masked) => {
    expect(maskConnectionUrl(url)).toBe(masked);
    expect(maskConnectionUrl(url)).not.toMatch(/s3|cret/);
  });
});

describe('a connection string that does not parse', () => {
  it('is explained (percent-encode), with the password masked, instead of "Invalid URL"', async () => {
    const url = 'postgres://goals:s3#cret@127.0.0.1:1/goals';
    expect(explainUnparsableUrl(url)).toContain('%23');
    const error = await startDatabase({ databaseUrl: url }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DATABASE_URL_INVALID' });
    expect((error as Error).message).toContain('# as %23');
    expect((error as Error).message).not.toMatch(/s3|cret/);
    expect(explainUnparsableUrl('postgres://goals@db/goals')).toBeUndefined();
  });
});

describe('startDatabase prints no password given as ?password=', () => {
  it('logs the URL it uses with the query password masked', async () => {
    const database = await createTestDatabase();
    try {
      const url = new URL(database.url);
      const password = decodeURIComponent(url.password);
      url.password = '';
      // trust-auth servers accept any password; scram ones need the real one — either way it must not be printed
      url.searchParams.set('password', password === '' ? 'not-printed-secret' : password);
      const lines: string[] = [];
      const started = await startDatabase({ databaseUrl: url.toString(), log: (line) => lines.push(line) });
      await started.stop();
      expect(lines.join('\n')).toContain('password=****');
      expect(lines.join('\n')).not.toContain(`password=${url.searchParams.get('password') ?? ''}`);
    } finally {
      await database.drop();
    }
  });
});
